/**
 * A write transaction on a SQLite file of the gateway's own (used assertions, notifications).
 */
import type { DatabaseSync } from 'node:sqlite';

/**
 * Runs `work` between BEGIN IMMEDIATE and COMMIT; if it throws, rolls back what is still open and rethrows its
 * error. SQLite rolls a transaction back by itself on some failures, a full disk (SQLITE_FULL) among them: a
 * ROLLBACK after that threw "no transaction is active", and that error, answered as a bug, hid the full disk.
 */
export function immediateTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }
}
