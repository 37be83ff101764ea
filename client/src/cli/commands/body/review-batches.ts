/**
 * `rdx review-batches set` and `show`: an opening body publishes the day in each quarter by which it completes
 * that quarter's owner reviews (L11(3): no later than Mar 30, Jun 30, Sep 30, Dec 30); its reviews are due by the
 * next of them, or 15 working days after acceptance if that comes first.
 */
import { arg, defineCommand, reqString } from '../../command.js';
import { committedData, txLine } from '../../format.js';
import { requireInt } from '../../../sdk/inputs.js';

export const setReviewBatches = defineCommand({
  path: ['review-batches', 'set'],
  roles: ['body'],
  summary: '审核批次 publish this body’s quarterly review batch days of a year (L11(3))',
  args: ['<year>'],
  options: [
    {
      flags: '--days <d1,d2,d3,d4>',
      description: 'one day per quarter, YYYY-MM-DD, no later than Mar 30, Jun 30, Sep 30, Dec 30',
      required: true,
    },
  ],
  async run(ctx, inv) {
    const days = reqString(inv.opts, 'days')
      .split(',')
      .map((d) => d.trim());
    const c = await ctx.ledger().platform.setReviewBatches(requireInt(arg(inv, 0), 'year', 2000, 2100), days);
    return {
      data: committedData('batches', c),
      lines: [
        `审核批次 review batches ${c.value.body} ${c.value.year}: ${c.value.days.join(' ')}`,
        txLine(c),
      ],
    };
  },
});

export const showReviewBatches = defineCommand({
  path: ['review-batches', 'show'],
  roles: ['bureau', 'body', 'regulator'],
  summary: '审核批次 an opening body’s review batch days of a year',
  args: ['<body>', '<year>'],
  async run(ctx, inv) {
    const b = await ctx
      .ledger()
      .platform.getReviewBatches(arg(inv, 0), requireInt(arg(inv, 1), 'year', 2000, 2100));
    return { data: b, lines: [`审核批次 review batches ${b.body} ${b.year}: ${b.days.join(' ')}`] };
  },
});
