/**
 * The audit log's behaviour tests, run on each backend (SQLite and PostgreSQL) by audit-log.test.ts, so the
 * same assertions prove both. A backend gives fresh, empty places for logs, and the operations an operator with
 * database access could do behind the log's back (edit, delete, hold the write lock).
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { canonicalJson, inclusionProof, leafHash, merkleRoot, verifyInclusion } from '@rdx/client';
import {
  GENESIS_HASH,
  type AuditAnchor,
  type AuditEntry,
  type AuditLogOptions,
  type AuditLogStats,
  type AuditRecord,
} from './audit-log.js';
import type { AuditSink, Awaitable } from '../services.js';

/** What the tests use of a log: the SQLite AuditLog and the PostgreSQL PgAuditLog both fit. */
export interface TestAuditLog extends AuditSink {
  verifyChain(): Awaitable<{ ok: boolean; brokenAt?: number }>;
  recordAnchor(a: AuditAnchor): Awaitable<void>;
  stats(): AuditLogStats;
  close(): Awaitable<void>;
}

/** One log's storage: a SQLite file, or a namespace in a PostgreSQL database. */
export interface AuditPlace {
  /** Opens the log stored here (again, after a close). */
  open(opts?: AuditLogOptions): Promise<TestAuditLog>;
  /** Changes stored record `seq` over another connection. */
  update(seq: number, change: { rowCount?: number; hash?: string }): Promise<void>;
  /** Deletes stored records from `seq` on over another connection. */
  deleteFrom(seq: number): Promise<void>;
  /** Takes the log's write lock over another connection; the function returned releases it. */
  holdWriteLock(): Promise<() => Promise<void>>;
  /** A process appending to this log for ever, printing "<seq> <requestId>" once each append is acknowledged. */
  spawnAppender(): ChildProcess;
}

export interface AuditBackend {
  name: string;
  /** Why this backend cannot run here (the tests are then skipped with it); throws if it is broken. */
  unavailable(): Promise<string | undefined>;
  /** A fresh, empty place, removed after the test. */
  place(t: TestContext): Promise<AuditPlace>;
}

export function entry(i: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
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

/** Registers every audit-log test for `backend`, named `[<backend>] …`. */
export function auditLogSuite(backend: AuditBackend): void {
  /** A test on this backend, with a fresh place; skipped (saying why) when the backend is not available. */
  const logTest = (name: string, fn: (t: TestContext, place: AuditPlace) => Promise<void>): void => {
    test(`[${backend.name}] ${name}`, async (t) => {
      const why = await backend.unavailable();
      if (why !== undefined) {
        t.skip(why);
        return;
      }
      await fn(t, await backend.place(t));
    });
  };
  /** Opens a log that is closed after the test. */
  const opened = async (t: TestContext, place: AuditPlace, opts?: AuditLogOptions): Promise<TestAuditLog> => {
    const log = await place.open(opts);
    t.after(() => log.close());
    return log;
  };

  logTest('records are hash-chained and read back exactly as appended', async (t, place) => {
    const log = await opened(t, place);
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
    for (const [i, r] of records.entries()) {
      assert.equal(r.seq, i);
      assert.equal(r.hash, expectedHash(r));
      if (i > 0) assert.equal(r.prevHash, records[i - 1]?.hash);
      assert.deepEqual(await log.get(r.requestId), r);
      assert.deepEqual(await log.bySeq(i), r);
    }
    // An absent optional field stays absent rather than coming back as null or undefined.
    assert.equal('grantId' in ((await log.get('req-1')) ?? {}), false);
    assert.equal(await log.get('nope'), undefined);
    assert.equal(await log.bySeq(3), undefined);
    assert.equal(log.size(), 3);
    assert.deepEqual(
      await log.leafHashes(1, 3),
      records.slice(1).map((r) => r.hash),
    );
    await assert.rejects(async () => log.leafHashes(0, 4), RangeError);
    assert.deepEqual(await log.verifyChain(), { ok: true });
  });

  logTest('verifyChain finds an edited row, a re-hashed row and a deleted row', async (t, place) => {
    const log = await opened(t, place);
    await Promise.all(Array.from({ length: 6 }, (_, i) => log.append(entry(i))));
    assert.deepEqual(await log.verifyChain(), { ok: true });

    // Under-report how many rows record 2 returned.
    await place.update(2, { rowCount: 0 });
    assert.deepEqual(await log.verifyChain(), { ok: false, brokenAt: 2 });

    // Recomputing the edited record's own hash only moves the break to the next link.
    const edited = await log.bySeq(2);
    assert.ok(edited);
    await place.update(2, { hash: expectedHash(edited) });
    assert.deepEqual(await log.verifyChain(), { ok: false, brokenAt: 3 });

    // Dropping the last record leaves a valid-looking chain, but fewer records than were acknowledged.
    await place.update(2, { rowCount: 2, hash: edited.hash });
    assert.deepEqual(await log.verifyChain(), { ok: true });
    await place.deleteFrom(5);
    assert.deepEqual(await log.verifyChain(), { ok: false, brokenAt: 5 });
  });

  logTest(
    '1000 concurrent appends get seq 0..999 in call order, in far fewer transactions',
    async (t, place) => {
      const log = await opened(t, place);
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
      assert.deepEqual(await log.verifyChain(), { ok: true });
      t.diagnostic(
        `${backend.name}: ${n} appends in ${ms.toFixed(1)} ms = ${Math.round((n / ms) * 1000)} appends/s, ${stats.commits} commits`,
      );

      // For comparison: one at a time, every append waits for its own commit.
      const one = performance.now();
      for (let i = n; i < n + 100; i++) await log.append(entry(i));
      const oneMs = performance.now() - one;
      t.diagnostic(
        `${backend.name}: 100 sequential appends in ${oneMs.toFixed(1)} ms = ${Math.round((100 / oneMs) * 1000)} appends/s`,
      );
    },
  );

  logTest('a full batch commits at once instead of waiting out the group-commit window', async (t, place) => {
    const log = await place.open({ groupCommitMs: 60_000, maxBatch: 4 });
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
    await log.close();
    assert.equal((await pending).seq, 4);
    await assert.rejects(log.append(entry(5)), /closed/);
  });

  logTest('reopening continues the chain where it ended', async (t, place) => {
    const first = await place.open();
    await Promise.all([0, 1, 2].map((i) => first.append(entry(i))));
    const last = await first.bySeq(2);
    await first.close();

    const log = await opened(t, place);
    assert.equal(log.size(), 3);
    const next = await log.append(entry(3));
    assert.equal(next.seq, 3);
    assert.equal(next.prevHash, last?.hash);
    assert.deepEqual(await log.verifyChain(), { ok: true });
  });

  logTest(
    'a failed commit rejects its whole batch and the chain carries on from the last commit',
    async (t, place) => {
      const log = await opened(t, place);
      const before = await log.append(entry(0));

      // Another connection holding the write lock makes our commit fail.
      const release = await place.holdWriteLock();
      const results = await Promise.allSettled([1, 2, 3].map((i) => log.append(entry(i))));
      await release();
      assert.deepEqual(
        results.map((r) => r.status),
        ['rejected', 'rejected', 'rejected'],
      );
      assert.equal(log.size(), 1);
      assert.equal(await log.get('req-1'), undefined);
      assert.equal(log.stats().failedCommits, 1);

      // The rejected request ids were released, and numbering resumes right after the last committed record.
      const after = await log.append(entry(1));
      assert.equal(after.seq, 1);
      assert.equal(after.prevHash, before.hash);
      assert.deepEqual(await log.verifyChain(), { ok: true });
    },
  );

  logTest('a malformed or duplicate entry is refused on its own, without taking a seq', async (t, place) => {
    const log = await opened(t, place);
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
    assert.match(String((results[1] as PromiseRejectedResult).reason), /already in the audit log/);
    // Stray properties are not smuggled into the stored or hashed record.
    const extra = { ...entry(6), note: 'x' } as AuditEntry;
    const rec = await log.append(extra);
    assert.equal('note' in rec, false);
    assert.deepEqual(await log.bySeq(rec.seq), rec);
    assert.deepEqual(await log.verifyChain(), { ok: true });
  });

  logTest("an enterprise's log is its own records, newest first, paged by seq", async (t, place) => {
    const log = await opened(t, place);
    await Promise.all(Array.from({ length: 10 }, (_, i) => log.append(entry(i))));
    const page1 = await log.recordsOf('ENT-EVEN', 3);
    assert.deepEqual(
      page1.map((r) => r.seq),
      [8, 6, 4],
    );
    const page2 = await log.recordsOf('ENT-EVEN', 3, page1.at(-1)?.seq);
    assert.deepEqual(
      page2.map((r) => r.seq),
      [2, 0],
    );
    assert.ok((await log.recordsOf('ENT-ODD', 100)).every((r) => r.enterprise === 'ENT-ODD'));
    assert.deepEqual(await log.recordsOf('ENT-NONE', 5), []);
  });

  logTest('anchors: a record is proven against the first anchor covering it', async (t, place) => {
    const log = await place.open();
    let closed = false;
    t.after(() => (closed ? undefined : log.close()));
    await Promise.all(Array.from({ length: 7 }, (_, i) => log.append(entry(i))));
    assert.equal(log.anchoredSize(), 0);
    assert.equal(log.lastAnchor(), undefined);
    assert.equal(log.oldestUnanchoredAt(), Date.parse(entry(0).time));

    const anchor = async (sequence: number, firstRecord: number, treeSize: number): Promise<AuditAnchor> => ({
      sequence,
      firstRecord,
      recordCount: treeSize - firstRecord,
      treeSize,
      merkleRoot: merkleRoot(await log.leafHashes(0, treeSize)),
      anchorHash: leafHash(`anchor ${sequence}`),
      txId: `tx-${sequence}`,
      blockNumber: 10 + sequence,
    });
    await log.recordAnchor(await anchor(0, 0, 3));
    assert.equal(log.oldestUnanchoredAt(), Date.parse(entry(3).time));
    await log.recordAnchor(await anchor(1, 3, 7));
    assert.equal(log.oldestUnanchoredAt(), undefined);
    await assert.rejects(async () => log.recordAnchor(await anchor(2, 7, 7)), RangeError, 'must grow');
    await assert.rejects(
      async () => log.recordAnchor({ ...(await anchor(2, 7, 7)), recordCount: 2, treeSize: 9 }),
      RangeError,
      'cannot anchor unlogged records',
    );
    await assert.rejects(
      async () => log.recordAnchor({ ...(await anchor(2, 3, 7)), treeSize: 6 }),
      RangeError,
      'inconsistent counts',
    );
    await assert.rejects(
      async () => log.recordAnchor({ ...(await anchor(2, 3, 7)), merkleRoot: 'x' }),
      TypeError,
      'malformed root',
    );

    assert.equal(log.anchoredSize(), 7);
    assert.equal(log.lastAnchor()?.txId, 'tx-1');
    assert.equal((await log.anchorCovering(2))?.sequence, 0);
    assert.equal((await log.anchorCovering(3))?.sequence, 1);
    assert.equal(await log.anchorCovering(7), undefined);
    // A new record waits for the next anchor.
    await log.append(entry(7));
    assert.equal(log.oldestUnanchoredAt(), Date.parse(entry(7).time));

    // End to end with the SDK: the record's hash is a leaf of the anchored root.
    const record = await log.bySeq(4);
    const covering = await log.anchorCovering(4);
    assert.ok(record && covering);
    const proof = inclusionProof(await log.leafHashes(0, covering.treeSize), record.seq);
    assert.equal(
      verifyInclusion(record.hash, record.seq, covering.treeSize, proof, covering.merkleRoot),
      true,
    );

    // Anchors are read back on reopen; deleting records beyond what this process knows still shows as a break.
    await log.close();
    closed = true;
    await place.deleteFrom(5);
    const reopened = await opened(t, place);
    assert.equal(reopened.anchoredSize(), 7);
    assert.equal(reopened.lastAnchor()?.txId, 'tx-1');
    assert.deepEqual(await reopened.verifyChain(), { ok: false, brokenAt: 5 });
  });

  logTest('two logs are independent: each its own chain from seq 0', async (t, place) => {
    const other = await backend.place(t);
    const a = await opened(t, place);
    const b = await opened(t, other);
    const [ra, rb] = await Promise.all([
      Promise.all([0, 1, 2].map((i) => a.append(entry(i)))),
      Promise.all([0, 1].map((i) => b.append(entry(i, { gatewayId: 'gw-2' })))),
    ]);
    assert.deepEqual(
      ra.map((r) => r.seq),
      [0, 1, 2],
    );
    assert.deepEqual(
      rb.map((r) => r.seq),
      [0, 1],
    );
    assert.equal(rb[0]?.prevHash, GENESIS_HASH);
    assert.equal((await a.get('req-1'))?.gatewayId, 'gw-1');
    assert.equal((await b.get('req-1'))?.gatewayId, 'gw-2');
    assert.equal(await b.get('req-2'), undefined);
    assert.deepEqual(await a.verifyChain(), { ok: true });
    assert.deepEqual(await b.verifyChain(), { ok: true });
  });

  logTest(
    'after SIGKILL mid-stream, every acknowledged append is stored with an intact chain',
    async (t, place) => {
      const child = place.spawnAppender();
      const acked = new Map<number, string>();
      let buffered = '';
      let killedAt = 0;
      child.stdout?.setEncoding('utf8');
      child.stdout?.on('data', (chunk: string) => {
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

      const log = await opened(t, place);
      for (const [seq, requestId] of acked)
        assert.equal((await log.bySeq(seq))?.requestId, requestId, `acknowledged seq ${seq}`);
      assert.ok(log.size() >= acked.size);
      assert.deepEqual(await log.verifyChain(), { ok: true });
      const next = await log.append(entry(0));
      assert.equal(next.seq, log.size() - 1);
      assert.equal(next.prevHash, (await log.bySeq(next.seq - 1))?.hash);
      assert.deepEqual(await log.verifyChain(), { ok: true });
      t.diagnostic(
        `${backend.name}: ${acked.size} acknowledged (kill sent at ${killedAt}); the log holds ${log.size() - 1} records`,
      );
    },
  );
}
