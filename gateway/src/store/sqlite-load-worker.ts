/**
 * The thread that loads one large dataset version into the SQLite store's file (see {@link loadOnThread}), with
 * a connection of its own, and ends. Not a module to import: Node starts it as a worker.
 */
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { DatasetFileError } from '@rdx/client/dataset-format';
import { loadInto, type LoadJob, type LoadReply } from './sqlite-load.js';

const { path, job } = workerData as { path: string; job: LoadJob };
const db = new DatabaseSync(path);
// The settings of the store's own connection.
db.exec('PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON');
let reply: LoadReply;
try {
  reply = { result: loadInto(db, job) };
} catch (err) {
  const e = err instanceof Error ? err : new Error(String(err));
  reply = {
    error: {
      name: e.name,
      message: e.message,
      ...(e instanceof DatasetFileError
        ? { problem: e.problem, line: e.line, row: e.row, item: e.item }
        : {}),
    },
  };
} finally {
  db.close();
}
parentPort!.postMessage(reply);
