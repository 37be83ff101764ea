/**
 * The group commit both audit logs share (SQLite's writer thread, PostgreSQL): appends queue up; the first of a
 * batch waits `groupCommitMs` for company (0 by default: an idle log commits at once), a full batch goes at
 * once, and while batches commit the appends that arrive meanwhile form the next. At most `maxInFlight` batches
 * are handed over at a time (each links to the one before it; the log undoes the links of batches after one
 * that fails); every append settles only when its batch has.
 */
import type { AuditEntry, AuditLogOptions, AuditRecord, Pending } from './audit-record.js';

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
  /** The batches handed to `commitBatch` and not settled yet. */
  private readonly inFlight = new Set<Promise<void>>();
  private closing = false;

  /**
   * @param commitBatch commits one batch and settles every promise of it; never throws.
   * @param maxInFlight how many batches may be handed over before the first has settled: 1 commits one after the
   * other; 2 lets the next batch wait at a writer thread while it commits, so the thread goes on without being
   * woken for it.
   */
  constructor(
    private readonly opts: Required<AuditLogOptions>,
    private readonly commitBatch: (batch: Pending[]) => Promise<void>,
    private readonly maxInFlight = 1,
  ) {}

  /** Queues a checked entry; resolves with its record once the batch holding it is committed. */
  add(entry: AuditEntry): Promise<AuditRecord> {
    const promise = new Promise<AuditRecord>((resolve, reject) => {
      this.queue.push({ entry, queuedAt: performance.now(), resolve, reject });
    });
    this.pendingIds.add(entry.requestId);
    if (this.queue.length >= this.opts.maxBatch) this.flush();
    else this.cancelTimer ??= startFlushTimer(this.opts.groupCommitMs, () => this.flush());
    return promise;
  }

  /** Commits everything queued, without waiting for windows, and resolves when nothing is left. */
  async drain(): Promise<void> {
    this.closing = true;
    while (this.queue.length > 0 || this.inFlight.size > 0) {
      this.flush();
      await Promise.race(this.inFlight);
    }
  }

  /**
   * Hands over what is queued, batch by batch, while fewer than `maxInFlight` are; the rest goes when one of
   * them settles.
   */
  private flush(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    while (this.inFlight.size < this.maxInFlight && this.queue.length > 0) {
      const committed: Promise<void> = this.commitBatch(this.queue.splice(0, this.opts.maxBatch)).finally(
        () => {
          this.inFlight.delete(committed);
          // Appends that queued while every slot was taken have waited a commit already: they go at once.
          if (this.queue.length > 0) this.flush();
        },
      );
      this.inFlight.add(committed);
    }
  }
}
