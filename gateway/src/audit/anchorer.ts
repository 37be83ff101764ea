/**
 * Anchors the audit log on the ledger: after every N records or T milliseconds, whichever comes first,
 * the Merkle root of the whole log so far goes to the chaincode (audit:SubmitAnchor), chained to the
 * previous anchor. On start it first catches up with what the ledger already holds (a crash between
 * submitting and recording locally loses nothing), then anchors the unanchored tail.
 */
import { RdxLedger, type AuditApi } from '@rdx/client';
import type { Ledger } from '../ledger/ledger.js';
import { treeOf } from './log-tree.js';
import type { AnchorRecord, AnchorStatus, AuditSink } from '../services.js';

const GENESIS = '0'.repeat(64);

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
  private readonly audit: AuditApi;
  lastError?: string;
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
   * The start-up check: the whole hash chain recomputed, the last local anchor compared with the ledger's copy
   * and with the root of the records it covers, then any anchor the ledger has beyond it recovered. A failure
   * of the log itself sets `integrity`; a ledger that cannot be reached is only reported (the check is retried
   * by the next anchoring).
   */
  async verifyAtStart(): Promise<void> {
    const chain = await this.log.verifyChain();
    if (!chain.ok) {
      this.integrity = `the hash chain of the audit log breaks at record ${chain.brokenAt}`;
      return;
    }
    const last = this.log.lastAnchor();
    if (last) {
      if ((await treeOf(this.log)).root(last.treeSize) !== last.merkleRoot) {
        this.integrity = `the records under anchor ${last.sequence} no longer give its Merkle root`;
        return;
      }
      const onLedger = await this.audit.getAnchor(this.opts.gatewayId, last.sequence);
      if (onLedger.merkleRoot !== last.merkleRoot || onLedger.anchorHash !== last.anchorHash) {
        this.integrity = `anchor ${last.sequence} of the log differs from the ledger's`;
        return;
      }
    }
    try {
      await this.reconcile();
    } catch (err) {
      this.integrity = err instanceof Error ? err.message : String(err);
    }
  }

  /** Brings local anchors level with the ledger's chain for this gateway. */
  async reconcile(): Promise<void> {
    const head = await this.audit.getAnchorHead(this.opts.gatewayId);
    for (let seq = (this.log.lastAnchor()?.sequence ?? 0) + 1; seq <= head.sequence; seq++) {
      const a = await this.audit.getAnchor(this.opts.gatewayId, seq);
      const treeSize = a.firstRecord + a.recordCount;
      if (treeSize > this.log.size())
        throw new Error(
          `the ledger anchors ${treeSize} records of ${this.opts.gatewayId} but the local log has ${this.log.size()}: wrong data folder?`,
        );
      if ((await treeOf(this.log)).root(treeSize) !== a.merkleRoot)
        throw new Error(`anchor ${seq} on the ledger does not match the local log: the log was altered`);
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
    this.timer = setInterval(() => void this.maybeAnchor(), tick);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private oldestUnanchoredAt(): number | undefined {
    return this.log.oldestUnanchoredAt();
  }

  async maybeAnchor(): Promise<void> {
    if (this.running) return;
    const pending = this.lagRecords();
    const oldest = this.oldestUnanchoredAt();
    if (
      pending === 0 ||
      (pending < this.opts.every && oldest !== undefined && Date.now() - oldest < this.opts.intervalMs)
    )
      return;
    await this.anchorNow();
  }

  /** Anchors everything logged so far (one transaction); concurrent calls share one run. */
  anchorNow(): Promise<void> {
    this.running ??= this.anchor().finally(() => (this.running = undefined));
    return this.running;
  }

  private async anchor(): Promise<void> {
    const first = this.log.anchoredSize();
    const size = this.log.size();
    if (size <= first) return;
    const last = this.log.lastAnchor();
    const firstRecord = (await this.log.bySeq(first))!;
    const lastRecord = (await this.log.bySeq(size - 1))!;
    const input = {
      gatewayId: this.opts.gatewayId,
      sequence: (last?.sequence ?? 0) + 1,
      merkleRoot: (await treeOf(this.log)).root(size),
      recordCount: size - first,
      firstRecord: first,
      firstRecordAt: new Date(firstRecord.time).toISOString(),
      lastRecordAt: new Date(lastRecord.time).toISOString(),
      previousAnchorHash: last?.anchorHash ?? GENESIS,
    };
    try {
      const done = await this.audit.submitAnchor(input);
      const anchored = done.value;
      await this.log.recordAnchor({
        sequence: input.sequence,
        firstRecord: first,
        recordCount: input.recordCount,
        treeSize: size,
        merkleRoot: input.merkleRoot,
        anchorHash: anchored.anchorHash,
        txId: done.txId,
        blockNumber: done.blockNumber,
      });
      this.lastError = undefined;
    } catch (err) {
      this.lastError = err instanceof Error ? err.message : String(err);
      this.opts.log?.(`anchoring failed: ${this.lastError}`);
      // A crash or timeout may have left the anchor on the ledger without our record of it.
      await this.reconcile().catch(() => undefined);
    }
  }

  lagRecords(): number {
    return this.log.size() - this.log.anchoredSize();
  }

  lagSeconds(): number {
    const oldest = this.oldestUnanchoredAt();
    return oldest === undefined ? 0 : Math.max(0, (Date.now() - oldest) / 1000);
  }

  behind(): boolean {
    return this.lagSeconds() * 1000 > this.opts.maxLagMs;
  }

  broken(): string | undefined {
    return this.integrity;
  }
}
