import { expect } from 'chai';
import fc from 'fast-check';
import { ValueProblem, fromText } from './item-values.js';

/** Milliseconds to refuse a run of `n` digits that ends in a letter, as a number (best of three). */
function refuseTime(n: number): number {
  const text = `${'7'.repeat(n)}x`;
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = process.hrtime.bigint();
    expect(() => fromText(text, 'number')).to.throw(ValueProblem);
    best = Math.min(best, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return best;
}

describe('item values from text', () => {
  it('refusing a long malformed number takes time linear in its length, not quadratic', () => {
    // Ten times the text: about ten times the work when linear, a hundred times when quadratic (as it was).
    const small = refuseTime(20_000);
    const large = refuseTime(200_000);
    expect(large / Math.max(small, 0.05), `20k: ${small} ms, 200k: ${large} ms`).to.be.below(30);
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
