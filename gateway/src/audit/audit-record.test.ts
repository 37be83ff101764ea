/**
 * The counters both audit logs keep of their commits and their appends' waits, as the gateway's /metrics shows them;
 * the hash the logs chain each record with; the well-formed text of a request's entry.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { auditRecordHash as verifiersHash } from '@rdx/client';
import {
  AUDIT_SECONDS_BUCKETS,
  auditRecordHash,
  chainRecords,
  normalizeEntry,
  copyStats,
  countCommit,
  emptyCounters,
  failBatch,
  failingNow,
  settleBatch,
  type AuditEntry,
  type AuditRecord,
  type Pending,
  wellFormedEntry,
} from './audit-record.js';

describe('audit log counters', () => {
  it('counts each commit into every bucket whose bound it is within, and the slowest into none', () => {
    const stats = emptyCounters();
    countCommit(stats, 3, 0.0015); // within 2 ms and every larger bound
    countCommit(stats, 1, 0.0005); // exactly on the first bound
    countCommit(stats, 2, 3); // above the largest bound: only in the count (+Inf)
    expect(copyStats(stats)).to.deep.include({ commits: 3, records: 6, largestBatch: 3 });
    const { sum, count, atMost } = stats.commitSeconds.read();
    expect(sum).to.be.closeTo(3.002, 1e-9);
    expect(count, 'every commit, the slowest too').to.equal(3);
    const expected = AUDIT_SECONDS_BUCKETS.map((le) => (le >= 0.002 ? 2 : le >= 0.0005 ? 1 : 0));
    expect(expected.slice(0, 3), 'the first three bounds: 0.5, 1 and 2 ms').to.deep.equal([1, 1, 2]);
    expect(atMost).to.deep.equal(expected);
  });

  it('settling a batch counts how long each append waited, from when it was queued to now', () => {
    const stats = emptyCounters();
    const resolved: string[] = [];
    const pending = (requestId: string, queuedAt: number): Pending => ({
      entry: { requestId } as Pending['entry'],
      queuedAt,
      resolve: () => resolved.push(requestId),
      reject: () => undefined,
    });
    const now = performance.now();
    // One queued 30 ms ago (it waited behind a slow commit), one just now; the third got no record.
    const batch = [pending('a', now - 30), pending('b', now), pending('c', now)];
    const ids = new Set(['a', 'b', 'c']);
    settleBatch(batch, [{} as AuditRecord, {} as AuditRecord], ids, stats);
    expect(resolved).to.deep.equal(['a', 'b']);
    expect(ids.size).to.equal(0);
    const { sum, count, atMost } = stats.waitSeconds.read();
    expect(count).to.equal(2);
    expect(sum).to.be.at.least(0.03).and.below(1);
    const at = (le: number): number => atMost[(AUDIT_SECONDS_BUCKETS as readonly number[]).indexOf(le)]!;
    expect(at(0.02), 'within 20 ms: the one just queued').to.equal(1);
    expect(at(1), 'within 1 s: both').to.equal(2);
  });

  it('a copy of the counters does not move with the log', () => {
    const stats = emptyCounters();
    countCommit(stats, 1, 0.001);
    const kept = copyStats(stats);
    countCommit(stats, 1, 0.001);
    stats.waitSeconds.observe(0.0001);
    expect(kept.commits).to.equal(1);
    expect(kept.commitSeconds).to.deep.equal({
      sum: 0.001,
      count: 1,
      atMost: AUDIT_SECONDS_BUCKETS.map((le) => (le >= 0.001 ? 1 : 0)),
    });
    expect(kept.waitSeconds.count).to.equal(0);
    expect(kept.waitSeconds.atMost[0]).to.equal(0);
  });
  it('a stalled commit counts as failing (for readiness and the gauge) until it returns, and keeps a failure lasting', () => {
    const counters = emptyCounters();
    expect(failingNow(counters)).to.equal(undefined);
    const stalled = failingNow(counters, 7_400);
    expect(stalled?.error).to.equal('a commit has not returned for 7 s');
    expect(stalled?.lasting).to.equal(false);
    expect(Date.now() - stalled!.since).to.be.within(7_400, 8_400);
    expect(Date.now() - stalled!.last).to.be.below(1_000);
    expect(copyStats(counters, 7_400).failing?.error).to.equal(stalled?.error);

    // A failure that lasts (the file deleted) still lasts while a later commit hangs.
    failBatch([], Object.assign(new Error('the file is gone'), { lasting: true }), new Set(), counters);
    expect(failingNow(counters, 6_000)?.lasting).to.equal(true);
    expect(failingNow(counters)?.error).to.equal('the file is gone');
  });
});

describe('the hash a log chains each record with', () => {
  // Well-formed text of any plane (what normalizeEntry accepts), ending in characters JSON escapes or encodes.
  const text = fc.string({ unit: 'grapheme', maxLength: 12 }).map((t) => `${t}"\\\n丽水😀`);
  const required = fc.record({
    time: text,
    requestId: text.map((t) => `r${t}`),
    gatewayId: text,
    method: text,
    path: text,
    decision: fc.constantFrom('allow' as const, 'deny' as const),
    reason: text,
    items: fc.array(text, { maxLength: 4 }),
    rowCount: fc.nat(),
    status: fc.integer({ min: -1, max: 999 }),
  });
  // Each optional field present in some entries and absent in others.
  const optional = fc.record(
    { clientId: text, enterprise: text, datasetId: text, grantId: text, responseHash: text, query: text },
    { requiredKeys: [] },
  );
  const entry: fc.Arbitrary<AuditEntry> = fc.tuple(required, optional).map(([r, o]) => ({ ...r, ...o }));

  it('is the canonical-JSON hash anyone recomputes from the record, the SDK verifying a receipt too', () => {
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 3 }), fc.nat(), (entries, seq) => {
        const records = chainRecords(
          entries.map((e) => normalizeEntry(e)),
          seq,
          '0'.repeat(64),
        );
        for (const r of records) {
          expect(r.hash).to.equal(auditRecordHash(r));
          expect(r.hash).to.equal(verifiersHash(r as unknown as Record<string, unknown>));
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe("a request's entry: well-formed text", () => {
  const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
  const TEXT_FIELDS = [
    'time',
    'requestId',
    'gatewayId',
    'method',
    'path',
    'reason',
    'clientId',
    'enterprise',
    'datasetId',
    'grantId',
    'responseHash',
    'query',
  ] as const;
  /** Any UTF-16 text, lone surrogates included. */
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 20 }),
    fc.constantFrom('\ud800', 'a\udc00', '丽水\ud83d', '😀'),
  );
  const entry: fc.Arbitrary<AuditEntry> = fc
    .tuple(fc.array(text, { minLength: TEXT_FIELDS.length, maxLength: TEXT_FIELDS.length }), fc.array(text))
    .map(([texts, items]) => ({
      ...(Object.fromEntries(TEXT_FIELDS.map((field, k) => [field, `${field}:${texts[k]}`])) as Omit<
        AuditEntry,
        'decision' | 'items' | 'rowCount' | 'status'
      >),
      decision: 'deny',
      items,
      rowCount: 0,
      status: 400,
    }));

  it('every text field and item is made well-formed, each lone surrogate U+FFFD, and well-formed text kept as it was', () => {
    fc.assert(
      fc.property(entry, (e) => {
        const made = wellFormedEntry(e);
        for (const field of TEXT_FIELDS) {
          expect(LONE.test(made[field]!), field).to.equal(false);
          expect(made[field], field).to.equal(e[field]!.replace(new RegExp(LONE, 'g'), '\ufffd'));
        }
        expect(made.items).to.deep.equal(e.items.map((i) => i.replace(new RegExp(LONE, 'g'), '\ufffd')));
        // What it made is what a log takes, even copied (a log then checks it as any other entry).
        expect(normalizeEntry({ ...made })).to.deep.equal(made);
      }),
      { numRuns: 300 },
    );
  });

  it('a log refuses an entry made elsewhere with a lone surrogate, naming the field', () => {
    const e: AuditEntry = {
      time: '2026-01-01T00:00:00.000Z',
      requestId: 'r-1',
      gatewayId: 'gw1',
      method: 'GET',
      path: '/v1/datasets/d1/records',
      decision: 'deny',
      reason: 'QUERY_INVALID',
      items: ['name', 'district\ud800'],
      rowCount: 0,
      status: 400,
    };
    expect(() => normalizeEntry(e)).to.throw(TypeError, 'items[1] is not well-formed Unicode');
    expect(normalizeEntry(wellFormedEntry(e)).items).to.deep.equal(['name', 'district\ufffd']);
  });

  it("a log's stricter rule for text still applies to an entry made well-formed", () => {
    const noDigits = (t: string, what: string): string => {
      if (/\d/.test(t)) throw new TypeError(`${what} has a digit`);
      return t;
    };
    const made = wellFormedEntry({
      time: 'now',
      requestId: 'r',
      gatewayId: 'gw',
      method: 'GET',
      path: '/p\ud800',
      decision: 'allow',
      reason: 'OK',
      items: ['x9'],
      rowCount: 1,
      status: 200,
    });
    expect(() => normalizeEntry(made, noDigits)).to.throw(TypeError, 'items[0] has a digit');
  });
});
