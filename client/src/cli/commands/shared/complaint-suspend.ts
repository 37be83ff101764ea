/**
 * `rdx complaint suspend`: the owning body (or the bureau), on verifying an open complaint, suspends what it is
 * about at once (Z35 立即中止): its grant, or every active grant on its dataset.
 */
import { arg, defineCommand } from '../../command.js';
import { committedData, complaintLines, txLine } from '../../format.js';
import { stateLabel, TERMS } from '../../terms.js';

export default defineCommand({
  path: ['complaint', 'suspend'],
  roles: ['body', 'bureau'],
  summary:
    '立即中止 suspend what an open complaint is about: its grant, or every active grant on the dataset',
  args: ['<id>'],
  async run(ctx, inv) {
    const c = await ctx.ledger().complaint.suspend(arg(inv, 0));
    return {
      data: committedData('complaint', c),
      lines: [
        `${TERMS.complaint} ${c.value.id}: ${c.value.suspendedGrants ?? 0} ${TERMS.grant} → ${stateLabel('SUSPENDED')}`,
        ...complaintLines(c.value),
        txLine(c),
      ],
    };
  },
});
