/**
 * The audit log's behaviour tests, run on each backend (SQLite and PostgreSQL) by audit-log.test.ts, so the
 * same assertions prove both. A backend gives fresh, empty places for logs, and the operations an operator with
 * database access could do behind the log's back (edit, delete, hold the write lock).
 */
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import {
  CompactMerkleTree,
  canonicalJson,
  inclusionProof,
  leafHash,
  merkleRoot,
  verifyInclusion,
} from '@rdx/client';
import {
  GENESIS_HASH,
  type AuditAnchor,
  type AuditEntry,
  type AuditLogOptions,
  type AuditLogStats,
  type AuditRecord,
} from './audit-log.js';
import { AUDIT_SECONDS_BUCKETS, AuditWriteError } from './audit-record.js';
import type { AuditSink, Awaitable } from '../services.js';
import { withCleanup, type Defer } from '../testing/cleanup.js';
import { countEventLoopTurns } from '../testing/event-loop-turns.js';
import { BLOCK, AuditTree } from './audit-tree.js';

/** What the tests use of a log: the SQLite AuditLog and the PostgreSQL PgAuditLog both fit. */
export interface TestAuditLog extends AuditSink {
  verifyChain(from?: number, to?: number): Awaitable<{ ok: boolean; brokenAt?: number }>;
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
  /** A fresh, empty place, removed after the test (through `defer`). */
  place(defer: Defer): Promise<AuditPlace>;
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

/** Declares every audit-log test for `backend` (in a `describe` of its own), named `[<backend>] …`. */
export function auditLogSuite(backend: AuditBackend): void {
  /** A test on this backend, with a fresh place; skipped (saying why) when the backend is not available. */
  const logTest = (name: string, fn: (defer: Defer, place: AuditPlace) => Promise<void>): void => {
    it(`[${backend.name}] ${name}`, async function () {
      const why = await backend.unavailable();
      if (why !== undefined) {
        console.log(`      skipped: ${why}`);
        this.skip();
      }
      await withCleanup(async (defer) => fn(defer, await backend.place(defer)));
    });
  };
  /** Opens a log that is closed after the test. */
  const opened = async (defer: Defer, place: AuditPlace, opts?: AuditLogOptions): Promise<TestAuditLog> => {
    const log = await place.open(opts);
    defer(() => log.close());
    return log;
  };

  describe(`on ${backend.name}`, () => {
    logTest('records are hash-chained and read back exactly as appended', async (defer, place) => {
      const log = await opened(defer, place);
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

      expect(records[0]?.prevHash).to.equal(GENESIS_HASH);
      for (const [i, r] of records.entries()) {
        expect(r.seq).to.equal(i);
        expect(r.hash).to.equal(expectedHash(r));
        if (i > 0) expect(r.prevHash).to.equal(records[i - 1]?.hash);
        expect(await log.get(r.requestId)).to.deep.equal(r);
        expect(await log.bySeq(i)).to.deep.equal(r);
      }
      // An absent optional field stays absent rather than coming back as null or undefined.
      expect('grantId' in ((await log.get('req-1')) ?? {})).to.equal(false);
      expect(await log.get('nope')).to.equal(undefined);
      expect(await log.bySeq(3)).to.equal(undefined);
      expect(log.size()).to.equal(3);
      expect(await log.leafHashes(1, 3)).to.deep.equal(records.slice(1).map((r) => r.hash));
      await expect((async () => log.leafHashes(0, 4))()).to.be.rejectedWith(RangeError);
      expect(await log.verifyChain()).to.deep.equal({ ok: true });
    });

    logTest('verifyChain finds an edited row, a re-hashed row and a deleted row', async (defer, place) => {
      const log = await opened(defer, place);
      await Promise.all(Array.from({ length: 6 }, (_, i) => log.append(entry(i))));
      expect(await log.verifyChain()).to.deep.equal({ ok: true });

      // Under-report how many rows record 2 returned.
      await place.update(2, { rowCount: 0 });
      expect(await log.verifyChain()).to.deep.equal({ ok: false, brokenAt: 2 });

      // Recomputing the edited record's own hash only moves the break to the next link.
      const edited = await log.bySeq(2);
      expect(edited).not.to.equal(undefined);
      await place.update(2, { hash: expectedHash(edited!) });
      expect(await log.verifyChain()).to.deep.equal({ ok: false, brokenAt: 3 });

      // Dropping the last record leaves a valid-looking chain, but fewer records than were acknowledged.
      await place.update(2, { rowCount: 2, hash: edited!.hash });
      expect(await log.verifyChain()).to.deep.equal({ ok: true });
      await place.deleteFrom(5);
      expect(await log.verifyChain()).to.deep.equal({ ok: false, brokenAt: 5 });
    });

    logTest(
      'a range of the chain is checked on its own, linked to the record before it',
      async (defer, place) => {
        const log = await opened(defer, place);
        await Promise.all(Array.from({ length: 8 }, (_, i) => log.append(entry(i))));
        await place.update(2, { rowCount: 0 });
        // A start-up check of the tail after record 3 does not read record 2; the whole-log check does.
        expect(await log.verifyChain(4)).to.deep.equal({ ok: true });
        expect(await log.verifyChain(0, 2)).to.deep.equal({ ok: true });
        expect(await log.verifyChain(0, 4)).to.deep.equal({ ok: false, brokenAt: 2 });
        // Record 5's stored hash changed: the range after it no longer links to it.
        await place.update(5, { hash: 'e'.repeat(64) });
        expect(await log.verifyChain(6)).to.deep.equal({ ok: false, brokenAt: 6 });
        await place.deleteFrom(7);
        expect(await log.verifyChain(7)).to.deep.equal({ ok: false, brokenAt: 7 });
      },
    );

    logTest(
      'the tree’s block roots are saved, so a reopened log’s tree reads only the records after them',
      async (defer, place) => {
        const n = 2 * BLOCK + 100;
        let log = await opened(defer, place);
        await Promise.all(Array.from({ length: n }, (_, i) => log.append(entry(i))));
        const reference = new CompactMerkleTree();
        for (const h of await log.leafHashes(0, n)) reference.append(h);
        const first = new AuditTree(log);
        await first.catchUp();
        expect(await first.root(n)).to.equal(reference.root());
        expect(first.blocksSaved).to.equal(2);
        await log.close();

        log = await opened(defer, place);
        const reads: [number, number][] = [];
        const leafHashes = log.leafHashes.bind(log);
        log.leafHashes = (from: number, to: number) => {
          reads.push([from, to]);
          return leafHashes(from, to);
        };
        expect(await log.treeBlocks?.()).to.have.length(2);
        const reopened = new AuditTree(log);
        await reopened.catchUp();
        expect(reads).to.deep.equal([[2 * BLOCK, n]]);
        expect(await reopened.root(n)).to.equal(reference.root());
        expect(await reopened.inclusionProof(5, n)).to.deep.equal(reference.inclusionProof(5, n));
        expect(await reopened.consistencyProof(BLOCK + 3, n)).to.deep.equal(
          reference.consistencyProof(BLOCK + 3, n),
        );
      },
    );

    logTest(
      '1000 concurrent appends get seq 0..999 in call order, in far fewer transactions',
      async (defer, place) => {
        const log = await opened(defer, place);
        const n = 1000;
        const started = performance.now();
        const records = await Promise.all(Array.from({ length: n }, (_, i) => log.append(entry(i))));
        const ms = performance.now() - started;

        records.forEach((r, i) => {
          expect(r.seq).to.equal(i);
          expect(r.requestId).to.equal(`req-${i}`);
        });
        const stats = log.stats();
        expect(stats.records).to.equal(n);
        expect(stats.commits, `${stats.commits} commits for ${n} records`).to.be.below(n / 10);
        expect(stats.largestBatch).to.be.at.most(256);
        expect(await log.verifyChain()).to.deep.equal({ ok: true });
        console.log(
          `${backend.name}: ${n} appends in ${ms.toFixed(1)} ms = ${Math.round((n / ms) * 1000)} appends/s, ${stats.commits} commits`,
        );

        // For comparison: one at a time, every append waits for its own commit.
        const one = performance.now();
        for (let i = n; i < n + 100; i++) await log.append(entry(i));
        const oneMs = performance.now() - one;
        console.log(
          `${backend.name}: 100 sequential appends in ${oneMs.toFixed(1)} ms = ${Math.round((100 / oneMs) * 1000)} appends/s`,
        );
      },
    );

    logTest(
      'a full batch commits at once instead of waiting out the group-commit window',
      async (defer, place) => {
        const log = await place.open({ groupCommitMs: 60_000, maxBatch: 4 });
        defer(() => log.close());
        const started = performance.now();
        const records = await Promise.all([0, 1, 2, 3].map((i) => log.append(entry(i))));
        expect(performance.now() - started).to.be.below(5_000);
        expect(records.map((r) => r.seq)).to.deep.equal([0, 1, 2, 3]);
        const { commitSeconds, waitSeconds, ...counts } = log.stats();
        const elapsed = (performance.now() - started) / 1000;
        expect(counts).to.deep.equal({
          commits: 1,
          records: 4,
          failedCommits: 0,
          largestBatch: 4,
          failing: undefined,
        });
        // The one commit's time, counted in every bucket from the first bound it fits under.
        expect(commitSeconds.sum).to.be.above(0).and.below(elapsed);
        const from = AUDIT_SECONDS_BUCKETS.findIndex((le) => commitSeconds.sum <= le);
        expect(commitSeconds.atMost).to.deep.equal(
          AUDIT_SECONDS_BUCKETS.map((_, i) => (from !== -1 && i >= from ? 1 : 0)),
        );
        // Each of the four appends waited for that commit, queued before it began.
        expect(waitSeconds.sum)
          .to.be.at.least(4 * commitSeconds.sum)
          .and.below(4 * elapsed);
        expect(waitSeconds.atMost.at(-1), 'every record within the largest bound').to.equal(4);
        // close() commits what is still waiting in the window rather than dropping it.
        const pending = log.append(entry(4));
        await log.close();
        expect((await pending).seq).to.equal(4);
        await expect(log.append(entry(5))).to.be.rejectedWith(/closed/);
      },
    );

    logTest('reopening continues the chain where it ended', async (defer, place) => {
      const first = await place.open();
      await Promise.all([0, 1, 2].map((i) => first.append(entry(i))));
      const last = await first.bySeq(2);
      await first.close();

      const log = await opened(defer, place);
      expect(log.size()).to.equal(3);
      const next = await log.append(entry(3));
      expect(next.seq).to.equal(3);
      expect(next.prevHash).to.equal(last?.hash);
      expect(await log.verifyChain()).to.deep.equal({ ok: true });
    });

    logTest(
      'an anchor recorded while another connection holds the write lock waits off the event loop',
      async (defer, place) => {
        const log = await opened(defer, place);
        await Promise.all([0, 1, 2].map((i) => log.append(entry(i))));
        const release = await place.holdWriteLock();
        let released = false;
        defer(() => (released ? undefined : release()));
        // Turns of the event loop are counted for 100 ms, whether or not the anchor is recorded by then (on
        // PostgreSQL the anchor does not wait for this lock).
        const turnsSoFar = countEventLoopTurns();
        defer(() => void turnsSoFar());
        const recorded = (async () =>
          log.recordAnchor({
            sequence: 1,
            firstRecord: 0,
            recordCount: 3,
            treeSize: 3,
            merkleRoot: merkleRoot(await log.leafHashes(0, 3)),
            anchorHash: leafHash('anchor 1'),
            txId: 'tx-1',
            blockNumber: 11,
          }))();
        recorded.catch(() => undefined); // awaited below, after the lock is released
        // Requests go on meanwhile: recorded on the event loop, the anchor held it for the lock's whole wait.
        await new Promise((resolve) => setTimeout(resolve, 100));
        const turns = turnsSoFar();
        expect(turns, 'turns of the event loop while the lock was held').to.be.at.least(10);
        released = true;
        await release();
        await recorded;
        expect(log.lastAnchor()?.txId).to.equal('tx-1');
        expect(log.anchoredSize()).to.equal(3);
      },
    );

    logTest(
      'a failed commit rejects its whole batch and the chain carries on from the last commit',
      async (defer, place) => {
        const log = await opened(defer, place);
        const before = await log.append(entry(0));

        // Another connection holding the write lock makes our commit fail.
        const release = await place.holdWriteLock();
        const results = await Promise.allSettled([1, 2, 3].map((i) => log.append(entry(i))));
        await release();
        expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'rejected', 'rejected']);
        // As what the gateway answers 503 AUDIT_UNWRITABLE to, and counted as failing until a commit succeeds.
        for (const r of results)
          expect((r as PromiseRejectedResult).reason).to.be.instanceOf(AuditWriteError);
        expect(log.size()).to.equal(1);
        expect(await log.get('req-1')).to.equal(undefined);
        expect(log.stats().failedCommits).to.equal(1);
        expect(log.failing?.()?.error).to.be.a('string').and.have.length.above(0);
        expect(log.failing?.()?.lasting, 'a lock held elsewhere passes').to.equal(false);

        // The rejected request ids were released, and numbering resumes right after the last committed record.
        const after = await log.append(entry(1));
        expect(after.seq).to.equal(1);
        expect(after.prevHash).to.equal(before.hash);
        expect(await log.verifyChain()).to.deep.equal({ ok: true });
        expect(log.failing?.(), 'failing no more once a commit succeeded').to.equal(undefined);
      },
    );

    logTest(
      'a chain cut short behind the log’s back is not continued: the next batch is refused, nothing written',
      async (defer, place) => {
        const log = await opened(defer, place);
        for (const i of [0, 1, 2]) await log.append(entry(i));
        await place.deleteFrom(2);
        await expect(log.append(entry(3))).to.be.rejectedWith(/changed by another writer/);
        expect(log.size()).to.equal(3);
        expect(log.stats().failedCommits).to.equal(1);
        expect(await log.get('req-3')).to.equal(undefined);
        expect(await log.verifyChain()).to.deep.equal({ ok: false, brokenAt: 2 });
      },
    );

    logTest(
      'a malformed or duplicate entry is refused on its own, without taking a seq',
      async (defer, place) => {
        const log = await opened(defer, place);
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
        expect(results.map((r) => (r.status === 'fulfilled' ? r.value.seq : 'rejected'))).to.deep.equal([
          1,
          'rejected',
          'rejected',
          'rejected',
          'rejected',
          'rejected',
          2,
        ]);
        expect(String((results[1] as PromiseRejectedResult).reason)).to.match(/already in the audit log/);
        // A request id logged before is refused on its own: its batch's other appends are committed, and no
        // commit counts as failed.
        expect(log.stats().failedCommits).to.equal(0);
        // Stray properties are not smuggled into the stored or hashed record.
        const extra = { ...entry(6), note: 'x' } as AuditEntry;
        const rec = await log.append(extra);
        expect('note' in rec).to.equal(false);
        expect(await log.bySeq(rec.seq)).to.deep.equal(rec);
        expect(await log.verifyChain()).to.deep.equal({ ok: true });
      },
    );

    logTest("an enterprise's log is its own records, newest first, paged by seq", async (defer, place) => {
      const log = await opened(defer, place);
      await Promise.all(Array.from({ length: 10 }, (_, i) => log.append(entry(i))));
      const page1 = await log.recordsOf('ENT-EVEN', 3);
      expect(page1.map((r) => r.seq)).to.deep.equal([8, 6, 4]);
      const page2 = await log.recordsOf('ENT-EVEN', 3, page1.at(-1)?.seq);
      expect(page2.map((r) => r.seq)).to.deep.equal([2, 0]);
      expect((await log.recordsOf('ENT-ODD', 100)).every((r) => r.enterprise === 'ENT-ODD')).to.equal(true);
      expect(await log.recordsOf('ENT-NONE', 5)).to.deep.equal([]);
    });

    logTest('anchors: a record is proven against the first anchor covering it', async (defer, place) => {
      const log = await place.open();
      let closed = false;
      defer(() => (closed ? undefined : log.close()));
      await Promise.all(Array.from({ length: 7 }, (_, i) => log.append(entry(i))));
      expect(log.anchoredSize()).to.equal(0);
      expect(log.lastAnchor()).to.equal(undefined);
      expect(log.oldestUnanchoredAt()).to.equal(Date.parse(entry(0).time));

      const anchor = async (
        sequence: number,
        firstRecord: number,
        treeSize: number,
      ): Promise<AuditAnchor> => ({
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
      expect(log.oldestUnanchoredAt()).to.equal(Date.parse(entry(3).time));
      await log.recordAnchor(await anchor(1, 3, 7));
      expect(log.oldestUnanchoredAt()).to.equal(undefined);
      await expect((async () => log.recordAnchor(await anchor(2, 7, 7)))(), 'must grow').to.be.rejectedWith(
        RangeError,
      );
      await expect(
        (async () => log.recordAnchor({ ...(await anchor(2, 7, 7)), recordCount: 2, treeSize: 9 }))(),
        'cannot anchor unlogged records',
      ).to.be.rejectedWith(RangeError);
      await expect(
        (async () => log.recordAnchor({ ...(await anchor(2, 3, 7)), treeSize: 6 }))(),
        'inconsistent counts',
      ).to.be.rejectedWith(RangeError);
      await expect(
        (async () => log.recordAnchor({ ...(await anchor(2, 3, 7)), merkleRoot: 'x' }))(),
        'malformed root',
      ).to.be.rejectedWith(TypeError);

      expect(log.anchoredSize()).to.equal(7);
      expect(log.lastAnchor()?.txId).to.equal('tx-1');
      expect((await log.anchorCovering(2))?.sequence).to.equal(0);
      expect((await log.anchorCovering(3))?.sequence).to.equal(1);
      expect(await log.anchorCovering(7)).to.equal(undefined);
      // A new record waits for the next anchor.
      await log.append(entry(7));
      expect(log.oldestUnanchoredAt()).to.equal(Date.parse(entry(7).time));

      // End to end with the SDK: the record's hash is a leaf of the anchored root.
      const record = await log.bySeq(4);
      const covering = await log.anchorCovering(4);
      expect(record).not.to.equal(undefined);
      expect(covering).not.to.equal(undefined);
      const proof = inclusionProof(await log.leafHashes(0, covering!.treeSize), record!.seq);
      expect(
        verifyInclusion(record!.hash, record!.seq, covering!.treeSize, proof, covering!.merkleRoot),
      ).to.equal(true);

      // Anchors are read back on reopen; deleting records beyond what this process knows still shows as a break.
      await log.close();
      closed = true;
      await place.deleteFrom(5);
      const reopened = await opened(defer, place);
      expect(reopened.anchoredSize()).to.equal(7);
      expect(reopened.lastAnchor()?.txId).to.equal('tx-1');
      expect(await reopened.verifyChain()).to.deep.equal({ ok: false, brokenAt: 5 });
    });

    logTest('two logs are independent: each its own chain from seq 0', async (defer, place) => {
      const other = await backend.place(defer);
      const a = await opened(defer, place);
      const b = await opened(defer, other);
      const [ra, rb] = await Promise.all([
        Promise.all([0, 1, 2].map((i) => a.append(entry(i)))),
        Promise.all([0, 1].map((i) => b.append(entry(i, { gatewayId: 'gw-2' })))),
      ]);
      expect(ra.map((r) => r.seq)).to.deep.equal([0, 1, 2]);
      expect(rb.map((r) => r.seq)).to.deep.equal([0, 1]);
      expect(rb[0]?.prevHash).to.equal(GENESIS_HASH);
      expect((await a.get('req-1'))?.gatewayId).to.equal('gw-1');
      expect((await b.get('req-1'))?.gatewayId).to.equal('gw-2');
      expect(await b.get('req-2')).to.equal(undefined);
      expect(await a.verifyChain()).to.deep.equal({ ok: true });
      expect(await b.verifyChain()).to.deep.equal({ ok: true });
    });

    logTest(
      'after SIGKILL mid-stream, every acknowledged append is stored with an intact chain',
      async (defer, place) => {
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
        expect(signal, `child exited with code ${code} instead of being killed`).to.equal('SIGKILL');
        expect(killedAt, `only ${acked.size} acknowledgements before the child died`).to.be.at.least(300);

        const log = await opened(defer, place);
        for (const [seq, requestId] of acked)
          expect((await log.bySeq(seq))?.requestId, `acknowledged seq ${seq}`).to.equal(requestId);
        expect(log.size()).to.be.at.least(acked.size);
        expect(await log.verifyChain()).to.deep.equal({ ok: true });
        const next = await log.append(entry(0));
        expect(next.seq).to.equal(log.size() - 1);
        expect(next.prevHash).to.equal((await log.bySeq(next.seq - 1))?.hash);
        expect(await log.verifyChain()).to.deep.equal({ ok: true });
        console.log(
          `${backend.name}: ${acked.size} acknowledged (kill sent at ${killedAt}); the log holds ${log.size() - 1} records`,
        );
      },
    );
  });
}
