/**
 * Anchors the audit log on the ledger: after every N records or T milliseconds, whichever comes first,
 * the Merkle root of the whole log so far goes to the chaincode (audit:SubmitAnchor), chained to the
 * previous anchor. On start it first catches up with what the ledger already holds (a crash between
 * submitting and recording locally loses nothing), then anchors the unanchored tail.
 */
import { RdxLedger, RdxSdkError, type AuditApi } from '@rdx/client';
import type { Ledger } from '../ledger/ledger.js';
import { treeOf } from './audit-tree.js';
import { checkWholeLog } from './chain-check.js';
import type { AnchorRecord, AnchorStatus, AuditSink } from '../services.js';

const GENESIS = '0'.repeat(64);

/**
 * The ledger's anchors for this gateway id and the local log disagree: the log was altered, or another holder
 * of the gateway's key anchored under its id (a fork). Either way the log can no longer be vouched for.
 */
export class AnchorMismatch extends Error {}

export interface AnchorerOptions {
  gatewayId: string;
  every: number;
  intervalMs: number;
  maxLagMs: number;
  log?: (line: string) => void;
}

/** The audit log as the anchorer needs it (the SQLite AuditLog provides all of it). */
export interface AnchorableLog extends AuditSink {
  recordAnchor(a: AnchorRecord): void | Promise<void>;
}

export class Anchorer implements AnchorStatus {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private readonly audit: AuditApi;
  lastError?: string;
  /** An anchor on the ledger the log has not recorded yet, said as such: set when recording it failed. */
  private unrecorded?: string;
  /** Since when (performance.now()) anchoring attempts fail, none succeeding since. */
  private failingSince: number | undefined;
  /**
   * Why the log cannot be trusted, once a check found it: its hash chain breaks, or it disagrees with the
   * ledger's anchors. Restricted data is refused while it is set (fail closed); only an operator clears it.
   */
  integrity?: string;

  constructor(
    private readonly log: AnchorableLog,
    private readonly ledger: Ledger,
    private readonly opts: AnchorerOptions,
  ) {
    this.audit = new RdxLedger(ledger).audit;
  }

  /**
   * The start-up check: the hash chain of the unanchored tail recomputed (no anchor vouches for it yet), the
   * last local anchor compared with the ledger's copy and with the root the saved tree gives for it, then any
   * anchor the ledger has beyond it recovered. The anchored records are checked one by one afterwards, in the
   * background ({@link checkInBackground}). A failure of the log itself sets `integrity`; a ledger that cannot
   * be reached is only reported in `lastError` (the check is repeated whenever anchoring fails).
   */
  async verifyAtStart(): Promise<void> {
    await this.audit.getGateway(this.opts.gatewayId).catch((err: unknown) => {
      if (err instanceof RdxSdkError && err.code === 'NOT_FOUND')
        this.lastError = `gateway ${this.opts.gatewayId} is not registered on the ledger: it cannot anchor (and restricted data stops) until the bureau registers it with this gateway's certificate`;
    });
    const chain = await this.log.verifyChain(this.log.anchoredSize());
    if (!chain.ok) {
      this.integrity = `the hash chain of the audit log breaks at record ${chain.brokenAt}`;
      return;
    }
    const last = this.log.lastAnchor();
    if (last) {
      if ((await (await treeOf(this.log)).root(last.treeSize)) !== last.merkleRoot) {
        this.integrity = `the records under anchor ${last.sequence} no longer give its Merkle root`;
        return;
      }
      const onLedger = await this.audit.getAnchor(this.opts.gatewayId, last.sequence);
      if (onLedger.merkleRoot !== last.merkleRoot || onLedger.anchorHash !== last.anchorHash) {
        this.integrity = `anchor ${last.sequence} of the log differs from the ledger's`;
        return;
      }
    }
    await this.reconcileOrFlag();
  }

  /**
   * Every anchored record rechecked (its hash, its link, the tree's block roots), a slice at a time between
   * requests; a fault sets `integrity` as at start. Progress is logged every million records.
   */
  async checkInBackground(): Promise<void> {
    const total = this.log.anchoredSize();
    const started = Date.now();
    let reported = 0;
    let fault: string | undefined;
    try {
      fault = await checkWholeLog(this.log, await treeOf(this.log), total, {
        stopped: () => this.stopped,
        progress: ({ checked }) => {
          if (checked - reported < 1_000_000) return;
          reported = checked;
          this.opts.log?.(`audit log check: ${checked} of ${total} anchored records verified`);
        },
      });
    } catch (err) {
      // A read failing (the database gone away, the log closed on shutdown) leaves the log unchecked, not broken.
      if (!this.stopped) this.opts.log?.(`audit log check stopped: ${String(err)}`);
      return;
    }
    if (fault !== undefined) {
      this.integrity ??= fault;
      this.opts.log?.(`AUDIT LOG INTEGRITY: ${fault}; restricted data is refused`);
    } else if (!this.stopped && total > 0) {
      this.opts.log?.(
        `audit log check: all ${total} anchored records verified in ${Date.now() - started} ms`,
      );
    }
  }

  /**
   * Reconciles; a mismatch marks the log broken (and is logged loudly), any other failure (the ledger out of
   * reach) is only remembered as the last error.
   */
  private async reconcileOrFlag(): Promise<void> {
    try {
      await this.reconcile();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!(err instanceof AnchorMismatch)) {
        this.lastError = message;
        return;
      }
      // Said once: the state lasts until an operator mends the log, and /readyz and the dashboard keep saying it.
      if (this.integrity !== undefined) return;
      this.integrity = message;
      this.opts.log?.(`AUDIT LOG INTEGRITY: ${message}; restricted data is refused`);
    }
  }

  /**
   * Brings local anchors level with the ledger's chain for this gateway. @throws AnchorMismatch when the
   * ledger holds an anchor the local log does not give.
   */
  async reconcile(): Promise<void> {
    const head = await this.audit.getAnchorHead(this.opts.gatewayId);
    for (let seq = (this.log.lastAnchor()?.sequence ?? 0) + 1; seq <= head.sequence; seq++) {
      const a = await this.audit.getAnchor(this.opts.gatewayId, seq);
      const treeSize = a.firstRecord + a.recordCount;
      const id = this.opts.gatewayId;
      if (treeSize > this.log.size())
        throw new AnchorMismatch(
          `anchor ${seq} of ${id} on the ledger covers ${treeSize} records but the local log has ${this.log.size()}: a wrong data folder, or a fork written by another holder of this gateway's key`,
        );
      if ((await (await treeOf(this.log)).root(treeSize)) !== a.merkleRoot)
        throw new AnchorMismatch(
          `anchor ${seq} of ${id} on the ledger does not match the local log: the log was altered, or another holder of this gateway's key anchored a fork`,
        );
      // The anchor as the ledger holds it; its block is looked up from the transaction id.
      const blockNumber = (await this.ledger.blockOf?.(a.txId)) ?? 0;
      await this.log.recordAnchor({
        sequence: a.sequence,
        firstRecord: a.firstRecord,
        recordCount: a.recordCount,
        treeSize,
        merkleRoot: a.merkleRoot,
        anchorHash: a.anchorHash,
        txId: a.txId,
        blockNumber,
      });
      this.opts.log?.(`anchor ${seq} recovered from the ledger`);
    }
  }

  start(): void {
    const tick = Math.max(50, Math.min(this.opts.intervalMs, 1000));
    // A rejection here (a read of the log failing: PostgreSQL gone away) ended the gateway's process.
    this.timer = setInterval(() => void this.maybeAnchor().catch((err: unknown) => this.failed(err)), tick);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private oldestUnanchoredAt(): number | undefined {
    return this.log.oldestUnanchoredAt();
  }

  async maybeAnchor(): Promise<void> {
    // A broken log is not anchored on: the ledger refuses what follows a fork, and each try was two lines of
    // the gateway's log every second (170 000 a day, on the disk the log is on) until an operator mends it.
    if (this.running || this.integrity !== undefined) return;
    const pending = this.lagRecords();
    const oldest = this.oldestUnanchoredAt();
    // A record from the future (the clock stepped back since) is anchored at once: its age says nothing.
    const age = oldest === undefined ? 0 : Date.now() - oldest;
    if (pending === 0 || (pending < this.opts.every && age >= 0 && age < this.opts.intervalMs)) return;
    await this.anchorNow();
  }

  /** Anchors everything logged so far (one transaction); concurrent calls share one run. */
  anchorNow(): Promise<void> {
    this.running ??= this.anchor().finally(() => (this.running = undefined));
    return this.running;
  }

  private async anchor(): Promise<void> {
    try {
      await this.anchorOnce();
      this.failingSince = undefined;
    } catch (err) {
      this.failed(err);
    }
  }

  /** Notes a failed attempt: logged, kept as the last error, and timed on a clock no step of the wall clock moves. */
  private failed(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.lastError = message;
    this.failingSince ??= performance.now();
    if (!this.stopped) this.opts.log?.(`anchoring failed: ${message}`);
  }

  private async anchorOnce(): Promise<void> {
    // An anchor the ledger took and the log could not record (a full disk) is taken from the ledger, not sent
    // again: the ledger refuses a second anchor of its sequence, and each try logged "already anchored (a
    // rewrite)", once a second, as if a fork were afoot (a review, 2026-12-07).
    if (this.unrecorded !== undefined) {
      try {
        await this.reconcile();
      } catch (err) {
        // Not ours after all: flagged as any other mismatch is.
        if (err instanceof AnchorMismatch) await this.reconcileOrFlag();
        throw err;
      }
      this.opts.log?.(`${this.unrecorded}: recorded now`);
      this.unrecorded = undefined;
    }
    const first = this.log.anchoredSize();
    const size = this.log.size();
    if (size <= first) return;
    const last = this.log.lastAnchor();
    const firstRecord = (await this.log.bySeq(first))!;
    const lastRecord = (await this.log.bySeq(size - 1))!;
    // Records are timed by the wall clock, which may have stepped back between two of them: the range's end is
    // never before its start (the contract refuses that, and anchoring stopped for as long as the step).
    const firstAt = Date.parse(firstRecord.time);
    const input = {
      gatewayId: this.opts.gatewayId,
      sequence: (last?.sequence ?? 0) + 1,
      merkleRoot: await (await treeOf(this.log)).root(size),
      recordCount: size - first,
      firstRecord: first,
      firstRecordAt: new Date(firstAt).toISOString(),
      lastRecordAt: new Date(Math.max(firstAt, Date.parse(lastRecord.time))).toISOString(),
      previousAnchorHash: last?.anchorHash ?? GENESIS,
    };
    let done: Awaited<ReturnType<AuditApi['submitAnchor']>>;
    try {
      done = await this.audit.submitAnchor(input);
    } catch (err) {
      // A crash or timeout may have left the anchor on the ledger without our record of it; a refusal as a
      // rewrite or fork means the ledger's chain went on without us, which reconciling tells apart.
      await this.reconcileOrFlag();
      throw err;
    }
    try {
      await this.log.recordAnchor({
        sequence: input.sequence,
        firstRecord: first,
        recordCount: input.recordCount,
        treeSize: size,
        merkleRoot: input.merkleRoot,
        anchorHash: done.value.anchorHash,
        txId: done.txId,
        blockNumber: done.blockNumber,
      });
    } catch (err) {
      this.unrecorded = `anchor ${input.sequence} is on the ledger (transaction ${done.txId})`;
      throw new Error(
        `${this.unrecorded}, but the audit log could not record it (${err instanceof Error ? err.message : String(err)}); it is taken from the ledger once the log can be written`,
        { cause: err },
      );
    }
    this.lastError = undefined;
  }

  lagRecords(): number {
    return this.log.size() - this.log.anchoredSize();
  }

  lagSeconds(): number {
    const oldest = this.oldestUnanchoredAt();
    return oldest === undefined ? 0 : Math.max(0, (Date.now() - oldest) / 1000);
  }

  /**
   * Whether the unanchored records are older than the bound, or anchoring has failed for as long, whatever the
   * records' times say (a clock stepped back made the oldest one seem new: nothing was anchored for the length of
   * the step while restricted data was served).
   */
  behind(): boolean {
    if (this.failingSince !== undefined && performance.now() - this.failingSince > this.opts.maxLagMs)
      return this.lagRecords() > 0;
    return this.lagSeconds() * 1000 > this.opts.maxLagMs;
  }

  broken(): string | undefined {
    return this.integrity;
  }

  lastFailure(): string | undefined {
    return this.lastError;
  }
}
