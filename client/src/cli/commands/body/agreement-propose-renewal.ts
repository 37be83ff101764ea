/** `rdx agreement propose-renewal`: the owning body proposes a new end date before expiry. */
import { arg, defineCommand, reqString } from '../../command.js';
import { committedData, txLine } from '../../format.js';
import { TERMS } from '../../terms.js';

export default defineCommand({
  path: ['agreement', 'propose-renewal'],
  roles: ['body'],
  summary:
    '续期 propose a renewal (a new end date); the enterprise accepts with rdx agreement accept-renewal',
  args: ['<id>'],
  options: [
    { flags: '--valid-until <date>', description: '新的有效期 new last day, YYYY-MM-DD', required: true },
  ],
  async run(ctx, inv) {
    const c = await ctx
      .ledger()
      .agreement.proposeRenewal({ id: arg(inv, 0), validUntil: reqString(inv.opts, 'validUntil') });
    return {
      data: committedData('agreement', c),
      lines: [
        `${TERMS.agreement} ${c.value.id}: 续期提议 renewal proposed to ${c.value.pendingRenewal?.validUntil ?? '?'}`,
        txLine(c),
      ],
    };
  },
});
