/**
 * Revoking a person's or a client's certificates: a staff member leaves a body, or a key leaked. `certs revoke
 * <identity> --org <MSP>` gives the identity new keys and certificates (for whoever holds it next), revokes every
 * other certificate the org's CA issued it (replaceAndRevoke), and puts the CA's revocation list where each check
 * of the org's certificates reads it:
 *
 * - the org's MSP in the channel's configuration (a config update the org's admin alone signs), which every
 *   peer and orderer checks each proposal, transaction and block request against, on every host, and from which
 *   the bureau's gateway reads it for signed admin requests;
 * - the org's peers' own MSPs (restarted), which check the requests an admin makes of its own peer outside the
 *   channel, such as installing a chaincode package;
 * - the org's MSP folder here, from which a later channel update and `org export` take it, and the gateway's
 *   folder of roots (`<MSPID>.crl`) where this host runs the gateway.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeFileAtomic } from '@rdx/client';
import { endRevocation, replaceAndRevoke } from './ca.js';
import { restartNode, restartServices } from './certificates.js';
import { CLERK_PROCESS } from './clerk-process.js';
import { channelMembers, prepareRevocationList, submitUpdate } from './consortium/channel-config.js';
import { exportOrg, isLocalOrg } from './consortium/org-definition.js';
import type { NetworkContext } from './context.js';
import { writeWallet } from './ledger-client.js';
import { setUpLedger } from './ledger-setup.js';
import { GATEWAY_PROCESS, PlatformError, runsGatewayHere, startProcess, writeMspRoots } from './platform.js';
import { nodesOf, orgOf } from './topology.js';

/** The services that run as an identity: revoking it restarts them with its new pair. */
const SERVICE_OF: Record<string, typeof GATEWAY_PROCESS | typeof CLERK_PROCESS> = {
  'BureauMSP gateway': GATEWAY_PROCESS,
  'BureauMSP clerk': CLERK_PROCESS,
};

/**
 * Revokes `name`'s certificates of `mspId` (see above); returns the serial numbers revoked, and when the
 * revocation it finished had begun, if a run before was cut short.
 */
export async function revokeIdentity(
  ctx: NetworkContext,
  mspId: string,
  name: string,
): Promise<{ serials: string[]; resumed?: string }> {
  const org = orgOf(ctx.topology, mspId);
  if (!isLocalOrg(ctx.paths, org))
    throw new PlatformError(`${mspId} is not this home's: revoke its certificates on its own host`);
  if (org.kind !== 'peer')
    throw new PlatformError(
      `${mspId} runs no peer: certs revoke changes an org's MSP in the channel through its own peer, as its admin`,
    );
  const id = org.identities.find((i) => i.name === name);
  if (!id)
    throw new PlatformError(
      `${mspId} has no identity ${name}: its identities are ${org.identities.map((i) => i.name).join(', ')}`,
    );
  if (id.type === 'peer' || id.type === 'orderer')
    throw new PlatformError(
      `${name} is a node: its certificate names its host and its key is what consenters and chaincode servers know it by; renew it (certs renew --org ${mspId}) and keep its key safe`,
    );
  const ca = nodesOf(ctx.topology, 'ca', mspId)[0]!;
  await startProcess(ctx, ca);
  const { revoked, revocationList, resumed } = await replaceAndRevoke(ctx.install, ctx.paths, org, ca, id);
  if (resumed)
    ctx.log(
      `  a revocation of ${name} begun ${resumed} did not finish: finishing it, keeping the pair it enrolled (run certs revoke again to revoke that pair too)`,
    );
  ctx.log(
    `  ${name} of ${mspId}: new keys; revoked ${revoked.map((c) => c.serialNumber).join(', ') || 'nothing more'}`,
  );
  writeWallet(ctx.paths, ctx.topology);

  // Every check of the channel first: it is what the other members' peers and the orderers go by.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-revocation-'));
  try {
    const update = path.join(scratch, 'update.pb');
    await prepareRevocationList(ctx, org, revocationList, update);
    await submitUpdate(ctx, update, org);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  ctx.log(`  ${mspId}'s revocation list is in the channel's configuration`);

  // Then this host's own copies: the org's MSP, its peers' MSPs (read at their start), the gateway's roots.
  const files = [
    ctx.paths.orgRevocationList(org.short),
    ...nodesOf(ctx.topology, 'peer', mspId).map((n) =>
      ctx.paths.revocationList(ctx.paths.identityMsp(org.short, n.name.split('.')[0]!)),
    ),
  ];
  for (const file of files) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeFileAtomic(file, revocationList);
  }
  if (runsGatewayHere(ctx)) writeMspRoots(ctx);
  exportOrg(ctx, mspId);
  const members = (await channelMembers(ctx)).length;
  for (const peer of nodesOf(ctx.topology, 'peer', mspId)) await restartNode(ctx, peer, members);
  const service = SERVICE_OF[`${mspId} ${name}`];
  if (service === GATEWAY_PROCESS) await setUpLedger(ctx); // the ledger knows the gateway by its certificate
  if (service) await restartServices(ctx, [service]);
  endRevocation(ctx.paths, org, name);
  return { serials: revoked.map((c) => c.serialNumber), ...(resumed ? { resumed } : {}) };
}
