/**
 * Figure 6 repeated (bench/restarts.mjs, `npm run bench -- --restarts=N`): which step of `rdx-network start` each
 * restart waited in, and the spread of several restarts with how many missed the 10 s target.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bench/restarts.mjs');

interface Run {
  startToReadyMs: number;
}
interface Restarts {
  RESTART_TARGET_MS: number;
  startSteps(output: string): { what: string; atMs: number; ms: number }[];
  startWaits(output: string): { orderingReadyAtMs?: number; peersKnewAtMs?: number };
  restartSpread<R extends Run>(
    runs: R[],
    targetMs?: number,
  ): { restarts: number; median: R; minMs: number; maxMs: number; targetMs: number; overTarget: number };
}

describe("the bench's repeated restarts", () => {
  let r: Restarts;
  before(async () => {
    r = (await import(pathToFileURL(script).href)) as Restarts;
  });

  it("reads how long each step of the start's own output took", () => {
    const output = [
      '[0.0s] Certificate authorities',
      '[0.3s] Orderers (Raft)',
      'Deploying chaincode rdx_1 as sequence 1',
      '  chaincode rdx rdx_1 (sequence 1), unchanged',
      '[2.7s] Peers discover each other (gossip)',
      '[12.15s] Gateway',
      '[12.9s] Ready',
    ].join('\n');
    expect(r.startSteps(output)).to.deep.equal([
      { what: 'Certificate authorities', atMs: 0, ms: 300 },
      { what: 'Orderers (Raft)', atMs: 300, ms: 2400 },
      { what: 'Peers discover each other (gossip)', atMs: 2700, ms: 9450 },
      { what: 'Gateway', atMs: 12150, ms: 750 },
      { what: 'Ready', atMs: 12900, ms: 0 },
    ]);
    expect(r.startSteps('rdx: peer lifecycle failed (exit code 1)')).to.deep.equal([]);
  });

  it('reads when the waits the start runs beside its steps settled: the ordering service and gossip', () => {
    const output = [
      '[6.9s] Raft leader elected; peers discover each other (gossip)',
      '  ordering service ready at 4.3s',
      '  every peer knew the others at 11.75s',
      '[11.8s] Clerk service (marks expired grants and ratings on the day)',
    ].join('\n');
    expect(r.startWaits(output)).to.deep.equal({ orderingReadyAtMs: 4300, peersKnewAtMs: 11750 });
    // A body's host without orderers prints neither; a step line is not a wait.
    expect(r.startWaits('[4.0s] Gateway\nordering service ready at 4.3s')).to.deep.equal({});
  });

  it('counts the restarts over the target and takes the slower middle one of an even count', () => {
    const runs = [6400, 17600, 7100, 10000, 6900, 11600].map((startToReadyMs, i) => ({ i, startToReadyMs }));
    const spread = r.restartSpread(runs);
    expect(spread).to.deep.include({
      restarts: 6,
      minMs: 6400,
      maxMs: 17600,
      targetMs: 10_000,
      overTarget: 2,
    });
    // sorted 6400 6900 7100 10000 11600 17600: the middle two are 7100 and 10000
    expect(spread.median).to.equal(runs[3]);
    expect(r.restartSpread(runs, 7000).overTarget).to.equal(4);
    expect(() => r.restartSpread([])).to.throw(RangeError);
  });

  it('the median is one of the restarts, with as many at or below it as above', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(60_000), { minLength: 1, maxLength: 40 }), (times) => {
        const runs = times.map((startToReadyMs) => ({ startToReadyMs }));
        const { median, minMs, maxMs, overTarget } = r.restartSpread(runs);
        expect(runs).to.include(median);
        const below = times.filter((t) => t < median.startToReadyMs).length;
        const above = times.filter((t) => t > median.startToReadyMs).length;
        expect(below).to.be.at.most(Math.floor(times.length / 2));
        expect(above).to.be.at.most(Math.ceil(times.length / 2) - 1);
        expect([minMs, maxMs]).to.deep.equal([Math.min(...times), Math.max(...times)]);
        expect(overTarget).to.equal(times.filter((t) => t > r.RESTART_TARGET_MS).length);
      }),
      { numRuns: 300 },
    );
  });
});
