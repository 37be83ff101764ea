/**
 * `rdx agreement terminate`: notice of termination with a reason and the date notice was given. It takes effect
 * after the agreement's notice period (annex 4; at once when that day has come), when its grants end.
 * With --as it acts on the ledger for the owning body or the bureau; without, for the enterprise through the
 * gateway (signed with its key).
 */
import { arg, defineCommand, optString, reqString } from '../../command.js';
import { agreementLines, committedData, relayedResult, txLine } from '../../format.js';
import { stateLabel, TERMS } from '../../terms.js';
import { chinaToday, requireReason } from '../../../sdk/inputs.js';

export default defineCommand({
  path: ['agreement', 'terminate'],
  roles: ['body', 'bureau', 'enterprise'],
  summary: '终止协议 give notice of termination; it takes effect after the notice period, its grants with it',
  args: ['<id>'],
  options: [
    { flags: '--reason <text>', description: '理由 reason', required: true },
    {
      flags: '--notice-date <date>',
      description:
        '通知日期 the day notice was given, YYYY-MM-DD (default today; at most 7 days back, not before the agreement was in force)',
    },
  ],
  async run(ctx, inv) {
    const reason = requireReason(reqString(inv.opts, 'reason'), '--reason');
    const noticeDate = optString(inv.opts, 'noticeDate') ?? chinaToday();
    const id = arg(inv, 0);
    const effect = (a: { state: string; termination?: { effectiveOn?: string } }): string =>
      a.state === 'TERMINATED'
        ? stateLabel(a.state)
        : `${stateLabel(a.state)}; 终止生效 ends on ${a.termination?.effectiveOn ?? '?'}`;
    if (ctx.identityName) {
      const c = await ctx.ledger().agreement.terminate({ id, reason, noticeDate });
      return {
        data: committedData('agreement', c),
        lines: [`${TERMS.agreement} ${id} → ${effect(c.value)}`, ...agreementLines(c.value), txLine(c)],
      };
    }
    const w = await ctx.enterprise(true).terminateAgreement({ agreementId: id, reason, noticeDate });
    return relayedResult('agreement', w, [`${TERMS.agreement} ${id} → ${effect(w.data)}`]);
  },
});
