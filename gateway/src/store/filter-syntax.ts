/**
 * The data API's filter syntax, `item:op:value,…`, parsed into typed filters against a dataset's items.
 */
import { ValueProblem, checkItems, fromText, quoteForMessage } from '@rdx/client/dataset-format';
import { FILTER_OPS, MAX_FILTERS, QueryError, checkValue, itemMap, planFilter } from './query-plan.js';
import type { Filter, FilterOp, ItemSpec } from './dataset-types.js';

function typedFilterText(raw: string, spec: ItemSpec, where: string): string | number | boolean {
  if (raw === '') throw new QueryError(`${where}: the value is empty`);
  try {
    return fromText(raw, spec.type) as string | number | boolean;
  } catch (e) {
    if (e instanceof ValueProblem)
      throw new QueryError(`${where}: ${spec.name} is a ${spec.type} item; ${e.message}`);
    throw e;
  }
}

/**
 * Parses the HTTP filter syntax `item:op:value,item2:op:value` (already URL-decoded), e.g.
 * `registered_on:ge:2020-01-01`, `district:in:莲都区|青田县`, `entity_name:prefix:丽水`, typing each value by its
 * item. A value may contain ":" but not "," (nor "|" in an `in` list). An empty expression is no filter.
 *
 * @throws QueryError naming the part at fault.
 */
export function parseFilter(expr: string, items: ItemSpec[]): Filter[] {
  const specs = itemMap(checkItems(items));
  if (expr.trim() === '') return [];
  const parts = expr.split(',');
  if (parts.length > MAX_FILTERS) throw new QueryError(`at most ${MAX_FILTERS} filters may be given`);
  return parts.map((part, n): Filter => {
    const where = `filter part ${n + 1} ${quoteForMessage(part)}`;
    const a = part.indexOf(':');
    const b = a < 0 ? -1 : part.indexOf(':', a + 1);
    if (b < 0) throw new QueryError(`${where}: expected item:op:value`);
    const item = part.slice(0, a);
    const op = part.slice(a + 1, b);
    const raw = part.slice(b + 1);
    const spec = specs.get(item);
    if (!spec) throw new QueryError(`${where}: unknown item ${quoteForMessage(item)}`);
    if (!FILTER_OPS.includes(op as FilterOp))
      throw new QueryError(
        `${where}: unknown operator ${quoteForMessage(op)} (one of ${FILTER_OPS.join(', ')})`,
      );
    const filter: Filter = {
      item,
      op: op as FilterOp,
      value:
        op === 'prefix'
          ? raw
          : op === 'in'
            ? (raw.split('|').map((v) => typedFilterText(v, spec, where)) as (string | number)[])
            : typedFilterText(raw, spec, where),
    };
    // The checks a query applies (operator fits the type, …), made now so the error names the part.
    planFilter(filter, specs, where, checkValue);
    return filter;
  });
}
