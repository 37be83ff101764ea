/**
 * Computes the SQLite store's large computed results on a thread of their own
 * ({@link ./sqlite-aggregate-worker.ts}), so that reading a million rows does not hold the gateway's event loop.
 * Started on first use; a thread that dies is not replaced: its jobs and later ones run on the store's own
 * connection instead (slower for the other calls, never lost).
 */
import { Worker } from 'node:worker_threads';
import type { AggregateResult } from './dataset-types.js';
import { QueryError } from './query-plan.js';
import type { AggregateJob } from './sqlite-aggregate.js';
import type { AggregateReply, AggregateRequest } from './sqlite-aggregate-worker.js';

export class SqliteAggregator {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly waiting = new Map<
    number,
    { job: AggregateJob; resolve: (r: AggregateResult) => void; reject: (err: Error) => void }
  >();
  private dead = false;

  /**
   * @param path the store's file
   * @param onOwnConnection runs a job on the store's own connection: what a dead thread's jobs fall back to
   */
  constructor(
    private readonly path: string,
    private readonly onOwnConnection: (job: AggregateJob) => AggregateResult,
  ) {}

  /** Resolves with the job's result; rejects with a QueryError (too many groups) or SQLite's error. */
  run(job: AggregateJob): Promise<AggregateResult> {
    if (this.dead) return Promise.resolve().then(() => this.onOwnConnection(job));
    const worker = (this.worker ??= this.start());
    const id = this.nextId++;
    return new Promise<AggregateResult>((resolve, reject) => {
      // Alive while it has work: a caller awaiting a result keeps the process running until it comes.
      if (this.waiting.size === 0) worker.ref();
      this.waiting.set(id, { job, resolve, reject });
      worker.postMessage({ id, ...job } satisfies AggregateRequest);
    });
  }

  /** Ends the thread, if started; jobs still waiting run on the store's own connection first. */
  close(): void {
    this.fallBack();
    this.dead = true;
    this.worker?.postMessage('close');
  }

  private start(): Worker {
    const worker = new Worker(new URL('./sqlite-aggregate-worker.js', import.meta.url), {
      workerData: { path: this.path },
    });
    worker.on('message', (reply: AggregateReply) => {
      const w = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      // Idle, it must not keep the process alive once the gateway is done.
      if (this.waiting.size === 0) worker.unref();
      if (!w) return;
      if ('result' in reply) w.resolve(reply.result);
      else w.reject(reply.queryError ? new QueryError(reply.error) : new Error(reply.error));
    });
    const died = (): void => {
      if (this.dead) return;
      this.dead = true;
      this.fallBack();
    };
    worker.on('error', died);
    worker.once('exit', died);
    return worker;
  }

  /** Runs every waiting job on the store's own connection. */
  private fallBack(): void {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const w of waiting) {
      try {
        w.resolve(this.onOwnConnection(w.job));
      } catch (err) {
        w.reject(err instanceof Error ? err : new Error(String(err)));
      }
    }
  }
}
