/**
 * A store's disk full, as each says it. The gateway answers such a request 503 STORE_FULL (problem.ts), nothing
 * done: it was a 500 and "a bug" for the client while the data calls, refused by their audit record, said 503.
 */
const SQLITE_FULL = 13;

/** Whether `err` says a disk is full: SQLite's SQLITE_FULL, PostgreSQL's disk_full (53100), the system's ENOSPC. */
export function diskFull(err: unknown): boolean {
  const e = err as { errcode?: unknown; code?: unknown } | null;
  // node:sqlite gives the extended code, whose low byte is the primary one.
  if (typeof e?.errcode === 'number' && (e.errcode & 0xff) === SQLITE_FULL) return true;
  return e?.code === '53100' || e?.code === 'ENOSPC';
}
