/**
 * Commits the SQLite audit log's batches on a writer thread ({@link ./sqlite-commit-worker.ts}), so the fsync of
 * each COMMIT waits there and the gateway's event loop serves other requests meanwhile. One batch at a time:
 * each links to the last committed record, and the appends that arrive during a commit form the next batch.
 */
import { Worker } from 'node:worker_threads';
import type { AuditAnchor, AuditRecord } from './audit-record.js';
import type {
  CommitReply,
  CommitRequest,
  SaveAnchorRequest,
  SaveBlocksRequest,
} from './sqlite-commit-worker.js';

/** A batch refused because the file holds some of its request ids already: nothing of it was committed. */
export class AlreadyLogged extends Error {
  constructor(
    message: string,
    /** The request ids of the batch that are logged already. */
    readonly requestIds: readonly string[],
  ) {
    super(message);
  }
}

export class SqliteCommitter {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly waiting = new Map<
    number,
    { resolve: () => void; reject: (err: Error) => void; onDurable?: (() => void) | undefined }
  >();
  /** Where the writer thread stores the id of each batch it has committed, and the last one seen here. */
  private readonly lastCommitted = new Int32Array(new SharedArrayBuffer(4));
  private seenCommitted = -1;
  private failure: Error | undefined;
  private readonly exited: Promise<void>;
  private closing = false;

  constructor(path: string) {
    Atomics.store(this.lastCommitted, 0, -1);
    this.worker = new Worker(new URL('./sqlite-commit-worker.js', import.meta.url), {
      workerData: { path, committed: this.lastCommitted.buffer },
    });
    this.worker.on('message', (reply: CommitReply) => {
      const w = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if (reply.error === undefined) w?.resolve();
      else
        w?.reject(
          reply.logged
            ? new AlreadyLogged(reply.error, reply.logged)
            : Object.assign(new Error(reply.error), { lasting: reply.lasting === true }),
        );
    });
    // A writer thread that dies takes its batch with it: that batch and every later one fail, none is lost
    // silently (their appends reject; the file holds only what was committed whole).
    const fail = (err: Error): void => {
      this.failure ??= err;
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.exited = new Promise<void>((resolve) =>
      // Whatever the code: once the thread is gone nothing it was sent will be answered.
      this.worker.once('exit', (code) => {
        fail(
          new Error(
            this.closing ? 'The audit log is closed' : `the audit log's writer thread exited (code ${code})`,
          ),
        );
        resolve();
      }),
    );
  }

  /**
   * Resolves once `records` are committed to disk (after checking the file's chain ends where expected) and the
   * writer thread's answer has arrived: the thread is free for the next batch. `onDurable`, if given, may run
   * before that, at most once, when {@link noticeCommitted} finds the batch committed.
   * @throws (rejects) {@link AlreadyLogged} if the file holds some of the records' request ids already; another
   * error if the commit failed otherwise. Nothing of the batch is in the file then.
   */
  commit(
    records: AuditRecord[],
    expectNextSeq: number,
    expectLastHash: string,
    onDurable?: () => void,
  ): Promise<void> {
    return this.send(
      (id) => ({ id, records, expectNextSeq, expectLastHash }) satisfies CommitRequest,
      onDurable,
    );
  }

  /**
   * Runs the `onDurable` of a batch the writer thread has committed but whose answer has not reached the event
   * loop yet: under load that answer queues behind the other I/O of a turn (p50 0.5-0.9, p99 2.4-3.3 ms at
   * half load), and every request of the batch waited for it. One atomic read when nothing is new.
   */
  noticeCommitted(): void {
    const id = Atomics.load(this.lastCommitted, 0);
    if (id === this.seenCommitted) return;
    this.seenCommitted = id;
    const w = this.waiting.get(id);
    if (!w) return;
    const onDurable = w.onDurable;
    w.onDurable = undefined;
    onDurable?.();
  }

  /** Resolves once the block roots are saved (off the event loop, like the records). */
  saveTreeBlocks(from: number, roots: string[]): Promise<void> {
    return this.send((id) => ({ id, saveBlocks: { from, roots } }) satisfies SaveBlocksRequest);
  }

  /** Resolves once the anchor is saved: between two batches, never waiting for a lock on the event loop. */
  saveAnchor(anchor: AuditAnchor): Promise<void> {
    return this.send((id) => ({ id, saveAnchor: anchor }) satisfies SaveAnchorRequest);
  }

  private send(
    request: (id: number) => CommitRequest | SaveBlocksRequest | SaveAnchorRequest,
    onDurable?: () => void,
  ): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId;
    // Ids are int32s, as the shared memory holds them, wrapping after 2^31 requests (months under load).
    this.nextId = (this.nextId + 1) | 0;
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject, onDurable });
      this.worker.postMessage(request(id));
    });
  }

  /** Closes the writer's connection and ends the thread (at once if it has died); call once no commit waits. */
  async close(): Promise<void> {
    if (this.failure === undefined && !this.closing) this.worker.postMessage('close');
    this.closing = true;
    await this.exited;
  }
}
