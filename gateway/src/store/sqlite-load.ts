/**
 * Loading a dataset version into the SQLite store's file — one transaction: the rows, their indexes and zone map,
 * the version made current — on the store's own connection (small files) or on a thread of its own
 * ({@link ./sqlite-load-worker.ts}): a load of 10⁶ rows takes seconds (4–7 s on the machine of
 * docs/PERFORMANCE.md), which on the gateway's event loop would hold every other call that long.
 */
import type { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import { DatasetFileError, fileRows } from '@rdx/client/dataset-format';
import type { DatasetFormat, ItemSpec, ItemType } from './dataset-types.js';
import {
  QueryError,
  VersionConflictError,
  checkLoad,
  checkSameVersion,
  indexStatements,
  quoteIdent,
} from './query-plan.js';
import { writeZones } from './sqlite-zones.js';
import { immediateTransaction } from './sqlite-transaction.js';

/** What to load. */
export interface LoadJob {
  datasetId: string;
  version: string;
  items: ItemSpec[];
  format: DatasetFormat;
  bytes: Uint8Array;
}

/** A load's outcome as the loading thread posts it: the result, or its error as far as the caller tells them apart. */
export type LoadReply =
  | { result: { contentHash: string; rowCount: number } }
  | {
      error: { name: string; message: string; problem?: string; line?: number; row?: number; item?: string };
    };

/**
 * Parses the job's `bytes` against its `items` and stores the rows as version `version` of `datasetId`, made
 * current, in one transaction of `db` (see DatasetStore.loadVersion).
 * @throws DatasetFileError, VersionConflictError or TypeError as DatasetStore.loadVersion documents.
 */
export function loadInto(
  db: DatabaseSync,
  { datasetId, version, items, format, bytes }: LoadJob,
): { contentHash: string; rowCount: number } {
  const { specs, contentHash } = checkLoad(datasetId, version, items, format, bytes);
  // IMMEDIATE takes the write lock first, so a second loader cannot slip the same version in between.
  return immediateTransaction(db, () => {
    const existing = db
      .prepare(
        `SELECT content_hash, row_count, items, format FROM versions WHERE dataset_id = ? AND version = ?`,
      )
      .get(datasetId, version);
    if (existing) {
      checkSameVersion(existing, { datasetId, version, contentHash, format, specs });
      return { contentHash, rowCount: Number(existing.row_count) };
    }
    const { lastInsertRowid } = db
      .prepare(
        `INSERT INTO versions (dataset_id, version, content_hash, row_count, items, format, loaded_at)
         VALUES (?, ?, ?, 0, ?, ?, ?)`,
      )
      .run(datasetId, version, contentHash, JSON.stringify(specs), format, new Date().toISOString());
    const table = `rows_${Number(lastInsertRowid)}`;
    const sqlType: Record<ItemType, string> = {
      string: 'TEXT',
      date: 'TEXT',
      integer: 'INTEGER',
      number: 'REAL',
      boolean: 'INTEGER',
    };
    const columns = specs.map((s) => quoteIdent(s.name));
    db.exec(
      `CREATE TABLE "${table}" (_rid INTEGER PRIMARY KEY, ${specs.map((s, k) => `${columns[k]} ${sqlType[s.type]}`).join(', ')}) STRICT`,
    );
    const insert = db.prepare(
      `INSERT INTO "${table}" (_rid, ${columns.join(', ')}) VALUES (?, ${columns.map(() => '?').join(', ')})`,
    );
    let rowCount = 0;
    for (const { values, row } of fileRows(bytes, format, specs)) {
      // _rid is the row's position in the file, which is the order pages come in.
      insert.run(row, ...values.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v)));
      rowCount = row;
    }
    // Built once the rows are in: faster than keeping them up to date row by row.
    for (const ddl of indexStatements(table, specs)) db.exec(ddl);
    writeZones(db, table, specs);
    db.prepare(`UPDATE versions SET row_count = ? WHERE id = ?`).run(rowCount, Number(lastInsertRowid));
    db.prepare(
      `INSERT INTO current_versions (dataset_id, version_id) VALUES (?, ?)
         ON CONFLICT (dataset_id) DO UPDATE SET version_id = excluded.version_id`,
    ).run(datasetId, Number(lastInsertRowid));
    return { contentHash, rowCount };
  });
}

/** Runs `job` on a thread of its own with its own connection to the file at `path`; settles as loadInto would. */
export function loadOnThread(path: string, job: LoadJob): Promise<{ contentHash: string; rowCount: number }> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./sqlite-load-worker.js', import.meta.url), {
      workerData: { path, job },
    });
    let settled = false;
    worker.once('message', (reply: LoadReply) => {
      settled = true;
      if ('result' in reply) resolve(reply.result);
      else reject(rebuilt(reply.error));
    });
    worker.once('error', (err: Error) => {
      settled = true;
      reject(err);
    });
    // A thread that ends without an answer took its transaction with it: SQLite rolled it back.
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the dataset load's thread exited (code ${code}); nothing was stored`));
    });
  });
}

/** The error a load threw on the loading thread, as the same class with the same message. */
function rebuilt(e: Extract<LoadReply, { error: unknown }>['error']): Error {
  switch (e.name) {
    case 'DatasetFileError':
      return new DatasetFileError(e.problem ?? e.message, { line: e.line, row: e.row, item: e.item });
    case 'VersionConflictError':
      return new VersionConflictError(e.message);
    case 'QueryError':
      return new QueryError(e.message);
    case 'TypeError':
      return new TypeError(e.message);
    default:
      return new Error(e.message);
  }
}
