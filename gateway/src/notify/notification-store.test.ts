/** The notification store: stored once, owed to the right webhooks, paged by cursor, each party its own. */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Notification, NotificationKind } from '@rdx/client';
import { MAX_WEBHOOKS_PER_PARTY, NotificationStore } from './notification-store.js';

const ACME = 'enterprise:91331100MA2A8QN43L';
const OTHER = 'enterprise:91440300708461136T';

function note(id: string, kind: NotificationKind, recipient = ACME, block = 5): Notification {
  return {
    id,
    kind,
    title: kind,
    recipient,
    subject: { type: 'grant', id: 'g-1' },
    txId: `tx-${id}`,
    block,
    at: '2026-11-30T00:00:00Z',
  };
}

describe('notification store', () => {
  let dir: string;
  let store: NotificationStore;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-notes-'));
    store = NotificationStore.open(path.join(dir, 'notifications.db'));
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stores a notification once, and owes it once to each webhook of its recipient that takes its kind', () => {
    const all = store.addWebhook(ACME, 'https://acme.example/hook', []);
    const grants = store.addWebhook(ACME, 'https://acme.example/grants', ['grant.suspended']);
    const theirs = store.addWebhook(OTHER, 'https://other.example/hook', []);
    expect(all.secret).to.match(/^whsec_/);
    const fresh = store.record(5, [note('n1', 'grant.suspended'), note('n2', 'rating.changed')]);
    expect(fresh.map((n) => n.id)).to.deep.equal(['n1', 'n2']);
    expect(store.record(5, [note('n1', 'grant.suspended')]), 'the same again: nothing new').to.deep.equal([]);
    expect(store.checkpoint()).to.equal(5);
    const due = store.due(Date.now(), 100).map((d) => [d.notificationId, d.webhookId]);
    expect(due).to.have.deep.members([
      ['n1', all.id],
      ['n2', all.id],
      ['n1', grants.id],
    ]);
    expect(
      due.some(([, w]) => w === theirs.id),
      'nothing owed to another party',
    ).to.equal(false);
  });

  it('a notification stored before notifications had a title is read with the title of its kind', () => {
    const { title: _title, ...untitled } = note('old', 'demand.received', 'body:MarketMSP');
    store.record(3, [untitled as Notification]);
    const [read] = store.inbox('body:MarketMSP', { limit: 10 }).items;
    expect(read?.title).to.match(/^收到数据需求/);
  });

  it('the checkpoint never goes back; a failed record changes nothing', () => {
    store.record(9, []);
    store.record(7, []);
    expect(store.checkpoint()).to.equal(9);
    const bad = { ...note('n3', 'grant.expired'), recipient: undefined } as unknown as Notification;
    expect(() => store.record(12, [note('n4', 'grant.expired'), bad])).to.throw();
    expect(store.checkpoint()).to.equal(9);
    expect(store.inbox(ACME, { limit: 10 }).items).to.deep.equal([]);
  });

  it('pages the inbox by cursor, oldest first; unread only on asking; marks read only its own', () => {
    store.record(1, [
      note('a', 'grant.suspended'),
      note('b', 'grant.restored'),
      note('x', 'grant.expired', OTHER),
      note('c', 'grant.expired'),
    ]);
    const first = store.inbox(ACME, { limit: 2 });
    expect(first.items.map((n) => n.id)).to.deep.equal(['a', 'b']);
    expect(first.unread).to.equal(3);
    expect(first.more, 'a third of ACME follows').to.equal(true);
    const second = store.inbox(ACME, { after: first.next, limit: 2 });
    expect(second.items.map((n) => n.id)).to.deep.equal(['c']);
    expect(second.more).to.equal(false);
    expect(store.inbox(ACME, { after: second.next, limit: 2 }).items).to.deep.equal([]);
    // A page exactly as long as what is left: nothing follows.
    expect(store.inbox(ACME, { after: first.next, limit: 1 }).more).to.equal(false);
    expect(store.inbox(ACME, { limit: 1 }).more).to.equal(true);
    expect(store.markRead(ACME, ['a', 'x', 'nope'])).to.equal(1);
    expect(store.markRead(ACME, ['a'])).to.equal(0);
    expect(store.inbox(ACME, { limit: 10, unread: true }).items.map((n) => n.id)).to.deep.equal(['b', 'c']);
    expect(store.inbox(ACME, { limit: 10 }).items[0]?.readAt).to.be.a('string');
    expect(store.inbox(OTHER, { limit: 10 }).items.map((n) => [n.id, n.readAt])).to.deep.equal([
      ['x', undefined],
    ]);
  });

  it('webhooks: listed without secrets, at most ten per party, removed only by their own party', () => {
    const hook = store.addWebhook(ACME, 'https://acme.example/hook', ['grant.suspended']);
    expect(store.webhooks(ACME)).to.deep.equal([
      {
        id: hook.id,
        recipient: ACME,
        url: 'https://acme.example/hook',
        kinds: ['grant.suspended'],
        createdAt: hook.createdAt,
      },
    ]);
    expect(store.webhook(OTHER, hook.id)).to.equal(undefined);
    expect(store.removeWebhook(OTHER, hook.id)).to.equal(false);
    for (let i = 1; i < MAX_WEBHOOKS_PER_PARTY; i++) store.addWebhook(ACME, `https://acme.example/${i}`, []);
    expect(() => store.addWebhook(ACME, 'https://acme.example/11', [])).to.throw(RangeError, /at most 10/);
    store.record(2, [note('n', 'grant.suspended')]);
    expect(store.removeWebhook(ACME, hook.id)).to.equal(true);
    expect(
      store.due(Date.now(), 100).some((d) => d.webhookId === hook.id),
      'its deliveries went with it',
    ).to.equal(false);
  });

  it('records each attempt in the delivery log: retried later, delivered, or dead', () => {
    const hook = store.addWebhook(ACME, 'https://acme.example/hook', []);
    store.record(3, [note('n1', 'grant.suspended'), note('n2', 'grant.restored')]);
    const now = Date.now();
    store.attempted(
      { notificationId: 'n1', webhookId: hook.id },
      { delivered: false, nextAt: now + 60_000, lastResult: 'HTTP 500' },
    );
    store.attempted(
      { notificationId: 'n2', webhookId: hook.id },
      { delivered: true, lastResult: 'HTTP 204' },
    );
    expect(store.due(now, 10)).to.deep.equal([]);
    expect(store.due(now + 60_000, 10).map((d) => [d.notificationId, d.attempts])).to.deep.equal([['n1', 1]]);
    store.attempted(
      { notificationId: 'n1', webhookId: hook.id },
      { delivered: false, lastResult: 'ECONNREFUSED' },
    );
    const log = store.deliveries(ACME, hook.id);
    expect(log.map((d) => [d.notificationId, d.state, d.attempts, d.lastResult])).to.have.deep.members([
      ['n1', 'dead', 2, 'ECONNREFUSED'],
      ['n2', 'delivered', 1, 'HTTP 204'],
    ]);
    expect(store.deliveries(OTHER, hook.id)).to.deep.equal([]);
    expect(store.deliveryCounts()).to.deep.equal({ pending: 0, delivered: 1, dead: 1 });
  });
});
