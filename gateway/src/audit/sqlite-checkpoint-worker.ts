/**
 * The audit log's checkpointer thread (see {@link SqliteCommitter}): every {@link CHECKPOINT_EVERY_MS} it copies
 * the pages committed to the WAL since its last pass into the database file and fsyncs that file — a PASSIVE
 * checkpoint, which takes no lock a commit waits for and copies only what no reader still needs.
 *
 * Why a thread of its own: otherwise SQLite does all of that inside the commit that takes the WAL past ~1000
 * pages — at half load every ~300 batches a COMMIT of ~6 ms instead of ~0.2, during which every data call that
 * arrives waits for its record. The writer keeps its own automatic checkpoint: it now finds only the pages of the
 * last few batches left to copy, and it is what lets the WAL start over from its beginning (only a writer can
 * rewind it), so the WAL stays a few megabytes. A pass with nothing to copy costs a few microseconds and no fsync.
 * Not a module to import: Node starts it as a worker.
 */
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

/** Often enough that the writer's own checkpoint finds little left, rarely enough to cost nothing when idle. */
const CHECKPOINT_EVERY_MS = 50;

const { path } = workerData as { path: string };
const db = new DatabaseSync(path);
// The database file is fsync'd before the WAL may be rewound over the pages just copied.
db.exec('PRAGMA synchronous = FULL');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const timer = setInterval(() => {
  try {
    checkpoint.get();
  } catch {
    // SQLITE_BUSY while the writer runs its own checkpoint, or the disk failing: nothing is lost either way (the
    // records are in the WAL, and the writer's own checkpoint copies them), so this pass is skipped.
  }
}, CHECKPOINT_EVERY_MS);

parentPort!.on('message', (msg: 'close') => {
  if (msg !== 'close') return;
  clearInterval(timer);
  db.close();
  parentPort!.close();
});
