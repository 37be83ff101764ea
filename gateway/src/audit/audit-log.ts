/**
 * The gateway's durable, hash-chained access log. Every data access is appended here before the response
 * leaves, and the log is anchored on the ledger as RFC 6962 Merkle roots, so an enterprise can later prove what
 * the gateway recorded about it and the operator cannot quietly rewrite or drop a record.
 *
 * Durability: one SQLite file in WAL mode with synchronous=FULL, so a COMMIT returns only after the WAL is
 * fsync'd. An fsync costs milliseconds, so appends are group-committed: those arriving within a short window
 * share one transaction and one fsync ({@link GroupCommit}), and every caller's promise resolves only after that
 * commit. Commits run on a writer thread ({@link SqliteCommitter}): while one batch's fsync runs there, the
 * event loop serves other requests and the appends they make form the next batch.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { AlreadyLogged, SqliteCommitter } from './sqlite-committer.js';
import { GroupCommit } from './group-commit.js';
import { InTurn } from '../lib/in-turn.js';
import {
  ChainWalk,
  GENESIS_HASH,
  RECORD_COLUMNS,
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
  rowToAnchor,
  rowToRecord,
  settleBatch,
  str,
  type AuditAnchor,
  type AuditEntry,
  type AuditLogOptions,
  type AuditCounters,
  type AuditLogStats,
  type AuditRecord,
  type Pending,
} from './audit-record.js';

export {
  GENESIS_HASH,
  auditRecordHash,
  type AuditAnchor,
  type AuditEntry,
  type AuditLogOptions,
  type AuditLogStats,
  type AuditRecord,
} from './audit-record.js';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS audit_records (
  seq INTEGER PRIMARY KEY,
  time TEXT NOT NULL,
  request_id TEXT NOT NULL UNIQUE,
  gateway_id TEXT NOT NULL,
  client_id TEXT,
  enterprise TEXT,
  method TEXT NOT NULL,
  path TEXT NOT NULL,
  dataset_id TEXT,
  grant_id TEXT,
  decision TEXT NOT NULL,
  reason TEXT NOT NULL,
  items TEXT NOT NULL,
  row_count INTEGER NOT NULL,
  response_hash TEXT,
  status INTEGER NOT NULL,
  query TEXT,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS audit_records_by_enterprise ON audit_records (enterprise, seq);
CREATE TABLE IF NOT EXISTS audit_anchors (
  sequence INTEGER PRIMARY KEY,
  first_record INTEGER NOT NULL,
  record_count INTEGER NOT NULL,
  tree_size INTEGER NOT NULL UNIQUE,
  merkle_root TEXT NOT NULL,
  anchor_hash TEXT NOT NULL,
  tx_id TEXT NOT NULL,
  block_number INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS audit_tree_blocks (
  block INTEGER PRIMARY KEY,
  root TEXT NOT NULL
) STRICT;
`;

/** A grant's allowed calls and the ε they spent over some time ({@link AuditLog.usageSince}). */
export interface GrantUsageSince {
  grantId: string;
  calls: number;
  epsilon: number;
}

/**
 * The access log. Single writer: one process appends to a file (a second writer is detected at commit time and
 * its batch refused, never interleaved into the chain). Reads may come from anywhere.
 */
export class AuditLog {
  private readonly db: DatabaseSync;
  private readonly stmt: {
    tail: StatementSync;
    byRequestId: StatementSync;
    bySeq: StatementSync;
    timeOf: StatementSync;
    usageFrom: StatementSync;
    hashes: StatementSync;
    ofEnterprise: StatementSync;
    range: StatementSync;
    blocks: StatementSync;
    lastAnchor: StatementSync;
    anchorCovering: StatementSync;
  };
  /** Committed chain state: what the next record links to. Only advanced after a successful COMMIT. */
  private nextSeq: number;
  /**
   * The last anchor and the time of the first unanchored record, remembered: every restricted-data call asks
   * how far anchoring lags, and this log is their only writer, so they change only in recordAnchor().
   */
  private anchorMemo: { last: AuditAnchor | undefined } | undefined;
  private oldestMemo: { seq: number; time: number | undefined } | undefined;
  private lastHash: string;
  /** Anchors are recorded one at a time, in call order. */
  private readonly anchors = new InTurn();
  /** The writer thread, which commits each batch (and waits for its fsync) off the event loop. */
  private readonly committer: SqliteCommitter;
  private readonly group: GroupCommit;
  private closed = false;
  private readonly counters: AuditCounters = emptyCounters();

  private constructor(db: DatabaseSync, opts: Required<AuditLogOptions>, committer: SqliteCommitter) {
    this.db = db;
    this.committer = committer;
    this.group = new GroupCommit(opts, (batch) => this.commitBatch(batch));
    this.stmt = {
      tail: db.prepare('SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1'),
      byRequestId: db.prepare(`SELECT ${RECORD_COLUMNS} FROM audit_records WHERE request_id = ?`),
      bySeq: db.prepare(`SELECT ${RECORD_COLUMNS} FROM audit_records WHERE seq = ?`),
      timeOf: db.prepare('SELECT time FROM audit_records WHERE seq = ?'),
      // A computed result's query records its ε; a page's has none (and json_type of a missing path is NULL).
      usageFrom: db.prepare(
        `SELECT grant_id, count(*) AS calls,
           total(CASE WHEN json_valid(query) AND json_type(query, '$.epsilon') IN ('integer', 'real')
                 THEN json_extract(query, '$.epsilon') END) AS epsilon
         FROM audit_records
         WHERE seq >= ? AND time >= ? AND decision = 'allow' AND grant_id IS NOT NULL
         GROUP BY grant_id`,
      ),
      hashes: db.prepare('SELECT hash FROM audit_records WHERE seq >= ? AND seq < ? ORDER BY seq'),
      ofEnterprise: db.prepare(
        `SELECT ${RECORD_COLUMNS} FROM audit_records WHERE enterprise = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
      ),
      range: db.prepare(
        `SELECT ${RECORD_COLUMNS} FROM audit_records WHERE seq >= ? AND seq < ? ORDER BY seq`,
      ),
      blocks: db.prepare('SELECT block, root FROM audit_tree_blocks ORDER BY block'),
      lastAnchor: db.prepare('SELECT * FROM audit_anchors ORDER BY sequence DESC LIMIT 1'),
      anchorCovering: db.prepare(
        'SELECT * FROM audit_anchors WHERE tree_size > ? ORDER BY tree_size LIMIT 1',
      ),
    };
    // After a crash the file, not memory, says where the chain ends: an unacknowledged batch either made it
    // into the WAL whole or not at all.
    const tail = this.stmt.tail.get();
    this.nextSeq = tail === undefined ? 0 : int(tail.seq, 'seq') + 1;
    this.lastHash = tail === undefined ? GENESIS_HASH : str(tail.hash, 'hash');
  }

  /**
   * Opens (creating if needed) the log at `path` and reads back where its chain ends.
   * @throws if the file cannot be opened or is not an audit log database.
   */
  static open(path: string, opts: AuditLogOptions = {}): AuditLog {
    // Its writer thread opens the same file: an in-memory database would be another one there.
    if (path === ':memory:' || path === '') throw new TypeError('The audit log is a file: give its path');
    const options = groupCommitOptions(opts);
    const db = new DatabaseSync(path);
    try {
      db.exec('PRAGMA journal_mode = WAL');
      // Per connection, not stored in the file, so it is set on every open.
      db.exec('PRAGMA synchronous = FULL');
      // Every write after the schema's goes through the writer thread; this connection only reads (WAL readers
      // take no lock). The schema may wait for another process's write a while rather than fail at once.
      db.exec('PRAGMA busy_timeout = 1000');
      db.exec(SCHEMA);
      // Logs made before queries were recorded get the column (their records keep no query).
      const columns = db.prepare('PRAGMA table_info(audit_records)').all() as { name: string }[];
      if (!columns.some((c) => c.name === 'query'))
        db.exec('ALTER TABLE audit_records ADD COLUMN query TEXT');
      return new AuditLog(db, options, new SqliteCommitter(path));
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /**
   * Appends an entry. Resolves with its record once the transaction holding it is committed to disk; rejects if
   * the entry is malformed, its requestId is already logged (refused on its own: the rest of its batch is
   * committed without it), the log is closed, or the commit fails (then every append of that batch rejects and
   * none of them is in the log). Records are numbered in call order.
   */
  append(entry: AuditEntry): Promise<AuditRecord> {
    // Each append first settles a batch the writer thread has committed whose answer is still queued behind this
    // turn's other I/O: its requests are answered now (the next batch still starts on that answer, so batches
    // stay as large as before).
    this.committer.noticeCommitted();
    let normalized: AuditEntry;
    try {
      if (this.closed) throw new Error('The audit log is closed');
      normalized = normalizeEntry(entry);
      // An id queued already is refused here; one logged before is found by its batch's commit (commitBatch):
      // looked up here, on this read connection, it was the largest cost of an append.
      if (this.group.pendingIds.has(normalized.requestId)) throw duplicateRequest(normalized.requestId);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return this.group.add(normalized);
  }

  /**
   * Per grant, the calls allowed since `since` (an ISO instant) and the privacy budget (ε) they spent: what a
   * restarted gateway counts against the day's quotas. Records are appended in time order, so the first one at
   * or after `since` is found by bisecting seq; SQLite sums the range after it in one indexed read, however
   * many calls the day has had.
   */
  usageSince(since: string): GrantUsageSince[] {
    let lo = 0;
    let hi = this.nextSeq;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const time = this.stmt.timeOf.get(mid)?.time;
      if (typeof time === 'string' && time < since) lo = mid + 1;
      else hi = mid;
    }
    return this.stmt.usageFrom.all(lo, since).map((r) => ({
      grantId: str(r.grant_id, 'grant_id'),
      calls: int(r.calls, 'calls'),
      epsilon: Number(r.epsilon),
    }));
  }

  /** The record of a request, if logged. */
  get(requestId: string): AuditRecord | undefined {
    const row = this.stmt.byRequestId.get(requestId);
    return row === undefined ? undefined : rowToRecord(row);
  }

  /** The record at position `seq`, if committed. */
  bySeq(seq: number): AuditRecord | undefined {
    if (!Number.isSafeInteger(seq) || seq < 0) return undefined;
    const row = this.stmt.bySeq.get(seq);
    return row === undefined ? undefined : rowToRecord(row);
  }

  /** Records committed so far: the next record's seq. */
  size(): number {
    return this.nextSeq;
  }

  /**
   * The hashes (Merkle leaves) of records [from, to), in order, for building roots and proofs.
   * @throws RangeError if the range is not within [0, size()]; Error if a record in it is missing from the file.
   */
  leafHashes(from: number, to: number): string[] {
    checkLeafRange(from, to, this.nextSeq);
    const hashes = this.stmt.hashes.all(from, to).map((row) => str(row.hash, 'hash'));
    checkNoneMissing(hashes, from, to);
    return hashes;
  }

  /**
   * An enterprise's own access log, newest first: at most `limit` records of `enterprise` with seq below
   * `beforeSeq` (default: all), so a caller pages by passing the last seq it got.
   */
  recordsOf(enterprise: string, limit: number, beforeSeq?: number): AuditRecord[] {
    checkLimit(limit);
    const before = beforeSeq ?? Number.MAX_SAFE_INTEGER;
    return this.stmt.ofEnterprise.all(enterprise, before, limit).map(rowToRecord);
  }

  /**
   * Recomputes the hash and link of every record in [from, to) (default: the whole log) from the file.
   * `brokenAt` is the first seq whose content, hash or link is wrong, or where records are missing (a gap, or
   * fewer records than committed or anchored).
   */
  verifyChain(from = 0, to = Number.MAX_SAFE_INTEGER): { ok: boolean; brokenAt?: number } {
    const before = from > 0 ? this.stmt.bySeq.get(from - 1) : undefined;
    if (from > 0 && before === undefined) return { ok: false, brokenAt: from - 1 };
    const walk = new ChainWalk(from, before === undefined ? GENESIS_HASH : str(before.hash, 'hash'));
    for (const row of this.stmt.range.iterate(from, to)) {
      if (!walk.accept(row)) return { ok: false, brokenAt: walk.expected };
    }
    return walk.result(Math.min(to, Math.max(this.nextSeq, this.anchoredSize())));
  }

  /** The saved roots of the Merkle tree's complete blocks, from block 0 ({@link ./audit-tree.ts}). */
  treeBlocks(): string[] {
    const roots: string[] = [];
    for (const row of this.stmt.blocks.iterate()) {
      // Only the unbroken run from block 0 is of use.
      if (int(row.block, 'block') !== roots.length) break;
      roots.push(str(row.root, 'root'));
    }
    return roots;
  }

  /**
   * Saves block roots from block `from` on, in one transaction on the writer thread (this connection would wait
   * for the writer's lock on the event loop); a root already saved is kept.
   */
  saveTreeBlocks(from: number, roots: string[]): Promise<void> {
    return this.committer.saveTreeBlocks(from, roots);
  }

  /**
   * Records an anchor once its transaction is on the ledger, on the writer thread: written on this connection it
   * waited on the event loop for the writer's lock (and the writer for it, both in SQLite's sleeping busy
   * handler) — a stall of up to ~16 ms under load, once per anchor. Calls are applied one at a time, in order.
   * @throws (rejects) if it does not extend the last anchor, covers records not in the log, or is malformed.
   */
  recordAnchor(a: AuditAnchor): Promise<void> {
    return this.anchors.run(async () => {
      checkAnchor(a, this.nextSeq, this.lastAnchor());
      await this.committer.saveAnchor(a);
      this.anchorMemo = { last: a };
    });
  }

  /** The newest anchor, if any. */
  lastAnchor(): AuditAnchor | undefined {
    if (!this.anchorMemo) {
      const row = this.stmt.lastAnchor.get();
      this.anchorMemo = { last: row === undefined ? undefined : rowToAnchor(row) };
    }
    return this.anchorMemo.last;
  }

  /** The first anchor whose tree contains record `seq` (treeSize > seq): the earliest root it can be proven in. */
  anchorCovering(seq: number): AuditAnchor | undefined {
    if (!Number.isSafeInteger(seq) || seq < 0) return undefined;
    const row = this.stmt.anchorCovering.get(seq);
    return row === undefined ? undefined : rowToAnchor(row);
  }

  /** Records covered by the last anchor; 0 if none. */
  anchoredSize(): number {
    return this.lastAnchor()?.treeSize ?? 0;
  }

  /** Time (ms since epoch) of the oldest record no anchor covers yet: how far anchoring lags. */
  oldestUnanchoredAt(): number | undefined {
    const seq = this.anchoredSize();
    if (seq >= this.nextSeq) return undefined;
    // A record never changes once written, so its time is read once per anchoring step.
    if (this.oldestMemo?.seq !== seq) {
      const record = this.bySeq(seq);
      this.oldestMemo = { seq, time: record === undefined ? undefined : Date.parse(record.time) };
    }
    return this.oldestMemo.time;
  }

  /** Counters since open. */
  stats(): AuditLogStats {
    return copyStats(this.counters, this.group.stalledFor());
  }

  /** While commits fail or one is stalled: since when, when last, why (undefined once one succeeds). */
  failing(): AuditLogStats['failing'] {
    return failingNow(this.counters, this.group.stalledFor());
  }

  /** Commits whatever is queued (resolving those appends), then closes the file. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.group.drain();
    await this.anchors.idle();
    await this.committer.close();
    this.db.close();
  }

  /** Commits one batch on the writer thread; settles every promise of it and never throws. */
  private async commitBatch(batch: Pending[]): Promise<void> {
    const { pendingIds } = this.group;
    let records: AuditRecord[] = [];
    let settled = false;
    const handedOver = performance.now();
    /** Once committed: the chain moves on and every append of the batch resolves (early, or on the answer). */
    const settle = (): void => {
      if (settled) return;
      settled = true;
      const last = records[records.length - 1];
      if (last !== undefined) {
        this.nextSeq = last.seq + 1;
        this.lastHash = last.hash;
      }
      countCommit(this.counters, records.length, (performance.now() - handedOver) / 1000);
      settleBatch(batch, records, pendingIds, this.counters);
    };
    try {
      records = chainRecords(
        batch.map((p) => p.entry),
        this.nextSeq,
        this.lastHash,
      );
      await this.committer.commit(records, this.nextSeq, this.lastHash, settle);
    } catch (err) {
      if (err instanceof AlreadyLogged) return this.commitWithout(batch, err.requestIds);
      // A thread that dies after committing (its batch already settled) fails only what comes after.
      if (!settled) failBatch(batch, err, pendingIds, this.counters);
      return;
    }
    settle();
  }

  /**
   * Refuses the appends of a batch whose request ids the file holds already, and commits the others (nothing of
   * the batch was committed: they are chained again, from the same place).
   */
  private commitWithout(batch: Pending[], logged: readonly string[]): Promise<void> {
    const refused = new Set(logged);
    const rest: Pending[] = [];
    for (const p of batch) {
      if (!refused.has(p.entry.requestId)) rest.push(p);
      else {
        this.group.pendingIds.delete(p.entry.requestId);
        p.reject(duplicateRequest(p.entry.requestId));
      }
    }
    return rest.length > 0 ? this.commitBatch(rest) : Promise.resolve();
  }
}
