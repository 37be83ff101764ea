/** `rdx enterprise expire-rating`: marks a rating past its validity as expired and suspends the grants. */
import { arg, defineCommand } from '../../command.js';
import { committedData, txLine } from '../../format.js';
import { stateLabel, TERMS } from '../../terms.js';

export default defineCommand({
  path: ['enterprise', 'expire-rating'],
  roles: ['bureau'],
  summary: '评级过期 expire a rating whose validity has passed; the active grants are suspended',
  args: ['<creditCode>'],
  async run(ctx, inv) {
    const c = await ctx.ledger().enterprise.expireRating(arg(inv, 0));
    return {
      data: committedData('change', c),
      lines: [
        `${TERMS.rating} ${c.value.enterprise.creditCode} 已过期 expired (valid until ${c.value.enterprise.rating.validUntil})`,
        `  ${TERMS.grant} ${stateLabel('SUSPENDED')}: ${c.value.suspendedGrants.join(', ') || '—'}`,
        txLine(c),
      ],
    };
  },
});
