/**
 * What the dataset stores share whatever database holds the rows (SQLite in sqlite-dataset-store.ts, PostgreSQL
 * in pg-dataset-store.ts): the checks of identifiers and loads (the items' check is @rdx/client's, with the
 * reading of a dataset file); the checks of a query's fields, filters,
 * measures and limits, turned into plans each store writes in its own SQL; the signed cursors; and the errors.
 * Pure: nothing here touches a database. Both stores therefore accept and refuse exactly the same requests, with
 * the same messages.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ITEM_NAME, NUL_IN_TEXT, checkItems, isRealDate, quoteForMessage } from '@rdx/client/dataset-format';
import { KeyedSha256 } from '../lib/keyed-sha256.js';
import type {
  AggregateQuery,
  DatasetFormat,
  FilterOp,
  ItemSpec,
  RowQuery,
  VersionInfo,
} from './dataset-types.js';

/** Largest page a query may ask for. */
export const MAX_PAGE_SIZE = 10_000;
/** Most groups an aggregate may return (after suppression); more means the grouping is too fine. */
export const MAX_GROUPS = 10_000;
/** Most filters in one query and most values in one `in` list. */
export const MAX_FILTERS = 20;
export const MAX_IN_VALUES = 1_000;

/** A query the store refuses: unknown item, value of the wrong type, bad cursor, … (a 400 for the gateway). */
export class QueryError extends Error {
  override name = 'QueryError';
}

/** The dataset has no version loaded in this store (a 404 for the gateway). */
export class DatasetNotLoadedError extends Error {
  override name = 'DatasetNotLoadedError';
  constructor(readonly datasetId: string) {
    super(`dataset ${datasetId} has no version loaded in the gateway`);
  }
}

/** A version was loaded before with other bytes or items: versions are immutable once loaded. */
export class VersionConflictError extends Error {
  override name = 'VersionConflictError';
}

export const FILTER_OPS: readonly FilterOp[] = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'in', 'prefix'];
const IDENT = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

// ---------------------------------------------------------------------------------------------------------
// Values

function describe(v: unknown): string {
  return typeof v === 'string'
    ? `the string ${quoteForMessage(v)}`
    : Array.isArray(v)
      ? 'a list'
      : `${typeof v} ${String(v)}`;
}

/** Checks one filter value against its item's type; `where` names the filter in the error. */
export function checkValue(v: unknown, spec: ItemSpec, where: string): string | number | boolean {
  switch (spec.type) {
    case 'string':
      if (typeof v !== 'string')
        throw new QueryError(`${where}: ${spec.name} is a text item; ${describe(v)} is not text`);
      if (v.includes('\0')) throw new QueryError(`${where}: ${NUL_IN_TEXT}`);
      return v;
    case 'date':
      if (typeof v !== 'string' || !isRealDate(v))
        throw new QueryError(
          `${where}: ${spec.name} is a date item; ${describe(v)} is not a date YYYY-MM-DD`,
        );
      return v;
    case 'integer':
      if (typeof v !== 'number' || !Number.isSafeInteger(v))
        throw new QueryError(`${where}: ${spec.name} is an integer item; ${describe(v)} is not an integer`);
      return v;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v))
        throw new QueryError(`${where}: ${spec.name} is a number item; ${describe(v)} is not a number`);
      return v;
    case 'boolean':
      if (typeof v !== 'boolean')
        throw new QueryError(`${where}: ${spec.name} is a boolean item; ${describe(v)} is not true or false`);
      return v;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Items

/** The items by name. */
export function itemMap(items: readonly ItemSpec[]): Map<string, ItemSpec> {
  return new Map(items.map((i) => [i.name, i]));
}

/** An item name as a quoted SQL identifier (the same quoting in SQLite and PostgreSQL). */
export function quoteIdent(name: string): string {
  // Belt and braces: names reach here only after the item check, and a quoted identifier cannot end early.
  if (!ITEM_NAME.test(name)) throw new QueryError(`"${name}" is not an item name`);
  return `"${name}"`;
}

/** The item `name` names. @throws QueryError, with `what` first, when it names none. */
export function knownItem(name: unknown, byName: Map<string, ItemSpec>, what: string): ItemSpec {
  const spec = typeof name === 'string' ? byName.get(name) : undefined;
  if (!spec) throw new QueryError(`${what}: unknown item ${JSON.stringify(name)}`);
  return spec;
}

/** The items a list names, each once. */
export function distinctItems(names: unknown, byName: Map<string, ItemSpec>, what: string): ItemSpec[] {
  if (!Array.isArray(names)) throw new QueryError(`${what} must be a list of item names`);
  const seen = new Set<string>();
  return names.map((name: unknown) => {
    const spec = knownItem(name, byName, what);
    if (seen.has(spec.name)) throw new QueryError(`${what} names ${spec.name} twice`);
    seen.add(spec.name);
    return spec;
  });
}

// ---------------------------------------------------------------------------------------------------------
// Loads

/** Hex SHA-256 of `bytes`. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A dataset id or version: 1–`max` letters, digits, "_", "." or "-". */
export function checkIdent(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.length > max || !IDENT.test(value))
    throw new TypeError(
      `${field} ${JSON.stringify(value)} must be 1–${max} letters, digits, "_", "." or "-"`,
    );
  return value;
}

/**
 * Checks the arguments of a load and hashes the bytes.
 * @param checkSpecs a further check of the items, the store's own (run after the common ones).
 */
export function checkLoad(
  datasetId: string,
  version: string,
  items: ItemSpec[],
  format: DatasetFormat,
  bytes: Uint8Array,
  checkSpecs?: (specs: ItemSpec[]) => void,
): { specs: ItemSpec[]; contentHash: string } {
  checkIdent(datasetId, 'datasetId', 64);
  checkIdent(version, 'version', 64);
  const specs = checkItems(items);
  checkSpecs?.(specs);
  if (format !== 'csv' && format !== 'json')
    throw new TypeError(`format ${JSON.stringify(format)} must be csv or json`);
  return { specs, contentHash: sha256Hex(bytes) };
}

function sameItems(a: readonly ItemSpec[], b: readonly ItemSpec[]): boolean {
  return a.length === b.length && a.every((x, k) => x.name === b[k]!.name && x.type === b[k]!.type);
}

/**
 * A version loaded again must be loaded with what it was loaded with before.
 * @param found the stored version's `content_hash`, `format` and `items` columns.
 * @throws VersionConflictError naming the first difference.
 */
export function checkSameVersion(
  found: Record<string, unknown>,
  load: { datasetId: string; version: string; contentHash: string; format: DatasetFormat; specs: ItemSpec[] },
): void {
  const difference =
    found.content_hash !== load.contentHash
      ? `content hash ${String(found.content_hash)}`
      : found.format !== load.format
        ? `format ${String(found.format)}`
        : !sameItems(JSON.parse(String(found.items)) as ItemSpec[], load.specs)
          ? 'other items'
          : undefined;
  if (difference)
    throw new VersionConflictError(
      `version ${load.version} of ${load.datasetId} is already loaded with ${difference}; a version cannot change, load it as a new version`,
    );
}

/** A version as a store reads it: where its rows are and its items by name. */
export interface LoadedVersion extends VersionInfo {
  id: number;
  table: string;
  items: ItemSpec[];
  byName: Map<string, ItemSpec>;
}

/** Loaded versions by id, each read once (a version never changes); its table is `<tablePrefix><id>`. */
export class VersionCache {
  private readonly byId = new Map<number, LoadedVersion>();

  constructor(private readonly tablePrefix: string) {}

  /** The version of a row with the columns `id`, `version`, `content_hash`, `row_count` and `items`. */
  get(r: Record<string, unknown>): LoadedVersion {
    const id = Number(r.id);
    let v = this.byId.get(id);
    if (!v) {
      const items = JSON.parse(String(r.items)) as ItemSpec[];
      v = {
        id,
        version: String(r.version),
        contentHash: String(r.content_hash),
        rowCount: Number(r.row_count),
        table: `${this.tablePrefix}${id}`,
        items,
        byName: itemMap(items),
      };
      this.byId.set(id, v);
    }
    return v;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Indexes

/**
 * The statements indexing a version's table: one index per item a filter can pick a few rows out by — every type
 * but boolean (two values cannot), and no personal item (the data API never filters on one). Without them a
 * filter on a value few rows have — one enterprise's credit code — reads the whole table to fill a page: 62–69 ms
 * at 10⁶ rows, on the gateway's event loop. SQLite's index entries also hold each row's `_rid` (its rowid), so
 * the rows of one value come in page order. `IF NOT EXISTS`: also run on versions loaded before indexes were made.
 */
export function indexStatements(table: string, items: readonly ItemSpec[]): string[] {
  return items.flatMap((spec, k) =>
    isIndexed(spec)
      ? [`CREATE INDEX IF NOT EXISTS "${indexName(table, k)}" ON "${table}" (${quoteIdent(spec.name)})`]
      : [],
  );
}

/** Whether a version's table has an index on this item ({@link indexStatements}). */
export function isIndexed(spec: ItemSpec): boolean {
  return spec.type !== 'boolean' && !spec.personal;
}

/** The name of the index on item `k` (its position in the version's items) of a version's table. */
export function indexName(table: string, k: number): string {
  return `${table}_i${k}`;
}

// ---------------------------------------------------------------------------------------------------------
// Zone maps

/**
 * Rows per block of a version's zone map: for each block of rows in file order, the least and the greatest value
 * of every indexed item ({@link isIndexed}). A page filtered on a range reads the table in page order, and when
 * the rows that match sit together — a file ordered by registration date, asked for the last year's — the table
 * way read every row before them (50–60 ms at 10⁶ rows on SQLite, 140–150 ms on PostgreSQL): the zone map tells
 * which blocks may hold a match. A page may read a block's worth of rows that do not match before its first
 * match; at 10⁶ rows (3907 blocks) a page of 100 in the last tenth took 84–162 µs on SQLite with blocks of 256
 * rows, 128–246 µs with blocks of 1024 (by hand, 2026-12-02).
 */
export const ZONE_ROWS = 256;

/** Most values of an `in` filter that the zone map is asked about (each a test on every block). */
export const MAX_ZONE_VALUES = 16;

/** The zone map's table of version table `table`. */
export function zoneTable(table: string): string {
  return `${table}_z`;
}

/**
 * The test that a block of the zone map may hold a row passing filter `op` on the item at `k` (a block that
 * cannot is skipped), or undefined where the zone map cannot tell (`ne`, an `in` of many values). `values` are the
 * filter's values, each written in the SQL by `bind`; `above` for a prefix is {@link textAfterPrefix}. min and max
 * ignore empty values, which no such filter matches: a block of none is skipped, as it should be.
 */
export function zoneTest<V>(
  op: FilterOp,
  k: number,
  values: readonly V[],
  bind: (value: V | string) => string,
  above?: string,
): string | undefined {
  const [least, greatest] = [`_min${k}`, `_max${k}`];
  const value = values[0]!;
  switch (op) {
    case 'eq':
      return `${least} <= ${bind(value)} AND ${greatest} >= ${bind(value)}`;
    case 'lt':
      return `${least} < ${bind(value)}`;
    case 'le':
      return `${least} <= ${bind(value)}`;
    case 'gt':
      return `${greatest} > ${bind(value)}`;
    case 'ge':
      return `${greatest} >= ${bind(value)}`;
    case 'prefix':
      return above === undefined
        ? `${greatest} >= ${bind(value)}`
        : `${greatest} >= ${bind(value)} AND ${least} < ${bind(above)}`;
    case 'in':
      if (values.length > MAX_ZONE_VALUES) return undefined;
      return `(${values.map((v) => `(${least} <= ${bind(v)} AND ${greatest} >= ${bind(v)})`).join(' OR ')})`;
    case 'ne':
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Filters

/**
 * The least text above every text starting with `prefix` in code-point order (both stores' order of text), so
 * that a prefix is also a range an index can seek: `prefix ≤ text < textAfterPrefix(prefix)`. None past U+10FFFF.
 */
export function textAfterPrefix(prefix: string): string | undefined {
  const points = [...prefix];
  const last = points.pop()!.codePointAt(0)!;
  if (last === 0x10ffff) return undefined;
  // Surrogate code points are not characters: after U+D7FF comes U+E000.
  return points.join('') + String.fromCodePoint(last === 0xd7ff ? 0xe000 : last + 1);
}

/** One filter, checked: the item, its quoted column, and the value(s) as `bind` made them. */
export type FilterPlan<V> = { spec: ItemSpec; column: string } & (
  | { op: 'in'; values: V[] }
  | { op: 'prefix'; value: string }
  | { op: Exclude<FilterOp, 'in' | 'prefix'>; value: V }
);

/** The SQL comparison of an operator, `ne` apart: it keeps rows whose value is empty, in each dialect its own way. */
export const COMPARISON: Record<Exclude<FilterOp, 'in' | 'prefix' | 'ne'>, string> = {
  eq: '=',
  lt: '<',
  le: '<=',
  gt: '>',
  ge: '>=',
};

/**
 * Checks one filter `{ item, op, value }` against the items; `where` names it in errors. Each value is checked
 * and converted by `bind` (a store's value check, then its conversion).
 */
export function planFilter<V>(
  f: unknown,
  items: Map<string, ItemSpec>,
  where: string,
  bind: (v: unknown, spec: ItemSpec, where: string) => V,
): FilterPlan<V> {
  if (f === null || typeof f !== 'object') throw new QueryError(`${where}: must be { item, op, value }`);
  const { item, op, value } = f as Record<string, unknown>;
  const spec = typeof item === 'string' ? items.get(item) : undefined;
  if (!spec) throw new QueryError(`${where}: unknown item ${JSON.stringify(item)}`);
  if (!FILTER_OPS.includes(op as FilterOp))
    throw new QueryError(
      `${where}: unknown operator ${JSON.stringify(op)} (one of ${FILTER_OPS.join(', ')})`,
    );
  const column = quoteIdent(spec.name);
  if (op === 'in') {
    if (spec.type === 'boolean')
      throw new QueryError(`${where}: "in" does not apply to boolean ${spec.name}`);
    if (!Array.isArray(value) || value.length === 0 || value.length > MAX_IN_VALUES)
      throw new QueryError(`${where}: "in" needs a list of 1 to ${MAX_IN_VALUES} values`);
    return { spec, column, op, values: value.map((v: unknown) => bind(v, spec, where)) };
  }
  if (op === 'prefix') {
    if (spec.type !== 'string' && spec.type !== 'date')
      throw new QueryError(
        `${where}: "prefix" applies to text and date items, not ${spec.type} ${spec.name}`,
      );
    if (typeof value !== 'string' || value === '')
      throw new QueryError(`${where}: "prefix" needs a non-empty text value`);
    if (value.includes('\0')) throw new QueryError(`${where}: ${NUL_IN_TEXT}`);
    return { spec, column, op, value };
  }
  if (spec.type === 'boolean' && op !== 'eq' && op !== 'ne')
    throw new QueryError(`${where}: boolean ${spec.name} can only be compared with eq or ne`);
  return { spec, column, op: op as Exclude<FilterOp, 'in' | 'prefix'>, value: bind(value, spec, where) };
}

/** Runs `each` on every filter of a query's list (at most {@link MAX_FILTERS}), naming it `filter <n>`. */
export function eachFilter<T>(filters: unknown, each: (f: unknown, where: string) => T): T[] {
  if (!Array.isArray(filters)) throw new QueryError('filters must be a list');
  if (filters.length > MAX_FILTERS) throw new QueryError(`at most ${MAX_FILTERS} filters may be given`);
  return filters.map((f: unknown, n) => each(f, `filter ${n + 1}`));
}

// ---------------------------------------------------------------------------------------------------------
// Pages and computed results

/**
 * Checks a page request against a version: the fields (at least one), the limit, the cursor.
 * @returns the fields and the row position the page starts after.
 */
export function planPage(
  q: RowQuery,
  v: LoadedVersion,
  cursors: CursorSigner,
): { fields: ItemSpec[]; after: number } {
  const fields = distinctItems(q.fields, v.byName, 'fields');
  // An empty list is refused rather than read as "all": a caller that filtered its grants down to nothing
  // must not receive every item.
  if (fields.length === 0) throw new QueryError('fields must name at least one item');
  if (!Number.isSafeInteger(q.limit) || q.limit < 1 || q.limit > MAX_PAGE_SIZE)
    throw new QueryError(`limit must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  return { fields, after: q.cursor === undefined ? 0 : cursors.read(q.cursor, v) };
}

/** A measure of an item: its operation and its quoted column. */
export type MeasureOp = 'count' | 'sum' | 'avg' | 'min' | 'max';
const MEASURE_OPS: readonly MeasureOp[] = ['count', 'sum', 'avg', 'min', 'max'];

/**
 * Checks a computed-results request against the items (all but its filters). Each measure comes back with the
 * key that names it in the result and its SQL: `count(*)`, or what `measureSql` writes for an item's column.
 */
export function planAggregate(
  q: AggregateQuery,
  byName: Map<string, ItemSpec>,
  measureSql: (op: MeasureOp, column: string) => string,
): { groupBy: ItemSpec[]; measures: { key: string; sql: string }[]; minGroupSize: number } {
  const groupBy = distinctItems(q.groupBy, byName, 'groupBy');
  if (!Array.isArray(q.measures) || q.measures.length === 0 || q.measures.length > 20)
    throw new QueryError('measures must list 1 to 20 measures');
  const measures = q.measures.map((m: unknown, n) => {
    const what = `measure ${n + 1}`;
    const { op, item } = (m ?? {}) as Record<string, unknown>;
    if (op === 'count' && item === undefined) return { key: 'count(*)', sql: 'count(*)' };
    if (!MEASURE_OPS.includes(op as MeasureOp))
      throw new QueryError(`${what}: unknown op ${JSON.stringify(op)} (count, sum or avg)`);
    const spec = knownItem(item, byName, what);
    const column = quoteIdent(spec.name);
    if (op !== 'count' && spec.type !== 'integer' && spec.type !== 'number')
      throw new QueryError(
        `${what}: ${String(op)} needs a number or integer item; ${spec.name} is ${spec.type}`,
      );
    return { key: `${String(op)}(${spec.name})`, sql: measureSql(op as MeasureOp, column) };
  });
  const k = q.minGroupSize;
  if (!Number.isSafeInteger(k) || k < 1) throw new QueryError('minGroupSize must be a positive integer');
  return { groupBy, measures, minGroupSize: k };
}

/** The error of an aggregate with more than {@link MAX_GROUPS} groups. */
export function tooManyGroups(): QueryError {
  return new QueryError(`more than ${MAX_GROUPS} groups; group by fewer items or filter further`);
}

// ---------------------------------------------------------------------------------------------------------
// Cursors

const CURSOR_BYTES = 32;
const CURSOR_TEXT = /^[A-Za-z0-9_-]{43}$/;

/**
 * Page cursors: base64url of version id and row id (8 bytes each) and a 16-byte HMAC over both, signed with a
 * key kept in the store, so they survive a restart but cannot be forged.
 */
export class CursorSigner {
  /** HMAC-SHA-256 under the store's secret, its key prepared once: every page served makes a tag. */
  private readonly key: KeyedSha256;

  constructor(secret: Uint8Array) {
    this.key = new KeyedSha256(secret);
  }

  /** A key for another purpose (e.g. the noise of computed results), derived from the store's secret. */
  derive(purpose: string): Uint8Array {
    return this.key.mac(`rdx-derived-key:${purpose}`);
  }

  /** The cursor of the page after row `rid` of version `versionId`. */
  make(versionId: number, rid: number): string {
    const payload = Buffer.alloc(16);
    payload.writeBigUInt64BE(BigInt(versionId), 0);
    payload.writeBigUInt64BE(BigInt(rid), 8);
    return Buffer.concat([payload, this.tag(payload)]).toString('base64url');
  }

  /** The row id a cursor of version `v` carries. @throws QueryError for any other cursor. */
  read(cursor: unknown, v: { id: number; version: string }): number {
    // Made only when thrown: an error captures its stack, a cost every deep page would pay for nothing.
    const bad = (): QueryError =>
      new QueryError('cursor is not one this gateway issued; start again without a cursor');
    if (typeof cursor !== 'string' || !CURSOR_TEXT.test(cursor)) throw bad();
    const bytes = Buffer.from(cursor, 'base64url');
    // Several texts decode to the same bytes; only the one the store wrote is accepted.
    if (bytes.length !== CURSOR_BYTES || bytes.toString('base64url') !== cursor) throw bad();
    const payload = bytes.subarray(0, 16);
    if (!timingSafeEqual(bytes.subarray(16), this.tag(payload))) throw bad();
    const versionId = Number(payload.readBigUInt64BE(0));
    if (versionId !== v.id)
      throw new QueryError(
        `cursor belongs to another version of the dataset (now ${v.version}); start again without a cursor`,
      );
    return Number(payload.readBigUInt64BE(8));
  }

  private tag(payload: Uint8Array): Buffer {
    return this.key.mac('rdx-cursor-v1', payload).subarray(0, 16);
  }
}
