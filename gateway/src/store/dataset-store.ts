/**
 * The gateway's store of dataset versions (数据版本库), on SQLite in WAL mode so that enterprise reads go on
 * while a new version loads.
 *
 * Each loaded version gets its own STRICT table `rows_<n>` (n is the version's row in `versions`, never a name a
 * caller chose) with one typed column per catalog item, so filters and aggregates run as SQL on typed values.
 * Column names come only from item names that match /^[a-z][a-z0-9_]*$/ and are quoted besides; every value a
 * caller supplies is a bound parameter. The store does what it is asked: grants, masking of personal items and
 * which items a caller may filter on are the gateway's to enforce before it calls.
 */
import { randomBytes } from 'node:crypto';
import { DatabaseSync, type SQLInputValue, type SQLOutputValue } from 'node:sqlite';
import {
  COMPARISON,
  CursorSigner,
  DATE_TEXT,
  DatasetNotLoadedError,
  FILTER_OPS,
  MAX_FILTERS,
  MAX_GROUPS,
  QueryError,
  VersionCache,
  checkItems,
  checkLoad,
  checkSameVersion,
  checkValue,
  eachFilter,
  isRealDate,
  itemMap,
  planAggregate,
  planFilter,
  planPage,
  quoteForMessage,
  quoteIdent,
  tooManyGroups,
  type LoadedVersion,
} from './query-plan.js';

export {
  DatasetNotLoadedError,
  MAX_FILTERS,
  MAX_GROUPS,
  MAX_IN_VALUES,
  MAX_PAGE_SIZE,
  QueryError,
  VersionConflictError,
} from './query-plan.js';

/** The type of a data item, as the catalog declares it. */
export type ItemType = 'string' | 'integer' | 'number' | 'date' | 'boolean';
/** File formats a body may load. */
export type DatasetFormat = 'csv' | 'json';

/** What the store needs to know of a catalog item (the catalog's `DataItem` fits). */
export interface ItemSpec {
  name: string;
  type: ItemType;
  personal: boolean;
}

/** One cell: typed per its item; an empty cell is null. */
export type CellValue = string | number | boolean | null;
/** One row, keyed by item name. */
export type DatasetRow = Record<string, CellValue>;

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

/** A page of rows; `nextCursor` is absent on the last page. */
export interface RowPage {
  rows: Record<string, unknown>[];
  nextCursor?: string;
}

/** One computed value per group; `count` without an item counts rows, with an item its non-empty values. */
export interface Measure {
  op: 'count' | 'sum' | 'avg';
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

/** Most rows one file may hold. */
export const MAX_ROWS = 5_000_000;

/** A file that does not match its catalog entry; `line` (CSV) or `row` (both formats) and `item` say where. */
export class DatasetFileError extends Error {
  override name = 'DatasetFileError';
  /** Physical line (1-based, the header is line 1) where the offending CSV record starts. */
  readonly line?: number;
  /** Data row (1-based, not counting the CSV header; the JSON array index + 1). */
  readonly row?: number;
  /** The item (column) concerned, when there is one. */
  readonly item?: string;

  constructor(problem: string, where: { line?: number; row?: number; item?: string } = {}) {
    const at = [
      where.line !== undefined ? `line ${where.line}` : undefined,
      where.row !== undefined
        ? where.line !== undefined
          ? `(row ${where.row})`
          : `row ${where.row}`
        : undefined,
      where.item !== undefined ? `item "${where.item}"` : undefined,
    ]
      .filter((s) => s !== undefined)
      .join(' ');
    super(at ? `${at}: ${problem}` : problem);
    if (where.line !== undefined) this.line = where.line;
    if (where.row !== undefined) this.row = where.row;
    if (where.item !== undefined) this.item = where.item;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Values

/** Why a text is not a value of its type; caught and re-thrown with the location. */
class ValueProblem extends Error {}

const INTEGER_TEXT = /^[+-]?\d+$/;
const NUMBER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Converts a non-empty text to its item's type (CSV cells, and text values in JSON files). */
function fromText(s: string, type: ItemType): CellValue {
  switch (type) {
    case 'string':
      return s;
    case 'integer': {
      const n = Number(s);
      if (!INTEGER_TEXT.test(s)) throw new ValueProblem(`${quoteForMessage(s)} is not an integer`);
      if (!Number.isSafeInteger(n)) throw new ValueProblem(`${s} is outside the integer range (±2^53)`);
      return n;
    }
    case 'number': {
      const n = Number(s);
      if (!NUMBER_TEXT.test(s) || !Number.isFinite(n))
        throw new ValueProblem(`${quoteForMessage(s)} is not a number (digits, optional "." and exponent)`);
      return n;
    }
    case 'date':
      if (!DATE_TEXT.test(s)) throw new ValueProblem(`${quoteForMessage(s)} is not a date YYYY-MM-DD`);
      if (!isRealDate(s)) throw new ValueProblem(`${s} is not a real date`);
      return s;
    case 'boolean':
      if (s === 'true') return true;
      if (s === 'false') return false;
      throw new ValueProblem(`${quoteForMessage(s)} is not a boolean (true or false)`);
  }
}

/** JSON files may carry values natively (number, boolean) or as text; anything else is refused. */
function fromJson(v: unknown, type: ItemType): CellValue {
  if (v === null || v === '') return null;
  if (typeof v === 'string') return fromText(v, type);
  if (typeof v === 'number' && (type === 'integer' || type === 'number')) {
    if (!Number.isFinite(v)) throw new ValueProblem(`${v} is not a finite number`);
    if (type === 'integer' && !Number.isSafeInteger(v))
      throw new ValueProblem(`${v} is not an integer within ±2^53`);
    return v;
  }
  if (typeof v === 'boolean' && type === 'boolean') return v;
  const got = Array.isArray(v) ? 'an array' : v === undefined ? 'missing' : `a ${typeof v}`;
  throw new ValueProblem(`expected a ${type} value, got ${got}`);
}

// ---------------------------------------------------------------------------------------------------------
// Files

interface ParsedRow {
  values: CellValue[];
  row: number;
  line?: number;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    // The decoder drops a leading BOM; `fatal` refuses bytes that are not UTF-8 instead of inventing U+FFFD.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DatasetFileError('the file is not valid UTF-8 (save it as UTF-8, with or without BOM)');
  }
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;

function lineBreaks(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === LF || (c === CR && s.charCodeAt(i + 1) !== LF)) n++;
  }
  return n;
}

/** RFC 4180 records with the physical line each starts on; CRLF, LF or CR end a record. */
function* csvRecords(text: string): Generator<{ fields: string[]; line: number }> {
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        let value = '';
        let from = i + 1;
        for (;;) {
          const q = text.indexOf('"', from);
          if (q < 0) throw new DatasetFileError('a quoted field is never closed', { line });
          line += lineBreaks(text.slice(from, q));
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(from, q + 1);
            from = q + 2;
            continue;
          }
          value += text.slice(from, q);
          i = q + 1;
          break;
        }
        const c = text.charCodeAt(i);
        if (i < n && c !== COMMA && c !== CR && c !== LF)
          throw new DatasetFileError(
            'text follows a closing quote; a quote inside a field must be doubled ("")',
            {
              line,
            },
          );
        fields.push(value);
      } else {
        let j = i;
        for (; j < n; j++) {
          const c = text.charCodeAt(j);
          if (c === COMMA || c === CR || c === LF) break;
          if (c === QUOTE)
            throw new DatasetFileError(
              'a quote inside an unquoted field; quote the whole field and double the quote',
              {
                line,
              },
            );
        }
        fields.push(text.slice(i, j));
        i = j;
      }
      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === COMMA) {
        i++;
        continue;
      }
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      break;
    }
    yield { fields, line: start };
  }
}

function* csvRows(text: string, items: ItemSpec[]): Generator<ParsedRow> {
  const records = csvRecords(text);
  const first = records.next();
  if (first.done)
    throw new DatasetFileError('the file is empty; it must start with a header row of item names');
  const header = first.value.fields;
  const column = new Map<string, number>();
  const known = new Set(items.map((i) => i.name));
  header.forEach((name, k) => {
    if (!known.has(name))
      throw new DatasetFileError(
        `header column ${k + 1} ${quoteForMessage(name)} is not an item of the dataset (items: ${[...known].join(', ')})`,
        { line: 1 },
      );
    if (column.has(name))
      throw new DatasetFileError('the header names this item twice', { line: 1, item: name });
    column.set(name, k);
  });
  const order = items.map((spec) => {
    const k = column.get(spec.name);
    if (k === undefined)
      throw new DatasetFileError('the header lacks this item', { line: 1, item: spec.name });
    return k;
  });
  let row = 0;
  for (const { fields, line } of records) {
    row++;
    if (row > MAX_ROWS) throw new DatasetFileError(`the file has more than ${MAX_ROWS} rows`, { line, row });
    if (fields.length !== header.length)
      throw new DatasetFileError(`the record has ${fields.length} fields, the header ${header.length}`, {
        line,
        row,
      });
    const values = items.map((spec, k) => {
      const text = fields[order[k]!]!;
      if (text === '') return null;
      try {
        return fromText(text, spec.type);
      } catch (e) {
        if (e instanceof ValueProblem) throw new DatasetFileError(e.message, { line, row, item: spec.name });
        throw e;
      }
    });
    yield { values, row, line };
  }
}

function* jsonRows(text: string, items: ItemSpec[]): Generator<ParsedRow> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new DatasetFileError(`the file is not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(data))
    throw new DatasetFileError('a JSON dataset file must be an array of objects, one per row');
  if (data.length > MAX_ROWS)
    throw new DatasetFileError(`the file has ${data.length} rows, more than ${MAX_ROWS}`);
  const known = new Set(items.map((i) => i.name));
  for (let k = 0; k < data.length; k++) {
    const row = k + 1;
    const o: unknown = data[k];
    if (o === null || typeof o !== 'object' || Array.isArray(o))
      throw new DatasetFileError('each element must be an object of item values', { row });
    const record = o as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!known.has(key)) throw new DatasetFileError('not an item of the dataset', { row, item: key });
    }
    const values = items.map((spec) => {
      if (!Object.hasOwn(record, spec.name)) throw new DatasetFileError('missing', { row, item: spec.name });
      try {
        return fromJson(record[spec.name], spec.type);
      } catch (e) {
        if (e instanceof ValueProblem) throw new DatasetFileError(e.message, { row, item: spec.name });
        throw e;
      }
    });
    yield { values, row };
  }
}

function fileRows(bytes: Uint8Array, format: DatasetFormat, items: ItemSpec[]): Generator<ParsedRow> {
  if (format !== 'csv' && format !== 'json')
    throw new TypeError(`format ${JSON.stringify(format)} must be csv or json`);
  const text = decodeUtf8(bytes);
  return format === 'csv' ? csvRows(text, items) : jsonRows(text, items);
}

/**
 * Parses a dataset file against its catalog items: every row must have exactly those items, each value of its
 * item's type (integer, number, date YYYY-MM-DD, boolean true/false); an empty value is null.
 *
 * CSV follows RFC 4180 (header row of item names in any order; quoted fields may hold commas, doubled quotes and
 * line breaks), UTF-8 with or without BOM. JSON is an array of objects; values may be native JSON or text.
 *
 * @throws DatasetFileError naming the line or row and the item at fault; TypeError when `items` is malformed.
 */
export function parseDatasetFile(bytes: Uint8Array, format: DatasetFormat, items: ItemSpec[]): DatasetRow[] {
  const specs = checkItems(items);
  const out: DatasetRow[] = [];
  for (const { values } of fileRows(bytes, format, specs)) {
    const row: DatasetRow = {};
    specs.forEach((spec, k) => (row[spec.name] = values[k]!));
    out.push(row);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Filters

/** Checks one filter value against its item's type and returns it as SQLite binds it. */
function bindValue(v: unknown, spec: ItemSpec, where: string): SQLInputValue {
  const value = checkValue(v, spec, where);
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

/** SQL text (identifiers from validated item names only) and bound values of one filter; `where` names it. */
function filterSql(
  f: unknown,
  items: Map<string, ItemSpec>,
  where: string,
): { sql: string; params: SQLInputValue[] } {
  const plan = planFilter(f, items, where, bindValue);
  switch (plan.op) {
    case 'in':
      return { sql: `${plan.column} IN (${plan.values.map(() => '?').join(', ')})`, params: plan.values };
    case 'prefix':
      // substr counts characters as SQLite does; LIKE would treat % and _ in the value as wildcards.
      return { sql: `substr(${plan.column}, 1, ?) = ?`, params: [[...plan.value].length, plan.value] };
    default:
      // IS NOT, unlike <>, keeps rows whose value is empty: "status ne 注销" should not also hide rows
      // without status.
      return {
        sql: `${plan.column} ${plan.op === 'ne' ? 'IS NOT' : COMPARISON[plan.op]} ?`,
        params: [plan.value],
      };
  }
}

/** All filters of a query, ANDed. */
function whereClause(
  filters: unknown,
  items: Map<string, ItemSpec>,
): { sql: string[]; params: SQLInputValue[] } {
  const parts = eachFilter(filters, (f, where) => filterSql(f, items, where));
  return { sql: parts.map((p) => p.sql), params: parts.flatMap((p) => p.params) };
}

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

// ---------------------------------------------------------------------------------------------------------
// Store

function fromColumn(v: SQLOutputValue | undefined, spec: ItemSpec): unknown {
  if (v === null || v === undefined) return null;
  return spec.type === 'boolean' ? v === 1 : v;
}

/**
 * Dataset versions on SQLite. Synchronous: a load blocks its thread for the length of the load, so a gateway
 * serving requests should load in a worker or at a quiet time; other connections keep reading meanwhile (WAL).
 */
export class DatasetStore {
  private readonly versions = new VersionCache('rows_');
  private readonly cursors: CursorSigner;

  private constructor(
    private readonly db: DatabaseSync,
    cursorKey: Uint8Array,
  ) {
    this.cursors = new CursorSigner(cursorKey);
  }

  /** Opens (creating if needed) the store at `path`; `:memory:` gives a throwaway store. */
  static open(path: string): DatasetStore {
    const db = new DatabaseSync(path);
    try {
      db.exec(`
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = NORMAL;
        PRAGMA busy_timeout = 5000;
        PRAGMA foreign_keys = ON;
        CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL) STRICT;
        CREATE TABLE IF NOT EXISTS versions (
          id INTEGER PRIMARY KEY,
          dataset_id TEXT NOT NULL,
          version TEXT NOT NULL,
          content_hash TEXT NOT NULL,
          row_count INTEGER NOT NULL,
          items TEXT NOT NULL,
          format TEXT NOT NULL,
          loaded_at TEXT NOT NULL,
          UNIQUE (dataset_id, version)
        ) STRICT;
        CREATE TABLE IF NOT EXISTS current_versions (
          dataset_id TEXT PRIMARY KEY,
          version_id INTEGER NOT NULL REFERENCES versions (id)
        ) STRICT;
      `);
      // Cursors are signed with a key kept in the store, so they survive a restart but cannot be forged.
      db.prepare(`INSERT OR IGNORE INTO meta (key, value) VALUES ('cursor_key', ?)`).run(randomBytes(32));
      const key = db.prepare(`SELECT value FROM meta WHERE key = 'cursor_key'`).get()?.value;
      if (!(key instanceof Uint8Array)) throw new Error(`the dataset store at ${path} has no cursor key`);
      return new DatasetStore(db, key);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /**
   * Parses `bytes` against `items`, stores the rows in one transaction and makes this version the dataset's
   * current one. Loading a version that is already loaded with the same bytes and items changes nothing.
   *
   * @returns the SHA-256 (hex) of exactly `bytes` and the row count, as the ledger records them.
   * @throws DatasetFileError when the file does not match the items (nothing is stored);
   *   VersionConflictError when this version was loaded with other bytes or items.
   */
  loadVersion(
    datasetId: string,
    version: string,
    items: ItemSpec[],
    format: DatasetFormat,
    bytes: Uint8Array,
  ): { contentHash: string; rowCount: number } {
    const { specs, contentHash } = checkLoad(datasetId, version, items, format, bytes);
    // IMMEDIATE takes the write lock first, so a second loader cannot slip the same version in between.
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const existing = this.db
        .prepare(
          `SELECT content_hash, row_count, items, format FROM versions WHERE dataset_id = ? AND version = ?`,
        )
        .get(datasetId, version);
      if (existing) {
        checkSameVersion(existing, { datasetId, version, contentHash, format, specs });
        this.db.exec('COMMIT');
        return { contentHash, rowCount: Number(existing.row_count) };
      }
      const { lastInsertRowid } = this.db
        .prepare(
          `INSERT INTO versions (dataset_id, version, content_hash, row_count, items, format, loaded_at)
           VALUES (?, ?, ?, 0, ?, ?, ?)`,
        )
        .run(datasetId, version, contentHash, JSON.stringify(specs), format, new Date().toISOString());
      const table = `rows_${Number(lastInsertRowid)}`;
      const sqlType: Record<ItemType, string> = {
        string: 'TEXT',
        date: 'TEXT',
        integer: 'INTEGER',
        number: 'REAL',
        boolean: 'INTEGER',
      };
      const columns = specs.map((s) => quoteIdent(s.name));
      this.db.exec(
        `CREATE TABLE "${table}" (_rid INTEGER PRIMARY KEY, ${specs.map((s, k) => `${columns[k]} ${sqlType[s.type]}`).join(', ')}) STRICT`,
      );
      const insert = this.db.prepare(
        `INSERT INTO "${table}" (_rid, ${columns.join(', ')}) VALUES (?, ${columns.map(() => '?').join(', ')})`,
      );
      let rowCount = 0;
      for (const { values, row } of fileRows(bytes, format, specs)) {
        // _rid is the row's position in the file, which is the order pages come in.
        insert.run(row, ...values.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v)));
        rowCount = row;
      }
      this.db
        .prepare(`UPDATE versions SET row_count = ? WHERE id = ?`)
        .run(rowCount, Number(lastInsertRowid));
      this.db
        .prepare(
          `INSERT INTO current_versions (dataset_id, version_id) VALUES (?, ?)
           ON CONFLICT (dataset_id) DO UPDATE SET version_id = excluded.version_id`,
        )
        .run(datasetId, Number(lastInsertRowid));
      this.db.exec('COMMIT');
      return { contentHash, rowCount };
    } catch (e) {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      throw e;
    }
  }

  /** The dataset's current version, or undefined when none is loaded. */
  currentVersion(datasetId: string): VersionInfo | undefined {
    const v = this.lookup(datasetId);
    return v && { version: v.version, contentHash: v.contentHash, rowCount: v.rowCount };
  }

  /**
   * One page of rows of the current version, in file order, with only `fields`. Pages follow the row order by
   * keyset (the cursor carries the last row's position), so rows are neither repeated nor skipped however the
   * client paces its calls; a cursor is only valid while its version is current.
   *
   * @throws QueryError for unknown items, values of the wrong type, a bad limit or a bad cursor;
   *   DatasetNotLoadedError when the dataset has no version.
   */
  query(datasetId: string, q: RowQuery): RowPage {
    const v = this.require(datasetId);
    const { fields, after } = planPage(q, v, this.cursors);
    const where = whereClause(q.filters, v.byName);
    const sql =
      `SELECT _rid, ${fields.map((f) => quoteIdent(f.name)).join(', ')} FROM "${v.table}" ` +
      `WHERE ${['_rid > ?', ...where.sql].join(' AND ')} ORDER BY _rid LIMIT ?`;
    // One row more than asked tells whether another page exists without an empty last page.
    const found = this.db.prepare(sql).all(after, ...where.params, q.limit + 1);
    const page = found.slice(0, q.limit);
    const rows = page.map((r) => {
      const out: Record<string, unknown> = {};
      for (const f of fields) out[f.name] = fromColumn(r[f.name], f);
      return out;
    });
    const last = page.at(-1);
    return found.length > q.limit && last
      ? { rows, nextCursor: this.cursors.make(v.id, Number(last._rid)) }
      : { rows };
  }

  /**
   * Computed results over the current version: per group of `groupBy` values, the measures. Groups with fewer
   * than `minGroupSize` rows (k-anonymity threshold) are left out and counted in `suppressed`; without
   * `groupBy` the whole (filtered) dataset is one group, suppressed too when it is that small.
   *
   * @throws QueryError for unknown items, sum/avg of a non-numeric item, a bad threshold or too many groups.
   */
  aggregate(datasetId: string, q: AggregateQuery): AggregateResult {
    const v = this.require(datasetId);
    const {
      groupBy,
      measures,
      minGroupSize: k,
    } = planAggregate(q, v.byName, (op, column) =>
      // total() cannot overflow as sum() of integers can; the CASE keeps "no values" null as sum() would.
      op === 'sum'
        ? `CASE WHEN count(${column}) = 0 THEN NULL ELSE total(${column}) END`
        : `${op}(${column})`,
    );
    const where = whereClause(q.filters, v.byName);
    const groupColumns = groupBy.map((g) => quoteIdent(g.name));
    const sql =
      `SELECT ${[...groupColumns, 'count(*) AS _n', ...measures.map((m, n) => `${m.sql} AS _m${n}`)].join(', ')} ` +
      `FROM "${v.table}"` +
      (where.sql.length ? ` WHERE ${where.sql.join(' AND ')}` : '') +
      (groupColumns.length ? ` GROUP BY ${groupColumns.join(', ')} ORDER BY ${groupColumns.join(', ')}` : '');
    const groups: Record<string, unknown>[] = [];
    let suppressed = 0;
    // Iterated, not collected: a fine grouping can yield many small groups that are only counted.
    for (const r of this.db.prepare(sql).iterate(...where.params)) {
      if (Number(r._n) < k) {
        suppressed++;
        continue;
      }
      if (groups.length === MAX_GROUPS) throw tooManyGroups();
      const g: Record<string, unknown> = {};
      for (const spec of groupBy) g[spec.name] = fromColumn(r[spec.name], spec);
      measures.forEach((m, n) => (g[m.key] = r[`_m${n}`] ?? null));
      groups.push(g);
    }
    return { groups, suppressed };
  }

  /**
   * Every row of the current version with every item, in file order: for downloading unconditional data.
   * The version is fixed when this is called; reading is lazy.
   *
   * @throws DatasetNotLoadedError (at once, not on first iteration).
   */
  allRows(datasetId: string): IterableIterator<DatasetRow> {
    const v = this.require(datasetId);
    const statement = this.db.prepare(
      `SELECT ${v.items.map((i) => quoteIdent(i.name)).join(', ')} FROM "${v.table}" ORDER BY _rid`,
    );
    function* rows(): Generator<DatasetRow> {
      for (const r of statement.iterate()) {
        const out: DatasetRow = {};
        for (const spec of v.items) out[spec.name] = fromColumn(r[spec.name], spec) as CellValue;
        yield out;
      }
    }
    return rows();
  }

  /** Closes the database; the store cannot be used afterwards. */
  close(): void {
    this.db.close();
  }

  private lookup(datasetId: string): LoadedVersion | undefined {
    const r = this.db
      .prepare(
        `SELECT v.id, v.version, v.content_hash, v.row_count, v.items
         FROM current_versions c JOIN versions v ON v.id = c.version_id WHERE c.dataset_id = ?`,
      )
      .get(datasetId);
    return r && this.versions.get(r);
  }

  private require(datasetId: string): LoadedVersion {
    const v = this.lookup(datasetId);
    if (!v) throw new DatasetNotLoadedError(datasetId);
    return v;
  }
}
