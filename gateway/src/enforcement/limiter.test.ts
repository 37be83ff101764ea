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

  describe('callers from ever new addresses do not grow it without end', () => {
    it('once it holds its most, a bucket full again is forgotten and one still drained is kept', () => {
      const limiter = new Limiter(1, 1, 3);
      expect(limiter.take('a', 0)).to.equal(true);
      expect(limiter.take('b', 5000)).to.equal(true);
      expect(limiter.take('c', 5000)).to.equal(true);
      expect(limiter.take('d', 5000), 'a fourth address: a, full again since 1 s, is forgotten').to.equal(
        true,
      );
      expect(limiter.size).to.equal(3);
      expect(limiter.take('b', 5000), 'b, drained, is still refused').to.equal(false);
      expect(limiter.take('a', 5000), 'a comes back with a full bucket, as it had').to.equal(true);
      expect(limiter.take('a', 5000)).to.equal(false);
    });

    it('100 000 addresses, or 5000 at once, leave it within its most', () => {
      const slow = new Limiter(1, 1, 1000);
      for (let i = 0; i < 100_000; i++) slow.take(`address-${i}`, i * 2);
      expect(slow.size).to.be.at.most(1000);
      // Every bucket in use (all within one refill): the oldest go, the latest keep theirs.
      const flood = new Limiter(1, 1, 1000);
      for (let i = 0; i < 5000; i++) flood.take(`address-${i}`, 0);
      expect(flood.size).to.be.at.most(1000);
      expect(flood.take('address-4999', 0)).to.equal(false);
    });
  });
});
