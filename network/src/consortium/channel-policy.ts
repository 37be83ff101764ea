/**
 * Who may change the channel and commit the chaincode's definition: a majority of the members, the bureau among
 * them. Fabric's own default (`MAJORITY Admins`) counts the bureau as one member like any body, so with two bodies
 * the two of them were a majority without it: they could loosen every policy, and then commit a definition
 * endorsed by one body's peer alone (docs/SECURITY.md row 75). Now the bureau must sign, with as many bodies as
 * make the majority with it: one of two, two of three or four. Not a majority of the bodies alone: with two, that
 * is both, and a body could then veto its own removal. Written the same way at founding (configtx.ts, as
 * configtxgen reads it) and in every membership update (channel-config.ts, as the config holds it), so that each
 * body's joining or leaving also moves the count.
 */
export const BUREAU = 'BureauMSP';

/** How many of `bodies` bodies must join the bureau for a majority of the members (bodies + 1). */
export function bodiesNeeded(bodies: number): number {
  return Math.floor((bodies + 1) / 2);
}

/** The members other than `anchor` (the org that must be among the signers), sorted. */
function othersThan(anchor: string, members: string[]): string[] {
  return members.filter((m) => m !== anchor).sort();
}

/**
 * The rule as configtx.yaml states it: `AND('BureauMSP.admin', OutOf(k, 'A.admin', …))`. `anchor` is the org
 * that must be among them: the bureau in the application; its ordering org among the orderer orgs (under BFT
 * the founding bodies run consenters too, and two of them were a majority of the three orderer orgs).
 */
export function bureauAndMajorityRule(
  members: string[],
  role: 'admin' | 'peer',
  anchor: string = BUREAU,
): string {
  const bodies = othersThan(anchor, members);
  const first = `'${anchor}.${role}'`;
  if (bodies.length === 0) return `OR(${first})`;
  return `AND(${first}, OutOf(${bodiesNeeded(bodies.length)}, ${bodies.map((b) => `'${b}.${role}'`).join(', ')}))`;
}

/** The same rule as a channel configuration holds it (a SignaturePolicyEnvelope, as configtxlator decodes it). */
export function bureauAndMajorityPolicy(members: string[], role: 'admin' | 'peer'): Record<string, unknown> {
  const principals = [BUREAU, ...othersThan(BUREAU, members)].map((mspId) => ({
    principal: { msp_identifier: mspId, role: role.toUpperCase() },
    principal_classification: 'ROLE',
  }));
  const bodies = principals.length - 1;
  const rule =
    bodies === 0
      ? { n_out_of: { n: 1, rules: [{ signed_by: 0 }] } }
      : {
          n_out_of: {
            n: 2,
            rules: [
              { signed_by: 0 },
              {
                n_out_of: {
                  n: bodiesNeeded(bodies),
                  rules: Array.from({ length: bodies }, (_, i) => ({ signed_by: i + 1 })),
                },
              },
            ],
          },
        };
  return { type: 1, value: { identities: principals, rule, version: 0 } };
}
