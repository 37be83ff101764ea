/** What an operator reads on /metrics about the audit log's commits, after real data calls through the gateway. */
import { expect } from 'chai';
import { DS } from '../testing/fixtures.js';
import { assertOk, startHarness } from '../testing/harness.js';

describe("/metrics: the audit log commit times and the records' waits", () => {
  it("every data call is in a counted commit and its record's wait is counted; the buckets climb to the count, the sums are their times", async () => {
    const h = await startHarness();
    try {
      const read = async (): Promise<Map<string, number>> => {
        const text = await h.scrape();
        const lines = text
          .split('\n')
          .filter((l) => l.startsWith('rdx_audit_commit_seconds') || l.startsWith('rdx_audit_wait_seconds'));
        return new Map(
          lines.map((l) => [l.slice(0, l.lastIndexOf(' ')), Number(l.slice(l.lastIndexOf(' ') + 1))]),
        );
      };
      const before = await read();
      expect(before.get('rdx_audit_commit_seconds_count')).to.equal(0);
      const started = performance.now();
      for (let i = 0; i < 3; i++)
        assertOk(await h.get(`/v1/datasets/${DS.PEOPLE}/records?limit=1`, { as: 'AA' }));
      const elapsed = (performance.now() - started) / 1000;
      const after = await read();
      const count = after.get('rdx_audit_commit_seconds_count')!;
      // One request at a time: each call's record is a commit of its own.
      expect(count, 'commits').to.equal(3);
      /** The histogram's buckets climb, each at least the one before it, up to the count (+Inf). */
      const expectClimbing = (name: string, total: number): void => {
        expect(after.get(`${name}_bucket{le="+Inf"}`)).to.equal(total);
        const buckets = [...after].filter(
          ([k]) => k.startsWith(`${name}_bucket{le="`) && !k.includes('+Inf'),
        );
        expect(buckets).to.have.length.above(5);
        buckets.forEach(([k, v], i) => {
          expect(v, k).to.be.at.most(total);
          if (i > 0)
            expect(v, `${k} counts what the bucket before it counted`).to.be.at.least(buckets[i - 1]![1]);
        });
      };
      expectClimbing('rdx_audit_commit_seconds', count);
      expect(after.get('rdx_audit_commit_seconds_sum')).to.be.above(0).and.below(elapsed);
      // A commit on a test machine's disk takes far less than the largest bound, a second.
      expect(after.get('rdx_audit_commit_seconds_bucket{le="1"}'), 'commits within 1 s').to.equal(count);
      // Each call's record waited for its commit, from its append: longer than the commit took, since it was
      // queued a turn before its batch was handed to the writer (the same sums would be one histogram read twice).
      expect(before.get('rdx_audit_wait_seconds_count')).to.equal(0);
      expect(after.get('rdx_audit_wait_seconds_count'), 'records').to.equal(3);
      expectClimbing('rdx_audit_wait_seconds', 3);
      expect(after.get('rdx_audit_wait_seconds_sum'))
        .to.be.above(after.get('rdx_audit_commit_seconds_sum')!)
        .and.below(elapsed);
    } finally {
      await h.close();
    }
  });
});
