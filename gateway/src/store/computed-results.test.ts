import { expect } from 'chai';
import { ComputedResults } from './computed-results.js';
import type { AggregateQuery, AggregateResult } from './dataset-types.js';

const perDistrict: AggregateQuery = {
  groupBy: ['district'],
  measures: [{ op: 'sum', item: 'capital' }],
  filters: [],
  minGroupSize: 5,
};

/** A computation that counts its calls; each result holds `groups` groups, numbered by the call. */
function counted(groups = 1): { compute: () => AggregateResult; calls: () => number } {
  let calls = 0;
  return {
    compute: () => {
      calls++;
      return { groups: Array.from({ length: groups }, (_, g) => ({ g, call: calls })), suppressed: 0 };
    },
    calls: () => calls,
  };
}

/** Asks with a computation that answers at once: so does the keeping. */
function askNow(
  results: ComputedResults,
  versionId: number,
  query: AggregateQuery,
  compute: () => AggregateResult,
): AggregateResult {
  return results.get(versionId, query, compute) as AggregateResult;
}

describe('computed results kept per version and query', () => {
  it('computes a query over a version once, and again for another version or another question', () => {
    const results = new ComputedResults(100);
    const c = counted();
    const first = askNow(results, 1, perDistrict, c.compute);
    expect(askNow(results, 1, { ...perDistrict, filters: [] }, c.compute)).to.equal(first);
    expect(c.calls()).to.equal(1);
    // The next version of the dataset, a filter, another threshold, another measure: each its own.
    askNow(results, 2, perDistrict, c.compute);
    askNow(
      results,
      1,
      { ...perDistrict, filters: [{ item: 'district', op: 'eq', value: '莲都区' }] },
      c.compute,
    );
    askNow(results, 1, { ...perDistrict, minGroupSize: 6 }, c.compute);
    askNow(results, 1, { ...perDistrict, measures: [{ op: 'avg', item: 'capital' }] }, c.compute);
    expect(c.calls()).to.equal(5);
    // A caller's object may carry more than the query: not part of the key.
    askNow(results, 1, { ...perDistrict, note: 'ignored' } as AggregateQuery, c.compute);
    expect(c.calls()).to.equal(5);
  });

  it('freezes what it keeps, so one caller cannot change what the next is served', () => {
    const r = askNow(new ComputedResults(100), 1, perDistrict, counted(2).compute);
    expect(() => r.groups.push({})).to.throw(TypeError);
    expect(() => (r.groups[1]!.call = 9)).to.throw(TypeError);
    expect(() => (r.suppressed = 3)).to.throw(TypeError);
  });

  it('lets callers asking at once share one computation, and keeps its result', async () => {
    const results = new ComputedResults(100);
    let calls = 0;
    let finish!: (r: AggregateResult) => void;
    const compute = (): Promise<AggregateResult> => {
      calls++;
      return new Promise((resolve) => (finish = resolve));
    };
    const a = results.get(7, perDistrict, compute);
    const b = results.get(7, perDistrict, compute);
    finish({ groups: [{ district: '莲都区' }], suppressed: 1 });
    expect(await a).to.equal(await b);
    expect(await results.get(7, perDistrict, compute)).to.equal(await a);
    expect(calls).to.equal(1);
  });

  it('keeps no failure: the next caller computes again', async () => {
    const results = new ComputedResults(100);
    let calls = 0;
    const failing = (): Promise<AggregateResult> => {
      calls++;
      return Promise.reject(new Error('the store is closed'));
    };
    const a = results.get(1, perDistrict, failing);
    const b = results.get(1, perDistrict, failing);
    await expect(a).to.be.rejectedWith('the store is closed');
    await expect(b).to.be.rejectedWith('the store is closed');
    expect(calls).to.equal(1);
    const throwing = (): AggregateResult => {
      calls++;
      throw new Error('too many groups');
    };
    expect(() => results.get(1, perDistrict, throwing)).to.throw('too many groups');
    const c = counted();
    askNow(results, 1, perDistrict, c.compute);
    expect([calls, c.calls()]).to.deep.equal([2, 1]);
  });

  it('holds at most its bound of groups, the least recently asked dropped first', () => {
    // Each result weighs its 4 groups and 1 for itself: two fit in 10.
    const results = new ComputedResults(10);
    const c = counted(4);
    const ask = (version: number): unknown => results.get(version, perDistrict, c.compute);
    ask(1);
    ask(2);
    ask(1); // 2 is now the least recently asked
    ask(3); // 2 goes
    expect(c.calls()).to.equal(3);
    ask(1);
    ask(3);
    expect(c.calls()).to.equal(3);
    ask(2);
    expect(c.calls()).to.equal(4);
    // A result heavier than the bound is served and not kept.
    const big = counted(10);
    askNow(results, 9, perDistrict, big.compute);
    askNow(results, 9, perDistrict, big.compute);
    expect(big.calls()).to.equal(2);
  });

  it('keeps nothing with a bound of 0, and refuses a bound that is not a whole number', () => {
    const results = new ComputedResults(0);
    const c = counted();
    askNow(results, 1, perDistrict, c.compute);
    askNow(results, 1, perDistrict, c.compute);
    expect(c.calls()).to.equal(2);
    expect(() => new ComputedResults(-1)).to.throw(RangeError, 'a whole number ≥ 0, not -1');
    expect(() => new ComputedResults(1.5)).to.throw(RangeError, 'not 1.5');
  });
});
