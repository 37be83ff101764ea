/**
 * Webhook delivery against a real HTTP receiver on loopback: signed so the receiver can verify, retried with
 * growing waits, dead after the last attempt, and what was owed is sent by the next dispatcher after a restart.
 */
import { expect } from 'chai';
import { getEventListeners } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { verifyWebhook, type Notification } from '@rdx/client';
import { NotificationStore } from './notification-store.js';
import { backoffMs, post, WebhookDispatcher, type DispatcherOptions } from './webhook-dispatcher.js';
import { startRawReceiver, startReceiver } from '../testing/webhook-receiver.js';

const ACME = 'enterprise:91331100MA2A8QN43L';
const OTHER = 'enterprise:91331102MA2E3K7RX2';
const FAST: DispatcherOptions = {
  maxAttempts: 3,
  baseDelayMs: 20,
  maxDelayMs: 100,
  timeoutMs: 2000,
  pollMs: 10,
  // The receivers here listen on loopback, as on a trial gateway.
  reach: { private: false, loopback: true },
};

function note(id: string, recipient = ACME): Notification {
  return {
    id,
    kind: 'grant.suspended',
    title: 'grant suspended',
    recipient,
    subject: { type: 'grant', id: 'g-1', state: 'SUSPENDED' },
    txId: 't',
    block: 1,
    at: '2026-11-30T00:00:00Z',
  };
}

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('webhook delivery', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-hooks-'));
    file = path.join(dir, 'notifications.db');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('delivers each notification signed: the receiver verifies it with the secret, and a wrong secret fails', async () => {
    const r = await startReceiver();
    const store = NotificationStore.open(file);
    const hook = store.addWebhook(ACME, r.url, []);
    const d = new WebhookDispatcher(store, FAST);
    try {
      store.record(1, [note('n1'), note('n2')]);
      d.start();
      await until(() => r.got.length === 2, 'two deliveries');
      for (const { headers, body } of r.got) {
        const n = verifyWebhook(hook.secret, headers, body);
        expect(n.recipient).to.equal(ACME);
        expect(() => verifyWebhook(`whsec_${Buffer.alloc(24).toString('base64')}`, headers, body)).to.throw(
          /does not verify/,
        );
        expect(() => verifyWebhook(hook.secret, headers, body.replace('SUSPENDED', 'ACTIVE'))).to.throw(
          /does not verify/,
        );
        expect(() => verifyWebhook(hook.secret, headers, body, 300, Date.now() + 3_600_000)).to.throw(
          /timestamp/,
        );
      }
      expect(r.got.map((g) => g.headers['webhook-id']).sort()).to.deep.equal(['n1', 'n2']);
      await until(() => store.deliveryCounts().delivered === 2, 'both logged delivered');
    } finally {
      await d.stop();
      store.close();
      await r.close();
    }
  });

  it('retries a failing receiver under the same id, and gives up after the last attempt (dead letter)', async () => {
    const flaky = await startReceiver([500, 503]);
    const down = await startReceiver([500, 500, 500, 500]);
    const store = NotificationStore.open(file);
    const ok = store.addWebhook(ACME, flaky.url, []);
    const dead = store.addWebhook(ACME, down.url, []);
    const d = new WebhookDispatcher(store, FAST);
    try {
      store.record(1, [note('n1')]);
      d.start();
      await until(
        () => store.deliveries(ACME, ok.id)[0]?.state === 'delivered',
        'delivered on the third attempt',
      );
      await until(() => store.deliveries(ACME, dead.id)[0]?.state === 'dead', 'dead after three');
      expect(flaky.got.map((g) => g.headers['webhook-id'])).to.deep.equal(['n1', 'n1', 'n1']);
      expect(down.got).to.have.length(3);
      expect(store.deliveries(ACME, dead.id)[0]).to.deep.include({ attempts: 3, lastResult: 'HTTP 500' });
    } finally {
      await d.stop();
      store.close();
      await flaky.close();
      await down.close();
    }
  });

  it('what was owed when the gateway stopped is delivered by the next one; an unreachable receiver is retried', async () => {
    const r = await startReceiver();
    let store = NotificationStore.open(file);
    const hook = store.addWebhook(ACME, r.url, []);
    store.record(1, [note('n1')]);
    store.close();
    // A new process: the store file is all it has.
    store = NotificationStore.open(file);
    const d = new WebhookDispatcher(store, FAST);
    try {
      d.start();
      await until(() => r.got.length === 1, 'delivered after the restart');
      expect(verifyWebhook(hook.secret, r.got[0]!.headers, r.got[0]!.body).id).to.equal('n1');
    } finally {
      await d.stop();
      store.close();
      await r.close();
    }
    // Nobody listening: a refused connection is a failed attempt, tried again.
    const gone = NotificationStore.open(path.join(dir, 'gone.db'));
    const nowhere = gone.addWebhook(ACME, r.url, []);
    gone.record(1, [note('n2')]);
    const d2 = new WebhookDispatcher(gone, { ...FAST, baseDelayMs: 60_000 });
    try {
      await d2.deliverDue();
      expect(gone.deliveries(ACME, nowhere.id)[0]).to.deep.include({ state: 'pending', attempts: 1 });
      expect(gone.deliveries(ACME, nowhere.id)[0]?.lastResult).to.match(/ECONNREFUSED/);
    } finally {
      gone.close();
    }
  });

  it('a redirect is not followed: the signed body goes only where it was registered', async () => {
    const elsewhere = await startReceiver();
    const redirecting = http.createServer((_req, res) =>
      res.writeHead(307, { location: elsewhere.url }).end(),
    );
    await new Promise<void>((r) => redirecting.listen(0, '127.0.0.1', r));
    const store = NotificationStore.open(file);
    const hook = store.addWebhook(
      ACME,
      `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/`,
      [],
    );
    try {
      store.record(1, [note('n1')]);
      await new WebhookDispatcher(store, FAST).deliverDue();
      expect(elsewhere.got).to.deep.equal([]);
      expect(store.deliveries(ACME, hook.id)[0]).to.deep.include({
        state: 'pending',
        lastResult: 'HTTP 307',
      });
    } finally {
      store.close();
      await elsewhere.close();
      await new Promise((r) => redirecting.close(r));
    }
  });

  it('a receiver answering 101 Switching Protocols is a failed attempt, retried; deliveries go on', async () => {
    // Node drops the socket of a 101 that no one takes up without an event: the attempt never settled, and the
    // round awaiting it stopped every party's deliveries for good.
    const upgrading = await startRawReceiver((socket) =>
      socket.write('HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n'),
    );
    const fine = await startReceiver();
    const store = NotificationStore.open(file);
    const hostile = store.addWebhook(ACME, upgrading.url, []);
    store.addWebhook(OTHER, fine.url, []);
    const d = new WebhookDispatcher(store, { ...FAST, maxAttempts: 8, baseDelayMs: 5_000 });
    try {
      store.record(1, [note('n1')]);
      d.start();
      await until(() => store.deliveries(ACME, hostile.id)[0]?.attempts === 1, 'the attempt counted', 3000);
      expect(store.deliveries(ACME, hostile.id)[0]).to.deep.include({
        state: 'pending',
        lastResult: 'HTTP 101',
      });
      store.record(2, [note('n2', OTHER)]);
      await until(() => fine.got.length === 1, 'the next party’s delivery', 3000);
    } finally {
      await d.stop();
      store.close();
      await upgrading.stop();
      await fine.close();
    }
  });

  it('a receiver that answers 200 and then an endless body: delivered at the status line, the connection closed', async () => {
    const trickling = await startRawReceiver((socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\n');
      const drip = setInterval(() => socket.write('1\r\nx\r\n'), 20);
      socket.on('close', () => clearInterval(drip));
    });
    const store = NotificationStore.open(file);
    const hook = store.addWebhook(ACME, trickling.url, []);
    try {
      store.record(1, [note('n1')]);
      const started = Date.now();
      await new WebhookDispatcher(store, FAST).deliverDue();
      expect(Date.now() - started, 'settled at the status line').to.be.below(FAST.timeoutMs);
      expect(store.deliveries(ACME, hook.id)[0]).to.deep.include({
        state: 'delivered',
        lastResult: 'HTTP 200',
      });
      await until(() => trickling.closed() === 1, 'the gateway closed the connection', 2000);
    } finally {
      store.close();
      await trickling.stop();
    }
  });

  it('a receiver that never answers holds only its own delivery: others due meanwhile are sent at once', async () => {
    const silent = await startRawReceiver(() => undefined);
    const fine = await startReceiver();
    const store = NotificationStore.open(file);
    const slow = store.addWebhook(ACME, silent.url, []);
    store.addWebhook(OTHER, fine.url, []);
    const d = new WebhookDispatcher(store, { ...FAST, timeoutMs: 4000 });
    try {
      store.record(1, [note('n1')]);
      d.start();
      await until(() => silent.opened() === 1, 'the slow one on its way');
      await new Promise((r) => setTimeout(r, 100));
      const sentAt = Date.now();
      store.record(2, [note('n2', OTHER)]);
      await until(() => fine.got.length === 1, 'the other party’s delivery', 3000);
      expect(Date.now() - sentAt, 'not after the slow attempt’s 4 s').to.be.below(2000);
      expect(store.deliveries(ACME, slow.id)[0]?.state).to.equal('pending');
      await until(
        () => store.deliveries(ACME, slow.id)[0]?.lastResult === 'no answer in 4000 ms',
        'the slow one timed out',
        6000,
      );
    } finally {
      await d.stop();
      store.close();
      await silent.stop();
      await fine.close();
    }
  });

  it('a stop ends the attempts on their way at once, unrecorded: each is sent again by the next dispatcher', async () => {
    const silent = await startRawReceiver(() => undefined);
    const store = NotificationStore.open(file);
    const hook = store.addWebhook(ACME, silent.url, []);
    const d = new WebhookDispatcher(store, { ...FAST, timeoutMs: 10_000 });
    try {
      store.record(1, [note('n1')]);
      d.start();
      await until(() => silent.opened() === 1, 'the attempt on its way');
      const asked = Date.now();
      await d.stop();
      expect(Date.now() - asked, 'not after the 10 s deadline').to.be.below(1000);
      const [owed] = store.deliveries(ACME, hook.id);
      expect(owed?.state).to.equal('pending');
      expect(owed?.attempts, 'the cut attempt is not counted').to.equal(0);
      expect(store.due(Date.now(), 10).map((x) => x.notificationId)).to.deep.equal(['n1']);
    } finally {
      store.close();
      await silent.stop();
    }
  });

  it('attempts that end by themselves leave nothing listening for the stop, which lives as long as the gateway', async () => {
    const fine = await startReceiver();
    const stopping = new AbortController();
    try {
      for (let i = 0; i < 20; i++) {
        const answer = await post(fine.url, { headers: {}, body: '{}' }, 2000, FAST.reach!, stopping.signal);
        expect(answer.ok).to.equal(true);
      }
      expect(getEventListeners(stopping.signal, 'abort')).to.have.length(0);
    } finally {
      await fine.close();
    }
  });

  it('a party with ten webhooks at a receiver that never answers, and many deliveries owed, holds no one else back', async () => {
    // The store listed the oldest due first, those on their way among them: 32 of one party's in flight filled
    // every list, and another party's delivery waited for their 10 s.
    const silent = await startRawReceiver(() => undefined);
    const fine = await startReceiver();
    const store = NotificationStore.open(file);
    for (let i = 0; i < 10; i++) store.addWebhook(ACME, `${silent.url}/${i}`, []);
    store.addWebhook(OTHER, fine.url, []);
    const d = new WebhookDispatcher(store, { ...FAST, timeoutMs: 5000 });
    try {
      store.record(
        1,
        ['n1', 'n2', 'n3', 'n4', 'n5', 'n6'].map((id) => note(id)),
      );
      d.start();
      await until(() => silent.opened() === 20, 'two on their way to each of its webhooks', 3000);
      const sentAt = Date.now();
      store.record(2, [note('o1', OTHER)]);
      await until(() => fine.got.length === 1, 'the other party’s delivery', 3000);
      expect(Date.now() - sentAt, 'not after the silent attempts’ 5 s').to.be.below(2000);
      await new Promise((r) => setTimeout(r, 300));
      expect(silent.opened(), 'no more than two to one webhook at once').to.equal(20);
    } finally {
      await d.stop();
      store.close();
      await silent.stop();
      await fine.close();
    }
  });

  it('waits grow twice per failure, with jitter, up to the cap', () => {
    const o = { baseDelayMs: 1000, maxDelayMs: 5000 };
    expect([1, 2, 3, 4, 5].map((n) => backoffMs(n, o, () => 1))).to.deep.equal([
      1000, 2000, 4000, 5000, 5000,
    ]);
    expect(backoffMs(1, o, () => 0)).to.equal(500);
  });
});
