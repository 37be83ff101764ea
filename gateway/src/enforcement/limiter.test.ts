/** The per-grant rate limit: a token bucket read at the app's clock. */
import { expect } from 'chai';
import fc from 'fast-check';
import { Limiter } from './limiter.js';

describe('the rate limiter (a token bucket per grant)', () => {
  it('lets a burst through, refuses the next call, and refills at its rate', () => {
    const limiter = new Limiter(2);
    expect([0, 0, 0].map((t) => limiter.take('g', 1_000 + t))).to.deep.equal([true, true, false]);
    expect(limiter.take('g', 1_250), 'half a token back').to.equal(false);
    expect(limiter.take('g', 1_500), 'a whole token back').to.equal(true);
    expect(limiter.take('other', 1_500), 'each grant has its own bucket').to.equal(true);
  });

  it('a clock stepped back neither refills the bucket nor drains it', () => {
    const limiter = new Limiter(2);
    expect(limiter.take('g', 10_000)).to.equal(true);
    // NTP steps the clock back ten seconds: the token left is still there, and no more.
    expect(limiter.take('g', 0)).to.equal(true);
    expect(limiter.take('g', 0)).to.equal(false);
  });

  it('never grants more than its burst and what its rate added over the time that went forward', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: -2_000, max: 2_000 }), { minLength: 1, maxLength: 60 }),
        (rate, steps) => {
          const limiter = new Limiter(rate);
          let now = 1_000_000;
          let forward = 0;
          let granted = 0;
          for (const step of steps) {
            if (step > 0) forward += step;
            now += step;
            if (limiter.take('g', now)) granted++;
          }
          expect(granted).to.be.at.most(rate + Math.floor((forward / 1000) * rate));
        },
      ),
      { numRuns: 300 },
    );
  });
});
