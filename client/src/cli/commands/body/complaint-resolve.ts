/** `rdx complaint resolve`: the owning body's outcome of a complaint. */
import { arg, defineCommand, reqString } from '../../command.js';
import { committedData, complaintLines, txLine } from '../../format.js';
import { decisionLabel, TERMS } from '../../terms.js';
import { requireOneOf, requireReason } from '../../../sdk/inputs.js';

export default defineCommand({
  path: ['complaint', 'resolve'],
  roles: ['body'],
  summary:
    '办结 resolve a complaint: withdraw 撤回, restore 恢复开放, reopen 处理后再开放, upheld 已处理, or dismiss 不予支持',
  args: ['<id>', '<decision>'],
  options: [{ flags: '--note <text>', description: '处理说明 what was found and done', required: true }],
  help: 'decision: withdraw | restore | reopen (every grant suspended for it) | upheld (handled, nothing suspended) | dismiss',
  async run(ctx, inv) {
    const decision = requireOneOf(arg(inv, 1), 'decision', [
      'withdraw',
      'restore',
      'reopen',
      'upheld',
      'dismiss',
    ] as const);
    const note = requireReason(reqString(inv.opts, 'note'), '--note');
    const c = await ctx.ledger().complaint.resolve({ id: arg(inv, 0), decision, note });
    return {
      data: committedData('complaint', c),
      lines: [
        `${TERMS.complaint} ${c.value.id}: ${decisionLabel(decision)}`,
        ...complaintLines(c.value),
        txLine(c),
      ],
    };
  },
});
