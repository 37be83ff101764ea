/** The notifier keeps its own place in the event stream: after a restart it misses nothing and repeats nothing. */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EventStream, LedgerEvent } from '../ledger/ledger.js';
import type { NotifyReader } from './derive.js';
import { NotificationFollower, type EventSource } from './notification-follower.js';
import { NotificationStore } from './notification-store.js';

const ACME = '91331100MA2A8QN43L';
const reader = {} as NotifyReader;

function suspended(block: number, grant: string): LedgerEvent {
  return {
    blockNumber: block,
    txId: `tx-${grant}`,
    name: 'GrantSuspended',
    changes: [{ type: 'grant', id: grant, state: 'SUSPENDED', enterprise: ACME }],
  };
}

/** A ledger whose chain holds `events`; each stream serves those from its start block, then ends. */
function chain(events: LedgerEvent[], height: number): EventSource & { starts: number[] } {
  const starts: number[] = [];
  return {
    starts,
    status: () => Promise.resolve({ blockHeight: height }),
    eventsFrom(start: number): Promise<EventStream> {
      starts.push(start);
      const from = events.filter((e) => e.blockNumber >= start);
      async function* iterate(): AsyncGenerator<LedgerEvent> {
        for (const e of from) yield await Promise.resolve(e);
      }
      const it = iterate();
      return Promise.resolve({ [Symbol.asyncIterator]: () => it, close: () => undefined });
    },
  };
}

describe('notification follower', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-notifier-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function runOnce(source: EventSource, store: NotificationStore): Promise<void> {
    const f = new NotificationFollower(source, reader, store, () => undefined, 5);
    const done = f.run();
    // The fake stream ends after its events: stop at the first retry.
    await new Promise((r) => setTimeout(r, 20));
    f.stop();
    await done;
  }

  it('starts at the chain height the first time, then resumes at the block it reached, storing nothing twice', async () => {
    const file = path.join(dir, 'n.db');
    const events = [suspended(3, 'g-old'), suspended(8, 'g-1'), suspended(9, 'g-2')];
    let store = NotificationStore.open(file);
    const first = chain(events, 8);
    await runOnce(first, store);
    expect(first.starts[0]).to.equal(8);
    expect(store.inbox(`enterprise:${ACME}`, { limit: 10 }).items.map((n) => n.subject.id)).to.deep.equal([
      'g-1',
      'g-2',
    ]);
    store.close();

    // Restarted (a new store handle on the same file) with one more event on the chain.
    store = NotificationStore.open(file);
    const second = chain([...events, suspended(12, 'g-3')], 13);
    await runOnce(second, store);
    expect(second.starts[0], 'from the block reached, included').to.equal(9);
    expect(store.inbox(`enterprise:${ACME}`, { limit: 10 }).items.map((n) => n.subject.id)).to.deep.equal([
      'g-1',
      'g-2',
      'g-3',
    ]);
    store.close();
  });

  it('events that concern no one are not each written; the place is kept at the first start and every 50 blocks', async () => {
    const store = NotificationStore.open(path.join(dir, 'quiet.db'));
    const anchor = (block: number): LedgerEvent => ({
      blockNumber: block,
      txId: `a-${block}`,
      name: 'AnchorRecorded',
      changes: [{ type: 'anchor', id: `gw1.${block}` }],
    });
    await runOnce(chain([anchor(101), anchor(120), anchor(151), anchor(160)], 100), store);
    // Kept at the start (100), then at 151 (50 blocks on); 160 is derived again after a restart, harmlessly.
    expect(store.checkpoint()).to.equal(151);
    store.close();
  });
});
