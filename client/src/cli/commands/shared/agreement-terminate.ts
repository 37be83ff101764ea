/**
 * `rdx agreement terminate`: ends an agreement with a reason and the date notice was given; its grants end.
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
  summary: '终止协议 terminate an agreement with notice; its grants end',
  args: ['<id>'],
  options: [
    { flags: '--reason <text>', description: '理由 reason', required: true },
    {
      flags: '--notice-date <date>',
      description: '通知日期 the day notice was given, YYYY-MM-DD (default today)',
    },
  ],
  async run(ctx, inv) {
    const reason = requireReason(reqString(inv.opts, 'reason'), '--reason');
    const noticeDate = optString(inv.opts, 'noticeDate') ?? chinaToday();
    const id = arg(inv, 0);
    if (ctx.identityName) {
      const c = await ctx.ledger().agreement.terminate({ id, reason, noticeDate });
      return {
        data: committedData('agreement', c),
        lines: [
          `${TERMS.agreement} ${id} → ${stateLabel(c.value.state)}`,
          ...agreementLines(c.value),
          txLine(c),
        ],
      };
    }
    const w = await ctx.enterprise(true).terminateAgreement({ agreementId: id, reason, noticeDate });
    return relayedResult('agreement', w, [`${TERMS.agreement} ${id} → ${stateLabel(w.data.state)}`]);
  },
});
