/**
 * Figure 1's rounds (bench/rounds.mjs): each side measured once per round, the side that goes first alternating,
 * and the figure taken from the median round — so one slow stretch of the machine can neither fall on one side
 * only nor become the figure.
 */
import { expect } from 'chai';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bench/rounds.mjs');

interface Rounds {
  pairedRounds<T>(
    rounds: number,
    measures: Record<string, (i: number) => Promise<T>>,
  ): Promise<Record<string, T>[]>;
  medianRound<R>(
    rounds: R[],
    value: (r: R) => number,
  ): { median: R; value: number; min: number; max: number };
}

describe("the bench's paired rounds", () => {
  let r: Rounds;
  before(async () => {
    r = (await import(pathToFileURL(script).href)) as Rounds;
  });

  it('measures both sides once a round, the one going first alternating', async () => {
    const calls: string[] = [];
    const measure = (name: string) => (i: number) => {
      calls.push(`${name}${i}`);
      return Promise.resolve(`${name} of round ${i}`);
    };
    const rounds = await r.pairedRounds(4, { baseline: measure('b'), gateway: measure('g') });
    expect(calls).to.deep.equal(['b0', 'g0', 'g1', 'b1', 'b2', 'g2', 'g3', 'b3']);
    expect(rounds[1]).to.deep.equal({ baseline: 'b of round 1', gateway: 'g of round 1' });
  });

  it('waits for one measurement before starting the next (they would load the same cores)', async () => {
    let running = 0;
    let most = 0;
    const measure = async () => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
    };
    await r.pairedRounds(3, { a: measure, b: measure });
    expect(most).to.equal(1);
  });

  it('refuses anything but two measurements and a whole number of rounds', async () => {
    const m = () => Promise.resolve(1);
    for (const bad of [() => r.pairedRounds(3, { a: m }), () => r.pairedRounds(0, { a: m, b: m })]) {
      let err: unknown;
      await bad().catch((e: unknown) => (err = e));
      expect(err).to.be.instanceOf(Error);
    }
  });

  it('takes the figure from the median round and keeps the spread of all of them', () => {
    const rounds = [{ ratio: 0.71 }, { ratio: 0.52 }, { ratio: 0.66 }];
    const m = r.medianRound(rounds, (x) => x.ratio);
    expect(m.median).to.equal(rounds[2]);
    expect([m.value, m.min, m.max]).to.deep.equal([0.66, 0.52, 0.71]);
  });

  it('of an even number of rounds, takes the lower middle one: a round that was measured, not an average', () => {
    const m = r.medianRound([{ v: 4 }, { v: 1 }, { v: 3 }, { v: 2 }], (x) => x.v);
    expect(m.value).to.equal(2);
    expect(() => r.medianRound([], () => 0)).to.throw(RangeError);
  });
});
