/**
 * Turns the chaincode events the gateway follows into stored notifications. It keeps its own place (the last
 * block stored, in the notification store), not the view's: the view is rebuilt from the ledger at every start,
 * but a notification missed while the gateway was down can be made only from its event. So after a restart it
 * reads the events again from the block it had reached (that block's included: storing is idempotent).
 * At its very first start it begins at the chain's height: the past is not announced.
 */
import { LedgerRefusedError, RdxLedger } from '@rdx/client';
import type { EventStream, Ledger, LedgerEvent } from '../ledger/ledger.js';
import { notificationsOf, type NotifyReader } from './derive.js';
import type { NotificationStore } from './notification-store.js';
import type { LedgerView } from '../view/ledger-view.js';

/** What derivation reads: the ledger as the gateway's identity, the view, and the complainants it relayed. */
export function gatewayReader(ledger: Ledger, view: LedgerView, store: NotificationStore): NotifyReader {
  const rdx = new RdxLedger(ledger);
  return {
    application: (id) => rdx.application.get(id),
    agreementBody: async (id) => (await rdx.agreement.get(id)).terms.body,
    duty: (id) => rdx.duty.get(id),
    datasetOwner: (id) => view.datasets.get(id)?.owner,
    complainantOf: (id) => store.complainantOf(id),
  };
}

/** Blocks of events that make no notification between two writes of the place reached. */
export const CHECKPOINT_EVERY_BLOCKS = 50;

export interface EventSource {
  status(): Promise<{ blockHeight: number }>;
  /** Events from `startBlock` on, whatever any other reader of the stream has reached. */
  eventsFrom(startBlock: number): Promise<EventStream>;
}

export class NotificationFollower {
  private stopped = false;
  private closeStream?: () => void;
  /** Set while following; the reason otherwise (for /readyz and the logs). */
  following = false;
  lastError?: string;
  /** Changes that made no notification because the ledger refused a read they needed. */
  skipped = 0;
  /** The block last written as reached. */
  private recordedBlock = 0;

  constructor(
    private readonly source: EventSource,
    private readonly reader: NotifyReader,
    private readonly store: NotificationStore,
    private readonly log: (line: string) => void = () => undefined,
    private readonly retryMs = 1000,
  ) {}

  /**
   * Stores the notifications of one event (and marks its block reached). A read the ledger refuses for good
   * (not this identity's to read, or gone) costs that change its notification, logged, not the stream.
   */
  async apply(event: LedgerEvent): Promise<void> {
    const skip = (change: { type: string; id: string }, err: unknown): boolean => {
      if (!(err instanceof LedgerRefusedError)) return false;
      this.skipped++;
      this.log(`notifications: nothing made of ${change.type} ${change.id} in ${event.txId}: ${err.message}`);
      return true;
    };
    const made = await notificationsOf(event, this.reader, skip);
    // An event that concerns no one (most are anchors) is not worth a durable write each: the place is kept
    // every so many blocks, and a restart derives the few events since again, storing nothing twice.
    if (made.length === 0 && event.blockNumber - this.recordedBlock < CHECKPOINT_EVERY_BLOCKS) return;
    this.store.record(event.blockNumber, made);
    this.recordedBlock = event.blockNumber;
  }

  async run(): Promise<void> {
    while (!this.stopped) {
      try {
        let start = this.store.checkpoint();
        if (start === undefined) {
          // The very first start: from the chain's height, kept at once so a restart cannot skip past it.
          start = (await this.source.status()).blockHeight;
          this.store.record(start, []);
        }
        this.recordedBlock = start;
        const stream = await this.source.eventsFrom(start);
        this.closeStream = () => stream.close();
        this.following = true;
        this.lastError = undefined;
        this.log(`notifications: following events from block ${start}`);
        for await (const event of stream) await this.apply(event);
        if (!this.stopped) throw new Error('event stream ended');
      } catch (err) {
        this.following = false;
        if (this.stopped) break;
        this.lastError = err instanceof Error ? err.message.split('\n')[0] : String(err);
        this.log(`notifications: not following (${this.lastError}); retrying`);
        await new Promise((r) => setTimeout(r, this.retryMs));
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.following = false;
    this.closeStream?.();
  }
}
