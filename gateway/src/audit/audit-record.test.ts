/** The counters both audit logs keep of their commits, as the gateway's /metrics shows them. */
import { expect } from 'chai';
import { COMMIT_SECONDS_BUCKETS, copyStats, countCommit, emptyStats } from './audit-record.js';

describe('audit log counters', () => {
  it('counts each commit into every bucket whose bound it is within, and the slowest into none', () => {
    const stats = emptyStats();
    countCommit(stats, 3, 0.0015); // within 2 ms and every larger bound
    countCommit(stats, 1, 0.0005); // exactly on the first bound
    countCommit(stats, 2, 3); // above the largest bound: only in the count (+Inf)
    expect(stats).to.deep.include({ commits: 3, records: 6, largestBatch: 3 });
    expect(stats.commitSeconds.sum).to.be.closeTo(3.002, 1e-9);
    const expected = COMMIT_SECONDS_BUCKETS.map((le) => (le >= 0.002 ? 2 : le >= 0.0005 ? 1 : 0));
    expect(expected.slice(0, 3), 'the first three bounds: 0.5, 1 and 2 ms').to.deep.equal([1, 1, 2]);
    expect(stats.commitSeconds.atMost).to.deep.equal(expected);
  });

  it('a copy of the counters does not move with the log', () => {
    const stats = emptyStats();
    countCommit(stats, 1, 0.001);
    const kept = copyStats(stats);
    countCommit(stats, 1, 0.001);
    expect(kept.commits).to.equal(1);
    expect(kept.commitSeconds.atMost[1]).to.equal(1);
    expect(kept.commitSeconds.sum).to.equal(0.001);
  });
});
