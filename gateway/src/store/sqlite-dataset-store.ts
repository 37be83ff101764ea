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
import { InTurn } from '../lib/in-turn.js';
import { LruMap } from '../lib/lru-map.js';
import { runAggregate, fromColumn, type AggregateJob } from './sqlite-aggregate.js';
import { loadInto, loadOnThread } from './sqlite-load.js';
import { SqliteAggregator } from './sqlite-aggregator.js';
import { ComputedResults, DEFAULT_KEPT_GROUPS } from './computed-results.js';
import { StatementCache } from './statement-cache.js';
import { hasZones, writeZones, zoneCondition } from './sqlite-zones.js';
import { immediateTransaction } from './sqlite-transaction.js';
import type {
  AggregateQuery,
  AggregateResult,
  CellValue,
  DatasetFormat,
  DatasetRow,
  ItemSpec,
  RowPage,
  RowQuery,
  VersionInfo,
} from './dataset-types.js';
import {
  COMPARISON,
  CursorSigner,
  DatasetNotLoadedError,
  VersionCache,
  checkValue,
  eachFilter,
  planAggregate,
  planFilter,
  planPage,
  indexName,
  indexStatements,
  isIndexed,
  quoteIdent,
  textAfterPrefix,
  zoneTable,
  type LoadedVersion,
} from './query-plan.js';

/** Checks one filter value against its item's type and returns it as SQLite binds it. */
function bindValue(v: unknown, spec: ItemSpec, where: string): SQLInputValue {
  const value = checkValue(v, spec, where);
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

/**
 * What fetching one match through an index and sorting it into page order costs, in rows of the table read in
 * page order. Measured at 10⁶ rows (docs/PERFORMANCE.md): ~0.1 µs a match (9800 matches 1.25 ms, 39 800 4.0
 * ms) against ~0.063 µs a row read in page order (10⁵ rows 6.3 ms); rounded up for the index way's fixed part.
 */
export const SORTED_MATCH_COST = 2;

/** One filter in SQL (identifiers from validated item names only) with its bound values. */
export interface FilterSql {
  sql: string;
  params: SQLInputValue[];
  /** An equality: SQLite reads it through its item's index by itself. */
  equality?: true;
  /**
   * For a comparison other than an equality on an indexed item: the same condition as its index can serve, and
   * that index. Read that way, the matches come in the item's order and are sorted into page order first.
   */
  indexed?: { sql: string; params: SQLInputValue[]; index: string };
  /** The condition on a block of rows that some of them may pass this filter ({@link zoneCondition}). */
  zone?: { sql: string; params: SQLInputValue[] };
}

/** One filter of a query on version `v`; `where` names it in errors. */
function filterSql(
  f: unknown,
  v: Pick<LoadedVersion, 'table' | 'items' | 'byName'>,
  where: string,
): FilterSql {
  const plan = planFilter(f, v.byName, where, bindValue);
  // An equality reads the item's index ({@link indexStatements}) as SQLite chooses: its rows come in page order
  // there. Any other comparison could match most of the table, and through the index SQLite would fetch and sort
  // every match before the first page; the unary + keeps it to reading the table in page order, stopping once the
  // page is full (a no-op on the value: SQLite compares it as stored) — unless the query finds few matches
  // ({@link DatasetStore.query}) and reads them through the index instead.
  if (plan.op === 'eq') return { sql: `${plan.column} = ?`, params: [plan.value], equality: true };
  const k = v.items.indexOf(plan.spec);
  const index = isIndexed(plan.spec) ? indexName(v.table, k) : undefined;
  const condition = (column: string): { sql: string; params: SQLInputValue[] } => {
    switch (plan.op) {
      case 'in':
        return { sql: `${column} IN (${plan.values.map(() => '?').join(', ')})`, params: plan.values };
      case 'prefix':
        // substr counts characters as SQLite does; LIKE would treat % and _ in the value as wildcards.
        return { sql: `substr(${column}, 1, ?) = ?`, params: [[...plan.value].length, plan.value] };
      default:
        // IS NOT, unlike <>, keeps rows whose value is empty: "status ne 注销" should not also hide rows
        // without status.
        return {
          sql: `${column} ${plan.op === 'ne' ? 'IS NOT' : COMPARISON[plan.op]} ?`,
          params: [plan.value],
        };
    }
  };
  const scanned = condition(`+${plan.column}`);
  // Inequality picks out rows only by what they are not: an index does not help it.
  if (index === undefined || plan.op === 'ne') return scanned;
  const exact = condition(plan.column);
  if (plan.op !== 'prefix') {
    const zone = zoneCondition(plan.op, k, plan.op === 'in' ? plan.values : [plan.value]);
    return { ...scanned, indexed: { ...exact, index }, ...(zone && { zone }) };
  }
  // A prefix as a range the index can seek (text in code-point order), its exact test kept.
  const above = textAfterPrefix(plan.value);
  const range = above === undefined ? `${plan.column} >= ?` : `${plan.column} >= ? AND ${plan.column} < ?`;
  return {
    ...scanned,
    indexed: {
      sql: `${range} AND ${exact.sql}`,
      params: [plan.value, ...(above === undefined ? [] : [above]), ...exact.params],
      index,
    },
    zone: zoneCondition('prefix', k, [plan.value], above),
  };
}

/**
 * The filters of a query on version `v`, checked, to be ANDed.
 * @throws QueryError for a bad filter.
 */
export function filterParts(
  filters: unknown,
  v: Pick<LoadedVersion, 'table' | 'items' | 'byName'>,
): FilterSql[] {
  return eachFilter(filters, (f, where) => filterSql(f, v, where));
}

/**
 * How a page's or a computed result's rows are read. `table`: the table in page order, SQLite reading an
 * equality's index by itself; `index`: filter `through` read through its item's index (for a page, its matches
 * sorted into page order); `zones`: the table in page order, only the blocks of rows whose zone map says they may
 * match ({@link zoneCondition}).
 */
export type ReadWay =
  | { way: 'table' }
  | { way: 'index'; through: FilterSql }
  | {
      way: 'zones';
      /** The rows up to this `_rid` are in no block that may match. */
      from: number;
    };

/**
 * The FROM and WHERE of a statement that reads the rows of version `v` that pass `where` (at least one filter, or
 * a cursor), after `_rid` `after` if given, read `way`, with their parameters.
 */
function rowsRead(
  v: Pick<LoadedVersion, 'table'>,
  where: readonly FilterSql[],
  way: ReadWay,
  after: number | undefined,
): { sql: string; params: SQLInputValue[] } {
  const through = way.way === 'index' ? way.through : undefined;
  const parts = where.map((p) => (p === through && p.indexed ? p.indexed : p));
  const conditions = [...(after === undefined ? [] : ['_rid > ?']), ...parts.map((p) => p.sql)].join(' AND ');
  const params = [...(after === undefined ? [] : [after]), ...parts.flatMap((p) => p.params)];
  if (way.way !== 'zones')
    return {
      sql:
        `FROM "${v.table}"` +
        (through?.indexed ? ` INDEXED BY "${through.indexed.index}" ` : ' ') +
        `WHERE ${conditions}`,
      params,
    };
  // The blocks in order (CROSS JOIN keeps them the outer loop), each read by its rows' range: rows come in page
  // order without a sort, and a page stops once full.
  const zones = where.flatMap((p) => (p.zone ? [p.zone] : []));
  return {
    sql:
      `FROM "${zoneTable(v.table)}" CROSS JOIN "${v.table}" ` +
      `WHERE ${['_hi > ?', ...zones.map((z) => z.sql)].join(' AND ')} AND _rid BETWEEN _lo AND _hi AND ${conditions}`,
    params: [Math.max(after ?? 0, way.from), ...zones.flatMap((z) => z.params), ...params],
  };
}

/**
 * A page's statement on version `v`, read `way`: its SQL and parameters, for the rows after `_rid` `after`, at
 * most `limit`; its rows `_rid` first, then `fields`.
 *
 * The limit is written into the SQL, not bound: SQLite plans with a bound LIMIT's value, so it prepares such a
 * statement again each time the value is bound, every page: 14.5 against 10.5 µs for a 20-row page's query, and
 * 4.85 % of the gateway's main thread in a `perf` profile of data calls
 * (bench/results/by-hand/2026-12-05-page-limit-in-sql.json). A client asks with one page size, so the statements
 * cached stay few.
 *
 * @throws RangeError for a limit that is not a positive integer (it becomes part of the SQL).
 */
export function pageStatement(
  v: Pick<LoadedVersion, 'table'>,
  fields: readonly ItemSpec[],
  where: readonly FilterSql[],
  way: ReadWay,
  after: number,
  limit: number,
): { sql: string; params: SQLInputValue[] } {
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new RangeError(`a page's limit must be a positive integer`);
  const read = rowsRead(v, where, way, after);
  return {
    sql:
      `SELECT _rid, ${fields.map((f) => quoteIdent(f.name)).join(', ')} ${read.sql} ` +
      `ORDER BY ${way.way === 'zones' ? '_hi, _rid' : '_rid'} LIMIT ${limit}`,
    params: read.params,
  };
}

/**
 * A computed result's statement on version `v`: per group of `groupBy` values (without, one group) `count(*)` as
 * `_n` and each of `measures` as `_m<n>`, over the rows that pass `where`, read `way` (without filters, none).
 */
export function resultStatement(
  v: Pick<LoadedVersion, 'table'>,
  groupBy: readonly ItemSpec[],
  measures: readonly string[],
  where: readonly FilterSql[],
  way: ReadWay | undefined,
): { sql: string; params: SQLInputValue[] } {
  const groupColumns = groupBy.map((g) => quoteIdent(g.name));
  // Unfiltered, SQLite reads a group item's index when it holds all the statement needs (a count per district at
  // 10⁶ rows: 47–88 ms). Filtered, the rows are read the cheapest way and only the matches sorted into groups (the
  // unary + keeps SQLite from walking a group item's index instead, fetching every row before testing the
  // filters: 0.3-0.6 s at 10⁶ rows, whatever the filter).
  const read =
    way === undefined ? { sql: `FROM "${v.table}"`, params: [] } : rowsRead(v, where, way, undefined);
  const groupKeys = groupColumns.map((c) => (way === undefined ? c : `+${c}`)).join(', ');
  return {
    sql:
      `SELECT ${[...groupColumns, 'count(*) AS _n', ...measures.map((m, n) => `${m} AS _m${n}`)].join(', ')} ` +
      read.sql +
      (groupColumns.length ? ` GROUP BY ${groupKeys} ORDER BY ${groupKeys}` : ''),
    params: read.params,
  };
}

/** Blocks of a version's rows: how many rows they hold, and the `_rid` before the first. */
export interface ZoneSpan {
  rows: number;
  from: number;
}

/** What {@link readWay} asks of the store about a version. */
export interface ReadWayCounts {
  /** How many rows a filter matches, counted through its index up to `upTo`. */
  matches(indexed: NonNullable<FilterSql['indexed']>, upTo: number): number;
  /** The blocks whose zone map passes all of `zones`: how many rows they hold, and the `_rid` before the first. */
  inZones(zones: readonly NonNullable<FilterSql['zone']>[]): ZoneSpan;
}

/**
 * Most matches the store counts to choose how a computed result reads its rows (~0.5 ms of counting on the
 * caller's thread, once per version and filter).
 */
export const RESULT_COUNT_LIMIT = 20_000;

/**
 * How to read a page of `limit` rows — or, with `limit` undefined, every row for a computed result — of a version
 * of `rows` rows. An equality picks its index (SQLite does, `table`). Otherwise the rows to read are those of the
 * blocks the filters' zone map conditions pass (all, without such a filter), and the first filter an index can
 * serve is read through it if fetching its matches costs less than reading those rows in page order: with m
 * matches spread through r rows, a page of `limit` rows reads about (limit + 1)·r/m of them, and the index way
 * costs m·{@link SORTED_MATCH_COST} (fetched and sorted into page order), so the index way wins below
 * m = √((limit + 1)·r / cost) — at 10⁶ rows and pages of 100, ~7100 matches; one match reads the whole table
 * (62-69 ms at 10⁶ rows) where the index finds it at once. A computed result reads all r rows the table way: the
 * index wins below r / cost matches (counted up to {@link RESULT_COUNT_LIMIT}). Else the blocks that may match,
 * when the zone map leaves some out (`zones`); else the whole table.
 */
export function readWay(
  where: readonly FilterSql[],
  rows: number,
  limit: number | undefined,
  counts: ReadWayCounts,
): ReadWay {
  if (where.some((p) => p.equality)) return TABLE_WAY;
  const zones = where.flatMap((p) => (p.zone ? [p.zone] : []));
  const span = zones.length > 0 ? counts.inZones(zones) : { rows, from: 0 };
  const candidate = where.find((p) => p.indexed !== undefined);
  if (candidate?.indexed !== undefined) {
    const crossover = Math.ceil(
      limit === undefined
        ? Math.min(span.rows / SORTED_MATCH_COST, RESULT_COUNT_LIMIT)
        : Math.sqrt(((limit + 1) * span.rows) / SORTED_MATCH_COST),
    );
    if (counts.matches(candidate.indexed, crossover) < crossover) return { way: 'index', through: candidate };
  }
  return span.rows < rows ? { way: 'zones', from: span.from } : TABLE_WAY;
}

const TABLE_WAY: ReadWay = { way: 'table' };

/** Options of {@link DatasetStore.open}. */
export interface DatasetStoreOptions {
  /**
   * Versions of at least this many rows have their computed results computed on a thread of the store's own
   * (~0.7 ms of reading at 10⁴ rows, 50–75 ms at 10⁶); smaller ones on the caller's, where handing the work over
   * would cost more than it saves. Default 10 000. A store in memory computes everything on the caller's thread.
   */
  offThreadRows?: number;
  /**
   * Files of at least this many bytes are loaded on a thread of their own (a load of 10⁶ rows takes 4–7 s);
   * smaller ones on the caller's. Default 1 MiB. A store in memory loads everything on the caller's thread.
   */
  offThreadLoadBytes?: number;
  /**
   * The most groups of computed results kept, over all of them, for callers asking the same of the same version
   * again ({@link ComputedResults}); 0 keeps none. Default {@link DEFAULT_KEPT_GROUPS}.
   */
  keptResultGroups?: number;
}

/**
 * Dataset versions on SQLite. Synchronous, but for {@link DatasetStore.loadVersionOffThread} and the computed
 * results of large versions, which run on threads of their own; other connections keep reading meanwhile (WAL).
 * The gateway owning the file is its only writer, so the current versions are read at open and kept in memory,
 * replaced by its own loads: {@link DatasetStore.currentVersion} (asked by the catalogue and the misuse monitor on
 * every call), pages and computed results read them there, not from the file on every call. Versions are never
 * deleted, so a page read while a load makes another version current still reads the one it started with.
 */
export class DatasetStore {
  private readonly versions = new VersionCache('rows_');
  private readonly current = new Map<string, LoadedVersion>();
  private readonly cursors: CursorSigner;
  private readonly statements: StatementCache;
  /** The pages' statements, whose rows come as arrays (`_rid` first, then the fields asked for). */
  private readonly pageStatements: StatementCache;
  /** How many rows a filter matches ({@link matchCount}), by version, condition and values. */
  private readonly matchCounts = new LruMap<string, { n: number; upTo: number }>(4096);
  /** The blocks a filter's zone map conditions pass ({@link inZones}), the same way. */
  private readonly zoneSpans = new LruMap<string, ZoneSpan>(4096);
  /** Computes large computed results off the caller's thread (file-backed stores only). */
  private readonly aggregator: SqliteAggregator | undefined;
  private readonly offThreadRows: number;
  private readonly results: ComputedResults;
  private readonly offThreadLoadBytes: number | undefined;
  /** Loads on threads, one after the other. */
  private readonly loading = new InTurn();

  private constructor(
    private readonly db: DatabaseSync,
    cursorKey: Uint8Array,
    private readonly path: string,
    opts: DatasetStoreOptions,
  ) {
    this.offThreadRows = opts.offThreadRows ?? 10_000;
    this.results = new ComputedResults(opts.keptResultGroups ?? DEFAULT_KEPT_GROUPS);
    // Other threads open the file with connections of their own; a store in memory has no file to share.
    const inFile = path !== ':memory:';
    this.offThreadLoadBytes = inFile ? (opts.offThreadLoadBytes ?? 1024 * 1024) : undefined;
    this.aggregator = inFile ? new SqliteAggregator(path, (job) => runAggregate(db, job)) : undefined;
    this.cursors = new CursorSigner(cursorKey);
    this.statements = new StatementCache(db);
    // A page's rows are copied into objects of their own at once: as arrays, node:sqlite makes no object with
    // a fresh key string per column for each row first (~40 % of what reading a page allocated).
    this.pageStatements = new StatementCache(db, { returnArrays: true });
    const rows = db
      .prepare(
        `SELECT c.dataset_id, v.id, v.version, v.content_hash, v.row_count, v.items
         FROM current_versions c JOIN versions v ON v.id = c.version_id`,
      )
      .all();
    for (const r of rows) {
      const v = this.versions.get(r);
      this.current.set(String(r.dataset_id), v);
      // A version loaded before its items were indexed is indexed now, once (seconds at 10⁶ rows); likewise its
      // zone map, in one transaction (a part of one would hide rows). A store with both takes no write lock.
      for (const ddl of indexStatements(v.table, v.items)) db.exec(ddl);
      if (!hasZones(db, v.table)) {
        // writeZones asks again: another gateway on this file may have written it since.
        immediateTransaction(db, () => writeZones(db, v.table, v.items));
      }
    }
  }

  /**
   * A secret for `purpose`, derived from the store's own (kept in the store, so every gateway sharing the store
   * derives the same).
   */
  derivedKey(purpose: string): Uint8Array {
    return this.cursors.derive(purpose);
  }

  /** Opens (creating if needed) the store at `path`; `:memory:` gives a throwaway store. */
  static open(path: string, opts: DatasetStoreOptions = {}): DatasetStore {
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
      return new DatasetStore(db, key, path, opts);
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
    const loaded = loadInto(this.db, { datasetId, version, items, format, bytes });
    this.lookup(datasetId);
    return loaded;
  }

  /**
   * {@link loadVersion}, on a thread of its own with its own connection when the file has at least
   * {@link DatasetStoreOptions.offThreadLoadBytes} bytes: the caller's event loop serves other calls meanwhile.
   * Loads on threads run one after the other.
   */
  async loadVersionOffThread(
    datasetId: string,
    version: string,
    items: ItemSpec[],
    format: DatasetFormat,
    bytes: Uint8Array,
  ): Promise<{ contentHash: string; rowCount: number }> {
    if (this.offThreadLoadBytes === undefined || bytes.byteLength < this.offThreadLoadBytes)
      return this.loadVersion(datasetId, version, items, format, bytes);
    // The next waits for this one rather than for the file's write lock, which a long load holds past its timeout.
    const loaded = await this.loading.run(() =>
      loadOnThread(this.path, { datasetId, version, items, format, bytes }),
    );
    this.lookup(datasetId);
    return loaded;
  }

  /** The dataset's current version, or undefined when none is loaded. */
  currentVersion(datasetId: string): VersionInfo | undefined {
    const v = this.current.get(datasetId);
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
    const where = filterParts(q.filters, v);
    // Unfiltered, the data call's usual page, there is no way to choose.
    const way = where.length ? readWay(where, v.rowCount, q.limit, this.counts(v)) : TABLE_WAY;
    // One row more than asked tells whether another page exists without an empty last page.
    const { sql, params } = pageStatement(v, fields, where, way, after, q.limit + 1);
    const found = this.pageStatements.get(sql).all(...params) as unknown as SQLOutputValue[][];
    const n = Math.min(found.length, q.limit);
    const rows = new Array<Record<string, unknown>>(n);
    for (let i = 0; i < n; i++) {
      const r = found[i]!;
      const out: Record<string, unknown> = {};
      for (let c = 0; c < fields.length; c++) out[fields[c]!.name] = fromColumn(r[c + 1], fields[c]!);
      rows[i] = out;
    }
    return found.length > n && n > 0
      ? { rows, version: v.version, nextCursor: this.cursors.make(v.id, Number(found[n - 1]![0])) }
      : { rows, version: v.version };
  }

  /**
   * Computed results over the current version: per group of `groupBy` values, the measures. Groups with fewer
   * than `minGroupSize` rows (k-anonymity threshold) are left out and counted in `suppressed`; without
   * `groupBy` the whole (filtered) dataset is one group, suppressed too when it is that small. A large version's
   * result comes as a promise, computed on a thread of its own ({@link DatasetStoreOptions.offThreadRows}); asked
   * again of the same version, it comes from those kept ({@link DatasetStoreOptions.keptResultGroups}).
   *
   * @throws QueryError for unknown items, sum/avg of a non-numeric item, a bad threshold or too many groups.
   */
  aggregate(datasetId: string, q: AggregateQuery): AggregateResult | Promise<AggregateResult> {
    const v = this.require(datasetId);
    return this.results.get(v.id, q, () => this.compute(v, q));
  }

  /** Computes `q` over `v`: on the store's thread for a large version, else on the caller's. */
  private compute(v: LoadedVersion, q: AggregateQuery): AggregateResult | Promise<AggregateResult> {
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
    const where = filterParts(q.filters, v);
    const way = where.length ? readWay(where, v.rowCount, undefined, this.counts(v)) : undefined;
    const job: AggregateJob = {
      ...resultStatement(
        v,
        groupBy,
        measures.map((m) => m.sql),
        where,
        way,
      ),
      groupBy: groupBy.map(({ name, type }) => ({ name, type })),
      measureKeys: measures.map((m) => m.key),
      minGroupSize: k,
    };
    return this.aggregator !== undefined && v.rowCount >= this.offThreadRows
      ? this.aggregator.run(job)
      : runAggregate(this.db, job);
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
    this.aggregator?.close();
    this.db.close();
  }

  /** The dataset's current version as the file says now (remembered, after a load). */
  private lookup(datasetId: string): LoadedVersion | undefined {
    const r = this.statements
      .get(
        `SELECT v.id, v.version, v.content_hash, v.row_count, v.items
         FROM current_versions c JOIN versions v ON v.id = c.version_id WHERE c.dataset_id = ?`,
      )
      .get(datasetId);
    const v = r && this.versions.get(r);
    if (v) this.current.set(datasetId, v);
    else this.current.delete(datasetId);
    return v;
  }

  /**
   * How many rows of version `v` a filter matches, counted through its item's index up to `upTo` entries;
   * remembered per version and filter (a version never changes), so a client paging through reads them once.
   */
  private matchCount(v: LoadedVersion, indexed: NonNullable<FilterSql['indexed']>, upTo: number): number {
    const key = `${v.id}\0${indexed.sql}\0${JSON.stringify(indexed.params)}`;
    const known = this.matchCounts.get(key);
    // Known exactly, or known to reach at least as far as asked.
    if (known !== undefined && (known.n < known.upTo || upTo <= known.upTo)) return Math.min(known.n, upTo);
    const counted = this.statements
      .get(
        `SELECT count(*) AS n FROM (SELECT 1 FROM "${v.table}" INDEXED BY "${indexed.index}" WHERE ${indexed.sql} LIMIT ?)`,
      )
      .get(...indexed.params, upTo);
    const n = Number(counted?.n);
    this.matchCounts.set(key, { n, upTo });
    return n;
  }

  /** The counts {@link readWay} asks for, on version `v`. */
  private counts(v: LoadedVersion): ReadWayCounts {
    return {
      matches: (indexed, upTo) => this.matchCount(v, indexed, upTo),
      inZones: (zones) => this.inZones(v, zones),
    };
  }

  /**
   * The blocks of version `v` whose zone map passes all of `zones`: how many rows they hold and the `_rid` before
   * the first (the version's last when none passes); remembered per version and conditions, like {@link matchCount}.
   */
  private inZones(v: LoadedVersion, zones: readonly NonNullable<FilterSql['zone']>[]): ZoneSpan {
    const conditions = zones.map((z) => z.sql).join(' AND ');
    const key = `${v.id}\0${conditions}\0${JSON.stringify(zones.map((z) => z.params))}`;
    let span = this.zoneSpans.get(key);
    if (span === undefined) {
      const r = this.statements
        .get(
          `SELECT sum(_hi - _lo + 1) AS n, min(_lo) - 1 AS start FROM "${zoneTable(v.table)}" WHERE ${conditions}`,
        )
        .get(...zones.flatMap((z) => z.params));
      span = r?.n == null ? { rows: 0, from: v.rowCount } : { rows: Number(r.n), from: Number(r.start) };
      this.zoneSpans.set(key, span);
    }
    return span;
  }

  /** The dataset's current version, as remembered. */
  private require(datasetId: string): LoadedVersion {
    const v = this.current.get(datasetId);
    if (!v) throw new DatasetNotLoadedError(datasetId);
    return v;
  }
}
