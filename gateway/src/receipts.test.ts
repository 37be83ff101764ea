/**
 * What an enterprise can prove about the gateway's log, offline with the SDK: a receipt's record hashes to
 * its leaf, the leaf is in the anchored tree the ledger holds, and later anchors extend earlier ones.
 * The access log shows only the caller's own records.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, leafHash, merkleRoot, verifyConsistency, verifyInclusion } from '@rdx/client';
import type { AuditRecord } from './services.js';
import { CODE, DS, sha256Hex } from './testing/fixtures.js';
import {
  GATEWAY_ID,
  assertOk,
  assertProblem,
  startHarness,
  type Harness,
  type Reply,
} from './testing/harness.js';
import type { LedgerAnchor } from './testing/fake-ledger.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(() => h.close());

interface Receipt {
  status: 'anchored' | 'pending';
  gateway_id: string;
  record: AuditRecord;
  proof: { leaf_index: number; tree_size: number; hashes: string[] };
  anchor: { sequence: number; treeSize: number; merkleRoot: string; anchorHash: string; txId: string };
}

const RECORDS = `/v1/datasets/${DS.PEOPLE}/records?limit=3`;

function ledgerAnchors(): LedgerAnchor[] {
  return h.ledger.anchors.get(GATEWAY_ID) ?? [];
}

/** What an enterprise checks offline: the record's own hash, and its inclusion under the ledger's root. */
function verifyReceipt(receipt: Receipt): boolean {
  const { hash, ...unhashed } = receipt.record;
  if (leafHash(canonicalJson(unhashed)) !== hash) return false;
  // The root is taken from the ledger's copy of the anchor, not from the gateway's answer.
  const onLedger = ledgerAnchors().find((a) => a.sequence === receipt.anchor.sequence);
  if (!onLedger || onLedger.firstRecord + onLedger.recordCount !== receipt.proof.tree_size) return false;
  return verifyInclusion(
    hash,
    receipt.proof.leaf_index,
    receipt.proof.tree_size,
    receipt.proof.hashes,
    onLedger.merkleRoot,
  );
}

async function receiptOf(reply: Reply, as: 'A' | 'AA' | 'AAA' = 'AA'): Promise<Reply> {
  return h.get(`/v1/audit/receipts/${reply.requestId}`, { as });
}

test('before anchoring a receipt is 202 pending with the record; after, a proof that verifies offline', async () => {
  const served = await h.get(RECORDS, { as: 'AA' });
  assert.equal(served.status, 200);
  const pending = await receiptOf(served);
  assert.equal(pending.status, 202);
  const early = pending.body as Receipt;
  assert.equal(early.status, 'pending');
  assert.equal(early.record.requestId, served.requestId);

  await h.anchorNow();
  const reply = await receiptOf(served);
  const receipt = assertOk<Receipt>(reply);
  assert.equal(receipt.status, 'anchored');
  assert.equal(receipt.gateway_id, GATEWAY_ID);
  assert.equal(receipt.record.requestId, served.requestId);
  assert.equal(receipt.record.enterprise, CODE.AA);
  assert.equal(receipt.record.decision, 'allow');
  assert.equal(receipt.proof.leaf_index, receipt.record.seq);
  assert.equal(receipt.record.hash, leafHash(canonicalJson({ ...receipt.record, hash: undefined })));
  assert.ok(
    verifyInclusion(
      receipt.record.hash,
      receipt.proof.leaf_index,
      receipt.proof.tree_size,
      receipt.proof.hashes,
      receipt.anchor.merkleRoot,
    ),
  );
  assert.ok(verifyReceipt(receipt));
  // The gateway's anchor is the ledger's, chained from genesis.
  const onLedger = ledgerAnchors().find((a) => a.sequence === receipt.anchor.sequence);
  assert.ok(onLedger);
  assert.equal(receipt.anchor.merkleRoot, onLedger.merkleRoot);
  assert.equal(receipt.anchor.anchorHash, onLedger.anchorHash);
  assert.equal(receipt.anchor.txId, onLedger.txId);
  // The receipt pins the exact bytes the enterprise received.
  assert.equal(receipt.record.responseHash, sha256Hex(served.bytes));
});

test('a receipt whose record or proof was altered does not verify', async () => {
  const served = await h.get(RECORDS, { as: 'AA' });
  await h.anchorNow();
  const receipt = assertOk<Receipt>(await receiptOf(served));
  assert.ok(verifyReceipt(receipt));
  assert.equal(
    verifyReceipt({ ...receipt, record: { ...receipt.record, rowCount: receipt.record.rowCount + 1 } }),
    false,
  );
  assert.equal(verifyReceipt({ ...receipt, record: { ...receipt.record, decision: 'deny' } }), false);
  if (receipt.proof.hashes.length > 0) {
    const hashes = [...receipt.proof.hashes];
    hashes[0] = `${hashes[0]?.slice(0, 63)}${hashes[0]?.endsWith('0') ? '1' : '0'}`;
    assert.equal(verifyReceipt({ ...receipt, proof: { ...receipt.proof, hashes } }), false);
  }
  assert.equal(
    verifyReceipt({ ...receipt, proof: { ...receipt.proof, leaf_index: receipt.proof.leaf_index + 1 } }),
    false,
  );
});

test('denials get receipts too', async () => {
  const denied = await h.get(`/v1/datasets/${DS.PEOPLE}/records?fields=income`, { as: 'AA' });
  assertProblem(denied, 403, 'ITEMS_NOT_GRANTED');
  await h.anchorNow();
  const receipt = assertOk<Receipt>(await receiptOf(denied));
  assert.equal(receipt.record.decision, 'deny');
  assert.equal(receipt.record.reason, 'ITEMS_NOT_GRANTED');
  assert.ok(verifyReceipt(receipt));
});

test('another enterprise’s receipt, an unknown request, or no token is refused', async () => {
  const served = await h.get(RECORDS, { as: 'AA' });
  await h.anchorNow();
  const theirs = await receiptOf(served, 'AAA');
  assertProblem(theirs, 404, 'NOT_FOUND');
  assert.ok(!theirs.text.includes(CODE.AA));
  assertProblem(
    await h.get('/v1/audit/receipts/00000000-0000-0000-0000-000000000000', { as: 'AA' }),
    404,
    'NOT_FOUND',
  );
  assertProblem(await h.get(`/v1/audit/receipts/${served.requestId}`), 401, 'TOKEN_MISSING');
  // A request made without a token belongs to no one: no one gets its receipt.
  const anonymous = await h.get(RECORDS);
  assertProblem(await receiptOf(anonymous, 'AA'), 404, 'NOT_FOUND');
});

test('a consistency proof between two anchored sizes verifies against the ledger’s roots', async () => {
  await h.get(RECORDS, { as: 'AA' });
  await h.anchorNow();
  const first = ledgerAnchors().at(-1);
  assert.ok(first);
  for (let i = 0; i < 5; i++) await h.get(RECORDS, { as: i % 2 ? 'AA' : 'AAA' });
  await h.anchorNow();
  const second = ledgerAnchors().at(-1);
  assert.ok(second && second.sequence === first.sequence + 1);
  assert.equal(second.previousAnchorHash, first.anchorHash, 'the ledger chain is unbroken');
  const from = first.firstRecord + first.recordCount;
  const to = second.firstRecord + second.recordCount;
  assert.ok(to > from);

  const proof = assertOk<{ from: number; to: number; hashes: string[] }>(
    await h.get(`/v1/audit/consistency?from=${from}&to=${to}`),
  );
  assert.equal(proof.from, from);
  assert.equal(proof.to, to);
  assert.ok(verifyConsistency(from, to, first.merkleRoot, second.merkleRoot, proof.hashes));
  // The roots are really those of the log's prefixes.
  assert.equal(merkleRoot(h.audit.leafHashes(0, to)), second.merkleRoot);
  // A proof against another old root fails.
  assert.equal(verifyConsistency(from, to, second.merkleRoot, second.merkleRoot, proof.hashes), false);
  // Every earlier anchored size is consistent with the newest.
  for (const a of ledgerAnchors()) {
    const size = a.firstRecord + a.recordCount;
    const p = assertOk<{ hashes: string[] }>(await h.get(`/v1/audit/consistency?from=${size}&to=${to}`));
    assert.ok(verifyConsistency(size, to, a.merkleRoot, second.merkleRoot, p.hashes), `anchor ${a.sequence}`);
  }
});

test('consistency sizes must be anchored, ordered integers', async () => {
  await h.get(RECORDS, { as: 'AA' });
  await h.anchorNow();
  const anchored = h.audit.anchoredSize();
  await h.get(RECORDS, { as: 'AA' });
  for (const query of [
    'from=0&to=1',
    `from=1&to=${anchored + 1}`,
    'from=2&to=1',
    'from=a&to=2',
    'from=1.5&to=2',
    '',
    `from=1`,
  ]) {
    assertProblem(await h.get(`/v1/audit/consistency?${query}`), 400, 'QUERY_INVALID');
  }
});

test('the access log shows only the caller’s records, newest first, and pages with next_before', async () => {
  const g = await startHarness();
  try {
    const mine: string[] = [];
    for (let i = 0; i < 5; i++) mine.push((await g.get(RECORDS, { as: 'AA' })).requestId);
    mine.push((await g.get(`/v1/datasets/${DS.PEOPLE}/records?fields=income`, { as: 'AA' })).requestId);
    const theirs = [
      (await g.get(RECORDS, { as: 'AAA' })).requestId,
      (await g.get(RECORDS, { as: 'A' })).requestId,
      (await g.get(RECORDS)).requestId,
    ];

    const log = assertOk<{ data: AuditRecord[]; next_before: number | null }>(
      await g.get('/v1/access-log', { as: 'AA' }),
    );
    assert.deepEqual(
      log.data.map((r) => r.requestId),
      [...mine].reverse(),
    );
    for (const r of log.data) assert.equal(r.enterprise, CODE.AA);
    for (const id of theirs) assert.ok(!JSON.stringify(log).includes(id));
    assert.equal(log.next_before, null);

    const first = assertOk<{ data: AuditRecord[]; next_before: number | null }>(
      await g.get('/v1/access-log?limit=4', { as: 'AA' }),
    );
    assert.equal(first.data.length, 4);
    assert.equal(typeof first.next_before, 'number');
    const rest = assertOk<{ data: AuditRecord[] }>(
      await g.get(`/v1/access-log?limit=4&before=${first.next_before}`, { as: 'AA' }),
    );
    assert.deepEqual(
      [...first.data, ...rest.data].map((r) => r.requestId),
      [...mine].reverse(),
    );

    const aaa = assertOk<{ data: AuditRecord[] }>(await g.get('/v1/access-log', { as: 'AAA' }));
    assert.deepEqual(
      aaa.data.map((r) => r.requestId),
      [theirs[0]],
    );
    assertProblem(await g.get('/v1/access-log'), 401, 'TOKEN_MISSING');
  } finally {
    await g.close();
  }
});

test('a negative or fractional access-log limit is QUERY_INVALID, not a 500', async (t) => {
  t.mock.method(console, 'error', () => undefined);
  for (const limit of ['-1', '1.5'])
    assertProblem(await h.get(`/v1/access-log?limit=${limit}`, { as: 'AA' }), 400, 'QUERY_INVALID');
});
