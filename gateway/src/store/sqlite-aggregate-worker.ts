/**
 * The thread that computes the SQLite store's large computed results (see {@link SqliteAggregator}): its own
 * read-only connection to the store's file (WAL: it reads while the gateway writes), one job at a time. A
 * computed result reads every matching row — 50–75 ms at 10⁶ rows — which on the gateway's event loop would hold
 * every other call that long. Not a module to import: Node starts it as a worker.
 */
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { QueryError } from './query-plan.js';
import { runAggregate, type AggregateJob } from './sqlite-aggregate.js';

export interface AggregateRequest extends AggregateJob {
  id: number;
}

/** The result, or why not: a QueryError's message (too many groups) or another error's. */
export type AggregateReply =
  | { id: number; result: ReturnType<typeof runAggregate> }
  | { id: number; error: string; queryError: boolean };

const { path } = workerData as { path: string };
const db = new DatabaseSync(path, { readOnly: true });
// A load holds the write lock while it commits; reading never waits for it (WAL), but opening the schema may.
db.exec('PRAGMA busy_timeout = 5000');

parentPort!.on('message', (req: AggregateRequest | 'close') => {
  if (req === 'close') {
    db.close();
    parentPort!.close();
    return;
  }
  let reply: AggregateReply;
  try {
    reply = { id: req.id, result: runAggregate(db, req) };
  } catch (err) {
    reply = {
      id: req.id,
      error: err instanceof Error ? err.message : String(err),
      queryError: err instanceof QueryError,
    };
  }
  parentPort!.postMessage(reply);
});
