/**
 * `rdx credit propose`: the facts on the ledger about an enterprise in a period — violations, upheld complaints,
 * missed duties, timely reports, each with its ids — and the grade they support (L24). Nothing is written.
 */
import { defineCommand, reqString } from '../../command.js';
import { creditBasisLines } from '../../format.js';
import { TERMS } from '../../terms.js';
import { requireUserCode } from '../../../sdk/person.js';

export default defineCommand({
  path: ['credit', 'propose'],
  roles: ['bureau', 'regulator'],
  summary: '信用事实 the facts behind a credit evaluation and the grade they support (L24)',
  options: [
    { flags: '--credit-code <code>', description: '统一社会信用代码 credit code', required: true },
    {
      flags: '--period <period>',
      description: '评价期 period: a year (2026) or a quarter (2026Q4)',
      required: true,
    },
  ],
  async run(ctx, { opts }) {
    const f = await ctx
      .ledger()
      .duty.proposeCreditEvaluation(
        requireUserCode(reqString(opts, 'creditCode'), '--credit-code'),
        reqString(opts, 'period'),
      );
    const idLines = Object.entries(f.ids).flatMap(([kind, ids]) => ids.map((id) => `    ${kind}: ${id}`));
    return {
      data: f,
      lines: [`${TERMS.creditEvaluation} ${f.creditCode} ${f.period}`, ...creditBasisLines(f), ...idLines],
    };
  },
});
