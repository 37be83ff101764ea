/**
 * The group commit both audit logs share (SQLite's writer thread, PostgreSQL): appends queue up; the first of a
 * batch waits `groupCommitMs` for company (0 by default: an idle log commits at once), a full batch goes at
 * once, and while one batch commits the appends that arrive meanwhile form the next. One batch at a time, so
 * each links to the last committed record; every append settles only when its batch has. A batch on its way for
 * longer than `stalledAfterMs` stalls the log: appends are refused at once until it returns.
 */
import {
  AuditWriteError,
  type AuditEntry,
  type AuditLogOptions,
  type AuditRecord,
  type Pending,
} from './audit-record.js';

/**
 * Runs `flush` after `ms` milliseconds (on the next turn when 0); returns the function that cancels it. The timer
 * is not unref'd: queued appends must still be committed if nothing else keeps the process alive.
 */
function startFlushTimer(ms: number, flush: () => void): () => void {
  if (ms === 0) {
    const handle = setImmediate(flush);
    return () => clearImmediate(handle);
  }
  const handle = setTimeout(flush, ms);
  return () => clearTimeout(handle);
}

export class GroupCommit {
  private queue: Pending[] = [];
  /** Request ids queued or being committed, so a duplicate is refused before it can fail a whole batch. */
  readonly pendingIds = new Set<string>();
  private cancelTimer: (() => void) | undefined;
  /** The loop committing queued batches one after the other, while it runs. */
  private draining: Promise<void> | undefined;
  private closing = false;
  /** When the batch being committed was handed to `commitBatch` (performance.now()), while one is. */
  private committingSince: number | undefined;

  /** @param commitBatch commits one batch and settles every promise of it; never throws. */
  constructor(
    private readonly opts: Required<AuditLogOptions>,
    private readonly commitBatch: (batch: Pending[]) => Promise<void>,
  ) {}

  /**
   * Queues a checked entry; resolves with its record once the batch holding it is committed. Refused at once
   * (an {@link AuditWriteError}) while the log is {@link stalledFor stalled}.
   */
  add(entry: AuditEntry): Promise<AuditRecord> {
    const stalled = this.stalledFor();
    if (stalled !== undefined)
      return Promise.reject(
        new AuditWriteError(`a commit has not returned for ${Math.floor(stalled / 1000)} s`),
      );
    const promise = new Promise<AuditRecord>((resolve, reject) => {
      this.queue.push({ entry, queuedAt: performance.now(), resolve, reject });
    });
    this.pendingIds.add(entry.requestId);
    if (this.queue.length >= this.opts.maxBatch) this.flush();
    else this.cancelTimer ??= startFlushTimer(this.opts.groupCommitMs, () => this.flush());
    return promise;
  }

  /**
   * How long (ms) the batch being committed has been on its way, once that is `stalledAfterMs` or more (the log
   * is stalled: see audit-record.ts, STALLED_AFTER_MS); undefined otherwise.
   */
  stalledFor(now = performance.now()): number | undefined {
    if (this.committingSince === undefined) return undefined;
    const waited = now - this.committingSince;
    return waited >= this.opts.stalledAfterMs ? waited : undefined;
  }

  /** Commits everything queued, without waiting for windows, and resolves when nothing is left. */
  async drain(): Promise<void> {
    this.closing = true;
    while (this.queue.length > 0 || this.draining !== undefined) {
      this.flush();
      await this.draining;
    }
  }

  /** Starts committing what is queued, unless a commit is under way (it carries on with the queue after). */
  private flush(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.draining !== undefined || this.queue.length === 0) return;
    this.draining = (async () => {
      while (this.queue.length > 0) {
        this.committingSince = performance.now();
        await this.commitBatch(this.queue.splice(0, this.opts.maxBatch));
      }
    })().finally(() => {
      this.draining = undefined;
      this.committingSince = undefined;
      // Appends that came after the loop last looked: committed now if they have waited their window (or the
      // batch is full, or the log is closing), else when their timer fires.
      if (
        this.queue.length > 0 &&
        (this.cancelTimer === undefined || this.closing || this.queue.length >= this.opts.maxBatch)
      )
        this.flush();
    });
  }
}
