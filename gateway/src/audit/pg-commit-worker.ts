/**
 * The PostgreSQL audit log's writer thread (see {@link PgCommitter}): it holds one connection of its own and runs
 * each batch's one-statement commit on it. Over loopback TCP the kernel delivers a query's bytes to the server
 * inside the sender's own `writev`, so the round trip cost the gateway's event loop far more than building the
 * statement (~100 µs of loop time per batch); here it costs this thread instead. Not a module to import: Node
 * starts it as a worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PoolClient } from 'pg';
import { connectPool } from '../store/pg-pool.js';

/** What the thread is started with: where the database is, and the one statement it runs (prepared). */
export interface PgCommitWorkerData {
  connectionString: string;
  statement: { name: string; text: string };
}

/** One run of the statement with these parameters. */
export interface PgCommitRequest {
  id: number;
  values: unknown[];
}

/** The server's or the driver's error, as much of it as the log decides on. */
export interface PgCommitError {
  message: string;
  /** `ERROR`: the statement was refused and ended with nothing written; anything else may come after a commit. */
  severity?: string;
  code?: string;
}

/** The answer to a request: the rows the statement wrote, or why it failed. */
export interface PgCommitReply {
  id: number;
  rowCount?: number;
  error?: PgCommitError;
}

/** The first message the thread posts: connected, or why not. */
export type PgCommitStarted = { ready: true } | { startError: string };

const { connectionString, statement } = workerData as PgCommitWorkerData;

async function run(
  pool: Awaited<ReturnType<typeof connectPool>>,
  req: PgCommitRequest,
): Promise<PgCommitReply> {
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    return { id: req.id, error: describe(err) };
  }
  try {
    const { rowCount } = await client.query({ ...statement, values: req.values });
    client.release();
    return { id: req.id, rowCount: rowCount ?? 0 };
  } catch (err) {
    const error = describe(err);
    // A refused statement leaves the connection usable (and its prepared statement with it); any other failure
    // may have broken it, so it is dropped and the next request connects anew.
    client.release(error.severity === 'ERROR' ? undefined : true);
    return { id: req.id, error };
  }
}

function describe(err: unknown): PgCommitError {
  const e = err as { message?: unknown; severity?: unknown; code?: unknown };
  return {
    message: typeof e?.message === 'string' ? e.message : String(err),
    ...(typeof e?.severity === 'string' ? { severity: e.severity } : {}),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
  };
}

try {
  const pool = await connectPool(connectionString, 1);
  parentPort!.on('message', (req: PgCommitRequest | 'close') => {
    if (req === 'close') {
      void pool.end().finally(() => parentPort!.close());
      return;
    }
    void run(pool, req).then((reply) => parentPort!.postMessage(reply));
  });
  parentPort!.postMessage({ ready: true } satisfies PgCommitStarted);
} catch (err) {
  parentPort!.postMessage({ startError: describe(err).message } satisfies PgCommitStarted);
  parentPort!.close();
}
