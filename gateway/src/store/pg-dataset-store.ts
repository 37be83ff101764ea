/**
 * The dataset store on PostgreSQL, for gateways configured with `RDX_DATABASE_URL`: the same semantics as the
 * SQLite {@link DatasetStore} (same files accepted, same rows, filters, pages, cursors and computed results).
 *
 * Each loaded version gets its own table `rdx_rows_<n>` (n is the version's id, never a name a caller chose)
 * with one typed column per catalog item. Column names come only from item names that match
 * /^[a-z][a-z0-9_]*$/ and are quoted besides; every value a caller supplies is a bound parameter. Text columns
 * use the "C" collation and empty values sort first, so comparisons and group order are SQLite's (by code point).
 *
 * Several gateways may share one database: versions, current versions and the cursor key belong to a namespace
 * (the gateway id). Each gateway is the single writer of its namespace, so the current versions are read at
 * open and kept in memory, replaced by its own loads: {@link PgDatasetStore.currentVersion}, pages and computed
 * results read them there, without a round trip to the database on every call.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { parseDatasetFile } from '@rdx/client/dataset-format';
import type { PoolClient } from 'pg';
import { InTurn } from '../lib/in-turn.js';
import { LruMap } from '../lib/lru-map.js';
import { ComputedResults, DEFAULT_KEPT_GROUPS } from './computed-results.js';
import type {
  AggregateQuery,
  AggregateResult,
  CellValue,
  DatasetFormat,
  DatasetRow,
  ItemSpec,
  ItemType,
  RowPage,
  RowQuery,
  VersionInfo,
} from './dataset-types.js';
import { checkNamespace, inTransaction, openWithPool, StatementNames, type Row } from './pg-pool.js';
import {
  COMPARISON,
  CursorSigner,
  DatasetNotLoadedError,
  MAX_GROUPS,
  VersionCache,
  checkLoad,
  checkSameVersion,
  checkValue,
  eachFilter,
  planAggregate,
  planFilter,
  planPage,
  indexStatements,
  isIndexed,
  textAfterPrefix,
  quoteIdent,
  tooManyGroups,
  ZONE_ROWS,
  zoneTable,
  zoneTest,
  type FilterPlan,
  type LoadedVersion,
} from './query-plan.js';

/** Options of {@link PgDatasetStore.open}. */
export interface PgDatasetStoreOptions {
  /** Whose store this is (the gateway id): gateways sharing a database each have their own. Default `default`. */
  namespace?: string;
  /** Most database connections the store opens (default 10). */
  maxConnections?: number;
  /** As {@link DatasetStoreOptions.keptResultGroups}: computed results kept for callers asking the same again. */
  keptResultGroups?: number;
}

/** PostgreSQL keeps the first 63 bytes of an identifier. */
const MAX_IDENTIFIER = 63;
/** Rows per INSERT while loading, and per query while reading a whole version. */
const LOAD_BATCH = 5000;
const READ_BATCH = 1000;
/** Serialises creation of the tables when several gateways open the same database at once. */
const SCHEMA_LOCK = 7_266_520_002;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS rdx_dataset_meta (
  namespace text NOT NULL,
  key text NOT NULL,
  value bytea NOT NULL,
  PRIMARY KEY (namespace, key)
);
CREATE TABLE IF NOT EXISTS rdx_dataset_versions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  namespace text NOT NULL,
  dataset_id text NOT NULL,
  version text NOT NULL,
  content_hash text NOT NULL,
  row_count bigint NOT NULL,
  items text NOT NULL,
  format text NOT NULL,
  loaded_at text NOT NULL,
  UNIQUE (namespace, dataset_id, version)
);
CREATE TABLE IF NOT EXISTS rdx_dataset_current (
  namespace text NOT NULL,
  dataset_id text NOT NULL,
  version_id bigint NOT NULL REFERENCES rdx_dataset_versions (id),
  PRIMARY KEY (namespace, dataset_id)
);
`;

/** Column type of each item type; text sorts and compares by code point, as SQLite's BINARY does. */
const COLUMN_TYPE: Record<ItemType, string> = {
  string: 'text COLLATE "C"',
  // Text, not date: SQLite's dates are text, and PostgreSQL has no year 0000.
  date: 'text COLLATE "C"',
  integer: 'bigint',
  number: 'double precision',
  boolean: 'boolean',
};
/** What a bound value of each item type is cast to. */
const PARAM_TYPE: Record<ItemType, string> = {
  string: 'text',
  date: 'text',
  integer: 'bigint',
  number: 'double precision',
  boolean: 'boolean',
};

/** Bound values of one statement, numbered as PostgreSQL wants them ($1, $2, …). */
class Params {
  readonly values: unknown[];
  /** `values` already bound (those of another statement whose text this one repeats). */
  constructor(values: readonly unknown[] = []) {
    this.values = [...values];
  }
  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}

/**
 * Rows `after` < `_rid` ≤ `last` of a version: consecutive blocks of its zone map that pass a filter's tests
 * (blocks between them hold no match).
 */
interface BlockRun {
  after: number;
  last: number;
}

/** Runs apart by at most this many rows are read as one: a short gap costs less than a statement of its own. */
const RUN_GAP_ROWS = 4 * ZONE_ROWS;
/** Runs kept per filter; past them, the last one reaches to the end of the table (read as before the map). */
const MAX_RUNS = 512;
/** Runs read by one statement (each its own bounded part of it). */
const RUNS_PER_STATEMENT = 16;

/**
 * Dataset versions on PostgreSQL. Loads run one at a time per store; reads go on meanwhile (each version's table
 * is written once, in the transaction that loads it, and never changed afterwards).
 */
export class PgDatasetStore {
  private readonly current = new Map<string, LoadedVersion>();
  private readonly versions = new VersionCache('rdx_rows_');
  private readonly cursors: CursorSigner;
  private readonly pageStatements = new StatementNames('rdx_page_');
  private readonly loads = new InTurn();
  /** Where a filter's matches may be ({@link runsOf}), by version, tests and values. */
  private readonly blockRuns = new LruMap<string, readonly BlockRun[]>(1024);
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly namespace: string,
    cursorKey: Uint8Array,
    private readonly results: ComputedResults,
  ) {
    this.cursors = new CursorSigner(cursorKey);
  }

  /**
   * A secret for `purpose`, derived from the store's own (kept in the store, so every gateway sharing the store
   * derives the same).
   */
  derivedKey(purpose: string): Uint8Array {
    return this.cursors.derive(purpose);
  }

  /**
   * Connects to the database at `connectionString`, creates the tables if they are missing and reads the
   * namespace's current versions.
   * @throws if the database cannot be reached or is not usable (PostgreSQL 12 or later, UTF-8).
   */
  static async open(connectionString: string, opts: PgDatasetStoreOptions = {}): Promise<PgDatasetStore> {
    const namespace = checkNamespace(opts.namespace);
    return openWithPool(connectionString, opts.maxConnections ?? 10, async (pool) => {
      await inTransaction(pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
        await client.query(SCHEMA);
        // Cursors are signed with a key kept in the store, so they survive a restart but cannot be forged.
        await client.query(
          `INSERT INTO rdx_dataset_meta (namespace, key, value) VALUES ($1, 'cursor_key', $2)
           ON CONFLICT DO NOTHING`,
          [namespace, randomBytes(32)],
        );
      });
      const key = (
        await pool.query(`SELECT value FROM rdx_dataset_meta WHERE namespace = $1 AND key = 'cursor_key'`, [
          namespace,
        ])
      ).rows[0] as Row | undefined;
      if (!(key?.value instanceof Uint8Array) || key.value.length === 0)
        throw new Error(`the dataset store ${namespace} has no cursor key`);
      const store = new PgDatasetStore(
        pool,
        namespace,
        key.value,
        new ComputedResults(opts.keptResultGroups ?? DEFAULT_KEPT_GROUPS),
      );
      const { rows } = await pool.query(
        `SELECT c.dataset_id, v.id, v.version, v.content_hash, v.row_count, v.items
         FROM rdx_dataset_current c JOIN rdx_dataset_versions v ON v.id = c.version_id WHERE c.namespace = $1`,
        [namespace],
      );
      for (const r of rows as Row[]) store.current.set(String(r.dataset_id), store.versions.get(r));
      // A version loaded before its items were indexed is indexed now, once; under the schema lock, as gateways
      // sharing the namespace may start together.
      await inTransaction(pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
        for (const v of store.current.values()) {
          for (const ddl of indexStatements(v.table, v.items)) await client.query(ddl);
          // Likewise its zone map, in this transaction (a part of one would hide rows).
          const found = (await client.query('SELECT to_regclass($1) AS t', [zoneTable(v.table)]))
            .rows[0] as Row;
          if (found.t === null) for (const sql of zoneStatements(v.table, v.items)) await client.query(sql);
        }
      });
      return store;
    });
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
  ): Promise<{ contentHash: string; rowCount: number }> {
    return this.loads.run(() => this.load(datasetId, version, items, format, bytes));
  }

  /** {@link loadVersion}: its work is the server's, the caller's event loop is free meanwhile already. */
  loadVersionOffThread(
    ...load: Parameters<PgDatasetStore['loadVersion']>
  ): Promise<{ contentHash: string; rowCount: number }> {
    return this.loadVersion(...load);
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
  async query(datasetId: string, q: RowQuery): Promise<RowPage> {
    const v = this.require(datasetId);
    const { fields, after } = planPage(q, v, this.cursors);
    const params = new Params();
    const zoneParams = new Params();
    const where = whereClause(q.filters, v, params, zoneParams);
    const read = { v, fields, where: where.map((w) => w.sql), params: params.values };
    // One row more than asked tells whether another page exists without an empty last page.
    const need = q.limit + 1;
    const zones = where.flatMap((w) => (w.zone === undefined ? [] : [w.zone]));
    let found: unknown[][];
    if (zones.length === 0)
      found = await this.readRuns(read, [{ after, last: Number.MAX_SAFE_INTEGER }], need);
    else {
      // The planner takes matches to be spread through the table and reads it in page order until the page is
      // full, even across rows where none can be (matches that sit together at its end, or in bunches): the page
      // reads only the runs of blocks of the zone map that may hold one, a few runs to a statement.
      const runs = await this.runsOf(v, zones, zoneParams);
      found = [];
      for (let i = firstRunAfter(runs, after); found.length < need && i < runs.length;) {
        const batch = runsForStatement(runs, i, after, 4 * need);
        i += batch.length;
        found.push(...(await this.readRuns(read, batch, need - found.length)));
      }
    }
    const page = found.slice(0, q.limit);
    const rows = page.map((r) => {
      const out: Record<string, unknown> = {};
      fields.forEach((f, k) => (out[f.name] = fromColumn(r[k + 1])));
      return out;
    });
    const last = page.at(-1);
    return found.length > q.limit && last
      ? { rows, version: v.version, nextCursor: this.cursors.make(v.id, Number(last[0])) }
      : { rows, version: v.version };
  }

  /**
   * Computed results over the current version: per group of `groupBy` values, the measures. Groups with fewer
   * than `minGroupSize` rows (k-anonymity threshold) are left out and counted in `suppressed`; without
   * `groupBy` the whole (filtered) dataset is one group, suppressed too when it is that small. Small groups are
   * counted in the database: only the groups returned leave it. Asked again of the same version, a result comes
   * from those kept ({@link PgDatasetStoreOptions.keptResultGroups}).
   *
   * @throws QueryError for unknown items, sum/avg of a non-numeric item, a bad threshold or too many groups.
   */
  async aggregate(datasetId: string, q: AggregateQuery): Promise<AggregateResult> {
    const v = this.require(datasetId);
    return this.results.get(v.id, q, () => this.compute(v, q));
  }

  /** Computes `q` over `v` in the database. */
  private async compute(v: LoadedVersion, q: AggregateQuery): Promise<AggregateResult> {
    const {
      groupBy,
      measures,
      minGroupSize: k,
    } = planAggregate(q, v.byName, (op, column) =>
      // In double precision, as SQLite's total() and avg(): no overflow, and a number either way.
      op === 'count' ? `count(${column})` : `${op}(${column}::double precision)`,
    );
    const params = new Params();
    const where = whereClause(q.filters, v, params).map((w) => w.sql);
    const minSize = params.add(k, 'bigint');
    const groupColumns = groupBy.map((g, n) => `${quoteIdent(g.name)} AS _g${n}`);
    const groupKeys = groupBy.map((_, n) => `_g${n}`);
    const order = groupKeys.map((g) => `${g} NULLS FIRST`).join(', ');
    // One pass: the groups are computed once, then counted below the threshold and returned above it (one
    // more than allowed tells that there are too many). The LEFT JOIN yields a row even when none is kept.
    const sql =
      `WITH g AS MATERIALIZED (SELECT ${[...groupColumns, 'count(*) AS _n', ...measures.map((m, n) => `${m.sql} AS _m${n}`)].join(', ')} ` +
      `FROM "${v.table}"` +
      (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
      (groupKeys.length ? ` GROUP BY ${groupKeys.map((_, n) => n + 1).join(', ')}` : '') +
      `), kept AS (SELECT * FROM g WHERE _n >= ${minSize}` +
      (groupKeys.length ? ` ORDER BY ${order}` : '') +
      ` LIMIT ${MAX_GROUPS + 1}) ` +
      `SELECT (SELECT count(*) FROM g WHERE _n < ${minSize}) AS _suppressed, kept.* ` +
      `FROM (SELECT 1) AS one LEFT JOIN kept ON true` +
      (groupKeys.length ? ` ORDER BY ${groupKeys.map((g) => `kept.${g} NULLS FIRST`).join(', ')}` : '');
    const result = (await this.pool.query({ text: sql, values: params.values, rowMode: 'array' }))
      .rows as unknown[][];
    const suppressed = Number(result[0]?.[0] ?? 0);
    // Columns: _suppressed, the group values, _n, the measures. A row without _n is the empty LEFT JOIN.
    const kept = result.filter((r) => r[1 + groupBy.length] !== null);
    if (kept.length > MAX_GROUPS) throw tooManyGroups();
    const groups = kept.map((r) => {
      const g: Record<string, unknown> = {};
      groupBy.forEach((spec, n) => (g[spec.name] = fromColumn(r[1 + n])));
      measures.forEach((m, n) => (g[m.key] = r[2 + groupBy.length + n] ?? null));
      return g;
    });
    return { groups, suppressed };
  }

  /**
   * Every row of the current version with every item, in file order: for downloading unconditional data.
   * The version is fixed when this is called; rows are read lazily, a batch at a time, and no connection is
   * held between batches.
   *
   * @throws DatasetNotLoadedError (at once, not on first iteration).
   */
  allRows(datasetId: string): AsyncIterableIterator<DatasetRow> {
    const v = this.current.get(datasetId);
    if (!v) throw new DatasetNotLoadedError(datasetId);
    const pool = this.pool;
    const sql =
      `SELECT _rid, ${v.items.map((i) => quoteIdent(i.name)).join(', ')} FROM "${v.table}" ` +
      `WHERE _rid > $1::bigint ORDER BY _rid LIMIT ${READ_BATCH}`;
    async function* rows(): AsyncGenerator<DatasetRow> {
      let after = 0;
      for (;;) {
        const batch = (await pool.query({ text: sql, values: [after], rowMode: 'array' }))
          .rows as unknown[][];
        for (const r of batch) {
          const out: DatasetRow = {};
          v!.items.forEach((spec, k) => (out[spec.name] = fromColumn(r[k + 1]) as CellValue));
          yield out;
        }
        if (batch.length < READ_BATCH) return;
        after = Number(batch[batch.length - 1]![0]);
      }
    }
    return rows();
  }

  /** Waits for a load under way, then closes the connections; the store cannot be used afterwards. */
  close(): Promise<void> {
    this.closing ??= this.loads.idle().then(() => this.pool.end());
    return this.closing;
  }

  private async load(
    datasetId: string,
    version: string,
    items: ItemSpec[],
    format: DatasetFormat,
    bytes: Uint8Array,
  ): Promise<{ contentHash: string; rowCount: number }> {
    const { specs, contentHash } = checkLoad(
      datasetId,
      version,
      items,
      format,
      bytes,
      checkIdentifierLengths,
    );
    const existing = async (
      client: pg.Pool | PoolClient,
    ): Promise<{ contentHash: string; rowCount: number }> => {
      const found = (
        await client.query(
          `SELECT content_hash, row_count, items, format FROM rdx_dataset_versions
           WHERE namespace = $1 AND dataset_id = $2 AND version = $3`,
          [this.namespace, datasetId, version],
        )
      ).rows[0] as Row | undefined;
      if (!found) throw new Error(`version ${version} of ${datasetId} vanished while loading`);
      checkSameVersion(found, { datasetId, version, contentHash, format, specs });
      return { contentHash, rowCount: Number(found.row_count) };
    };
    const known = await this.pool.query(
      'SELECT 1 FROM rdx_dataset_versions WHERE namespace = $1 AND dataset_id = $2 AND version = $3',
      [this.namespace, datasetId, version],
    );
    if (known.rows.length > 0) return existing(this.pool);
    // Parsed before the transaction, so it stays short; nothing is stored when the file is at fault.
    // A NUL, which PostgreSQL's text cannot hold, is refused by the parser, as on every store.
    const rows = parseDatasetFile(bytes, format, specs);
    const loaded = await inTransaction(this.pool, async (client) => {
      const inserted = (
        await client.query(
          `INSERT INTO rdx_dataset_versions
             (namespace, dataset_id, version, content_hash, row_count, items, format, loaded_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           ON CONFLICT (namespace, dataset_id, version) DO NOTHING RETURNING id`,
          [
            this.namespace,
            datasetId,
            version,
            contentHash,
            rows.length,
            JSON.stringify(specs),
            format,
            new Date().toISOString(),
          ],
        )
      ).rows[0] as Row | undefined;
      // Another loader got there first (it committed while this one parsed): the same rules as a reload.
      if (!inserted) return { result: await existing(client) };
      const id = Number(inserted.id);
      const table = `rdx_rows_${id}`;
      const columns = specs.map((s) => quoteIdent(s.name));
      await client.query(
        `CREATE TABLE "${table}" (_rid bigint PRIMARY KEY, ${specs.map((s, k) => `${columns[k]} ${COLUMN_TYPE[s.type]}`).join(', ')})`,
      );
      const insert =
        `INSERT INTO "${table}" (_rid, ${columns.join(', ')}) SELECT * FROM unnest($1::bigint[], ` +
        specs.map((s, k) => `$${k + 2}::${PARAM_TYPE[s.type]}[]`).join(', ') +
        ')';
      for (let from = 0; from < rows.length; from += LOAD_BATCH) {
        const chunk = rows.slice(from, from + LOAD_BATCH);
        // _rid is the row's position in the file, which is the order pages come in.
        const values: unknown[][] = [chunk.map((_, k) => from + k + 1)];
        for (const spec of specs) values.push(chunk.map((row) => row[spec.name] ?? null));
        await client.query(insert, values);
      }
      // Built once the rows are in, then the statistics by which the planner chooses between an index and the
      // table in page order.
      for (const ddl of indexStatements(table, specs)) await client.query(ddl);
      for (const sql of zoneStatements(table, specs)) await client.query(sql);
      await client.query(`ANALYZE "${table}"`);
      await client.query(
        `INSERT INTO rdx_dataset_current (namespace, dataset_id, version_id) VALUES ($1, $2, $3)
         ON CONFLICT (namespace, dataset_id) DO UPDATE SET version_id = excluded.version_id`,
        [this.namespace, datasetId, id],
      );
      return {
        result: { contentHash, rowCount: rows.length },
        version: this.versions.get({
          id,
          version,
          content_hash: contentHash,
          row_count: rows.length,
          items: JSON.stringify(specs),
        }),
      };
    });
    if (loaded.version) this.current.set(datasetId, loaded.version);
    return loaded.result;
  }

  /**
   * The runs of blocks of version `v`'s zone map that pass all of `tests` (bound in `params`), in row order, runs
   * a short gap apart read as one; remembered per version, tests and values.
   */
  private async runsOf(
    v: LoadedVersion,
    tests: readonly string[],
    params: Params,
  ): Promise<readonly BlockRun[]> {
    const sql = `SELECT _lo, _hi FROM "${zoneTable(v.table)}" WHERE ${tests.join(' AND ')} ORDER BY _hi`;
    const key = `${v.id}\0${sql}\0${JSON.stringify(params.values)}`;
    let runs = this.blockRuns.get(key);
    if (runs === undefined) {
      const blocks = (await this.pool.query({ text: sql, values: params.values, rowMode: 'array' })).rows as [
        string,
        string,
      ][];
      const merged: BlockRun[] = [];
      for (const [lo, hi] of blocks) {
        const last = merged.at(-1);
        if (last && Number(lo) - 1 - last.last <= RUN_GAP_ROWS) last.last = Number(hi);
        else merged.push({ after: Number(lo) - 1, last: Number(hi) });
      }
      if (merged.length > MAX_RUNS) {
        merged.length = MAX_RUNS;
        merged[MAX_RUNS - 1]!.last = Number.MAX_SAFE_INTEGER;
      }
      this.blockRuns.set(key, (runs = merged));
    }
    return runs;
  }

  /**
   * Up to `limit` rows of `runs` (in row order, apart) that pass `where`, in row order: one statement, each run
   * read on its own up to `limit` rows, so no row between them is read.
   */
  private async readRuns(
    read: {
      v: LoadedVersion;
      fields: readonly ItemSpec[];
      where: readonly string[];
      params: readonly unknown[];
    },
    runs: readonly BlockRun[],
    limit: number,
  ): Promise<unknown[][]> {
    const params = new Params(read.params);
    const columns = `_rid, ${read.fields.map((f) => quoteIdent(f.name)).join(', ')}`;
    const max = params.add(limit, 'bigint');
    const part = (run: BlockRun): string =>
      `SELECT ${columns} FROM "${read.v.table}" WHERE ${[
        `_rid > ${params.add(run.after, 'bigint')}`,
        ...(run.last < read.v.rowCount ? [`_rid <= ${params.add(run.last, 'bigint')}`] : []),
        ...read.where,
      ].join(' AND ')} ORDER BY _rid LIMIT ${max}`;
    const sql =
      runs.length === 1
        ? part(runs[0]!)
        : `SELECT * FROM (${runs.map((r) => `(${part(r)})`).join(' UNION ALL ')}) AS runs ORDER BY _rid LIMIT ${max}`;
    return (
      await this.pool.query({
        name: this.pageStatements.of(sql),
        text: sql,
        values: params.values,
        rowMode: 'array',
      })
    ).rows as unknown[][];
  }

  /** The dataset's current version, as remembered. */
  private require(datasetId: string): LoadedVersion {
    const v = this.current.get(datasetId);
    if (!v) throw new DatasetNotLoadedError(datasetId);
    return v;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Filters: the SQLite store's rules and messages, in PostgreSQL's SQL

/** Checks one filter value against its item's type and returns it as it is bound. */
function bindValue(v: unknown, spec: ItemSpec, where: string): string | number | boolean {
  // A NUL, which PostgreSQL's text cannot hold, is refused by checkValue, as on every store.
  return checkValue(v, spec, where);
}

/**
 * The runs one statement reads, from `runs[from]` on: at most {@link RUNS_PER_STATEMENT}, and none begun once they
 * span `rows` rows; each starts after row `after`.
 */
function runsForStatement(runs: readonly BlockRun[], from: number, after: number, rows: number): BlockRun[] {
  const batch: BlockRun[] = [];
  for (
    let i = from, spanned = 0;
    i < runs.length && batch.length < RUNS_PER_STATEMENT && spanned < rows;
    i++
  ) {
    const run = { after: Math.max(runs[i]!.after, after), last: runs[i]!.last };
    batch.push(run);
    spanned += run.last - run.after;
  }
  return batch;
}

/** The index of the first of `runs` with a row after `after` (`runs.length` when none has). */
function firstRunAfter(runs: readonly BlockRun[], after: number): number {
  let lo = 0;
  let hi = runs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (runs[mid]!.last <= after) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One filter in SQL, and the zone map's test of it when asked and it can tell ({@link zoneTest}). */
interface PgFilter {
  sql: string;
  zone?: string;
}

/**
 * One filter of a query on version `v` (identifiers from validated item names only; values bound in `params`, the
 * zone map's in `zoneParams`); `where` names it.
 */
function filterSql(
  f: unknown,
  v: Pick<LoadedVersion, 'items' | 'byName'>,
  where: string,
  params: Params,
  zoneParams?: Params,
): PgFilter {
  const plan = planFilter(f, v.byName, where, bindValue);
  const sql = conditionSql(plan, where, params);
  const zone = zoneParams && filterZoneTest(plan, v, zoneParams);
  return zone === undefined ? { sql } : { sql, zone };
}

/** The SQL text of one checked filter; `where` names it. */
function conditionSql(plan: FilterPlan<string | number | boolean>, where: string, params: Params): string {
  const type = PARAM_TYPE[plan.spec.type];
  switch (plan.op) {
    case 'in':
      return `${plan.column} = ANY(${params.add(plan.values, `${type}[]`)})`;
    case 'prefix': {
      // A range in code-point order (COLLATE "C"): the text starts with the prefix exactly when it lies from the
      // prefix up to the prefix with its last character the next one. The planner seeks the item's index by it, and
      // estimates it from the item's statistics: with a test of substr beside it, which it cannot estimate, it took
      // matches to be few, and for a page chose a parallel plan whose workers took longer to start than the page.
      // Only a prefix ending in the last code point has no such bound: substr (which counts characters as SQLite
      // does; LIKE would treat % and _ as wildcards) tests it.
      const above = textAfterPrefix(plan.value);
      const from = `${plan.column} >= ${params.add(plan.value, 'text')}`;
      return above === undefined
        ? `${from} AND substr(${plan.column}, 1, ${params.add([...plan.value].length, 'integer')}) = ${params.add(plan.value, 'text')}`
        : `${from} AND ${plan.column} < ${params.add(above, 'text')}`;
    }
    default:
      // IS DISTINCT FROM, like SQLite's IS NOT, unlike <>, keeps rows whose value is empty.
      return `${plan.column} ${plan.op === 'ne' ? 'IS DISTINCT FROM' : COMPARISON[plan.op]} ${params.add(plan.value, type)}`;
  }
}

/** The zone map's test of one checked filter on version `v` ({@link zoneTest}), if it can tell. */
function filterZoneTest(
  plan: FilterPlan<string | number | boolean>,
  v: Pick<LoadedVersion, 'items'>,
  params: Params,
): string | undefined {
  if (!isIndexed(plan.spec)) return undefined;
  const type = PARAM_TYPE[plan.spec.type];
  const k = v.items.indexOf(plan.spec);
  const values = plan.op === 'in' ? plan.values : [plan.value];
  return zoneTest(
    plan.op,
    k,
    values,
    (value) => params.add(value, type),
    plan.op === 'prefix' ? textAfterPrefix(plan.value) : undefined,
  );
}

/**
 * The statements writing version table `table`'s zone map ({@link ZONE_ROWS}): for each block of rows, its first
 * and last `_rid` and the least and greatest value of each indexed item, in the item's own column type (text by
 * code point, as the filters compare it).
 */
function zoneStatements(table: string, items: readonly ItemSpec[]): string[] {
  const zoned = items.flatMap((spec, k) =>
    isIndexed(spec) ? [{ spec, k, column: quoteIdent(spec.name) }] : [],
  );
  return [
    `CREATE TABLE "${zoneTable(table)}" (_hi bigint PRIMARY KEY, _lo bigint NOT NULL${zoned
      .map(({ spec, k }) => `, _min${k} ${COLUMN_TYPE[spec.type]}, _max${k} ${COLUMN_TYPE[spec.type]}`)
      .join('')})`,
    `INSERT INTO "${zoneTable(table)}" SELECT max(_rid), min(_rid)${zoned
      .map(({ column }) => `, min(${column}), max(${column})`)
      .join('')} FROM "${table}" GROUP BY (_rid - 1) / ${ZONE_ROWS}`,
  ];
}

/** All filters of a query on version `v`, to be ANDed; with `zoneParams`, their zone map tests too. */
function whereClause(
  filters: unknown,
  v: Pick<LoadedVersion, 'items' | 'byName'>,
  params: Params,
  zoneParams?: Params,
): PgFilter[] {
  return eachFilter(filters, (f, where) => filterSql(f, v, where, params, zoneParams));
}

// ---------------------------------------------------------------------------------------------------------
// Helpers

/** Item names are at most 64 characters; PostgreSQL cuts identifiers to 63, so two must differ before that. */
function checkIdentifierLengths(specs: ItemSpec[]): void {
  const seen = new Map<string, string>();
  for (const s of specs) {
    const cut = s.name.slice(0, MAX_IDENTIFIER);
    const other = seen.get(cut);
    if (other !== undefined)
      throw new TypeError(
        `items "${other}" and "${s.name}" differ only after character ${MAX_IDENTIFIER}, which PostgreSQL cannot tell apart`,
      );
    seen.set(cut, s.name);
  }
}

function fromColumn(v: unknown): unknown {
  return v === undefined ? null : v;
}
