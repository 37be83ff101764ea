/** The event loop's lag, as /metrics shows it: a stall of the process is counted at its length. */
import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOOP_LAG_BUCKETS, LoopLag } from './loop-lag.js';

describe('the event loop lag', () => {
  it('counts a 150 ms stall of the loop as a lag above 0.1 s', async () => {
    const lag = new LoopLag(5);
    try {
      await sleep(30);
      const before = lag.read();
      const until = performance.now() + 150;
      while (performance.now() < until); // the stall: nothing else runs meanwhile
      await sleep(30);
      const after = lag.read();
      const at = (counts: typeof after, le: number): number =>
        counts.atMost[(LOOP_LAG_BUCKETS as readonly number[]).indexOf(le)]!;
      expect(after.count, 'timers counted after the stall').to.be.above(before.count);
      // Above 0.1 s (a busy machine may stretch it, so the upper bound is the histogram's largest, 1 s).
      expect(
        at(after, 1) - at(before, 1) - (at(after, 0.1) - at(before, 0.1)),
        'lags in (0.1, 1] s',
      ).to.be.at.least(1);
      expect(after.sum - before.sum).to.be.at.least(0.14);
      expect(after.atMost.at(-1)).to.equal(after.count);
    } finally {
      lag.stop();
    }
  });
});
