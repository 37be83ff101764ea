/**
 * The gateway on the real network (issue 4): an AA enterprise with a grant gets only its items; an A
 * enterprise is refused; a suspension on the ledger stops the next call; a receipt verifies against the
 * anchor on the ledger; a gateway killed with -9 under load loses no acknowledged audit record.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, leafHash, verifyInclusion } from '@rdx/client';
import { gatewayUrl, readPid } from '@rdx/network';
import { paths, topology } from '../fabric-client.js';
import { eventually, getJson, tokenFor } from '../gateway-client-e2e.js';
import {
  applyAndGetGrants,
  demand,
  evaluate,
  onboard,
  Parties,
  runId,
  submit,
  type TestEnterprise,
} from '../workflow.js';

const base = gatewayUrl({ topology } as never);
const DATASET = 'market-entities';
const ITEMS = ['uscc', 'entity_name', 'legal_rep_phone'];
let p: Parties;
let aa: TestEnterprise;
let grantId: string;
let token: string;

before(async () => {
  p = new Parties();
  aa = await onboard(p, 'AA');
  const { grants } = await applyAndGetGrants(p, aa.signer, `gw-app-${runId}`, [
    demand(DATASET, 'MarketMSP', ITEMS),
  ]);
  grantId = grants[0]!;
  // The gateway learns of the enterprise and its grant from chaincode events.
  await eventually(
    async () => {
      try {
        token = await tokenFor(base, aa.creditCode, aa.privateKeyPem);
        return (await getJson(`${base}/v1/datasets/${DATASET}/records?limit=1`, token)).status === 200;
      } catch {
        return false;
      }
    },
    15_000,
    'the gateway sees the new grant',
  );
});
after(() => p.close());

const records = (query: string, t = token): Promise<{ status: number; body: Record<string, unknown> }> =>
  getJson(`${base}/v1/datasets/${DATASET}/records?${query}`, t);

test('an AA enterprise with a grant gets only its granted items, personal items masked', async () => {
  const { status, body } = await records('limit=50');
  assert.equal(status, 200);
  assert.equal(body.grant_id, grantId);
  const rows = body.data as Record<string, string>[];
  assert.equal(rows.length, 50);
  for (const row of rows) {
    assert.deepEqual(Object.keys(row).sort(), [...ITEMS].sort());
    assert.match(row.legal_rep_phone!, /^\d{3}\*{4}\d{4}$/);
  }
  const other = await records('fields=legal_rep_id');
  assert.equal(other.status, 403);
  assert.equal(other.body.code, 'ITEMS_NOT_GRANTED');
});

test('an A-rated enterprise is refused restricted data but may download unconditional data', async () => {
  const a = await onboard(p, 'A');
  const aToken = await (async () => {
    let t = '';
    await eventually(
      async () => {
        t = await tokenFor(base, a.creditCode, a.privateKeyPem).catch(() => '');
        return t !== '';
      },
      15_000,
      'the gateway sees the A enterprise',
    );
    return t;
  })();
  const refused = await records('limit=1', aToken);
  assert.equal(refused.status, 403);
  assert.equal(refused.body.code, 'RATING_INSUFFICIENT');
  const download = await fetch(`${base}/v1/open/datasets/transport-stations/download`);
  assert.equal(download.status, 200);
  assert.match(await download.text(), /^station_id,/);
});

test('a receipt verifies offline and its anchor is the one on the ledger', async () => {
  const { body } = await records('limit=3');
  const requestId = String(body.request_id);
  let receipt: Record<string, unknown> = {};
  await eventually(
    async () => {
      const r = await getJson(`${base}/v1/audit/receipts/${requestId}`, token);
      receipt = r.body;
      return r.status === 200;
    },
    30_000,
    'the request is anchored',
  );
  const record = receipt.record as Record<string, unknown> & { hash: string; seq: number };
  const proof = receipt.proof as { leaf_index: number; tree_size: number; hashes: string[] };
  const anchor = receipt.anchor as { sequence: number; merkleRoot: string; txId: string; treeSize: number };
  const { hash, ...unhashed } = record;
  assert.equal(leafHash(canonicalJson(unhashed)), hash, 'the record hashes to its leaf');
  assert.ok(
    verifyInclusion(hash, proof.leaf_index, proof.tree_size, proof.hashes, anchor.merkleRoot),
    'inclusion proof verifies',
  );
  const onLedger = (await evaluate(p.regulator, 'audit', 'GetAnchor', 'gw1', String(anchor.sequence))) as {
    merkleRoot: string;
    txId: string;
    firstRecord: number;
    recordCount: number;
  };
  assert.equal(onLedger.merkleRoot, anchor.merkleRoot);
  assert.equal(onLedger.txId, anchor.txId);
  assert.equal(onLedger.firstRecord + onLedger.recordCount, proof.tree_size);
});

test('after the owning body suspends the grant, the next call is refused', async () => {
  assert.equal((await records('limit=1')).status, 200);
  await submit(p.market, 'grant', 'SuspendGrant', grantId, 'violation', '违规使用，暂停访问');
  const ms = await eventually(
    async () => (await records('limit=1')).body.code === 'GRANT_NOT_ACTIVE',
    10_000,
    'the suspension reaches the gateway',
  );
  console.log(`# suspension enforced ${ms} ms after its commit was acknowledged`);
  await submit(p.market, 'grant', 'RestoreGrant', grantId, '整改完成');
  await eventually(
    async () => (await records('limit=1')).status === 200,
    10_000,
    'the restoration reaches the gateway',
  );
});

test('a gateway killed with -9 under load loses no acknowledged audit record, and anchors them after restart', async () => {
  const acknowledged: string[] = [];
  const load = Array.from({ length: 8 }, async () => {
    for (let i = 0; i < 40; i++) {
      try {
        const r = await records('limit=5');
        if (r.status === 200) acknowledged.push(String(r.body.request_id));
      } catch {
        /* connection cut by the kill */
      }
    }
  });
  await new Promise((r) => setTimeout(r, 300));
  const pid = readPid(paths, 'gateway');
  assert.ok(pid, 'the gateway is running');
  process.kill(pid, 'SIGKILL');
  await Promise.all(load);
  assert.ok(acknowledged.length > 0, 'some requests were acknowledged before the kill');
  // The supervisor restarts the gateway; every acknowledged request must have its record, then its anchor.
  await eventually(
    async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.ok === true,
    30_000,
    'the gateway restarts',
  );
  for (const id of acknowledged) {
    await eventually(
      async () => (await getJson(`${base}/v1/audit/receipts/${id}`, token)).status === 200,
      60_000,
      `receipt ${id}`,
    );
  }
});
