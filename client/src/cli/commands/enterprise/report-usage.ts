/** `rdx report usage`: the enterprise's periodic usage report (利用情况报告, L7). */
import { arg, defineCommand, reqString } from '../../command.js';
import { relayedResult } from '../../format.js';
import { TERMS } from '../../terms.js';
import { requireInt, sha256OfFile } from '../../../sdk/inputs.js';

export default defineCommand({
  path: ['report', 'usage'],
  roles: ['enterprise'],
  summary: '利用情况报告 usage report for an agreement (its SHA-256 goes on the ledger)',
  args: ['<agreementId>'],
  options: [
    { flags: '--period <period>', description: '报告期 period, e.g. 2026Q4', required: true },
    { flags: '--calls <n>', description: '接口调用次数 interface calls in the period', required: true },
    {
      flags: '--report-file <file>',
      description: 'the report document (kept by you; its hash is recorded)',
      required: true,
    },
  ],
  async run(ctx, inv) {
    const w = await ctx.enterprise(true).reportUsage({
      agreementId: arg(inv, 0),
      period: reqString(inv.opts, 'period'),
      callCount: requireInt(reqString(inv.opts, 'calls'), '--calls', 0, 1_000_000_000),
      reportHash: sha256OfFile(reqString(inv.opts, 'reportFile'), 'report'),
    });
    return relayedResult('duty', w, [`${TERMS.usageReport} ${w.data.id} 已报送 recorded`]);
  },
});
