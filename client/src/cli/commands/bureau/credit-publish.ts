/**
 * `rdx credit publish`: the bureau publishes a credit evaluation of an enterprise (L24, public), by default with
 * the grade the ledger's facts support (`rdx credit propose`); another grade needs `--override-reason`.
 */
import { defineCommand, optString, reqString } from '../../command.js';
import { committedData, creditBasisLines, txLine } from '../../format.js';
import { TERMS } from '../../terms.js';
import { requireUserCode } from '../../../sdk/person.js';
import type { CreditEvaluationInput } from '../../../sdk/types.js';

export default defineCommand({
  path: ['credit', 'publish'],
  roles: ['bureau'],
  summary: '信用评价 publish a credit evaluation of an enterprise (public, L24)',
  options: [
    { flags: '--credit-code <code>', description: '统一社会信用代码 credit code', required: true },
    {
      flags: '--period <period>',
      description: '评价期 period: a year (2026) or a quarter (2026Q4)',
      required: true,
    },
    {
      flags: '--grade <grade>',
      description: '等级 grade (default: the one the facts support)',
      choices: ['excellent', 'good', 'fair', 'poor'],
    },
    { flags: '--override-reason <text>', description: '理由 why the grade differs from the facts’' },
    { flags: '--summary <text>', description: '评价摘要 summary', required: true },
  ],
  async run(ctx, { opts }) {
    const input: CreditEvaluationInput = {
      creditCode: requireUserCode(reqString(opts, 'creditCode'), '--credit-code'),
      period: reqString(opts, 'period'),
      grade: optString(opts, 'grade') as CreditEvaluationInput['grade'],
      overrideReason: optString(opts, 'overrideReason'),
      summary: reqString(opts, 'summary'),
    };
    const c = await ctx.ledger().duty.publishCreditEvaluation(input);
    return {
      data: committedData('evaluation', c),
      lines: [
        `${TERMS.creditEvaluation} ${c.value.id}: ${c.value.enterpriseName} ${c.value.grade}`,
        ...(c.value.basis ? creditBasisLines(c.value.basis) : []),
        ...(c.value.override
          ? [`  改判 overridden from ${c.value.override.proposedGrade}: ${c.value.override.reason}`]
          : []),
        txLine(c),
      ],
    };
  },
});
