import { expect } from 'chai';
import { RestartBackoff } from './restart-backoff.js';

describe('restarts that keep failing', () => {
  it('wait twice as long after each failure, up to the cap; one that succeeds forgets them', () => {
    let now = 0;
    const b = new RestartBackoff(2_000, 60_000, () => now);
    expect(b.due('gateway')).to.equal(true);
    const waits = [1, 2, 3, 4, 5, 6, 7].map(() => {
      const { waitMs } = b.failed('gateway');
      expect(b.due('gateway'), 'not before its wait').to.equal(false);
      now += waitMs;
      expect(b.due('gateway')).to.equal(true);
      return waitMs;
    });
    expect(waits).to.deep.equal([2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
    expect(b.due('clerk'), 'each process its own').to.equal(true);
    b.succeeded('gateway');
    expect(b.failed('gateway')).to.deep.equal({ count: 1, waitMs: 2_000 });
  });
});
