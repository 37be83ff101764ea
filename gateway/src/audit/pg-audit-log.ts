/**
 * The gateway's access log on PostgreSQL: the same hash chain, records, anchors and rules as the SQLite
 * {@link AuditLog}, for gateways configured with `RDX_DATABASE_URL`.
 *
 * Several gateways may share one database: every row carries its log's name (the gateway id), and each log is
 * its own chain from seq 0. Each gateway is the single writer of its own log, so where its chain ends, its last
 * anchor and the time of its oldest unanchored record are read once at open and then kept in memory.
 *
 * Durability: a batch commits only with `synchronous_commit` on (whatever the server or role default), so its
 * commit returns only after the WAL is flushed. Appends are group-committed as with SQLite ({@link GroupCommit}):
 * while one batch commits, the next appends queue up and go together in the next. Every caller's promise settles
 * only after the commit holding its record.
 *
 * A batch goes as one statement, which checks in the database what the careful way checks step by step (the
 * write lock, where the chain ends, synchronous_commit on) and writes nothing unless all hold: one round trip
 * instead of five. When it writes nothing, or a request id is logged already, the batch is committed the careful
 * way, which says why it refuses.
 */
import type pg from 'pg';
import type { PoolClient } from 'pg';
import { GroupCommit } from './group-commit.js';
import { InTurn } from '../lib/in-turn.js';
import {
  anchorFields,
  ChainWalk,
  GENESIS_HASH,
  RECORD_COLUMNS,
  RECORD_COLUMN_TYPES,
  chainRecords,
  checkAnchor,
  checkLeafRange,
  checkLimit,
  checkNoneMissing,
  copyStats,
  failingNow,
  countCommit,
  emptyCounters,
  duplicateRequest,
  failBatch,
  groupCommitOptions,
  int,
  normalizeEntry,
  recordValues,
  anchorValues,
  ANCHOR_COLUMNS,
  rowToAnchor,
  rowToRecord,
  settleBatch,
  str,
  wellFormedText,
  type AuditAnchor,
  type AuditEntry,
  type AuditLogOptions,
  type AuditCounters,
  type AuditLogStats,
  type AuditRecord,
  type Pending,
} from './audit-record.js';
import { checkNamespace, errorCode, inTransaction, openWithPool, type Row } from '../store/pg-pool.js';

/** Options of {@link PgAuditLog.open}. */
export interface PgAuditLogOptions extends AuditLogOptions {
  /** Whose log this is (the gateway id): gateways sharing a database each have their own. Default `default`. */
  namespace?: string;
  /** Most database connections the log opens (default 4): one commits, the others serve reads. */
  maxConnections?: number;
}

/** Serialises creation of the tables when several gateways open the same database at once. */
const SCHEMA_LOCK = 7_266_520_001;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS rdx_audit_logs (
  log text PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS rdx_audit_records (
  log text NOT NULL,
  seq bigint NOT NULL CHECK (seq >= 0),
  time text NOT NULL,
  request_id text NOT NULL,
  gateway_id text NOT NULL,
  client_id text,
  enterprise text,
  method text NOT NULL,
  path text NOT NULL,
  dataset_id text,
  grant_id text,
  decision text NOT NULL,
  reason text NOT NULL,
  items text NOT NULL,
  row_count bigint NOT NULL,
  response_hash text,
  status bigint NOT NULL,
  query text,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  PRIMARY KEY (log, seq),
  UNIQUE (log, request_id)
);
ALTER TABLE rdx_audit_records ADD COLUMN IF NOT EXISTS query text;
CREATE INDEX IF NOT EXISTS rdx_audit_records_by_enterprise ON rdx_audit_records (log, enterprise, seq);
CREATE TABLE IF NOT EXISTS rdx_audit_anchors (
  log text NOT NULL,
  sequence bigint NOT NULL,
  first_record bigint NOT NULL,
  record_count bigint NOT NULL,
  tree_size bigint NOT NULL,
  merkle_root text NOT NULL,
  anchor_hash text NOT NULL,
  tx_id text NOT NULL,
  block_number bigint NOT NULL,
  PRIMARY KEY (log, sequence),
  UNIQUE (log, tree_size)
);
CREATE TABLE IF NOT EXISTS rdx_audit_tree_blocks (
  log text NOT NULL,
  block bigint NOT NULL,
  root text NOT NULL,
  PRIMARY KEY (log, block)
);
`;

/** PostgreSQL array type of each of {@link RECORD_COLUMNS}, for inserting a batch as one statement. */
const RECORD_ARRAY_TYPES = Object.values(RECORD_COLUMN_TYPES).map((type) =>
  type === 'integer' ? 'bigint' : 'text',
);
/** The batch's rows, `$1` the log and one array parameter per column from `$first` on. */
const batchRows = (first: number): string =>
  `SELECT $1, * FROM unnest(${RECORD_ARRAY_TYPES.map((type, k) => `$${k + first}::${type}[]`).join(', ')})`;
const INSERT_RECORDS = `INSERT INTO rdx_audit_records (log, ${RECORD_COLUMNS})`;
const INSERT_BATCH = `${INSERT_RECORDS} ${batchRows(2)}`;
/**
 * A batch in one statement of its own (so its own transaction): inserted only if this connection commits with
 * synchronous_commit on, the log's write lock is free (NOWAIT: taken, else the statement fails) and the chain
 * ends where the log's memory says ($2 the next seq, $4 the last hash, $3 the genesis hash). A concurrent append
 * of the same seq fails on the primary key; a request id logged already, on the unique key.
 */
const INSERT_BATCH_AT_ONCE = `WITH
  writer AS (SELECT 1 FROM rdx_audit_logs WHERE log = $1 FOR NO KEY UPDATE NOWAIT),
  tail AS (SELECT seq, hash FROM rdx_audit_records WHERE log = $1 ORDER BY seq DESC LIMIT 1)
${INSERT_RECORDS} ${batchRows(5)}
WHERE current_setting('synchronous_commit') <> 'off'
  AND EXISTS (SELECT 1 FROM writer)
  AND COALESCE((SELECT seq + 1 FROM tail), 0) = $2
  AND COALESCE((SELECT hash FROM tail), $3) = $4`;

/** Rows per query when reading the whole log back. */
const READ_BATCH = 5000;

/**
 * The access log on PostgreSQL. Single writer per namespace: a second writer is detected at commit time and its
 * batch refused, never interleaved into the chain. Reads may come from anywhere.
 */
export class PgAuditLog {
  /** Committed chain state: what the next record links to. Only advanced after a successful COMMIT. */
  private nextSeq: number;
  private lastHash: string;
  private last: AuditAnchor | undefined;
  /** Time (ms) of record `anchoredSize()`, when it is in the log. */
  private oldestUnanchored: number | undefined;
  private readonly group: GroupCommit;
  /** Anchors are recorded one at a time, in call order. */
  private readonly anchors = new InTurn();
  /** Set when a COMMIT's outcome could not be learned: the next batch first reads where the chain ends. */
  private unsure: { seq: number; hash: string } | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;
  private readonly counters: AuditCounters = emptyCounters();
  /** When the batch being committed was handed to the database (one batch at a time), for its commit time. */
  private batchStartedAt = 0;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly namespace: string,
    opts: Required<AuditLogOptions>,
    state: { nextSeq: number; lastHash: string; last: AuditAnchor | undefined; oldest: number | undefined },
  ) {
    this.group = new GroupCommit(opts, (batch) => this.commitBatch(batch));
    this.nextSeq = state.nextSeq;
    this.lastHash = state.lastHash;
    this.last = state.last;
    this.oldestUnanchored = state.oldest;
  }

  /**
   * Connects to the database at `connectionString`, creates the tables if they are missing, and reads back where
   * the namespace's chain ends.
   * @throws if the database cannot be reached or is not usable (PostgreSQL 12 or later, UTF-8).
   */
  static async open(connectionString: string, opts: PgAuditLogOptions = {}): Promise<PgAuditLog> {
    const options = groupCommitOptions(opts);
    const namespace = checkNamespace(opts.namespace);
    return openWithPool(connectionString, opts.maxConnections ?? 4, async (pool) => {
      await inTransaction(pool, async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
        await client.query(SCHEMA);
        await client.query('INSERT INTO rdx_audit_logs (log) VALUES ($1) ON CONFLICT DO NOTHING', [
          namespace,
        ]);
      });
      // After a crash the database, not memory, says where the chain ends: an unacknowledged batch either
      // committed whole or not at all.
      const tail = (
        await pool.query('SELECT seq, hash FROM rdx_audit_records WHERE log = $1 ORDER BY seq DESC LIMIT 1', [
          namespace,
        ])
      ).rows[0] as Row | undefined;
      const anchorRow = (
        await pool.query(
          `SELECT ${ANCHOR_COLUMNS} FROM rdx_audit_anchors WHERE log = $1 ORDER BY sequence DESC LIMIT 1`,
          [namespace],
        )
      ).rows[0] as Row | undefined;
      const last = anchorRow === undefined ? undefined : rowToAnchor(anchorRow);
      const oldest = await recordTime(pool, namespace, last?.treeSize ?? 0);
      return new PgAuditLog(pool, namespace, options, {
        nextSeq: tail === undefined ? 0 : int(tail.seq, 'seq') + 1,
        lastHash: tail === undefined ? GENESIS_HASH : str(tail.hash, 'hash'),
        last,
        oldest,
      });
    });
  }

  /**
   * Appends an entry. Resolves with its record once the transaction holding it is committed; rejects if the
   * entry is malformed, its requestId is already logged, the log is closed, or the commit fails (then every
   * append of that batch rejects and none of them is in the log). Records are numbered in call order.
   */
  append(entry: AuditEntry): Promise<AuditRecord> {
    let normalized: AuditEntry;
    try {
      if (this.closed) throw new Error('The audit log is closed');
      normalized = normalizeEntry(entry, withoutNul);
      // Ids already committed are found in the commit transaction itself (see commitBatch).
      if (this.group.pendingIds.has(normalized.requestId)) throw duplicateRequest(normalized.requestId);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return this.group.add(normalized);
  }

  /** The record of a request, if logged. */
  async get(requestId: string): Promise<AuditRecord | undefined> {
    // A string PostgreSQL cannot hold cannot be in the log.
    if (typeof requestId !== 'string' || requestId.includes('\0')) return undefined;
    const { rows } = await this.pool.query(
      `SELECT ${RECORD_COLUMNS} FROM rdx_audit_records WHERE log = $1 AND request_id = $2`,
      [this.namespace, requestId],
    );
    const row = rows[0] as Row | undefined;
    return row === undefined ? undefined : rowToRecord(row);
  }

  /** The record at position `seq`, if committed. */
  async bySeq(seq: number): Promise<AuditRecord | undefined> {
    if (!Number.isSafeInteger(seq) || seq < 0) return undefined;
    const { rows } = await this.pool.query(
      `SELECT ${RECORD_COLUMNS} FROM rdx_audit_records WHERE log = $1 AND seq = $2`,
      [this.namespace, seq],
    );
    const row = rows[0] as Row | undefined;
    return row === undefined ? undefined : rowToRecord(row);
  }

  /** Records committed so far: the next record's seq. */
  size(): number {
    return this.nextSeq;
  }

  /**
   * The hashes (Merkle leaves) of records [from, to), in order, for building roots and proofs.
   * @throws RangeError if the range is not within [0, size()]; Error if a record in it is missing.
   */
  async leafHashes(from: number, to: number): Promise<string[]> {
    checkLeafRange(from, to, this.nextSeq);
    const { rows } = await this.pool.query(
      'SELECT hash FROM rdx_audit_records WHERE log = $1 AND seq >= $2 AND seq < $3 ORDER BY seq',
      [this.namespace, from, to],
    );
    const hashes = (rows as Row[]).map((row) => str(row.hash, 'hash'));
    checkNoneMissing(hashes, from, to);
    return hashes;
  }

  /**
   * An enterprise's own access log, newest first: at most `limit` records of `enterprise` with seq below
   * `beforeSeq` (default: all), so a caller pages by passing the last seq it got.
   */
  async recordsOf(enterprise: string, limit: number, beforeSeq?: number): Promise<AuditRecord[]> {
    checkLimit(limit);
    if (typeof enterprise !== 'string' || enterprise.includes('\0')) return [];
    const before = beforeSeq ?? Number.MAX_SAFE_INTEGER;
    const { rows } = await this.pool.query(
      `SELECT ${RECORD_COLUMNS} FROM rdx_audit_records WHERE log = $1 AND enterprise = $2 AND seq < $3 ` +
        'ORDER BY seq DESC LIMIT $4',
      [this.namespace, enterprise, before, limit],
    );
    return (rows as Row[]).map(rowToRecord);
  }

  /**
   * Recomputes every record's hash and link from the database. `brokenAt` is the first seq whose content, hash
   * or link is wrong, or where records are missing (a gap, or fewer records than committed or anchored).
   */
  async verifyChain(from = 0, to = Number.MAX_SAFE_INTEGER): Promise<{ ok: boolean; brokenAt?: number }> {
    // Taken first: everything acknowledged before the check started must be there.
    const mustHave = Math.min(to, Math.max(this.nextSeq, this.anchoredSize()));
    let prev = GENESIS_HASH;
    if (from > 0) {
      const before = await this.bySeq(from - 1);
      if (before === undefined) return { ok: false, brokenAt: from - 1 };
      prev = before.hash;
    }
    const walk = new ChainWalk(from, prev);
    for (;;) {
      const { rows } = await this.pool.query(
        `SELECT ${RECORD_COLUMNS} FROM rdx_audit_records WHERE log = $1 AND seq >= $2 AND seq < $3 ORDER BY seq LIMIT $4`,
        [this.namespace, walk.expected, to, READ_BATCH],
      );
      for (const row of rows as Row[]) {
        if (!walk.accept(row)) return { ok: false, brokenAt: walk.expected };
      }
      if (rows.length < READ_BATCH) break;
    }
    return walk.result(mustHave);
  }

  /** The saved roots of the Merkle tree's complete blocks, from block 0 ({@link ./audit-tree.ts}). */
  async treeBlocks(): Promise<string[]> {
    const { rows } = await this.pool.query(
      'SELECT block, root FROM rdx_audit_tree_blocks WHERE log = $1 ORDER BY block',
      [this.namespace],
    );
    const roots: string[] = [];
    for (const row of rows as Row[]) {
      // Only the unbroken run from block 0 is of use.
      if (int(row.block, 'block') !== roots.length) break;
      roots.push(str(row.root, 'root'));
    }
    return roots;
  }

  /** Saves block roots from block `from` on, as one statement; a root already saved is kept. */
  async saveTreeBlocks(from: number, roots: string[]): Promise<void> {
    await this.pool.query(
      'INSERT INTO rdx_audit_tree_blocks (log, block, root) ' +
        'SELECT $1, $2::bigint + ord - 1, root FROM unnest($3::text[]) WITH ORDINALITY AS t(root, ord) ' +
        'ON CONFLICT DO NOTHING',
      [this.namespace, from, roots],
    );
  }

  /**
   * Records an anchor once its transaction is on the ledger. Calls are applied one at a time, in call order.
   * @throws (rejects) if it does not extend the last anchor, covers records not in the log, or is malformed.
   */
  recordAnchor(a: AuditAnchor): Promise<void> {
    return this.anchors.run(() => this.insertAnchor(a));
  }

  /** The newest anchor, if any. */
  lastAnchor(): AuditAnchor | undefined {
    return this.last === undefined ? undefined : { ...this.last };
  }

  /** The first anchor whose tree contains record `seq` (treeSize > seq): the earliest root it can be proven in. */
  async anchorCovering(seq: number): Promise<AuditAnchor | undefined> {
    if (!Number.isSafeInteger(seq) || seq < 0) return undefined;
    const { rows } = await this.pool.query(
      `SELECT ${ANCHOR_COLUMNS} FROM rdx_audit_anchors WHERE log = $1 AND tree_size > $2 ` +
        'ORDER BY tree_size LIMIT 1',
      [this.namespace, seq],
    );
    const row = rows[0] as Row | undefined;
    return row === undefined ? undefined : rowToAnchor(row);
  }

  /** Records covered by the last anchor; 0 if none. */
  anchoredSize(): number {
    return this.last?.treeSize ?? 0;
  }

  /** Time (ms since epoch) of the oldest record no anchor covers yet: how far anchoring lags. */
  oldestUnanchoredAt(): number | undefined {
    return this.oldestUnanchored;
  }

  /** Counters since open. */
  stats(): AuditLogStats {
    return copyStats(this.counters, this.group.stalledFor());
  }

  /** While commits fail or one is stalled: since when, when last, why (undefined once one succeeds). */
  failing(): AuditLogStats['failing'] {
    return failingNow(this.counters, this.group.stalledFor());
  }

  /** Commits whatever is queued (resolving those appends), then closes the connections. Idempotent. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      await this.group.drain();
      await this.anchors.idle();
      await this.pool.end();
    })();
    return this.closing;
  }

  private async insertAnchor(a: AuditAnchor): Promise<void> {
    checkAnchor(a, this.nextSeq, this.last, pgText);
    if (this.closed) throw new Error('The audit log is closed');
    await this.pool.query(
      `INSERT INTO rdx_audit_anchors (log, ${ANCHOR_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [this.namespace, ...anchorValues(a)],
    );
    const anchor = anchorFields(a);
    // Record treeSize is the oldest unanchored one now. When it is already committed its time is read (it
    // cannot change); when it is not, the commit that brings it sets the time (see commitBatch).
    const oldest =
      a.treeSize < this.nextSeq ? await recordTime(this.pool, this.namespace, a.treeSize) : undefined;
    this.last = anchor;
    this.oldestUnanchored = oldest;
  }

  /** Commits one batch; settles every promise of it and never throws. */
  private async commitBatch(batch: Pending[]): Promise<void> {
    this.batchStartedAt = performance.now();
    if (this.unsure === undefined && (await this.commitAtOnce(batch))) return;
    await this.commitCarefully(batch);
  }

  /**
   * The usual batch in one round trip ({@link INSERT_BATCH_AT_ONCE}). True when the batch is settled: committed,
   * or failed because the connection was lost (whether it committed is asked of the database, as for a lost
   * COMMIT). False when nothing was written and the batch must go the careful way: a check did not hold, or the
   * server refused the statement (a request id logged already, the write lock held by another connection, …),
   * which the careful way refuses with a reason.
   */
  private async commitAtOnce(batch: Pending[]): Promise<boolean> {
    const records = chainRecords(
      batch.map((p) => p.entry),
      this.nextSeq,
      this.lastHash,
    );
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch {
      return false;
    }
    try {
      // Prepared once per connection: the server then only binds and runs it, where its text (a CTE over 19
      // arrays) was otherwise parsed and planned again for every batch.
      const { rowCount } = await client.query({
        name: 'rdx_audit_batch_at_once',
        text: INSERT_BATCH_AT_ONCE,
        values: [this.namespace, this.nextSeq, GENESIS_HASH, this.lastHash, ...recordColumns(records)],
      });
      client.release();
      if (rowCount !== records.length) return false;
    } catch (err) {
      // An ERROR ends the statement, and its transaction, with nothing written. A FATAL error or a lost
      // connection may come after the commit (e.g. while it waits for a synchronous standby).
      const statementRefused = (err as { severity?: unknown }).severity === 'ERROR';
      client.release(statementRefused ? undefined : true);
      if (statementRefused) return false;
      if (!(await this.wasCommitted(records[records.length - 1]!))) {
        failBatch(batch, err, this.group.pendingIds, this.counters);
        return true;
      }
    }
    this.advance(batch, records);
    return true;
  }

  /**
   * A batch step by step in a transaction: the write lock, where the chain ends, which request ids are logged
   * already (refused one by one), the insert, the commit.
   */
  private async commitCarefully(batch: Pending[]): Promise<void> {
    const settled = new Set<Pending>();
    const refuse = (p: Pending, err: unknown): void => {
      settled.add(p);
      this.group.pendingIds.delete(p.entry.requestId);
      p.reject(err);
    };
    const accepted: Pending[] = [];
    let records: AuditRecord[] = [];
    let client: PoolClient | undefined;
    let commitSent = false;
    try {
      client = await this.pool.connect();
      await client.query('BEGIN; SET LOCAL synchronous_commit = on');
      // The log's row is its write lock: another writer holding it makes this batch fail now, as SQLite's
      // BEGIN IMMEDIATE does, rather than queue behind it.
      try {
        await client.query('SELECT 1 FROM rdx_audit_logs WHERE log = $1 FOR NO KEY UPDATE NOWAIT', [
          this.namespace,
        ]);
      } catch (err) {
        if (errorCode(err) === '55P03')
          throw new Error('Another connection holds the audit log for writing; refusing to fork the chain', {
            cause: err,
          });
        throw err;
      }
      // Where the chain ends, and which of the batch's request ids are logged already: one index probe per id
      // (a plan that stays fast while statistics lag behind a quickly growing table).
      const state = (
        await client.query(
          `SELECT
             (SELECT seq FROM rdx_audit_records WHERE log = $1 ORDER BY seq DESC LIMIT 1) AS seq,
             (SELECT hash FROM rdx_audit_records WHERE log = $1 ORDER BY seq DESC LIMIT 1) AS hash,
             ARRAY(SELECT x.id FROM unnest($2::text[]) AS x (id) CROSS JOIN LATERAL
               (SELECT 1 FROM rdx_audit_records r WHERE r.log = $1 AND r.request_id = x.id LIMIT 1) AS hit)
               AS logged`,
          [this.namespace, batch.map((p) => p.entry.requestId)],
        )
      ).rows[0] as Row;
      const diskNext = state.seq === null ? 0 : int(state.seq, 'seq') + 1;
      const diskHash = state.seq === null ? GENESIS_HASH : str(state.hash, 'hash');
      if (this.unsure !== undefined && diskNext === this.unsure.seq + 1 && diskHash === this.unsure.hash) {
        // The batch whose COMMIT could not be confirmed did commit: its records are the chain's tail.
        this.nextSeq = diskNext;
        this.lastHash = diskHash;
        this.oldestUnanchored ??= await recordTime(client, this.namespace, this.anchoredSize());
      }
      if (diskNext !== this.nextSeq || diskHash !== this.lastHash) {
        throw new Error('The audit log was changed by another writer; refusing to fork the chain');
      }
      this.unsure = undefined;
      // A request id already logged is refused on its own and takes no seq.
      const logged = new Set(state.logged as string[]);
      for (const p of batch) {
        if (logged.has(p.entry.requestId)) refuse(p, duplicateRequest(p.entry.requestId));
        else accepted.push(p);
      }
      records = chainRecords(
        accepted.map((p) => p.entry),
        this.nextSeq,
        this.lastHash,
      );
      if (records.length > 0) await client.query(INSERT_BATCH, [this.namespace, ...recordColumns(records)]);
      commitSent = true;
      await client.query('COMMIT');
    } catch (err) {
      // Our side of the transaction ends first (a no-op when it is over already), so its lock is free; a
      // connection that cannot even roll back is broken and is dropped.
      if (client !== undefined) {
        const rolledBack = await client.query('ROLLBACK').then(
          () => true,
          () => false,
        );
        client.release(rolledBack ? undefined : true);
        client = undefined;
      }
      // COMMIT failed: rolled back (an error), or maybe committed (the connection or the server went away
      // meanwhile, FATAL or not). The database knows; it is asked rather than guessed.
      const lastRecord = records[records.length - 1];
      const committed = commitSent && lastRecord !== undefined && (await this.wasCommitted(lastRecord));
      if (!committed) {
        failBatch(
          batch.filter((p) => !settled.has(p)),
          err,
          this.group.pendingIds,
          this.counters,
        );
        return;
      }
    }
    client?.release();
    this.advance(accepted, records);
  }

  /** Moves the chain past a committed batch and resolves its appends (`records[i]` is `accepted[i]`'s). */
  private advance(accepted: Pending[], records: AuditRecord[]): void {
    const lastRecord = records[records.length - 1];
    if (lastRecord === undefined) return;
    this.nextSeq = lastRecord.seq + 1;
    this.lastHash = lastRecord.hash;
    // Nothing was waiting to be anchored: the first record of this batch that no anchor covers is now.
    if (this.oldestUnanchored === undefined) {
      const first = records.find((r) => r.seq === this.anchoredSize());
      if (first !== undefined) this.oldestUnanchored = Date.parse(first.time);
    }
    countCommit(this.counters, records.length, (performance.now() - this.batchStartedAt) / 1000);
    settleBatch(accepted, records, this.group.pendingIds, this.counters);
  }

  /**
   * Whether a batch whose commit lost its connection was committed: waits (up to 10 s) for the log's write lock,
   * which that transaction held until it ended either way, then looks for its last record. When the database
   * cannot tell, false, and the log is unsure: the next batch first reads where the chain ends.
   */
  private async wasCommitted(lastRecord: AuditRecord): Promise<boolean> {
    let client: PoolClient | undefined;
    try {
      client = await this.pool.connect();
      await client.query("BEGIN; SET LOCAL lock_timeout = '10s'");
      await client.query('SELECT 1 FROM rdx_audit_logs WHERE log = $1 FOR NO KEY UPDATE', [this.namespace]);
      const { rows } = await client.query('SELECT hash FROM rdx_audit_records WHERE log = $1 AND seq = $2', [
        this.namespace,
        lastRecord.seq,
      ]);
      await client.query('ROLLBACK');
      client.release();
      return (rows[0] as Row | undefined)?.hash === lastRecord.hash;
    } catch {
      client?.release(true);
      this.unsure = { seq: lastRecord.seq, hash: lastRecord.hash };
      return false;
    }
  }
}

async function recordTime(
  pool: pg.Pool | PoolClient,
  namespace: string,
  seq: number,
): Promise<number | undefined> {
  const { rows } = await pool.query('SELECT time FROM rdx_audit_records WHERE log = $1 AND seq = $2', [
    namespace,
    seq,
  ]);
  const row = rows[0] as Row | undefined;
  return row === undefined ? undefined : Date.parse(str(row.time, 'time'));
}

/**
 * An anchor's text: the SQLite log's rule ({@link wellFormedText}), plus no NUL character, which PostgreSQL text
 * cannot hold: either would break a record's hash or fail a whole batch, so such strings are refused up front.
 */
function pgText(value: unknown, what: string): string {
  return withoutNul(wellFormedText(value, what), what);
}

/** `text`, unless it holds a NUL character: an entry's text is well-formed already (normalizeEntry). */
function withoutNul(text: string, what: string): string {
  if (text.includes('\0')) throw new TypeError(`${what} contains a NUL character`);
  return text;
}

/** The batch as one array per column, in {@link RECORD_COLUMNS} order. */
function recordColumns(records: AuditRecord[]): unknown[][] {
  const columns: unknown[][] = RECORD_ARRAY_TYPES.map(() => []);
  for (const r of records) recordValues(r).forEach((value, k) => columns[k]!.push(value));
  return columns;
}
