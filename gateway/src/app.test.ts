import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import type { Ledger } from './ledger/ledger.js';

async function withServer(ledger: Ledger, fn: (base: string) => Promise<void>): Promise<void> {
  const server = createApp({ ledger }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  try {
    await fn(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.close();
  }
}

const upLedger: Ledger = {
  status: () =>
    Promise.resolve({ channel: 'opendata', blockHeight: 7, chaincode: { name: 'rdx', version: '0.1.0' } }),
  close: () => undefined,
};
const downLedger: Ledger = {
  status: () => Promise.reject(new Error('14 UNAVAILABLE: connection refused\nstack…')),
  close: () => undefined,
};

test('/healthz answers while the ledger is down', async () => {
  await withServer(downLedger, async (base) => {
    const res = await fetch(`${base}/healthz`);
    assert.equal(res.status, 200);
  });
});

test('/readyz reports block height and chaincode version when the ledger answers', async () => {
  await withServer(upLedger, async (base) => {
    const res = await fetch(`${base}/readyz`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { ledger: { blockHeight: number; chaincode: { version: string } } };
    assert.equal(body.ledger.blockHeight, 7);
    assert.equal(body.ledger.chaincode.version, '0.1.0');
  });
});

test('/readyz is a 503 problem with a stable code, without a stack, when the ledger is down', async () => {
  await withServer(downLedger, async (base) => {
    const res = await fetch(`${base}/readyz`);
    assert.equal(res.status, 503);
    assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/);
    const body = (await res.json()) as { code: string; detail: string };
    assert.equal(body.code, 'LEDGER_UNAVAILABLE');
    assert.doesNotMatch(body.detail, /stack/);
  });
});

test('an unknown route is a 404 problem', async () => {
  await withServer(upLedger, async (base) => {
    const res = await fetch(`${base}/nope`);
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { code: string }).code, 'NOT_FOUND');
  });
});
