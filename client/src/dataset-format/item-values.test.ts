import { expect } from 'chai';
import fc from 'fast-check';
import { ValueProblem, fromText } from './item-values.js';

/** Milliseconds to refuse one run of digits that ends in a letter, as a number. */
function refuseOnce(text: string): number {
  const t = process.hrtime.bigint();
  expect(() => fromText(text, 'number')).to.throw(ValueProblem);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/**
 * The best of nine refusals of `n` and of `10n` digits, taken in turns: a busy spell of the machine (CI runs
 * PostgreSQL and other suites beside it) then slows both sizes alike instead of deciding the ratio.
 */
function refuseTimes(n: number): { small: number; large: number } {
  const [short, long] = [`${'7'.repeat(n)}x`, `${'7'.repeat(10 * n)}x`];
  let [small, large] = [Infinity, Infinity];
  for (let i = 0; i < 9; i++) {
    small = Math.min(small, refuseOnce(short));
    large = Math.min(large, refuseOnce(long));
  }
  return { small, large };
}

describe('item values from text', () => {
  it('refusing a long malformed number takes time linear in its length, not quadratic', () => {
    // Ten times the text: about ten times the work when linear, a hundred times when quadratic (as it was).
    // Sizes large enough that a run takes milliseconds, not the timer's and scheduler's noise.
    const { small, large } = refuseTimes(50_000);
    expect(large / Math.max(small, 0.05), `50k: ${small} ms, 500k: ${large} ms`).to.be.below(30);
  });

  it('numbers are read as JavaScript reads decimal notation', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const text = String(n);
        if (/^-?\d/.test(text) || /^-?\.\d/.test(text)) expect(fromText(text, 'number')).to.equal(n);
      }),
    );
    for (const ok of ['1', '1.', '1.5', '.5', '-1e5', '+2.5E-3'])
      expect(fromText(ok, 'number')).to.be.a('number');
    for (const bad of ['1.2.3', 'e5', '1e', '.', '0x10', '1_000'])
      expect(() => fromText(bad, 'number'), bad).to.throw(ValueProblem);
  });
});
