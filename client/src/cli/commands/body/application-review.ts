/** `rdx application review`: an opening body's owner review of the demands for its datasets. */
import { arg, defineCommand, optString } from '../../command.js';
import { applicationLines, committedData, txLine } from '../../format.js';
import { decisionLabel, TERMS } from '../../terms.js';
import { requireOneOf, requireReason } from '../../../sdk/inputs.js';

export default defineCommand({
  path: ['application', 'review'],
  roles: ['body'],
  summary:
    '需求审核 owner review: approve, reject with a reason, or escalate a disputed demand to coordination',
  args: ['<id>', '<decision>'],
  options: [
    {
      flags: '--reason <text>',
      description: '理由 reason (required to reject or escalate: a rejection without reason is invalid, L11)',
    },
  ],
  help: 'decision: approve | reject | escalate',
  async run(ctx, inv) {
    const decision = requireOneOf(arg(inv, 1), 'decision', ['approve', 'reject', 'escalate'] as const);
    const reason = optString(inv.opts, 'reason');
    if (decision !== 'approve') requireReason(reason, '--reason');
    const c = await ctx.ledger().application.ownerReview({ id: arg(inv, 0), decision, reason });
    return {
      data: committedData('application', c),
      lines: [`${TERMS.ownerReview}: ${decisionLabel(decision)}`, ...applicationLines(c.value), txLine(c)],
    };
  },
});
