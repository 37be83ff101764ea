/**
 * One batch of the SQLite audit log as one transaction: BEGIN IMMEDIATE (the write lock, or fail now), the
 * check that the file's chain ends where the writer's does — a second writer is refused, never interleaved —
 * the inserts, and the COMMIT that makes them durable. Shared by the writer thread and the inline (`:memory:`)
 * path, so both refuse and commit alike.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { RECORD_COLUMNS, int, recordValues, type AuditRecord } from './audit-record.js';

/** The statements a commit needs, prepared once per connection. */
export interface CommitStatements {
  insert: StatementSync;
  tail: StatementSync;
}

export function commitStatements(db: DatabaseSync): CommitStatements {
  return {
    insert: db.prepare(
      `INSERT INTO audit_records (${RECORD_COLUMNS}) VALUES (${RECORD_COLUMNS.split(', ')
        .map(() => '?')
        .join(', ')})`,
    ),
    tail: db.prepare('SELECT seq, hash FROM audit_records ORDER BY seq DESC LIMIT 1'),
  };
}

/**
 * Commits `records`, which continue the chain at `expectNextSeq` after `expectLastHash`.
 * @throws if the file's chain ends elsewhere or SQLite fails; the transaction is then rolled back.
 */
export function commitRecords(
  db: DatabaseSync,
  stmt: CommitStatements,
  records: readonly AuditRecord[],
  expectNextSeq: number,
  expectLastHash: string,
): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    const tail = stmt.tail.get();
    const diskNext = tail === undefined ? 0 : int(tail.seq, 'seq') + 1;
    if (diskNext !== expectNextSeq || (tail !== undefined && tail.hash !== expectLastHash)) {
      throw new Error('The audit log file was changed by another writer; refusing to fork the chain');
    }
    for (const r of records) stmt.insert.run(...recordValues(r));
    db.exec('COMMIT');
  } catch (err) {
    if (db.isTransaction) {
      try {
        db.exec('ROLLBACK');
      } catch {
        // The original error is the one worth reporting; SQLite may already have rolled back on its own.
      }
    }
    throw err;
  }
}
