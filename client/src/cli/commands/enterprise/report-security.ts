/**
 * `rdx report security`: the enterprise reports a security issue (L18). Each grant of the agreement is put on the
 * complaint path for the owning body to verify (L17): the complaints it opened are listed.
 */
import { arg, defineCommand, reqString } from '../../command.js';
import { relayedResult } from '../../format.js';
import { stateLabel, TERMS } from '../../terms.js';
import { sha256OfFile } from '../../../sdk/inputs.js';
import type { SecurityIssue } from '../../../sdk/gateway-api.js';

export default defineCommand({
  path: ['report', 'security'],
  roles: ['enterprise'],
  summary: '安全问题报告 report a security issue under an agreement (L18)',
  args: ['<agreementId>'],
  options: [
    {
      flags: '--severity <level>',
      description: '严重程度 severity',
      choices: ['low', 'medium', 'high', 'critical'],
      required: true,
    },
    {
      flags: '--description-file <file>',
      description: 'the description (kept by you; its hash is recorded)',
      required: true,
    },
  ],
  async run(ctx, inv) {
    const w = await ctx.enterprise(true).reportSecurityIssue({
      agreementId: arg(inv, 0),
      severity: reqString(inv.opts, 'severity') as SecurityIssue['severity'],
      descriptionHash: sha256OfFile(reqString(inv.opts, 'descriptionFile'), 'description'),
    });
    const opened = (w.data.detail.complaints as string[] | undefined) ?? [];
    return relayedResult('duty', w, [
      `${TERMS.securityIssue} ${w.data.id} 已报告 recorded`,
      ...opened.map(
        (id) =>
          `  ${TERMS.complaint} ${id} → ${stateLabel('OPEN')} (待开放主体核实 for the opening body to verify)`,
      ),
    ]);
  },
});
