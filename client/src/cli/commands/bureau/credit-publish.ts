/** `rdx credit publish`: the bureau publishes a credit evaluation of an enterprise (L24, public). */
import { defineCommand, reqString } from '../../command.js';
import { committedData, txLine } from '../../format.js';
import { TERMS } from '../../terms.js';
import { requireCreditCode } from '../../../sdk/inputs.js';
import type { CreditEvaluationInput } from '../../../sdk/types.js';

export default defineCommand({
  path: ['credit', 'publish'],
  roles: ['bureau'],
  summary: '信用评价 publish a credit evaluation of an enterprise (public, L24)',
  options: [
    { flags: '--credit-code <code>', description: '统一社会信用代码 credit code', required: true },
    { flags: '--period <period>', description: '评价期 period, e.g. 2026Q4', required: true },
    {
      flags: '--grade <grade>',
      description: '等级 grade',
      choices: ['excellent', 'good', 'fair', 'poor'],
      required: true,
    },
    { flags: '--summary <text>', description: '评价摘要 summary', required: true },
  ],
  async run(ctx, { opts }) {
    const input: CreditEvaluationInput = {
      creditCode: requireCreditCode(reqString(opts, 'creditCode'), '--credit-code'),
      period: reqString(opts, 'period'),
      grade: reqString(opts, 'grade') as CreditEvaluationInput['grade'],
      summary: reqString(opts, 'summary'),
    };
    const c = await ctx.ledger().duty.publishCreditEvaluation(input);
    return {
      data: committedData('evaluation', c),
      lines: [
        `${TERMS.creditEvaluation} ${c.value.id}: ${c.value.enterpriseName} ${c.value.grade}`,
        txLine(c),
      ],
    };
  },
});
