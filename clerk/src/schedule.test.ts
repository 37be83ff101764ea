import { expect } from 'chai';
import fc from 'fast-check';
import { AFTER_MIDNIGHT_MS, nextChinaMidnight, nextRoundAt } from './schedule.js';

const HOUR = 3_600_000;
const at = (iso: string): number => Date.parse(iso);

describe('clerk schedule', () => {
  it('midnight in China is 16:00 UTC of the day before', () => {
    expect(nextChinaMidnight(at('2026-03-02T15:59:59Z'))).to.equal(at('2026-03-02T16:00:00Z'));
    expect(nextChinaMidnight(at('2026-03-02T16:00:00Z'))).to.equal(at('2026-03-03T16:00:00Z'));
    expect(nextChinaMidnight(at('2026-12-31T17:00:00Z'))).to.equal(at('2027-01-01T16:00:00Z'));
  });

  it('the next China midnight is always later, within a day, and a midnight', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (now) => {
        const m = nextChinaMidnight(now);
        expect(m).to.be.above(now);
        expect(m - now).to.be.at.most(86_400_000);
        expect(new Date(m + 8 * HOUR).toISOString().slice(11)).to.equal('00:00:00.000Z');
      }),
    );
  });

  it('a round runs just after midnight, or after the interval if that comes first', () => {
    const evening = at('2026-03-02T15:30:00Z'); // 23:30 in China
    expect(nextRoundAt(evening, HOUR)).to.equal(at('2026-03-02T16:00:00Z') + AFTER_MIDNIGHT_MS);
    const morning = at('2026-03-02T01:00:00Z');
    expect(nextRoundAt(morning, HOUR)).to.equal(morning + HOUR);
  });

  it('after rounds that could not reach the ledger it retries sooner, backing off to the interval', () => {
    const now = at('2026-03-02T01:00:00Z');
    const waits = [1, 2, 3, 4, 8, 40].map((n) => nextRoundAt(now, HOUR, n) - now);
    expect(waits).to.deep.equal([5_000, 10_000, 20_000, 40_000, 5_000 * 2 ** 7, HOUR]);
  });
});
