/** `rdx application formal-review`: the bureau accepts an application or returns it for correction. */
import { arg, defineCommand, optString } from '../../command.js';
import { applicationLines, committedData, txLine } from '../../format.js';
import { decisionLabel, TERMS } from '../../terms.js';
import { requireOneOf, requireReason } from '../../../sdk/inputs.js';

export default defineCommand({
  path: ['application', 'formal-review'],
  roles: ['bureau'],
  summary: '规范性审查 formal review: accept, or return for correction with a reason (15 working days)',
  args: ['<id>', '<decision>'],
  options: [{ flags: '--reason <text>', description: '理由 reason (required to return)' }],
  help: 'decision: accept | return',
  async run(ctx, inv) {
    const decision = requireOneOf(arg(inv, 1), 'decision', ['accept', 'return'] as const);
    const reason = optString(inv.opts, 'reason');
    if (decision === 'return') requireReason(reason, '--reason');
    const c = await ctx.ledger().application.formalReview({ id: arg(inv, 0), decision, reason });
    return {
      data: committedData('application', c),
      lines: [`${TERMS.formalReview}: ${decisionLabel(decision)}`, ...applicationLines(c.value), txLine(c)],
    };
  },
});
