/**
 * The one write transaction on the gateway's SQLite files: used assertions, notifications, the dataset store and
 * its loads, the audit log's writer thread.
 */
import type { DatabaseSync } from 'node:sqlite';

/**
 * Runs `work` between BEGIN IMMEDIATE (the write lock, or fail now) and COMMIT; if it throws, rolls back what is
 * still open and rethrows its error. SQLite rolls a transaction back by itself on some failures, a full disk
 * (SQLITE_FULL) among them: a ROLLBACK after that threw "no transaction is active", and that error, answered as a
 * bug, hid the full disk. For the same reason a ROLLBACK that fails is not reported: `work`'s error is.
 */
export function immediateTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (err) {
    if (db.isTransaction) {
      try {
        db.exec('ROLLBACK');
      } catch {
        // The error worth reporting is the one that ended the transaction.
      }
    }
    throw err;
  }
}
