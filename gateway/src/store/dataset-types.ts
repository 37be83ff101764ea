/**
 * The shapes the dataset stores (SQLite and PostgreSQL) share: items as the catalog declares them, rows, and
 * the queries and answers of the data API.
 */

// The items and rows a dataset file is read into belong to the reading of the file, which @rdx/client holds so
// that a client can read a file the way the gateway will.
export type { CellValue, DatasetFormat, DatasetRow, ItemSpec, ItemType } from '@rdx/client/dataset-format';

/** A filter on one item; `in` takes a list, `prefix` applies to string and date items. */
export type FilterOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge' | 'in' | 'prefix';
/** One condition of a query; all of a query's filters must hold. */
export interface Filter {
  item: string;
  op: FilterOp;
  value: string | number | boolean | (string | number)[];
}

/** A page request: `cursor` is the `nextCursor` of the previous page. */
export interface RowQuery {
  fields: string[];
  filters: Filter[];
  limit: number;
  cursor?: string;
}

/** A page of rows of one version; `nextCursor` is absent on the last page. */
export interface RowPage {
  /** Objects made for this page, holding exactly the fields asked, in their order: the caller's to change. */
  rows: Record<string, unknown>[];
  /** The version the rows are of: the current one when the page was read. */
  version: string;
  nextCursor?: string;
}

/** One computed value per group; `count` without an item counts rows, with an item its non-empty values. */
export interface Measure {
  /** count, sum and avg are what callers ask for; min and max the gateway asks itself (a sum's bound). */
  op: 'count' | 'sum' | 'avg' | 'min' | 'max';
  item?: string;
}

/** A computed-results request (计算结果): groups smaller than `minGroupSize` rows are never returned. */
export interface AggregateQuery {
  groupBy: string[];
  measures: Measure[];
  filters: Filter[];
  minGroupSize: number;
}

/**
 * Groups carry their `groupBy` values under the item names and each measure under `count(*)`, `count(item)`,
 * `sum(item)` or `avg(item)` (parentheses cannot occur in item names, so the keys never collide).
 * `suppressed` is the number of groups withheld for being smaller than `minGroupSize`.
 */
export interface AggregateResult {
  groups: Record<string, unknown>[];
  suppressed: number;
}

/** A loaded version as the ledger records it. */
export interface VersionInfo {
  version: string;
  contentHash: string;
  rowCount: number;
}
