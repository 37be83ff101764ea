/**
 * The gateway's durable, hash-chained access log. Every data access is appended here before the response
 * leaves, and the log is anchored on the ledger as RFC 6962 Merkle roots, so an enterprise can later prove what
 * the gateway recorded about it and the operator cannot quietly rewrite or drop a record.
 *
 * Durability: one SQLite file in WAL mode with synchronous=FULL, so a COMMIT returns only after the WAL is
 * fsync'd. An fsync costs milliseconds, so appends are group-committed: those arriving within a short window
 * share one transaction and one fsync, and every caller's promise resolves only after that commit.
 */
import { DatabaseSync, type SQLInputValue, type SQLOutputValue, type StatementSync } from 'node:sqlite';
import { canonicalJson, leafHash } from '@rdx/client';

/** One data access, as the gateway decided and served it. */
export interface AuditEntry {
  /** When the request arrived, ISO 8601. */
  time: string;
  /** The gateway's request id; unique in the log. */
  requestId: string;
  gatewayId: string;
  clientId?: string;
  /** Credit code of the enterprise whose request it was. */
  enterprise?: string;
  method: string;
  path: string;
  datasetId?: string;
  grantId?: string;
  decision: 'allow' | 'deny';
  reason: string;
  /** Data items returned (or asked for, when denied). */
  items: string[];
  rowCount: number;
  /** Hex SHA-256 of the response body that was served. */
  responseHash?: string;
  /** HTTP status sent. */
  status: number;
}

/** An entry as committed: its place in the log and its link to the record before it. */
export interface AuditRecord extends AuditEntry {
  /** 0-based position in the log; also the record's leaf index in the anchored Merkle tree. */
  seq: number;
  /** The previous record's hash; {@link GENESIS_HASH} for seq 0. */
  prevHash: string;
  /** {@link auditRecordHash} of this record: the Merkle leaf hash. */
  hash: string;
}

/** A Merkle root of the log's first `treeSize` records, as written to the ledger. */
export interface AuditAnchor {
  /** The anchor's own number, increasing. */
  sequence: number;
  /** First record newly covered by this anchor. */
  firstRecord: number;
  /** Records newly covered: `firstRecord + recordCount === treeSize`. */
  recordCount: number;
  /** The anchored tree holds records [0, treeSize). */
  treeSize: number;
  /** RFC 6962 root over the leaf hashes of records [0, treeSize). */
  merkleRoot: string;
  anchorHash: string;
  /** Fabric transaction that wrote the anchor. */
  txId: string;
  blockNumber: number;
}

/** Tuning for {@link AuditLog.open}. */
export interface AuditLogOptions {
  /** How long the first append of a batch waits for company before committing, in ms. Default 2. */
  groupCommitMs?: number;
  /** A batch is committed at once when it reaches this many appends. Default 256. */
  maxBatch?: number;
}

/** Counters since the log was opened. */
export interface AuditLogStats {
  /** Transactions committed (each one fsync). */
  commits: number;
  /** Records committed. */
  records: number;
  /** Transactions that failed; their appends were rejected. */
  failedCommits: number;
  /** Most records committed in one transaction. */
  largestBatch: number;
}

/** The `prevHash` of record 0. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * The hash of a record: the RFC 6962 leaf hash of the canonical JSON of every field but `hash` itself. Anyone
 * holding a record can recompute it, and it is the leaf that inclusion proofs against anchors start from.
 */
export function auditRecordHash(record: Omit<AuditRecord, 'hash'>): string {
  // A full record may be passed in: its own hash is not part of what it hashes.
  const unhashed: Record<string, unknown> = { ...record };
  delete unhashed.hash;
  return leafHash(canonicalJson(unhashed));
}

interface Pending {
  entry: AuditEntry;
  resolve: (record: AuditRecord) => void;
  reject: (err: unknown) => void;
}

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
`;

const RECORD_COLUMNS =
  'seq, time, request_id, gateway_id, client_id, enterprise, method, path, dataset_id, grant_id, decision, ' +
  'reason, items, row_count, response_hash, status, prev_hash, hash';

const OPTIONAL_FIELDS = ['clientId', 'enterprise', 'datasetId', 'grantId', 'responseHash'] as const;
const HEX_HASH = /^[0-9a-f]{64}$/;
// SQLite stores UTF-8, which has no encoding for a lone UTF-16 surrogate: it would come back as U+FFFD and the
// record's hash would no longer match. Such strings are refused up front instead.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The access log. Single writer: one process appends to a file (a second writer is detected at commit time and
 * its batch refused, never interleaved into the chain). Reads may come from anywhere.
 */
export class AuditLog {
  private readonly db: DatabaseSync;
  private readonly groupCommitMs: number;
  private readonly maxBatch: number;
  private readonly stmt: {
    insert: StatementSync;
    tail: StatementSync;
    byRequestId: StatementSync;
    bySeq: StatementSync;
    hashes: StatementSync;
    ofEnterprise: StatementSync;
    all: StatementSync;
    insertAnchor: StatementSync;
    lastAnchor: StatementSync;
    anchorCovering: StatementSync;
  };
  /** Committed chain state: what the next record links to. Only advanced after a successful COMMIT. */
  private nextSeq: number;
  private lastHash: string;
  private queue: Pending[] = [];
  /** Request ids queued but not yet committed, so a duplicate is refused before it can fail a whole batch. */
  private readonly pendingIds = new Set<string>();
  private cancelTimer: (() => void) | undefined;
  private closed = false;
  private readonly counters: AuditLogStats = { commits: 0, records: 0, failedCommits: 0, largestBatch: 0 };

  private constructor(db: DatabaseSync, opts: Required<AuditLogOptions>) {
    this.db = db;
    this.groupCommitMs = opts.groupCommitMs;
    this.maxBatch = opts.maxBatch;
    this.stmt = {
      insert: db.prepare(
        `INSERT INTO audit_records (${RECORD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      tail: db.prepare('SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1'),
      byRequestId: db.prepare(`SELECT ${RECORD_COLUMNS} FROM audit_records WHERE request_id = ?`),
      bySeq: db.prepare(`SELECT ${RECORD_COLUMNS} FROM audit_records WHERE seq = ?`),
      hashes: db.prepare('SELECT hash FROM audit_records WHERE seq >= ? AND seq < ? ORDER BY seq'),
      ofEnterprise: db.prepare(
        `SELECT ${RECORD_COLUMNS} FROM audit_records WHERE enterprise = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
      ),
      all: db.prepare(`SELECT ${RECORD_COLUMNS} FROM audit_records ORDER BY seq`),
      insertAnchor: db.prepare(
        'INSERT INTO audit_anchors (sequence, first_record, record_count, tree_size, merkle_root, anchor_hash, ' +
          'tx_id, block_number) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
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
    const groupCommitMs = opts.groupCommitMs ?? 2;
    const maxBatch = opts.maxBatch ?? 256;
    if (!Number.isFinite(groupCommitMs) || groupCommitMs < 0) {
      throw new RangeError('groupCommitMs must be ≥ 0');
    }
    if (!Number.isSafeInteger(maxBatch) || maxBatch < 1)
      throw new RangeError('maxBatch must be an integer ≥ 1');
    const db = new DatabaseSync(path);
    try {
      db.exec('PRAGMA journal_mode = WAL');
      // Per connection, not stored in the file, so it is set on every open.
      db.exec('PRAGMA synchronous = FULL');
      db.exec(SCHEMA);
      return new AuditLog(db, { groupCommitMs, maxBatch });
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /**
   * Appends an entry. Resolves with its record once the transaction holding it is committed to disk; rejects if
   * the entry is malformed, its requestId is already logged, the log is closed, or the commit fails (then every
   * append of that batch rejects and none of them is in the log). Records are numbered in call order.
   */
  append(entry: AuditEntry): Promise<AuditRecord> {
    let normalized: AuditEntry;
    try {
      if (this.closed) throw new Error('The audit log is closed');
      normalized = normalizeEntry(entry);
      if (this.pendingIds.has(normalized.requestId) || this.stmt.byRequestId.get(normalized.requestId)) {
        throw new Error(`Request ${normalized.requestId} is already in the audit log`);
      }
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    const promise = new Promise<AuditRecord>((resolve, reject) => {
      this.queue.push({ entry: normalized, resolve, reject });
    });
    this.pendingIds.add(normalized.requestId);
    if (this.queue.length >= this.maxBatch) this.flush();
    else this.scheduleFlush();
    return promise;
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
    if (
      !Number.isSafeInteger(from) ||
      !Number.isSafeInteger(to) ||
      from < 0 ||
      from > to ||
      to > this.nextSeq
    ) {
      throw new RangeError(`[${from}, ${to}) is not a range of the ${this.nextSeq} records`);
    }
    const hashes = this.stmt.hashes.all(from, to).map((row) => str(row.hash, 'hash'));
    // A shorter list would silently yield a different Merkle root; a missing row is corruption, so say so.
    if (hashes.length !== to - from) throw new Error(`Records are missing from [${from}, ${to})`);
    return hashes;
  }

  /**
   * An enterprise's own access log, newest first: at most `limit` records of `enterprise` with seq below
   * `beforeSeq` (default: all), so a caller pages by passing the last seq it got.
   */
  recordsOf(enterprise: string, limit: number, beforeSeq?: number): AuditRecord[] {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError('limit must be an integer ≥ 1');
    const before = beforeSeq ?? Number.MAX_SAFE_INTEGER;
    return this.stmt.ofEnterprise.all(enterprise, before, limit).map(rowToRecord);
  }

  /**
   * Recomputes every record's hash and link from the file. `brokenAt` is the first seq whose content, hash or
   * link is wrong, or where records are missing (a gap, or fewer records than committed or anchored).
   */
  verifyChain(): { ok: boolean; brokenAt?: number } {
    let expected = 0;
    let prev = GENESIS_HASH;
    for (const row of this.stmt.all.iterate()) {
      let record: AuditRecord;
      try {
        record = rowToRecord(row);
      } catch {
        return { ok: false, brokenAt: expected };
      }
      if (record.seq !== expected || record.prevHash !== prev || auditRecordHash(record) !== record.hash) {
        return { ok: false, brokenAt: expected };
      }
      prev = record.hash;
      expected++;
    }
    // Deleting records from the end leaves a valid chain; only what was acknowledged or anchored reveals it.
    if (expected < Math.max(this.nextSeq, this.anchoredSize())) return { ok: false, brokenAt: expected };
    return { ok: true };
  }

  /**
   * Records an anchor once its transaction is on the ledger.
   * @throws if it does not extend the last anchor, covers records not in the log, or is malformed.
   */
  recordAnchor(a: AuditAnchor): void {
    for (const key of ['sequence', 'firstRecord', 'recordCount', 'treeSize', 'blockNumber'] as const) {
      if (!Number.isSafeInteger(a[key]) || a[key] < 0) throw new TypeError(`${key} must be an integer ≥ 0`);
    }
    if (!HEX_HASH.test(a.merkleRoot)) throw new TypeError('merkleRoot must be 64 lowercase hex digits');
    if (typeof a.anchorHash !== 'string' || a.anchorHash === '')
      throw new TypeError('anchorHash is required');
    if (typeof a.txId !== 'string' || a.txId === '') throw new TypeError('txId is required');
    if (a.firstRecord + a.recordCount !== a.treeSize) {
      throw new RangeError('firstRecord + recordCount must equal treeSize');
    }
    if (a.treeSize > this.nextSeq) {
      throw new RangeError(`Anchor covers ${a.treeSize} records but the log holds ${this.nextSeq}`);
    }
    const last = this.lastAnchor();
    if (last !== undefined && (a.sequence <= last.sequence || a.treeSize <= last.treeSize)) {
      throw new RangeError(`Anchor ${a.sequence} does not extend anchor ${last.sequence}`);
    }
    this.stmt.insertAnchor.run(
      a.sequence,
      a.firstRecord,
      a.recordCount,
      a.treeSize,
      a.merkleRoot,
      a.anchorHash,
      a.txId,
      a.blockNumber,
    );
  }

  /** The newest anchor, if any. */
  lastAnchor(): AuditAnchor | undefined {
    const row = this.stmt.lastAnchor.get();
    return row === undefined ? undefined : rowToAnchor(row);
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
    const record = this.bySeq(this.anchoredSize());
    return record === undefined ? undefined : Date.parse(record.time);
  }

  /** Counters since open. */
  stats(): AuditLogStats {
    return { ...this.counters };
  }

  /** Commits whatever is queued (resolving those appends), then closes the file. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.db.close();
  }

  private scheduleFlush(): void {
    if (this.cancelTimer !== undefined) return;
    // The timer is not unref'd: queued appends must still be committed if nothing else keeps the process alive.
    if (this.groupCommitMs === 0) {
      const handle = setImmediate(() => this.flush());
      this.cancelTimer = () => clearImmediate(handle);
    } else {
      const handle = setTimeout(() => this.flush(), this.groupCommitMs);
      this.cancelTimer = () => clearTimeout(handle);
    }
  }

  private flush(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    while (this.queue.length > 0) this.commitBatch(this.queue.splice(0, this.maxBatch));
  }

  private commitBatch(batch: Pending[]): void {
    const records: AuditRecord[] = [];
    try {
      let seq = this.nextSeq;
      let prevHash = this.lastHash;
      for (const { entry } of batch) {
        const unhashed = { ...entry, seq, prevHash };
        const record: AuditRecord = { ...unhashed, hash: auditRecordHash(unhashed) };
        records.push(record);
        prevHash = record.hash;
        seq++;
      }
      this.db.exec('BEGIN IMMEDIATE');
      const tail = this.stmt.tail.get();
      const diskNext = tail === undefined ? 0 : int(tail.seq, 'seq') + 1;
      if (diskNext !== this.nextSeq || (tail !== undefined && tail.hash !== this.lastHash)) {
        throw new Error('The audit log file was changed by another writer; refusing to fork the chain');
      }
      for (const r of records) this.stmt.insert.run(...recordToRow(r));
      this.db.exec('COMMIT');
    } catch (err) {
      if (this.db.isTransaction) {
        try {
          this.db.exec('ROLLBACK');
        } catch {
          // The original error is the one worth reporting; SQLite may already have rolled back on its own.
        }
      }
      this.counters.failedCommits++;
      for (const p of batch) {
        this.pendingIds.delete(p.entry.requestId);
        p.reject(err);
      }
      return;
    }
    const last = records[records.length - 1];
    if (last !== undefined) {
      this.nextSeq = last.seq + 1;
      this.lastHash = last.hash;
    }
    this.counters.commits++;
    this.counters.records += records.length;
    this.counters.largestBatch = Math.max(this.counters.largestBatch, records.length);
    batch.forEach((p, i) => {
      this.pendingIds.delete(p.entry.requestId);
      const record = records[i];
      if (record !== undefined) p.resolve(record);
    });
  }
}

/**
 * Copies exactly the known fields, checked, so what is hashed is exactly what is stored and read back: no stray
 * properties, no `undefined` that becomes NULL, no value SQLite would change on the way through.
 */
function normalizeEntry(e: AuditEntry): AuditEntry {
  if (e === null || typeof e !== 'object') throw new TypeError('An audit entry must be an object');
  const out: AuditEntry = {
    time: text(e.time, 'time'),
    requestId: text(e.requestId, 'requestId'),
    gatewayId: text(e.gatewayId, 'gatewayId'),
    method: text(e.method, 'method'),
    path: text(e.path, 'path'),
    decision: e.decision,
    reason: text(e.reason, 'reason'),
    items: Array.isArray(e.items) ? e.items.map((item, i) => text(item, `items[${i}]`)) : [],
    rowCount: e.rowCount,
    status: e.status,
  };
  if (out.requestId === '') throw new TypeError('requestId must not be empty');
  if (out.decision !== 'allow' && out.decision !== 'deny')
    throw new TypeError('decision must be allow or deny');
  if (!Array.isArray(e.items)) throw new TypeError('items must be an array of strings');
  if (!Number.isSafeInteger(out.rowCount) || out.rowCount < 0)
    throw new TypeError('rowCount must be an integer ≥ 0');
  if (!Number.isSafeInteger(out.status)) throw new TypeError('status must be an integer');
  for (const key of OPTIONAL_FIELDS) {
    const value = e[key];
    if (value !== undefined) out[key] = text(value, key);
  }
  return out;
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string`);
  if (LONE_SURROGATE.test(value)) throw new TypeError(`${what} is not well-formed Unicode`);
  return value;
}

function recordToRow(r: AuditRecord): SQLInputValue[] {
  return [
    r.seq,
    r.time,
    r.requestId,
    r.gatewayId,
    r.clientId ?? null,
    r.enterprise ?? null,
    r.method,
    r.path,
    r.datasetId ?? null,
    r.grantId ?? null,
    r.decision,
    r.reason,
    JSON.stringify(r.items),
    r.rowCount,
    r.responseHash ?? null,
    r.status,
    r.prevHash,
    r.hash,
  ];
}

function rowToRecord(row: Record<string, SQLOutputValue>): AuditRecord {
  const decision = str(row.decision, 'decision');
  if (decision !== 'allow' && decision !== 'deny') throw new Error(`Stored decision ${decision} is invalid`);
  const items: unknown = JSON.parse(str(row.items, 'items'));
  if (!Array.isArray(items) || !items.every((i) => typeof i === 'string')) {
    throw new Error('Stored items are not a list of strings');
  }
  const record: AuditRecord = {
    seq: int(row.seq, 'seq'),
    time: str(row.time, 'time'),
    requestId: str(row.request_id, 'request_id'),
    gatewayId: str(row.gateway_id, 'gateway_id'),
    method: str(row.method, 'method'),
    path: str(row.path, 'path'),
    decision,
    reason: str(row.reason, 'reason'),
    items,
    rowCount: int(row.row_count, 'row_count'),
    status: int(row.status, 'status'),
    prevHash: str(row.prev_hash, 'prev_hash'),
    hash: str(row.hash, 'hash'),
  };
  const optional = {
    clientId: row.client_id,
    enterprise: row.enterprise,
    datasetId: row.dataset_id,
    grantId: row.grant_id,
    responseHash: row.response_hash,
  };
  for (const key of OPTIONAL_FIELDS) {
    const value = optional[key];
    if (value !== null && value !== undefined) record[key] = str(value, key);
  }
  return record;
}

function rowToAnchor(row: Record<string, SQLOutputValue>): AuditAnchor {
  return {
    sequence: int(row.sequence, 'sequence'),
    firstRecord: int(row.first_record, 'first_record'),
    recordCount: int(row.record_count, 'record_count'),
    treeSize: int(row.tree_size, 'tree_size'),
    merkleRoot: str(row.merkle_root, 'merkle_root'),
    anchorHash: str(row.anchor_hash, 'anchor_hash'),
    txId: str(row.tx_id, 'tx_id'),
    blockNumber: int(row.block_number, 'block_number'),
  };
}

function str(value: SQLOutputValue | undefined, column: string): string {
  if (typeof value !== 'string') throw new Error(`Column ${column} is not text`);
  return value;
}

function int(value: SQLOutputValue | undefined, column: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw new Error(`Column ${column} is not an integer`);
  return value;
}
