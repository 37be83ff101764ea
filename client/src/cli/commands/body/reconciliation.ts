/**
 * `rdx reconciliation`: an opening body sets the usage reports under its agreements (L7) beside the calls the
 * gateway served on their grants in each period (L21), largest difference first. The request to the gateway is
 * signed with the `--as` Fabric identity (the body's admin or a reviewer); the bureau and regulators read every
 * body's at the gateway's regulator API and console.
 */
import { defineCommand } from '../../command.js';
import { table } from '../../output.js';

export default defineCommand({
  path: ['reconciliation'],
  roles: ['body'],
  summary: '用量核对 usage reports under the body’s agreements beside the calls the gateway served (L7, L21)',
  async run(ctx) {
    const signer = ctx.ledger().connection.identity;
    const result = await ctx.publicGateway().usageReconciliation(signer);
    const lines = result.data.length
      ? table(
          ['report', 'enterprise', 'period', 'reported', 'served', 'difference'],
          result.data.map((r) => [
            r.reportId,
            r.enterpriseName || r.creditCode,
            r.period,
            String(r.reported),
            r.served === undefined ? '—' : String(r.served),
            r.difference === undefined ? (r.note ?? '—') : String(r.difference),
          ]),
        )
      : [`${result.body}: 利用情况报告 usage reports 无 none`];
    if (result.truncated)
      lines.push(`注意 note: the gateway read ${result.scanned} access-log records and stopped at its limit`);
    return { data: result, lines };
  },
});
