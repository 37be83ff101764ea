/** `rdx grant withdraw`: the owning body withdraws access for good (撤回). */
import { arg, defineCommand, reqString } from '../../command.js';
import { committedData, grantLines, txLine } from '../../format.js';
import { stateLabel, TERMS } from '../../terms.js';
import { requireReason } from '../../../sdk/inputs.js';

export default defineCommand({
  path: ['grant', 'withdraw'],
  roles: ['body'],
  summary: '撤回 withdraw a grant for good (owning body only)',
  args: ['<id>'],
  options: [{ flags: '--note <text>', description: '理由 reason', required: true }],
  async run(ctx, inv) {
    const note = requireReason(reqString(inv.opts, 'note'), '--note');
    const c = await ctx.ledger().grant.withdraw({ id: arg(inv, 0), note });
    return {
      data: committedData('grant', c),
      lines: [
        `${TERMS.grant} ${c.value.id} → ${stateLabel(c.value.state)}`,
        ...grantLines(c.value),
        txLine(c),
      ],
    };
  },
});
