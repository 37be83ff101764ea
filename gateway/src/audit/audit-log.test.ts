import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatabaseSync } from 'node:sqlite';
import { canonicalJson, inclusionProof, leafHash, merkleRoot, verifyInclusion } from '@rdx/client';
import { AuditLog, GENESIS_HASH, type AuditEntry, type AuditRecord } from './audit-log.js';

function tempFile(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'rdx-audit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'audit.sqlite');
}

function entry(i: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    time: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
    requestId: `req-${i}`,
    gatewayId: 'gw-1',
    clientId: 'client-a',
    enterprise: i % 2 === 0 ? 'ENT-EVEN' : 'ENT-ODD',
    method: 'GET',
    path: `/v1/datasets/d1/rows?page=${i}`,
    datasetId: 'd1',
    grantId: 'g1',
    decision: 'allow',
    reason: 'grant g1 covers the items',
    items: ['name', 'phone'],
    rowCount: i,
    responseHash: leafHash(`body ${i}`),
    status: 200,
    ...overrides,
  };
}

/** Recomputes a record's hash independently of the module: leaf hash of canonical JSON without `hash`. */
function expectedHash(record: AuditRecord): string {
  const copy: Record<string, unknown> = { ...record };
  delete copy.hash;
  return leafHash(canonicalJson(copy));
}

test('records are hash-chained and read back exactly as appended', async (t) => {
  const log = AuditLog.open(tempFile(t));
  t.after(() => log.close());
  const denied = entry(1, {
    decision: 'deny',
    reason: 'no grant',
    items: [],
    rowCount: 0,
    status: 403,
    grantId: undefined,
    datasetId: undefined,
    responseHash: undefined,
    clientId: undefined,
  });
  const records = [await log.append(entry(0)), await log.append(denied), await log.append(entry(2))];

  assert.equal(records[0]?.prevHash, GENESIS_HASH);
  records.forEach((r, i) => {
    assert.equal(r.seq, i);
    assert.equal(r.hash, expectedHash(r));
    if (i > 0) assert.equal(r.prevHash, records[i - 1]?.hash);
    assert.deepEqual(log.get(r.requestId), r);
    assert.deepEqual(log.bySeq(i), r);
  });
  // An absent optional field stays absent rather than coming back as null or undefined.
  assert.equal('grantId' in (log.get('req-1') ?? {}), false);
  assert.equal(log.get('nope'), undefined);
  assert.equal(log.bySeq(3), undefined);
  assert.equal(log.size(), 3);
  assert.deepEqual(
    log.leafHashes(1, 3),
    records.slice(1).map((r) => r.hash),
  );
  assert.deepEqual(log.verifyChain(), { ok: true });
});

test('verifyChain finds an edited row, a re-hashed row and a deleted row', async (t) => {
  const file = tempFile(t);
  const log = AuditLog.open(file);
  t.after(() => log.close());
  await Promise.all(Array.from({ length: 6 }, (_, i) => log.append(entry(i))));
  assert.deepEqual(log.verifyChain(), { ok: true });

  const other = new DatabaseSync(file);
  t.after(() => other.close());
  // Under-report how many rows record 2 returned.
  other.prepare('UPDATE audit_records SET row_count = 0 WHERE seq = 2').run();
  assert.deepEqual(log.verifyChain(), { ok: false, brokenAt: 2 });

  // Recomputing the edited record's own hash only moves the break to the next link.
  const edited = log.bySeq(2);
  assert.ok(edited);
  other.prepare('UPDATE audit_records SET hash = ? WHERE seq = 2').run(expectedHash(edited));
  assert.deepEqual(log.verifyChain(), { ok: false, brokenAt: 3 });

  // Dropping the last record leaves a valid-looking chain, but fewer records than were acknowledged.
  other.prepare('UPDATE audit_records SET row_count = 2, hash = ? WHERE seq = 2').run(edited.hash);
  assert.deepEqual(log.verifyChain(), { ok: true });
  other.prepare('DELETE FROM audit_records WHERE seq = 5').run();
  assert.deepEqual(log.verifyChain(), { ok: false, brokenAt: 5 });
});

test('1000 concurrent appends get seq 0..999 in call order, in far fewer transactions', async (t) => {
  const log = AuditLog.open(tempFile(t));
  t.after(() => log.close());
  const n = 1000;
  const started = performance.now();
  const records = await Promise.all(Array.from({ length: n }, (_, i) => log.append(entry(i))));
  const ms = performance.now() - started;

  records.forEach((r, i) => {
    assert.equal(r.seq, i);
    assert.equal(r.requestId, `req-${i}`);
  });
  const stats = log.stats();
  assert.equal(stats.records, n);
  assert.ok(stats.commits < n / 10, `${stats.commits} commits for ${n} records`);
  assert.ok(stats.largestBatch <= 256);
  assert.deepEqual(log.verifyChain(), { ok: true });
  t.diagnostic(
    `${n} appends in ${ms.toFixed(1)} ms = ${Math.round((n / ms) * 1000)} appends/s, ${stats.commits} commits`,
  );

  // For comparison: one at a time, every append waits for its own fsync.
  const one = performance.now();
  for (let i = n; i < n + 100; i++) await log.append(entry(i));
  const oneMs = performance.now() - one;
  t.diagnostic(
    `100 sequential appends in ${oneMs.toFixed(1)} ms = ${Math.round((100 / oneMs) * 1000)} appends/s`,
  );
});

test('a full batch commits at once instead of waiting out the group-commit window', async (t) => {
  const log = AuditLog.open(tempFile(t), { groupCommitMs: 60_000, maxBatch: 4 });
  t.after(() => log.close());
  const started = performance.now();
  const records = await Promise.all([0, 1, 2, 3].map((i) => log.append(entry(i))));
  assert.ok(performance.now() - started < 5_000);
  assert.deepEqual(
    records.map((r) => r.seq),
    [0, 1, 2, 3],
  );
  assert.deepEqual(log.stats(), { commits: 1, records: 4, failedCommits: 0, largestBatch: 4 });
  // close() commits what is still waiting in the window rather than dropping it.
  const pending = log.append(entry(4));
  log.close();
  assert.equal((await pending).seq, 4);
});

test('reopening the file continues the chain where it ended', async (t) => {
  const file = tempFile(t);
  const first = AuditLog.open(file);
  await Promise.all([0, 1, 2].map((i) => first.append(entry(i))));
  const last = first.bySeq(2);
  first.close();

  const log = AuditLog.open(file);
  t.after(() => log.close());
  assert.equal(log.size(), 3);
  const next = await log.append(entry(3));
  assert.equal(next.seq, 3);
  assert.equal(next.prevHash, last?.hash);
  assert.deepEqual(log.verifyChain(), { ok: true });
});

test('a failed commit rejects its whole batch and the chain carries on from the last commit', async (t) => {
  const file = tempFile(t);
  const log = AuditLog.open(file);
  t.after(() => log.close());
  const before = await log.append(entry(0));

  // Another connection holding the write lock makes our BEGIN IMMEDIATE fail.
  const other = new DatabaseSync(file);
  t.after(() => other.close());
  other.exec('BEGIN IMMEDIATE');
  const results = await Promise.allSettled([1, 2, 3].map((i) => log.append(entry(i))));
  other.exec('ROLLBACK');
  assert.deepEqual(
    results.map((r) => r.status),
    ['rejected', 'rejected', 'rejected'],
  );
  assert.equal(log.size(), 1);
  assert.equal(log.get('req-1'), undefined);
  assert.equal(log.stats().failedCommits, 1);

  // The rejected request ids were released, and numbering resumes right after the last committed record.
  const after = await log.append(entry(1));
  assert.equal(after.seq, 1);
  assert.equal(after.prevHash, before.hash);
  assert.deepEqual(log.verifyChain(), { ok: true });
});

test('a malformed or duplicate entry is refused on its own, without taking a seq', async (t) => {
  const log = AuditLog.open(tempFile(t));
  t.after(() => log.close());
  await log.append(entry(0));
  const results = await Promise.allSettled([
    log.append(entry(1)),
    log.append(entry(0)),
    log.append(entry(2, { decision: 'maybe' as 'allow' })),
    log.append(entry(3, { rowCount: -1 })),
    log.append(entry(4, { reason: 'bad \uD800 text' })),
    log.append(entry(1)),
    log.append(entry(5)),
  ]);
  assert.deepEqual(
    results.map((r) => (r.status === 'fulfilled' ? r.value.seq : 'rejected')),
    [1, 'rejected', 'rejected', 'rejected', 'rejected', 'rejected', 2],
  );
  // Stray properties are not smuggled into the stored or hashed record.
  const extra = { ...entry(6), note: 'x' } as AuditEntry;
  const rec = await log.append(extra);
  assert.equal('note' in rec, false);
  assert.deepEqual(log.verifyChain(), { ok: true });
});

test("an enterprise's log is its own records, newest first, paged by seq", async (t) => {
  const log = AuditLog.open(tempFile(t));
  t.after(() => log.close());
  await Promise.all(Array.from({ length: 10 }, (_, i) => log.append(entry(i))));
  const page1 = log.recordsOf('ENT-EVEN', 3);
  assert.deepEqual(
    page1.map((r) => r.seq),
    [8, 6, 4],
  );
  const page2 = log.recordsOf('ENT-EVEN', 3, page1.at(-1)?.seq);
  assert.deepEqual(
    page2.map((r) => r.seq),
    [2, 0],
  );
  assert.ok(log.recordsOf('ENT-ODD', 100).every((r) => r.enterprise === 'ENT-ODD'));
  assert.deepEqual(log.recordsOf('ENT-NONE', 5), []);
});

test('anchors: a record is proven against the first anchor covering it', async (t) => {
  const file = tempFile(t);
  const log = AuditLog.open(file);
  t.after(() => log.close());
  await Promise.all(Array.from({ length: 7 }, (_, i) => log.append(entry(i))));
  assert.equal(log.anchoredSize(), 0);
  assert.equal(log.lastAnchor(), undefined);

  const anchor = (sequence: number, firstRecord: number, treeSize: number) => ({
    sequence,
    firstRecord,
    recordCount: treeSize - firstRecord,
    treeSize,
    merkleRoot: merkleRoot(log.leafHashes(0, treeSize)),
    anchorHash: leafHash(`anchor ${sequence}`),
    txId: `tx-${sequence}`,
    blockNumber: 10 + sequence,
  });
  log.recordAnchor(anchor(0, 0, 3));
  log.recordAnchor(anchor(1, 3, 7));
  assert.throws(() => log.recordAnchor(anchor(2, 7, 7)), RangeError, 'must grow');
  assert.throws(() => log.recordAnchor(anchor(2, 7, 9)), RangeError, 'cannot anchor unlogged records');
  assert.throws(
    () => log.recordAnchor({ ...anchor(2, 3, 7), treeSize: 6 }),
    RangeError,
    'inconsistent counts',
  );

  assert.equal(log.anchoredSize(), 7);
  assert.equal(log.lastAnchor()?.txId, 'tx-1');
  assert.equal(log.anchorCovering(2)?.sequence, 0);
  assert.equal(log.anchorCovering(3)?.sequence, 1);
  assert.equal(log.anchorCovering(7), undefined);

  // End to end with the SDK: the record's hash is a leaf of the anchored root.
  const record = log.bySeq(4);
  const covering = log.anchorCovering(4);
  assert.ok(record && covering);
  const proof = inclusionProof(log.leafHashes(0, covering.treeSize), record.seq);
  assert.equal(verifyInclusion(record.hash, record.seq, covering.treeSize, proof, covering.merkleRoot), true);

  // Once anchored, deleting records beyond what this process knows still shows as a break.
  log.close();
  const other = new DatabaseSync(file);
  other.prepare('DELETE FROM audit_records WHERE seq >= 5').run();
  other.close();
  const reopened = AuditLog.open(file);
  t.after(() => reopened.close());
  assert.deepEqual(reopened.verifyChain(), { ok: false, brokenAt: 5 });
});

test('after SIGKILL mid-stream, every acknowledged append is in the file with an intact chain', async (t) => {
  const file = tempFile(t);
  const childScript = fileURLToPath(new URL('./audit-log-crash-child.js', import.meta.url));
  const child = spawn(process.execPath, [childScript, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const acked = new Map<number, string>();
  let buffered = '';
  let killedAt = 0;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const [seq, requestId] = line.split(' ');
      acked.set(Number(seq), requestId ?? '');
    }
    if (acked.size >= 300 && killedAt === 0) {
      killedAt = acked.size;
      child.kill('SIGKILL');
    }
  });
  const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
    child.on('close', (c, s) => resolve([c, s]));
  });
  clearTimeout(guard);
  assert.equal(signal, 'SIGKILL', `child exited with code ${code} instead of being killed`);
  assert.ok(killedAt >= 300, `only ${acked.size} acknowledgements before the child died`);

  const log = AuditLog.open(file);
  t.after(() => log.close());
  for (const [seq, requestId] of acked)
    assert.equal(log.bySeq(seq)?.requestId, requestId, `acknowledged seq ${seq}`);
  assert.ok(log.size() >= acked.size);
  assert.deepEqual(log.verifyChain(), { ok: true });
  const next = await log.append(entry(0));
  assert.equal(next.seq, log.size() - 1);
  assert.equal(next.prevHash, log.bySeq(next.seq - 1)?.hash);
  assert.deepEqual(log.verifyChain(), { ok: true });
  t.diagnostic(`${acked.size} acknowledged (kill sent at ${killedAt}); file holds ${log.size() - 1} records`);
});
