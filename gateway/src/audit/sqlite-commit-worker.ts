/**
 * The audit log's writer thread (see {@link SqliteCommitter}): it owns the write connection — every write to the
 * file goes through it — and runs each batch's transaction (and, now and then, one saving the Merkle tree's
 * block roots or an anchor) — BEGIN IMMEDIATE (the
 * write lock, or fail now), the check that the file's chain ends where the gateway's does (a second writer is
 * refused, never interleaved), the inserts, and the COMMIT whose fsync (synchronous=FULL) is what makes a
 * record durable. On this thread the fsync no longer stops the
 * gateway's event loop. Not a module to import: Node starts it as a worker.
 */
import fs from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import {
  ANCHOR_COLUMNS,
  anchorValues,
  INSERT_RECORD_SQL,
  int,
  recordValues,
  type AuditAnchor,
  type AuditRecord,
} from './audit-record.js';
import { immediateTransaction } from '../store/sqlite-transaction.js';

/** One batch to commit: records already chained by the gateway, and where the file's chain must end now. */
export interface CommitRequest {
  id: number;
  records: AuditRecord[];
  expectNextSeq: number;
  expectLastHash: string;
}

/** Roots of the Merkle tree's complete blocks to save (audit-tree.ts), from block `from` on. */
export interface SaveBlocksRequest {
  id: number;
  saveBlocks: { from: number; roots: string[] };
}

/** An anchor of the log, recorded once its transaction is on the ledger (checked by the gateway first). */
export interface SaveAnchorRequest {
  id: number;
  saveAnchor: AuditAnchor;
}

/** The answer: committed, or why not (the transaction rolled back; nothing of the batch is in the file). */
export interface CommitReply {
  id: number;
  error?: string;
  /** Of a batch that failed: the request ids of its records the file holds already (the gateway refuses those). */
  logged?: string[];
  /** The failure lasts until the gateway restarts: the file it writes is not the log's any more. */
  lasting?: true;
}

/** The file at the log's path is not the one this thread writes: every later commit fails the same way. */
class NotTheLogsFile extends Error {}

const { path, committed } = workerData as { path: string; committed: SharedArrayBuffer };
/**
 * The id of the last batch committed (as an int32), stored before the answer is posted: the gateway reads it
 * without waiting for the answer to reach its event loop (SqliteCommitter.noticeCommitted).
 */
const lastCommitted = new Int32Array(committed);
const db = new DatabaseSync(path);
db.exec('PRAGMA synchronous = FULL');
// Only this connection writes; another process opening the file (a second gateway under the same name, a
// tool) waits for the lock a while rather than fail at once.
db.exec('PRAGMA busy_timeout = 1000');
/**
 * The file (and its write-ahead log) this connection writes, as found at their paths. SQLite writes on through the
 * descriptors it holds when the file is deleted or replaced under it, so a log removed while the gateway ran took
 * every record made since with it while the gateway went on serving. Each transaction first asks the paths again.
 */
const files = new Map<string, string | undefined>([
  [path, identityOf(path)],
  [`${path}-wal`, identityOf(`${path}-wal`)],
]);

function identityOf(file: string): string | undefined {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  return st && `${st.dev}:${st.ino}`;
}

/** @throws unless each of {@link files} is still at its path (a write-ahead log made since is taken as found). */
function requireOwnFiles(): void {
  for (const [file, known] of files) {
    const now = identityOf(file);
    if (known === undefined && file !== path) {
      files.set(file, now);
      continue;
    }
    if (now !== known)
      throw new NotTheLogsFile(
        `${file} is not the file this gateway writes its audit log to any more (${now === undefined ? 'deleted' : 'replaced'} while it ran): nothing more is recorded, so nothing is served. Restart the gateway: it checks its log against the ledger`,
      );
  }
}

const insert = db.prepare(INSERT_RECORD_SQL);
const tail = db.prepare('SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1');
const byRequestId = db.prepare('SELECT 1 FROM audit_records WHERE request_id = ?');
const insertBlock = db.prepare('INSERT OR IGNORE INTO audit_tree_blocks (block, root) VALUES (?, ?)');
const insertAnchor = db.prepare(
  `INSERT INTO audit_anchors (${ANCHOR_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
);

/**
 * Commits a batch whose records continue the chain at `expectNextSeq` after `expectLastHash`.
 * @throws if the file's chain ends elsewhere or SQLite fails; the transaction is then rolled back.
 */
function commit(req: CommitRequest): void {
  inTransaction(() => {
    const last = tail.get();
    const diskNext = last === undefined ? 0 : int(last.seq, 'seq') + 1;
    if (diskNext !== req.expectNextSeq || (last !== undefined && last.hash !== req.expectLastHash)) {
      throw new Error('The audit log file was changed by another writer; refusing to fork the chain');
    }
    for (const r of req.records) insert.run(...recordValues(r));
  });
}

/**
 * The request ids of `records` the file holds already. Asked only once a batch has failed: the gateway does not
 * look each append's id up first (on its read connection that lookup cost more than the rest of an append), so a
 * request id logged before makes the batch's insert fail on the UNIQUE index, and this says which.
 */
function loggedAmong(records: readonly AuditRecord[]): string[] {
  return records.filter((r) => byRequestId.get(r.requestId) !== undefined).map((r) => r.requestId);
}

/** Saves block roots in one transaction; a root already saved is kept. */
function saveBlocks({ from, roots }: SaveBlocksRequest['saveBlocks']): void {
  inTransaction(() => roots.forEach((root, i) => insertBlock.run(from + i, root)));
}

function saveAnchor(a: AuditAnchor): void {
  inTransaction(() => insertAnchor.run(...anchorValues(a)));
}

/** Runs `work` in one write transaction: committed whole (and fsync'd), or rolled back and thrown. */
function inTransaction(work: () => void): void {
  requireOwnFiles();
  immediateTransaction(db, work);
}

parentPort!.on('message', (req: CommitRequest | SaveBlocksRequest | SaveAnchorRequest | 'close') => {
  if (req === 'close') {
    db.close();
    parentPort!.close();
    return;
  }
  let reply: CommitReply;
  try {
    if ('saveBlocks' in req) saveBlocks(req.saveBlocks);
    else if ('saveAnchor' in req) saveAnchor(req.saveAnchor);
    else {
      commit(req);
      Atomics.store(lastCommitted, 0, req.id);
    }
    reply = { id: req.id };
  } catch (err) {
    reply = {
      id: req.id,
      error: err instanceof Error ? err.message : String(err),
      ...(err instanceof NotTheLogsFile ? { lasting: true as const } : {}),
    };
    if ('records' in req) {
      try {
        const logged = loggedAmong(req.records);
        if (logged.length > 0) reply.logged = logged;
      } catch {
        // A file that cannot even be read: the commit's own error is the one to report.
      }
    }
  }
  parentPort!.postMessage(reply);
});
