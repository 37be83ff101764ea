import { expect } from 'chai';
import fc from 'fast-check';
import { LruMap } from './lru-map.js';

describe('a map bounded to its least recently used entries', () => {
  it('drops the least recently used entry, where a read or a write counts as use', () => {
    const m = new LruMap<string, number>(2);
    m.set('a', 1).set('b', 2);
    expect(m.get('a')).to.equal(1); // a is now more recent than b
    m.set('c', 3);
    expect([m.get('a'), m.get('b'), m.get('c')]).to.deep.equal([1, undefined, 3]);
    m.set('a', 10); // a write of a present key drops nothing
    expect(m.size).to.equal(2);
    expect(m.get('c')).to.equal(3);
  });

  it('makes a missing value once, and not again while it is held', () => {
    const m = new LruMap<string, string>(2);
    let made = 0;
    const make = (k: string): string => `${k}#${++made}`;
    expect(m.getOrMake('x', make)).to.equal('x#1');
    expect(m.getOrMake('x', make)).to.equal('x#1');
    m.getOrMake('y', make);
    m.getOrMake('z', make); // x, the least recently used, goes
    expect(m.getOrMake('x', make)).to.equal('x#4');
  });

  it('a peek reads a value without counting it as a use', () => {
    const m = new LruMap<string, number>(2);
    m.set('a', 1).set('b', 2);
    expect(m.peek('a')).to.equal(1);
    m.set('c', 3); // a, set first and only peeked at since, goes
    expect([m.peek('a'), m.peek('b'), m.peek('c')]).to.deep.equal([undefined, 2, 3]);
  });

  it('forgets a deleted key, and refuses a bound under one entry', () => {
    const m = new LruMap<string, number>(1);
    m.set('a', 1);
    expect(m.delete('a')).to.equal(true);
    expect(m.delete('a')).to.equal(false);
    expect([m.get('a'), m.size]).to.deep.equal([undefined, 0]);
    expect(() => new LruMap(0)).to.throw(RangeError, 'at least 1 entry');
  });

  it('weighed, holds the most recently used values whose weights fit, and never one heavier than the bound', () => {
    const m = new LruMap<string, number[]>(5, (v) => v.length);
    m.set('a', [1, 2]).set('b', [1, 2]);
    m.set('c', [1, 2]); // 6 > 5: a, the least recently used, goes
    expect([m.get('a'), m.size]).to.deep.equal([undefined, 2]);
    m.set('d', [1, 2, 3, 4, 5, 6]); // heavier than the bound on its own: not held, and nothing dropped for it
    expect([m.get('d'), m.get('b'), m.get('c')]).to.deep.equal([undefined, [1, 2], [1, 2]]);
    m.set('b', [1, 2, 3, 4, 5, 6]); // b's old value goes with it
    expect([m.get('b'), m.size]).to.deep.equal([undefined, 1]);
    m.delete('c'); // its weight freed: three and two fit together again
    m.set('e', [1, 2, 3]).set('f', [1, 2]);
    expect([m.get('e'), m.get('f')]).to.deep.equal([
      [1, 2, 3],
      [1, 2],
    ]);
  });

  it('holds what a list kept in order of use and trimmed to the bound would hold, whatever the calls', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('get' as const), key: fc.nat(6) }),
      fc.record({ kind: fc.constant('set' as const), key: fc.nat(6), value: fc.integer({ min: 1, max: 6 }) }),
      fc.record({ kind: fc.constant('delete' as const), key: fc.nat(6) }),
    );
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.integer({ min: 1, max: 8 }),
        fc.array(op, { maxLength: 60 }),
        (weighed, max, ops) => {
          // Weighed, a value is its own weight; else each entry counts 1 (the default: `max` entries).
          const m = weighed ? new LruMap<number, number>(max, (v) => v) : new LruMap<number, number>(max);
          const weightOf = (value: number): number => (weighed ? value : 1);
          // The model: [key, value] pairs, least recently used first.
          let model: [number, number][] = [];
          const held = (): number => model.reduce((sum, [, v]) => sum + weightOf(v), 0);
          for (const o of ops) {
            const at = model.findIndex(([k]) => k === o.key);
            if (o.kind === 'get') {
              const expected = at < 0 ? undefined : model[at]![1];
              if (at >= 0) model = [...model.filter((_, i) => i !== at), model[at]!];
              expect(m.get(o.key)).to.equal(expected);
            } else if (o.kind === 'set') {
              model = model.filter(([k]) => k !== o.key);
              if (weightOf(o.value) <= max) {
                while (held() + weightOf(o.value) > max) model.shift();
                model.push([o.key, o.value]);
              }
              m.set(o.key, o.value);
            } else {
              expect(m.delete(o.key)).to.equal(at >= 0);
              model = model.filter(([k]) => k !== o.key);
            }
            expect(m.size).to.equal(model.length);
          }
        },
      ),
    );
  });
});
