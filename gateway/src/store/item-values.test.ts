import { expect } from 'chai';
import fc from 'fast-check';
import { ValueProblem, fromText } from './item-values.js';

/**
 * Milliseconds to refuse a run of `n` digits that ends in a letter, as a number: the best of five, so that a
 * busy machine (CI runs other suites beside it) disturbs one run, not the figure.
 */
function refuseTime(n: number): number {
  const text = `${'7'.repeat(n)}x`;
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    expect(() => fromText(text, 'number')).to.throw(ValueProblem);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return best;
}

describe('item values from text', () => {
  it('refusing a long malformed number takes time linear in its length, not quadratic', () => {
    // Ten times the text: about ten times the work when linear, a hundred times when quadratic (as it was).
    // Sizes large enough that a run takes milliseconds, not the timer's and scheduler's noise.
    const small = refuseTime(50_000);
    const large = refuseTime(500_000);
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
