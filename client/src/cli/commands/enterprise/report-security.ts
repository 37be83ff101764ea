/** `rdx report security`: the enterprise reports a security issue (L18). */
import { arg, defineCommand, reqString } from '../../command.js';
import { relayedResult } from '../../format.js';
import { TERMS } from '../../terms.js';
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
    return relayedResult('duty', w, [`${TERMS.securityIssue} ${w.data.id} 已报告 recorded`]);
  },
});
