/** `rdx enterprise rate`: the bureau rates an enterprise again; below AA its active grants are suspended. */
import { arg, defineCommand } from '../../command.js';
import { committedData, enterpriseLines, txLine } from '../../format.js';
import { stateLabel, TERMS } from '../../terms.js';
import { requireUserCode } from '../../../sdk/person.js';
import { RATING_OPTIONS, ratingFrom } from './rating-options.js';

export default defineCommand({
  path: ['enterprise', 'rate'],
  roles: ['bureau'],
  summary: '重新评级 rate an enterprise again; below AA its active grants are suspended at once',
  args: ['<creditCode>'],
  options: RATING_OPTIONS,
  async run(ctx, inv) {
    const creditCode = requireUserCode(arg(inv, 0), 'creditCode');
    const c = await ctx.ledger().enterprise.rate({ creditCode, rating: ratingFrom(inv.opts) });
    const suspended = c.value.suspendedGrants;
    return {
      data: committedData('change', c),
      lines: [
        `${TERMS.rating} ${creditCode} → ${c.value.enterprise.rating.level}`,
        ...enterpriseLines(c.value.enterprise),
        ...(suspended.length ? [`  ${TERMS.grant} ${stateLabel('SUSPENDED')}: ${suspended.join(', ')}`] : []),
        txLine(c),
      ],
    };
  },
});
