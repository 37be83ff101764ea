/**
 * Keeps a LedgerView current: rebuilds it from the ledger, then applies chaincode events from the stored
 * checkpoint. When the stream breaks (a peer down, a network cut) the view stops counting as followed —
 * restricted data is refused — until it has reconnected and caught up.
 */
import { RdxLedger } from '@rdx/client';
import type { Ledger, LedgerEvent } from '../ledger/ledger.js';
import type { LedgerView } from './ledger-view.js';
import {
  parseDatasetView,
  parseEnterpriseView,
  parseGrantView,
  type DatasetView,
  type EnterpriseView,
  type GrantView,
} from './ledger-view.js';

async function allPages<T>(
  fetch: (bookmark: string) => Promise<{ items: readonly unknown[]; bookmark: string }>,
  parse: (v: unknown) => T,
): Promise<T[]> {
  const out: T[] = [];
  let bookmark = '';
  do {
    const page = await fetch(bookmark);
    out.push(...page.items.map(parse));
    bookmark = page.bookmark;
  } while (bookmark);
  return out;
}

export class ViewFollower {
  private stopped = false;
  private closeStream?: () => void;
  private readonly retryMs: number;
  private readonly rdx: RdxLedger;

  constructor(
    private readonly ledger: Ledger,
    readonly view: LedgerView,
    private readonly log: (line: string) => void = () => undefined,
    opts: { retryMs?: number } = {},
  ) {
    this.retryMs = opts.retryMs ?? 1000;
    this.rdx = new RdxLedger(ledger);
  }

  /** Reads everything the decisions need; returns the block height it read at. */
  async rebuild(): Promise<number> {
    const { blockHeight } = await this.ledger.status();
    const { catalog, enterprise, grant, platform } = this.rdx;
    const page = (bookmark: string): { pageSize: number; bookmark: string } => ({ pageSize: 200, bookmark });
    const [enterprises, datasets, grants, bodies] = await Promise.all([
      allPages<EnterpriseView>((b) => enterprise.list(page(b)), parseEnterpriseView),
      catalog.list().then((all): DatasetView[] => all.map(parseDatasetView)),
      allPages<GrantView>((b) => grant.list({}, page(b)), parseGrantView),
      platform.listBodies(),
    ]);
    this.view.replaceAll(enterprises, datasets, grants);
    this.view.setBodies(bodies);
    return blockHeight;
  }

  /**
   * Applies one event. A grant leaving ACTIVE takes effect from the state the event carries, at once; then
   * every changed object is read from the ledger, since the event carries only its state.
   */
  async apply(event: LedgerEvent): Promise<void> {
    for (const change of event.changes) {
      if (change.type === 'grant' && change.state) this.view.leaveActive(change.id, change.state);
    }
    for (const change of event.changes) {
      if (change.type === 'grant') this.view.putGrant(parseGrantView(await this.rdx.grant.get(change.id)));
      else if (change.type === 'enterprise')
        this.view.putEnterprise(parseEnterpriseView(await this.rdx.enterprise.get(change.id)));
      else if (change.type === 'dataset')
        this.view.putDataset(parseDatasetView(await this.rdx.catalog.get(change.id)));
      else if (change.type === 'body') this.view.setBodies(await this.rdx.platform.listBodies());
    }
    this.view.lastBlock = event.blockNumber;
    this.view.lastEventAt = Date.now();
  }

  /** Rebuilds, then follows events until stop(); reconnects and rebuilds after any failure. */
  async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const height = await this.rebuild();
        const stream = await this.ledger.events(height);
        this.closeStream = () => stream.close();
        this.view.following = true;
        this.view.lastError = undefined;
        this.log(`ledger view rebuilt at block ${height}; following events`);
        for await (const event of stream) await this.apply(event);
        if (!this.stopped) throw new Error('event stream ended');
      } catch (err) {
        this.view.following = false;
        if (this.stopped) break;
        this.view.lastError = err instanceof Error ? err.message.split('\n')[0] : String(err);
        this.log(`ledger view not following (${this.view.lastError}); retrying`);
        await new Promise((r) => setTimeout(r, this.retryMs));
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.view.following = false;
    this.closeStream?.();
  }
}
