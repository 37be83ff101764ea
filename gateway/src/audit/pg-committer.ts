/**
 * Runs the PostgreSQL audit log's batch statement on a writer thread ({@link ./pg-commit-worker.ts}) with a
 * connection of its own, so the round trip to the server — on loopback, the server's receiving of the bytes
 * included — is not paid on the gateway's event loop. The log keeps everything else (chaining, the careful path,
 * asking the database after a lost commit) on its own pool.
 */
import { Worker } from 'node:worker_threads';
import type {
  PgCommitError,
  PgCommitReply,
  PgCommitRequest,
  PgCommitStarted,
  PgCommitWorkerData,
} from './pg-commit-worker.js';

/** A failed run, carrying the server's severity and code when it gave them (`ERROR`: nothing was written). */
export class PgCommitFailed extends Error {
  readonly severity: string | undefined;
  readonly code: string | undefined;
  constructor(error: PgCommitError) {
    super(error.message);
    this.severity = error.severity;
    this.code = error.code;
  }
}

export class PgCommitter {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly waiting = new Map<
    number,
    { resolve: (rows: number) => void; reject: (err: Error) => void }
  >();
  /** Set once the thread is gone (or broken): every run after it rejects at once. */
  private failure: Error | undefined;
  private closing = false;
  private readonly exited: Promise<void>;
  /** The thread's first message: connected, or why not. */
  private readonly started: Promise<PgCommitStarted>;

  private constructor(data: PgCommitWorkerData) {
    this.worker = new Worker(new URL('./pg-commit-worker.js', import.meta.url), { workerData: data });
    this.started = new Promise<PgCommitStarted>((resolve) => this.worker.once('message', resolve));
    this.worker.once('message', () =>
      this.worker.on('message', (reply: PgCommitReply) => {
        const w = this.waiting.get(reply.id);
        this.waiting.delete(reply.id);
        if (reply.error === undefined) w?.resolve(reply.rowCount ?? 0);
        else w?.reject(new PgCommitFailed(reply.error));
      }),
    );
    // A thread that dies takes its statement with it: without a severity, the log treats it as a lost connection
    // and asks the database whether it committed.
    const fail = (err: Error): void => {
      this.failure ??= err;
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    };
    this.worker.on('error', fail);
    this.exited = new Promise<void>((resolve) =>
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
   * Starts the thread and waits until its connection is up.
   * @throws if the thread cannot connect to the database, or dies first.
   */
  static async start(data: PgCommitWorkerData): Promise<PgCommitter> {
    const committer = new PgCommitter(data);
    const started = await Promise.race([
      committer.started,
      committer.exited.then(() => {
        throw committer.failure ?? new Error("the audit log's writer thread exited before it connected");
      }),
    ]);
    if ('startError' in started) {
      await committer.exited;
      throw new Error(started.startError);
    }
    return committer;
  }

  /** Whether runs can still be sent: false once the thread has died or closed. */
  get alive(): boolean {
    return this.failure === undefined && !this.closing;
  }

  /**
   * Runs the statement with `values`; resolves with the number of rows it wrote.
   * @throws (rejects) {@link PgCommitFailed} with the server's severity when it failed there or on the way; an
   * error without one if the thread died meanwhile.
   */
  run(values: unknown[]): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<number>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, values } satisfies PgCommitRequest);
    });
  }

  /** Closes the thread's connection and ends it (at once if it has died); call once no run waits. */
  async close(): Promise<void> {
    if (this.failure === undefined && !this.closing) this.worker.postMessage('close');
    this.closing = true;
    await this.exited;
  }
}
