/**
 * `rdx grant rectify`: whoever suspended a grant for a violation or a rectification (or the bureau) sets the day
 * the enterprise must have rectified by (Z39 整改意见); past it, the suspension is an overdue item.
 */
import { arg, defineCommand, reqString } from '../../command.js';
import { grantChanged } from '../../format.js';
import { requireDate } from '../../../sdk/inputs.js';

export default defineCommand({
  path: ['grant', 'rectify'],
  roles: ['body', 'bureau'],
  summary: '整改期限 set the day a suspended grant must be rectified by (Z39)',
  args: ['<id>'],
  options: [{ flags: '--by <date>', description: '整改期限 YYYY-MM-DD, after today', required: true }],
  async run(ctx, inv) {
    const c = await ctx
      .ledger()
      // Checked here too, so a wrong date names the option the user typed rather than the SDK's field.
      .grant.requireRectification({
        id: arg(inv, 0),
        rectifyBy: requireDate(reqString(inv.opts, 'by'), '--by'),
      });
    return grantChanged(c);
  },
});
