/**
 * What an enterprise can prove about the gateway's log, offline with the SDK: a receipt's record hashes to
 * its leaf, the leaf is in the anchored tree the ledger holds, and later anchors extend earlier ones.
 * The access log shows only the caller's own records.
 */
import { expect } from 'chai';
import { canonicalJson, leafHash, merkleRoot, verifyConsistency, verifyInclusion } from '@rdx/client';
import type { AuditRecord } from '../services.js';
import { CODE, DS, sha256Hex } from '../testing/fixtures.js';
import {
  GATEWAY_ID,
  assertOk,
  assertProblem,
  startHarness,
  type Harness,
  type Reply,
} from '../testing/harness.js';
import { withConsoleErrorSilenced } from '../testing/quiet.js';
import type { LedgerAnchor } from '../testing/fake-ledger.js';

let h: Harness;
describe('audit receipts, anchors and the access log', () => {
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  interface Receipt {
    status: 'anchored' | 'pending';
    gatewayId: string;
    record: AuditRecord;
    proof: { leafIndex: number; treeSize: number; hashes: string[] };
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
    if (!onLedger || onLedger.firstRecord + onLedger.recordCount !== receipt.proof.treeSize) return false;
    return verifyInclusion(
      hash,
      receipt.proof.leafIndex,
      receipt.proof.treeSize,
      receipt.proof.hashes,
      onLedger.merkleRoot,
    );
  }

  async function receiptOf(reply: Reply, as: 'A' | 'AA' | 'AAA' = 'AA'): Promise<Reply> {
    return h.get(`/v1/audit/receipts/${reply.requestId}`, { as });
  }

  it('before anchoring a receipt is 202 pending with the record; after, a proof that verifies offline', async () => {
    const served = await h.get(RECORDS, { as: 'AA' });
    expect(served.status).to.equal(200);
    const pending = await receiptOf(served);
    expect(pending.status).to.equal(202);
    const early = pending.body as Receipt;
    expect(early.status).to.equal('pending');
    expect(early.record.requestId).to.equal(served.requestId);

    await h.anchorNow();
    const reply = await receiptOf(served);
    const receipt = assertOk<Receipt>(reply);
    expect(receipt.status).to.equal('anchored');
    expect(receipt.gatewayId).to.equal(GATEWAY_ID);
    expect(receipt.record.requestId).to.equal(served.requestId);
    expect(receipt.record.enterprise).to.equal(CODE.AA);
    expect(receipt.record.decision).to.equal('allow');
    expect(receipt.proof.leafIndex).to.equal(receipt.record.seq);
    expect(receipt.record.hash).to.equal(leafHash(canonicalJson({ ...receipt.record, hash: undefined })));
    expect(
      verifyInclusion(
        receipt.record.hash,
        receipt.proof.leafIndex,
        receipt.proof.treeSize,
        receipt.proof.hashes,
        receipt.anchor.merkleRoot,
      ),
    ).to.equal(true);
    expect(verifyReceipt(receipt)).to.equal(true);
    // The gateway's anchor is the ledger's, chained from genesis.
    const onLedger = ledgerAnchors().find((a) => a.sequence === receipt.anchor.sequence)!;
    expect(onLedger).not.to.equal(undefined);
    expect(receipt.anchor.merkleRoot).to.equal(onLedger.merkleRoot);
    expect(receipt.anchor.anchorHash).to.equal(onLedger.anchorHash);
    expect(receipt.anchor.txId).to.equal(onLedger.txId);
    // The receipt pins the exact bytes the enterprise received.
    expect(receipt.record.responseHash).to.equal(sha256Hex(served.bytes));
  });

  it('a receipt whose record or proof was altered does not verify', async () => {
    const served = await h.get(RECORDS, { as: 'AA' });
    await h.anchorNow();
    const receipt = assertOk<Receipt>(await receiptOf(served));
    expect(verifyReceipt(receipt)).to.equal(true);
    expect(
      verifyReceipt({ ...receipt, record: { ...receipt.record, rowCount: receipt.record.rowCount + 1 } }),
    ).to.equal(false);
    expect(verifyReceipt({ ...receipt, record: { ...receipt.record, decision: 'deny' } })).to.equal(false);
    if (receipt.proof.hashes.length > 0) {
      const hashes = [...receipt.proof.hashes];
      hashes[0] = `${hashes[0]?.slice(0, 63)}${hashes[0]?.endsWith('0') ? '1' : '0'}`;
      expect(verifyReceipt({ ...receipt, proof: { ...receipt.proof, hashes } })).to.equal(false);
    }
    expect(
      verifyReceipt({ ...receipt, proof: { ...receipt.proof, leafIndex: receipt.proof.leafIndex + 1 } }),
    ).to.equal(false);
  });

  it('denials get receipts too', async () => {
    const denied = await h.get(`/v1/datasets/${DS.PEOPLE}/records?fields=income`, { as: 'AA' });
    assertProblem(denied, 403, 'ITEMS_NOT_GRANTED');
    await h.anchorNow();
    const receipt = assertOk<Receipt>(await receiptOf(denied));
    expect(receipt.record.decision).to.equal('deny');
    expect(receipt.record.reason).to.equal('ITEMS_NOT_GRANTED');
    expect(verifyReceipt(receipt)).to.equal(true);
  });

  it('another enterprise’s receipt, an unknown request, or no token is refused', async () => {
    const served = await h.get(RECORDS, { as: 'AA' });
    await h.anchorNow();
    const theirs = await receiptOf(served, 'AAA');
    assertProblem(theirs, 404, 'NOT_FOUND');
    expect(theirs.text).not.to.include(CODE.AA);
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

  it('a consistency proof between two anchored sizes verifies against the ledger’s roots', async () => {
    await h.get(RECORDS, { as: 'AA' });
    await h.anchorNow();
    const first = ledgerAnchors().at(-1)!;
    expect(first).not.to.equal(undefined);
    for (let i = 0; i < 5; i++) await h.get(RECORDS, { as: i % 2 ? 'AA' : 'AAA' });
    await h.anchorNow();
    const second = ledgerAnchors().at(-1)!;
    expect(second).not.to.equal(undefined);
    expect(second.sequence).to.equal(first.sequence + 1);
    expect(second.previousAnchorHash, 'the ledger chain is unbroken').to.equal(first.anchorHash);
    const from = first.firstRecord + first.recordCount;
    const to = second.firstRecord + second.recordCount;
    expect(to).to.be.above(from);

    const proof = assertOk<{ from: number; to: number; hashes: string[] }>(
      await h.get(`/v1/audit/consistency?from=${from}&to=${to}`),
    );
    expect(proof.from).to.equal(from);
    expect(proof.to).to.equal(to);
    expect(verifyConsistency(from, to, first.merkleRoot, second.merkleRoot, proof.hashes)).to.equal(true);
    // The roots are really those of the log's prefixes.
    expect(merkleRoot(h.audit.leafHashes(0, to))).to.equal(second.merkleRoot);
    // A proof against another old root fails.
    expect(verifyConsistency(from, to, second.merkleRoot, second.merkleRoot, proof.hashes)).to.equal(false);
    // Every earlier anchored size is consistent with the newest.
    for (const a of ledgerAnchors()) {
      const size = a.firstRecord + a.recordCount;
      const p = assertOk<{ hashes: string[] }>(await h.get(`/v1/audit/consistency?from=${size}&to=${to}`));
      expect(
        verifyConsistency(size, to, a.merkleRoot, second.merkleRoot, p.hashes),
        `anchor ${a.sequence}`,
      ).to.equal(true);
    }
  });

  it('consistency sizes must be anchored, ordered integers', async () => {
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

  it('the access log shows only the caller’s records, newest first, and pages with nextBefore', async () => {
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

      const log = assertOk<{ data: AuditRecord[]; nextBefore: number | null }>(
        await g.get('/v1/access-log', { as: 'AA' }),
      );
      expect(log.data.map((r) => r.requestId)).to.deep.equal([...mine].reverse());
      for (const r of log.data) expect(r.enterprise).to.equal(CODE.AA);
      for (const id of theirs) expect(JSON.stringify(log)).not.to.include(id);
      expect(log.nextBefore).to.equal(null);

      const first = assertOk<{ data: AuditRecord[]; nextBefore: number | null }>(
        await g.get('/v1/access-log?limit=4', { as: 'AA' }),
      );
      expect(first.data.length).to.equal(4);
      expect(typeof first.nextBefore).to.equal('number');
      const rest = assertOk<{ data: AuditRecord[] }>(
        await g.get(`/v1/access-log?limit=4&before=${first.nextBefore}`, { as: 'AA' }),
      );
      expect([...first.data, ...rest.data].map((r) => r.requestId)).to.deep.equal([...mine].reverse());

      const aaa = assertOk<{ data: AuditRecord[] }>(await g.get('/v1/access-log', { as: 'AAA' }));
      expect(aaa.data.map((r) => r.requestId)).to.deep.equal([theirs[0]]);
      assertProblem(await g.get('/v1/access-log'), 401, 'TOKEN_MISSING');
    } finally {
      await g.close();
    }
  });

  it('a negative or fractional access-log limit is QUERY_INVALID, not a 500', async () => {
    await withConsoleErrorSilenced(async () => {
      for (const limit of ['-1', '1.5'])
        assertProblem(await h.get(`/v1/access-log?limit=${limit}`, { as: 'AA' }), 400, 'QUERY_INVALID');
    });
  });
});
