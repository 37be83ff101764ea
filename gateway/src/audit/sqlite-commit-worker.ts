/**
 * The audit log's writer thread (see {@link SqliteCommitter}): it owns the write connection and runs each
 * batch's transaction — BEGIN IMMEDIATE, the check that the file's chain ends where the gateway's does, the
 * inserts, and the COMMIT whose fsync (synchronous=FULL) is what makes a record durable. On this thread the
 * fsync no longer stops the gateway's event loop. Not a module to import: Node starts it as a worker.
 */
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import type { AuditRecord } from './audit-record.js';
import { commitRecords, commitStatements } from './sqlite-transaction.js';

/** One batch to commit: records already chained by the gateway, and where the file's chain must end now. */
export interface CommitRequest {
  id: number;
  records: AuditRecord[];
  expectNextSeq: number;
  expectLastHash: string;
}

/** The answer: committed, or why not (the transaction rolled back; nothing of the batch is in the file). */
export interface CommitReply {
  id: number;
  error?: string;
}

const { path } = workerData as { path: string };
const db = new DatabaseSync(path);
db.exec('PRAGMA synchronous = FULL');
// The gateway's own connection writes anchors now and then; each waits for the other rather than fail.
db.exec('PRAGMA busy_timeout = 1000');
const statements = commitStatements(db);

parentPort!.on('message', (req: CommitRequest | 'close') => {
  if (req === 'close') {
    db.close();
    parentPort!.close();
    return;
  }
  let reply: CommitReply;
  try {
    commitRecords(db, statements, req.records, req.expectNextSeq, req.expectLastHash);
    reply = { id: req.id };
  } catch (err) {
    reply = { id: req.id, error: err instanceof Error ? err.message : String(err) };
  }
  parentPort!.postMessage(reply);
});
