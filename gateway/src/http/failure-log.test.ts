/**
 * A failure every request meets alike (a full disk under the audit log) is logged once a period, with how many
 * more requests met it meanwhile, not once a request.
 */
import { expect } from 'chai';
import { FailureLog } from './failure-log.js';

describe('the log of a failure every request meets', () => {
  it('writes the first, then one line a period counting those in between', () => {
    const lines: string[] = [];
    let now = Date.parse('2026-12-07T03:00:00Z');
    const log = new FailureLog(
      10_000,
      (l) => lines.push(l),
      () => now,
    );
    const full = new Error('The audit record could not be written: database or disk is full');
    for (let i = 0; i < 5000; i++) {
      log.seen(full);
      now += 3;
    }
    // 15 s of failures: the first line, and one at 10 s counting the others before it.
    expect(lines).to.have.length(2);
    expect(lines[0]).to.equal(
      '2026-12-07T03:00:00.000Z The audit record could not be written: database or disk is full: the request was refused',
    );
    expect(lines[1]).to.match(
      /^2026-12-07T03:00:10\.002Z .*disk is full: the request was refused \(3333 more refused since the last such line\)$/,
    );
  });
});
