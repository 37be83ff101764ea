/**
 * The mechanism of computed results on restricted data (privacy.ts), on exact groups as the store gives them:
 * what shows of a group must not change exactly with one record. routes/aggregate.test.ts runs the attacks
 * through the endpoint.
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import { GROUP_RELEASE_DELTA, privatize, releaseThreshold, type NoisyQuery } from './privacy.js';

const query = (seed: string): NoisyQuery => ({
  key: crypto.randomBytes(32),
  seed,
  epsilon: 0.5,
  minGroupSize: 10,
  bounds: { penalty: 5000 },
  measures: [
    { op: 'count', key: 'count(*)' },
    { op: 'sum', item: 'penalty', key: 'sum(penalty)' },
    { op: 'avg', item: 'penalty', key: 'avg(penalty)' },
  ],
});

describe('privatize: differentially private groups', () => {
  it('a sparse item sums to a noisy number whether or not the one record holding a value is in the group', () => {
    // Two hundred firms of a district, one of them fined: with it the exact sum is the fine; without it, every
    // value is empty. A null there said exactly whether the fined firm matched the filter.
    for (let i = 0; i < 20; i++) {
      const q = query(`run ${i}`);
      const withTarget = privatize([{ keys: { district: 'A' }, count: 400, sums: { penalty: 4200 } }], q);
      const without = privatize([{ keys: { district: 'A' }, count: 399, sums: { penalty: null } }], q);
      for (const row of [...withTarget, ...without]) {
        expect(row['sum(penalty)']).to.be.a('number');
        expect(row['avg(penalty)']).to.be.a('number');
      }
    }
  });

  it('a group shows only past the release threshold, judged before the count is rounded', () => {
    // ε 0.5 over a count and one sum: each gets 0.25, the count's noise scale is 4.
    const threshold = releaseThreshold(10, 4);
    expect(threshold).to.be.closeTo(1 + 4 * Math.log(1 / (2 * GROUP_RELEASE_DELTA)), 1e-9);
    let shown = 0;
    for (let i = 0; i < 2000; i++) {
      const rows = privatize([{ keys: { d: 'A' }, count: 60, sums: { penalty: 0 } }], query(`t ${i}`));
      for (const row of rows) {
        shown++;
        expect(row['count(*)'], 'a count shown is past the threshold').to.be.at.least(Math.round(threshold));
      }
    }
    // 60 rows is under the threshold (≈ 71.9): only the noise's upper tail shows it, about e^-3 / 2 of the time.
    expect(shown).to.be.within(20, 90);
  });
});
