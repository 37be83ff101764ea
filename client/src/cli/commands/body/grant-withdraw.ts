/** `rdx grant withdraw`: the owning body withdraws access for good (撤回). */
import { arg, defineCommand, reqString } from '../../command.js';
import { grantChanged } from '../../format.js';
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
    return grantChanged(c);
  },
});
