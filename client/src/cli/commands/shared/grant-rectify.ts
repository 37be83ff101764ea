/**
 * `rdx grant rectify`: whoever suspended a grant for a violation or a rectification (or the bureau) sets the day
 * the enterprise must have rectified by (Z39 整改意见); past it, the suspension is an overdue item.
 */
import { arg, defineCommand, reqString } from '../../command.js';
import { grantChanged } from '../../format.js';

export default defineCommand({
  path: ['grant', 'rectify'],
  roles: ['body', 'bureau'],
  summary: '整改期限 set the day a suspended grant must be rectified by (Z39)',
  args: ['<id>'],
  options: [{ flags: '--by <date>', description: '整改期限 YYYY-MM-DD, after today', required: true }],
  async run(ctx, inv) {
    const c = await ctx
      .ledger()
      .grant.requireRectification({ id: arg(inv, 0), rectifyBy: reqString(inv.opts, 'by') });
    return grantChanged(c);
  },
});
