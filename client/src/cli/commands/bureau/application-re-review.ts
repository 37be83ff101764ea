/** `rdx application re-review`: the bureau's final decision on an application. */
import { arg, defineCommand, optString } from '../../command.js';
import { applicationLines, committedData, txLine } from '../../format.js';
import { decisionLabel, TERMS } from '../../terms.js';
import { requireOneOf, requireReason } from '../../../sdk/inputs.js';

export default defineCommand({
  path: ['application', 're-review'],
  roles: ['bureau'],
  summary: '需求复核 re-review: approve, or reject with a reason',
  args: ['<id>', '<decision>'],
  options: [{ flags: '--reason <text>', description: '理由 reason (required to reject)' }],
  help: 'decision: approve | reject',
  async run(ctx, inv) {
    const decision = requireOneOf(arg(inv, 1), 'decision', ['approve', 'reject'] as const);
    const reason = optString(inv.opts, 'reason');
    if (decision === 'reject') requireReason(reason, '--reason');
    const c = await ctx.ledger().application.reReview({ id: arg(inv, 0), decision, reason });
    return {
      data: committedData('application', c),
      lines: [`${TERMS.reReview}: ${decisionLabel(decision)}`, ...applicationLines(c.value), txLine(c)],
    };
  },
});
