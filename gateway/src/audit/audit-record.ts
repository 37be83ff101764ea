/**
 * What the access logs share whatever stores them (SQLite in audit-log.ts, PostgreSQL in pg-audit-log.ts): the
 * record and anchor types, a request's entry made well-formed, the hash chain, the checks an entry or an anchor
 * must pass before it is stored, and the conversion of a stored row back into a record. Pure: nothing here touches a database.
 */
import { Histogram, type HistogramCounts } from '../http/metrics.js';
import { isWellFormedText, toWellFormedText } from '../lib/well-formed-text.js';
import { canonicalJson, leafHash, type ReceiptAnchor } from '@rdx/client';

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
  /** The query in canonical JSON: how the records were asked for (see routes/audited.ts). */
  query?: string;
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

/**
 * A Merkle root of the log's first `treeSize` records, as written to the ledger and recorded in the log: the
 * anchor a receipt names, so the SDK's type of it is the one.
 */
export type AuditAnchor = ReceiptAnchor;

/** Tuning of a log's group commit. */
export interface AuditLogOptions {
  /**
   * How long the first append of a batch waits for company before committing, in ms. Default 0: an idle log
   * commits at once, and under load batches form by themselves from the appends that arrive while the previous
   * commit runs — a fixed window would add its whole length to every request when the load is low.
   */
  groupCommitMs?: number;
  /** A batch is committed at once when it reaches this many appends. Default 256. */
  maxBatch?: number;
  /**
   * How long a batch may be on its way to durable before the log counts as stalled (group-commit.ts). Default
   * 5000 ms.
   */
  stalledAfterMs?: number;
}

/** Counters since the log was opened, as {@link AuditLog.stats} returns them. */
export interface AuditLogStats {
  /** Transactions committed (each one fsync). */
  commits: number;
  /** Records committed. */
  records: number;
  /** Transactions that failed; their appends were rejected. */
  failedCommits: number;
  /** Most records committed in one transaction. */
  largestBatch: number;
  /**
   * How long the committed batches took, from being handed to the writer to durable (the transaction, its fsync
   * or WAL flush included), in seconds; its count is `commits`.
   */
  commitSeconds: HistogramCounts;
  /**
   * How long each committed record's append waited until it was durable: what a data call waits for before its
   * answer — the batch committing when it came, then its own; `records` is their count. Weighted by record, not
   * by batch: a slow commit delays every record that queued behind it, which the commit times alone understate.
   */
  waitSeconds: HistogramCounts;
  /**
   * While commits fail: since when, when last and why (ms since the epoch), and whether it lasts until a restart
   * (the log's file deleted or replaced); undefined once one succeeds. Also while a commit is stalled (see
   * group-commit.ts), its `last` then being now. What a failed commit's appends reject with, and appends made
   * while one is stalled, is an {@link AuditWriteError}.
   */
  failing: { since: number; last: number; error: string; lasting: boolean } | undefined;
}

/**
 * An append whose record could not be made durable (a full disk, a file gone, the database unreachable): nothing
 * is served on it. The gateway answers 503 AUDIT_UNWRITABLE.
 */
export class AuditWriteError extends Error {
  constructor(readonly reason: string) {
    super(`The audit record could not be written: ${reason}`);
  }
}

/**
 * The counters a log keeps while it runs: {@link AuditLogStats} with its histograms live. The commits are the
 * commit histogram's count, not a counter of their own.
 */
export interface AuditCounters extends Omit<AuditLogStats, 'commits' | 'commitSeconds' | 'waitSeconds'> {
  commitSeconds: Histogram;
  waitSeconds: Histogram;
}

/**
 * The bounds (seconds) of the audit log's histograms: a healthy disk commits in well under a millisecond; the
 * bounds are closer from 2 to 10 ms, where a data call's wait for its record sets its latency's tail.
 */
export const AUDIT_SECONDS_BUCKETS = [
  0.0005, 0.001, 0.002, 0.003, 0.005, 0.0075, 0.01, 0.02, 0.05, 0.1, 0.5, 1,
] as const;

/**
 * How long a batch may be on its way to durable, by default, before the log counts as stalled: a database that
 * stopped answering (frozen, its disk hung), an fsync that does not return. A healthy commit takes milliseconds.
 * While stalled, appends are refused at once instead of queueing behind it for as long as it hangs (PostgreSQL's
 * query timeout is a minute), and readiness says the log is not writing.
 */
export const STALLED_AFTER_MS = 5_000;

/** The counters of a log just opened. */
export function emptyCounters(): AuditCounters {
  return {
    records: 0,
    failedCommits: 0,
    largestBatch: 0,
    failing: undefined,
    commitSeconds: new Histogram(AUDIT_SECONDS_BUCKETS),
    waitSeconds: new Histogram(AUDIT_SECONDS_BUCKETS),
  };
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

/**
 * Every field a record's hash covers. Typed so that a field added to {@link AuditRecord} must be added here, or
 * {@link chainedRecordHash} would leave it out of the hash.
 */
const HASHED_FIELDS: { readonly [K in keyof Omit<AuditRecord, 'hash'>]-?: true } = {
  time: true,
  requestId: true,
  gatewayId: true,
  clientId: true,
  enterprise: true,
  method: true,
  path: true,
  datasetId: true,
  grantId: true,
  decision: true,
  reason: true,
  items: true,
  rowCount: true,
  responseHash: true,
  status: true,
  query: true,
  seq: true,
  prevHash: true,
};
/** In the order canonical JSON writes them (keys sorted as `Array.prototype.sort` does). */
const HASHED_IN_ORDER = Object.keys(HASHED_FIELDS).sort() as (keyof typeof HASHED_FIELDS)[];

/**
 * {@link auditRecordHash} of a record chained from a {@link normalizeEntry normalized} entry: the same hash, by a
 * shorter way that every data call takes (with the one-call leaf hash, 2.8–3.4 µs a record against 4.5–5.5). Such
 * a record holds only the known fields, each a string, a number or an array of strings, so copying them in sorted
 * order already gives canonical JSON, without sorting keys at every level. A test holds the two equal over
 * generated entries.
 */
function chainedRecordHash(record: Omit<AuditRecord, 'hash'>): string {
  const sorted: Record<string, unknown> = {};
  for (const key of HASHED_IN_ORDER) sorted[key] = record[key];
  return leafHash(JSON.stringify(sorted));
}

/** An append waiting for the commit of its batch. */
export interface Pending {
  entry: AuditEntry;
  /** `performance.now()` when appended: its wait until durable is counted in {@link AuditLogStats.waitSeconds}. */
  queuedAt: number;
  resolve: (record: AuditRecord) => void;
  reject: (err: unknown) => void;
}

/** The columns of a stored record, in the order of {@link recordValues}, and what each holds. */
export const RECORD_COLUMN_TYPES = {
  seq: 'integer',
  time: 'text',
  request_id: 'text',
  gateway_id: 'text',
  client_id: 'text',
  enterprise: 'text',
  method: 'text',
  path: 'text',
  dataset_id: 'text',
  grant_id: 'text',
  decision: 'text',
  reason: 'text',
  items: 'text',
  row_count: 'integer',
  response_hash: 'text',
  status: 'integer',
  query: 'text',
  prev_hash: 'text',
  hash: 'text',
} as const;

/** The columns of a stored record, in the order of {@link recordValues}, for SELECT and INSERT. */
export const RECORD_COLUMNS = Object.keys(RECORD_COLUMN_TYPES).join(', ');

const OPTIONAL_FIELDS = ['clientId', 'enterprise', 'datasetId', 'grantId', 'responseHash', 'query'] as const;
const HEX_HASH = /^[0-9a-f]{64}$/;

/** Checks one text field of an entry and returns it; `what` names the field in the error. */
export type TextCheck = (value: unknown, what: string) => string;

function textField(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string`);
  return value;
}

/**
 * A string that survives the trip through UTF-8 storage unchanged. Both databases store UTF-8, which has no encoding
 * for a lone UTF-16 surrogate: it would come back as U+FFFD and the record's hash would no longer match. Such
 * strings are refused up front instead.
 */
export function wellFormedText(value: unknown, what: string): string {
  const text = textField(value, what);
  if (!isWellFormedText(text)) throw new TypeError(`${what} is not well-formed Unicode`);
  return text;
}

/** The entries {@link wellFormedEntry} made: their text is well-formed, so a log does not scan it again. */
const madeWellFormed = new WeakSet<AuditEntry>();

/**
 * `e` as a request's record keeps it: each lone surrogate of its text (sent by the request as a JSON escape, or
 * left of a pair by the cut of a long value) replaced by U+FFFD. Refused by the log instead, the record of a
 * refusal would have turned it into a 500, unrecorded. What the gateway builds from a request goes through here
 * (routes/audited.ts), so the log and the misuse monitor are given the same, well-formed text; the log checks only
 * an entry made elsewhere. Not to be changed once made.
 */
export function wellFormedEntry(e: AuditEntry): AuditEntry {
  const made = copyEntry(e, (value, what) => toWellFormedText(textField(value, what)));
  madeWellFormed.add(made);
  return made;
}

/** The options with their defaults, checked. */
export function groupCommitOptions(opts: AuditLogOptions): Required<AuditLogOptions> {
  const groupCommitMs = opts.groupCommitMs ?? 0;
  const maxBatch = opts.maxBatch ?? 256;
  const stalledAfterMs = opts.stalledAfterMs ?? STALLED_AFTER_MS;
  if (!Number.isFinite(groupCommitMs) || groupCommitMs < 0) {
    throw new RangeError('groupCommitMs must be ≥ 0');
  }
  if (!Number.isSafeInteger(maxBatch) || maxBatch < 1)
    throw new RangeError('maxBatch must be an integer ≥ 1');
  if (!Number.isFinite(stalledAfterMs) || stalledAfterMs <= 0)
    throw new RangeError('stalledAfterMs must be > 0');
  return { groupCommitMs, maxBatch, stalledAfterMs };
}

/**
 * Copies exactly the known fields, so what is hashed is exactly what is stored and read back: no stray properties,
 * no `undefined` that becomes NULL, no value the database would change on the way through. Text must be well-formed
 * ({@link wellFormedText}; an entry of {@link wellFormedEntry} is already), and pass `stricter` when given (for a
 * database with stricter text).
 */
export function normalizeEntry(e: AuditEntry, stricter?: (text: string, what: string) => string): AuditEntry {
  // An entry wellFormedEntry made is that copy already, its text well-formed: copied again, every data call paid
  // for a second object. Only a database's stricter rule is left to apply to it.
  if (madeWellFormed.has(e))
    return stricter === undefined ? e : copyEntry(e, (value, what) => stricter(textField(value, what), what));
  return copyEntry(
    e,
    stricter === undefined ? wellFormedText : (value, what) => stricter(wellFormedText(value, what), what),
  );
}

/** Copies exactly the known fields of `e`, each text through `text`, and checks the others. */
function copyEntry(e: AuditEntry, text: TextCheck): AuditEntry {
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

/** The error of an append whose request id is logged (or queued) already. */
export function duplicateRequest(requestId: string): Error {
  return new Error(`Request ${requestId} is already in the audit log`);
}

/**
 * Links `entries` ({@link normalizeEntry normalized}) into the chain after the record `seq - 1` whose hash is
 * `prevHash`.
 */
export function chainRecords(entries: readonly AuditEntry[], seq: number, prevHash: string): AuditRecord[] {
  return entries.map((entry) => {
    const unhashed = { ...entry, seq, prevHash };
    const record: AuditRecord = { ...unhashed, hash: chainedRecordHash(unhashed) };
    prevHash = record.hash;
    seq++;
    return record;
  });
}

/**
 * A copy of the counters, for a caller to keep; `stalledForMs`: how long the batch being committed has been on
 * its way, when the log is stalled (see {@link failingNow}).
 */
export function copyStats(counters: AuditCounters, stalledForMs?: number): AuditLogStats {
  const commitSeconds = counters.commitSeconds.read();
  return {
    ...counters,
    failing: failingNow(counters, stalledForMs),
    commits: commitSeconds.count,
    commitSeconds,
    waitSeconds: counters.waitSeconds.read(),
  };
}

/**
 * Whether commits fail now: the last one failed and none succeeded since, or one has been on its way for
 * `stalledForMs` (a stalled log writes nothing either, and refuses appends).
 */
export function failingNow(counters: AuditCounters, stalledForMs?: number): AuditLogStats['failing'] {
  const failing = counters.failing && { ...counters.failing };
  if (stalledForMs === undefined) return failing;
  const now = Date.now();
  return {
    since: Math.min(failing?.since ?? now, now - stalledForMs),
    last: now,
    error: `a commit has not returned for ${Math.floor(stalledForMs / 1000)} s`,
    lasting: failing?.lasting ?? false,
  };
}

/** Counts a committed batch of `records` records that took `seconds` from handed to the writer to durable. */
export function countCommit(counters: AuditCounters, records: number, seconds: number): void {
  counters.records += records;
  counters.largestBatch = Math.max(counters.largestBatch, records);
  counters.commitSeconds.observe(seconds);
  counters.failing = undefined;
}

/** Rejects each append of a batch that was not committed with `err`, forgets its request id, counts the failure. */
export function failBatch(
  batch: readonly Pending[],
  err: unknown,
  pendingIds: Set<string>,
  counters: AuditCounters,
): void {
  counters.failedCommits++;
  const reason = err instanceof Error ? err.message : String(err);
  const now = Date.now();
  const lasting = (err as { lasting?: unknown }).lasting === true || counters.failing?.lasting === true;
  counters.failing = { since: counters.failing?.since ?? now, last: now, error: reason, lasting };
  const failed = new AuditWriteError(reason);
  for (const p of batch) {
    pendingIds.delete(p.entry.requestId);
    p.reject(failed);
  }
}

/**
 * Resolves each append with its record (`records[i]` belongs to `batch[i]`), forgets its request id, and counts
 * how long it waited.
 */
export function settleBatch(
  batch: readonly Pending[],
  records: readonly AuditRecord[],
  pendingIds: Set<string>,
  counters: AuditCounters,
): void {
  const now = performance.now();
  batch.forEach((p, i) => {
    pendingIds.delete(p.entry.requestId);
    const record = records[i];
    if (record === undefined) return;
    counters.waitSeconds.observe((now - p.queuedAt) / 1000);
    p.resolve(record);
  });
}

/** @throws RangeError unless [from, to) is a range of the `size` records. */
export function checkLeafRange(from: number, to: number, size: number): void {
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 0 || from > to || to > size) {
    throw new RangeError(`[${from}, ${to}) is not a range of the ${size} records`);
  }
}

/** @throws Error when fewer hashes than asked for came back: a missing row is corruption. */
export function checkNoneMissing(hashes: readonly string[], from: number, to: number): void {
  // A shorter list would silently yield a different Merkle root, so say so.
  if (hashes.length !== to - from) throw new Error(`Records are missing from [${from}, ${to})`);
}

/** @throws RangeError unless `limit` is a page size. */
export function checkLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError('limit must be an integer ≥ 1');
}

/**
 * Checks an anchor before it is recorded in a log of `size` records whose newest anchor is `last`.
 * @param text when given, also applied to `anchorHash` and `txId` (for a database with stricter text).
 * @throws if it does not extend the last anchor, covers records not in the log, or is malformed.
 */
export function checkAnchor(
  a: AuditAnchor,
  size: number,
  last: AuditAnchor | undefined,
  text?: TextCheck,
): void {
  for (const key of ['sequence', 'firstRecord', 'recordCount', 'treeSize', 'blockNumber'] as const) {
    if (!Number.isSafeInteger(a[key]) || a[key] < 0) throw new TypeError(`${key} must be an integer ≥ 0`);
  }
  if (typeof a.merkleRoot !== 'string' || !HEX_HASH.test(a.merkleRoot))
    throw new TypeError('merkleRoot must be 64 lowercase hex digits');
  if (typeof a.anchorHash !== 'string' || a.anchorHash === '') throw new TypeError('anchorHash is required');
  if (typeof a.txId !== 'string' || a.txId === '') throw new TypeError('txId is required');
  if (text !== undefined) for (const key of ['anchorHash', 'txId'] as const) text(a[key], key);
  if (a.firstRecord + a.recordCount !== a.treeSize) {
    throw new RangeError('firstRecord + recordCount must equal treeSize');
  }
  if (a.treeSize > size) {
    throw new RangeError(`Anchor covers ${a.treeSize} records but the log holds ${size}`);
  }
  if (last !== undefined && (a.sequence <= last.sequence || a.treeSize <= last.treeSize)) {
    throw new RangeError(`Anchor ${a.sequence} does not extend anchor ${last.sequence}`);
  }
}

/**
 * Walks stored rows in seq order and recomputes every record's hash and link: `accept` is false at the first row
 * whose content, hash or link is wrong, or that is not the next seq; `expected` is then where the chain broke.
 */
export class ChainWalk {
  /**
   * A walk from record `from`, whose predecessor's stored hash is `prev` (that record's own hash is checked by
   * the walk over the range before it).
   */
  constructor(
    /** The seq the next row must have. */
    public expected = 0,
    private prev = GENESIS_HASH,
  ) {}

  accept(row: Record<string, unknown>): boolean {
    let record: AuditRecord;
    try {
      record = rowToRecord(row);
    } catch {
      return false;
    }
    if (
      record.seq !== this.expected ||
      record.prevHash !== this.prev ||
      auditRecordHash(record) !== record.hash
    ) {
      return false;
    }
    this.prev = record.hash;
    this.expected++;
    return true;
  }

  /** The verdict once every row was accepted: records are missing below `mustHave` (committed or anchored). */
  result(mustHave: number): { ok: boolean; brokenAt?: number } {
    // Deleting records from the end leaves a valid chain; only what was acknowledged or anchored reveals it.
    return this.expected < mustHave ? { ok: false, brokenAt: this.expected } : { ok: true };
  }
}

/** The columns of an anchor, in the order of {@link anchorValues} (both logs name them alike). */
export const ANCHOR_COLUMNS =
  'sequence, first_record, record_count, tree_size, merkle_root, anchor_hash, tx_id, block_number';

/** An anchor's values in {@link ANCHOR_COLUMNS} order, as they are stored. */
export function anchorValues(a: AuditAnchor): (string | number)[] {
  return [
    a.sequence,
    a.firstRecord,
    a.recordCount,
    a.treeSize,
    a.merkleRoot,
    a.anchorHash,
    a.txId,
    a.blockNumber,
  ];
}

/** The SQLite statement that stores one record, its values as {@link recordValues} gives them. */
export const INSERT_RECORD_SQL = `INSERT INTO audit_records (${RECORD_COLUMNS}) VALUES (${RECORD_COLUMNS.split(
  ', ',
)
  .map(() => '?')
  .join(', ')})`;

/** A record's values in {@link RECORD_COLUMNS} order, as they are stored. */
export function recordValues(r: AuditRecord): (string | number | null)[] {
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
    r.query ?? null,
    r.prevHash,
    r.hash,
  ];
}

/** A stored row of {@link RECORD_COLUMNS} back as a record. @throws if a column is not what was stored. */
export function rowToRecord(row: Record<string, unknown>): AuditRecord {
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
    query: row.query,
  };
  for (const key of OPTIONAL_FIELDS) {
    const value = optional[key];
    if (value !== null && value !== undefined) record[key] = str(value, key);
  }
  return record;
}

/** Just the fields of an anchor, whatever else the object carries (what is stored, and what is shown). */
export function anchorFields(a: AuditAnchor): AuditAnchor {
  return {
    sequence: a.sequence,
    firstRecord: a.firstRecord,
    recordCount: a.recordCount,
    treeSize: a.treeSize,
    merkleRoot: a.merkleRoot,
    anchorHash: a.anchorHash,
    txId: a.txId,
    blockNumber: a.blockNumber,
  };
}

/** A stored anchor row back as an anchor. */
export function rowToAnchor(row: Record<string, unknown>): AuditAnchor {
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

/** A text column's value. @throws if it is not text. */
export function str(value: unknown, column: string): string {
  if (typeof value !== 'string') throw new Error(`Column ${column} is not text`);
  return value;
}

/** An integer column's value. @throws if it is not a safe integer. */
export function int(value: unknown, column: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw new Error(`Column ${column} is not an integer`);
  return value;
}
