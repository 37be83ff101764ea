/**
 * Keeps a LedgerView current: makes it whole at start, then applies chaincode events from the stored
 * checkpoint. When the stream breaks (a peer down, a network cut) the view stops counting as followed —
 * restricted data is refused — until it has reconnected and caught up.
 *
 * Made whole either by reading every enterprise, dataset and grant from the ledger (`rebuild`), or, when the
 * gateway saved its view before (view-snapshot.ts), by loading that and replaying every block since
 * (`resume`): a restart then costs what changed while the gateway was down, not the size of the ledger.
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
import { readViewSnapshot, writeViewSnapshot } from './view-snapshot.js';

export interface FollowerOptions {
  retryMs?: number;
  /** Where the view is saved for the next start; without one every start reads the whole ledger. */
  snapshotFile?: string;
  /** How often a view that has moved on is saved again (and at every rebuild and stop). */
  snapshotEveryMs?: number;
  /**
   * A snapshot further behind the ledger than this many blocks is not replayed: the ledger is read whole.
   * Default: one block per {@link OBJECTS_PER_REPLAYED_BLOCK} objects of the snapshot, at least 500.
   */
  maxReplayBlocks?: number;
}

/**
 * What a replay may cost before reading the ledger whole is cheaper. Measured on the bench ledger with 10⁵ grants
 * (2026-11-30, docs/PERFORMANCE.md L2): reading it whole takes 0.08–0.13 ms per grant (range reads); a block
 * read through block events 2.2 ms (busy blocks, ~100 changes each); an object that changed read again, one
 * point read, 2–4 ms. So: at most one block per 50 objects of the snapshot, and at most one changed object per
 * 25 — past either, the ledger is read whole.
 */
const OBJECTS_PER_REPLAYED_BLOCK = 50;
const OBJECTS_PER_CHANGED_OBJECT = 25;
/**
 * Changed objects read from the ledger at once: a replay's, or one event's (prohibiting a dataset suspends every
 * grant on it in one transaction).
 */
const READS_IN_FLIGHT = 8;

type Change = LedgerEvent['changes'][number];

/**
 * What a change needs read from the ledger, as a key: an object is read once however often it changed, and the
 * bodies once for all their changes (their list is read whole).
 */
function readKey(change: Change): string {
  return change.type === 'body' ? 'body' : `${change.type}\u0000${change.id}`;
}

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
  /** Every change up to and including this block is in the view. */
  private through = -1;
  private savedThrough = -1;
  private saving?: Promise<void>;
  private saveTimer?: NodeJS.Timeout;

  constructor(
    private readonly ledger: Ledger,
    readonly view: LedgerView,
    private readonly log: (line: string) => void = () => undefined,
    private readonly opts: FollowerOptions = {},
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
    this.through = blockHeight - 1;
    return blockHeight;
  }

  /**
   * Loads the saved view and replays every block after it up to the ledger's height, reading each object that
   * changed once; returns that height, or undefined (saying why in the log) when there is no snapshot to trust:
   * of another channel, chaincode version or ledger (a reset), ahead of the ledger, unreadable, too far behind,
   * or older than a change of the chaincode's definition (an upgrade may rewrite objects without events).
   */
  async resume(): Promise<number | undefined> {
    const file = this.opts.snapshotFile;
    if (!file || !this.ledger.blocksFrom || !this.ledger.blockId) return undefined;
    const started = Date.now();
    const refuse = (why: string): undefined => {
      this.log(`ledger view snapshot not used: ${why}; reading the ledger`);
      return undefined;
    };
    let snapshot;
    try {
      snapshot = readViewSnapshot(file);
    } catch (err) {
      return refuse((err as Error).message);
    }
    if (!snapshot) return undefined;
    const { blockHeight, channel, chaincode } = await this.ledger.status();
    const target = blockHeight - 1;
    const behind = target - snapshot.throughBlock;
    const objects = snapshot.enterprises.length + snapshot.datasets.length + snapshot.grants.length;
    const maxReplay =
      this.opts.maxReplayBlocks ?? Math.max(500, Math.ceil(objects / OBJECTS_PER_REPLAYED_BLOCK));
    const maxChanged = Math.max(200, Math.ceil(objects / OBJECTS_PER_CHANGED_OBJECT));
    if (snapshot.channel !== channel || snapshot.chaincode !== chaincode.name)
      return refuse(`it is of ${snapshot.channel}/${snapshot.chaincode}`);
    if (snapshot.chaincodeVersion !== chaincode.version)
      return refuse(
        `it was saved under chaincode ${snapshot.chaincodeVersion}, the ledger runs ${chaincode.version}`,
      );
    if (behind < 0) return refuse(`it is at block ${snapshot.throughBlock}, beyond the ledger's ${target}`);
    if (behind > maxReplay) return refuse(`it is ${behind} blocks behind (more than ${maxReplay})`);
    if ((await this.ledger.blockId(snapshot.throughBlock)) !== snapshot.blockId)
      return refuse(`block ${snapshot.throughBlock} of this ledger is not the one it was saved at`);

    this.view.replaceAll(snapshot.enterprises, snapshot.datasets, snapshot.grants);
    this.view.setRemovedBodies(snapshot.removedBodies);
    // Only the latest state of each object matters: collect what changed, take grants out of ACTIVE at once,
    // and read each changed object once at the end.
    const changed = new Map<string, Change>();
    if (behind > 0) {
      const blocks = await this.ledger.blocksFrom(snapshot.throughBlock + 1);
      this.closeStream = () => blocks.close();
      let reached = snapshot.throughBlock;
      let upgraded: number | undefined;
      try {
        for await (const block of blocks) {
          if (block.lifecycle) {
            upgraded = block.blockNumber;
            break;
          }
          for (const event of block.events) for (const change of event.changes) this.take(change, changed);
          reached = block.blockNumber;
          if (reached >= target || this.stopped || changed.size > maxChanged) break;
        }
      } finally {
        blocks.close();
      }
      if (this.stopped) throw new Error('stopped');
      if (upgraded !== undefined)
        return refuse(`the chaincode's definition changed since, in block ${upgraded}`);
      if (changed.size > maxChanged)
        return refuse(`more than ${maxChanged} objects changed since it was saved`);
      // A stream that ends early leaves changes unread: the view is not whole, and is not followed.
      if (reached < target) throw new Error(`the block stream ended at block ${reached}, before ${target}`);
    }
    (await this.readAll(changed))();
    this.through = target;
    this.savedThrough = snapshot.throughBlock;
    this.view.madeFrom = {
      source: 'snapshot',
      block: target,
      replayedBlocks: behind,
      ms: Date.now() - started,
    };
    this.log(
      `ledger view loaded from its snapshot of block ${snapshot.throughBlock} (saved ${snapshot.savedAt}): ` +
        `${behind} blocks replayed, ${changed.size} objects read again, ${Date.now() - started} ms`,
    );
    return blockHeight;
  }

  /**
   * Saves the view for the next start, as of the last block it holds every change of. One save at a time;
   * a failed save is logged (the next start reads the ledger, or an older snapshot, as before).
   */
  saveSnapshot(): Promise<void> {
    const file = this.opts.snapshotFile;
    if (this.saving) return this.saving;
    // Nothing since the last save (a stop right after a start from the snapshot): the file stands.
    if (!file || !this.ledger.blockId || this.through < 0 || this.through <= this.savedThrough)
      return Promise.resolve();
    const through = this.through;
    const started = Date.now();
    this.saving = (async () => {
      const [{ channel, chaincode }, blockId] = await Promise.all([
        this.ledger.status(),
        this.ledger.blockId!(through),
      ]);
      const { lines, bytes } = await writeViewSnapshot(file, this.view, {
        channel,
        chaincode: chaincode.name,
        chaincodeVersion: chaincode.version,
        throughBlock: through,
        blockId,
      });
      this.savedThrough = through;
      this.log(
        `ledger view saved through block ${through}: ${lines} lines, ${bytes} bytes, ${Date.now() - started} ms`,
      );
    })()
      .catch((err: unknown) => this.log(`saving the ledger view failed: ${String(err)}`))
      .finally(() => (this.saving = undefined));
    return this.saving;
  }

  /**
   * Applies one event. A grant leaving ACTIVE takes effect from the state the event carries, at once; then
   * every changed object is read from the ledger, since the event carries only its state. The records read go
   * into the view together, in one turn of the event loop: a decision never sees half a transaction (a
   * downgrade's new rating without the grants it suspended, or the other way round).
   */
  async apply(event: LedgerEvent): Promise<void> {
    const changed = new Map<string, Change>();
    for (const change of event.changes) this.take(change, changed);
    (await this.readAll(changed))();
    this.view.lastBlock = event.blockNumber;
    this.view.lastEventAt = Date.now();
    // Other events of this block may follow; every earlier block's are in.
    this.through = Math.max(this.through, event.blockNumber - 1);
  }

  /**
   * Takes in one change: a grant leaving ACTIVE stops at once, from the state the change carries; the change joins
   * `toRead` under its {@link readKey}, the last of an object's changes replacing any before it.
   */
  private take(change: Change, toRead: Map<string, Change>): void {
    if (change.type === 'grant' && change.state) this.view.leaveActive(change.id, change.state);
    toRead.set(readKey(change), change);
  }

  /**
   * Reads every changed object from the ledger, {@link READS_IN_FLIGHT} at a time; what it returns puts them all
   * into the view at once.
   */
  private async readAll(toRead: ReadonlyMap<string, Change>): Promise<() => void> {
    const changes = [...toRead.values()];
    const puts = new Array<() => void>(changes.length);
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(READS_IN_FLIGHT, changes.length) }, async () => {
        for (let i = next++; i < changes.length; i = next++) puts[i] = await this.read(changes[i]!);
      }),
    );
    return () => {
      for (const put of puts) put();
    };
  }

  /** Reads a changed object from the ledger; what it returns puts the record into the view. */
  private async read(change: Change): Promise<() => void> {
    const { view } = this;
    if (change.type === 'grant') {
      const grant = parseGrantView(await this.rdx.grant.get(change.id));
      return () => view.putGrant(grant);
    }
    if (change.type === 'enterprise') {
      const enterprise = parseEnterpriseView(await this.rdx.enterprise.get(change.id));
      return () => view.putEnterprise(enterprise);
    }
    if (change.type === 'dataset') {
      const dataset = parseDatasetView(await this.rdx.catalog.get(change.id));
      return () => view.putDataset(dataset);
    }
    if (change.type === 'body') {
      const bodies = await this.rdx.platform.listBodies();
      return () => view.setBodies(bodies);
    }
    return () => {};
  }

  /**
   * Makes the view whole (from its snapshot at start, else from the ledger), then follows events until stop();
   * reconnects and reads the ledger whole after any failure.
   */
  async run(): Promise<void> {
    let first = true;
    this.scheduleSaves();
    while (!this.stopped) {
      try {
        // The snapshot is tried once, at start: after a failure while following, the ledger is read whole.
        const started = Date.now();
        const resumed = first ? await this.resume() : undefined;
        first = false;
        const height = resumed ?? (await this.rebuild());
        if (this.stopped) break;
        if (resumed === undefined) {
          this.view.madeFrom = {
            source: 'ledger',
            block: height - 1,
            replayedBlocks: 0,
            ms: Date.now() - started,
          };
          void this.saveSnapshot();
        }
        const stream = await this.ledger.events(height);
        this.closeStream = () => stream.close();
        this.view.following = true;
        this.view.lastError = undefined;
        this.log(
          `ledger view made whole at block ${height - 1} (${this.view.madeFrom!.source}); following events`,
        );
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

  /** Saves the view every `snapshotEveryMs` when blocks have passed since the last save. */
  private scheduleSaves(): void {
    if (!this.opts.snapshotFile) return;
    this.saveTimer = setInterval(() => {
      if (this.view.following && this.through > this.savedThrough) void this.saveSnapshot();
    }, this.opts.snapshotEveryMs ?? 600_000);
    this.saveTimer.unref();
  }

  stop(): void {
    this.stopped = true;
    this.view.following = false;
    clearInterval(this.saveTimer);
    this.closeStream?.();
  }
}
