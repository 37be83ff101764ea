/** `rdx aggregate`: computed results (Z20(3)) — counts, sums, averages over groups of at least k rows. */
import { arg, commaList, defineCommand, optList, optString } from '../../command.js';
import { table } from '../../output.js';
import { TERMS } from '../../terms.js';
import { InputError } from '../../../sdk/errors.js';
import type { AggregateQuery } from '../../../sdk/gateway-api.js';

/** `count`, `sum:item`, `avg:item` → a measure. */
export function parseMeasure(text: string): { op: 'count' | 'sum' | 'avg'; item?: string } {
  const [op, item] = text.split(':');
  if (op === 'count' && item === undefined) return { op };
  if ((op === 'sum' || op === 'avg') && item) return { op, item };
  throw new InputError('INVALID_ARGUMENT', `--measure "${text}" must be count, sum:<item> or avg:<item>`);
}

function cell(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === null || value === undefined ? '' : JSON.stringify(value);
}

export default defineCommand({
  path: ['aggregate'],
  roles: ['enterprise'],
  summary:
    '算法模型获取结果数据 computed results: count/sum/avg grouped by granted items; small groups suppressed',
  args: ['<dataset>'],
  options: [
    { flags: '--group-by <items>', description: 'comma-separated items to group by (not personal items)' },
    {
      flags: '--measure <m>',
      description: 'count | sum:<item> | avg:<item>; repeatable (default count)',
      repeatable: true,
    },
    { flags: '--filter <expr>', description: 'item:op:value[,…]' },
  ],
  async run(ctx, inv) {
    const measures = optList(inv.opts, 'measure').map(parseMeasure);
    const query: AggregateQuery = {
      groupBy: commaList(optString(inv.opts, 'groupBy')) ?? [],
      measures: measures.length ? measures : [{ op: 'count' }],
      filter: optString(inv.opts, 'filter'),
    };
    const result = await ctx.enterprise().aggregate(arg(inv, 0), query);
    const columns = result.data.length ? Object.keys(result.data[0]!) : [];
    return {
      data: result,
      lines: [
        `${TERMS.computedResults}: ${result.data.length} groups, ${result.suppressedGroups ?? 'others'} suppressed (< ${result.minGroupSize ?? 'k'} rows${result.suppressedGroups === null ? ', or too few for the privacy of restricted data' : ''}) · requestId=${result.requestId}`,
        ...table(
          columns,
          result.data.map((row) => columns.map((c) => cell(row[c]))),
        ),
      ],
    };
  },
});
