/** Each misuse pattern raises its signal at its threshold, once per window; ordinary use raises none. */
import { expect } from 'chai';
import {
  DEFAULT_THRESHOLDS,
  GrantActivity,
  type MisuseThresholds,
  type Observation,
} from './grant-activity.js';

const HOUR = 3_600_000;
/** Monday 2026-11-30 10:00 China time. */
const T0 = Date.parse('2026-11-30T02:00:00Z');

function page(n: number, extra = ''): string {
  return JSON.stringify({ fields: ['a'], filters: [], cursor: n === 0 ? null : `c${n}`, limit: 100, extra });
}

function allow(at: number, rows: number, query?: string, address = '10.0.0.1'): Observation {
  return { at: new Date(at), decision: 'allow', rowCount: rows, address, ...(query ? { query } : {}) };
}

/** Feeds observations in; the signals raised, as [kind, strength], each id once (as the monitor stores them). */
function run(
  observations: Observation[],
  t: Partial<MisuseThresholds> = {},
  datasetRows?: number,
  a = new GrantActivity('g-1', new Set()),
): [string, string][] {
  const out: [string, string][] = [];
  const seen = new Set<string>();
  for (const o of observations)
    for (const s of a.observe(o, { ...DEFAULT_THRESHOLDS, ...t }, datasetRows))
      if (!seen.has(s.id)) {
        seen.add(s.id);
        out.push([s.kind, s.strength]);
      }
  return out;
}

describe('misuse signals of one grant (grant-activity)', () => {
  it('ordinary use raises none: a few pages a day, the same address, office hours, the odd refusal', () => {
    const obs: Observation[] = [];
    for (let day = 0; day < 10; day++)
      for (let i = 0; i < 20; i++)
        obs.push(allow(T0 + day * 24 * HOUR + i * 60_000, 100, page(i % 5, `d${day}`)));
    obs.push({ at: new Date(T0 + HOUR), decision: 'deny', rowCount: 0, address: '10.0.0.1' });
    expect(run(obs, { hours: [8, 20] }, 100_000)).to.deep.equal([]);
  });

  it('volume: an hour far above the grant’s own mean hour, once it has a day of history; stronger at twice', () => {
    const obs: Observation[] = [];
    // Two days of 1000 rows an hour.
    for (let h = 0; h < 48; h++) obs.push(allow(T0 + h * HOUR, 1000));
    expect(run(obs)).to.deep.equal([]);
    const a = new GrantActivity('g-1', new Set());
    run(obs, {}, undefined, a);
    // Then 10 000 rows in one hour (10× the mean, and above the 5000-row floor), then 20 000.
    const burst = Array.from({ length: 20 }, (_, i) => allow(T0 + 48 * HOUR + i * 1000, 1000));
    expect(run(burst, {}, undefined, a)).to.deep.equal([
      ['volume', 'warning'],
      ['volume', 'strong'],
    ]);
  });

  it('history learnt from before a restart counts at once: the burst after it is a volume signal', () => {
    const a = new GrantActivity('g-1', new Set());
    for (let h = 0; h < 48; h++) a.learn({ at: new Date(T0 + h * HOUR), decision: 'allow', rowCount: 1000 });
    const burst = Array.from({ length: 10 }, (_, i) => allow(T0 + 48 * HOUR + i * 1000, 1000));
    expect(run(burst, {}, undefined, a)).to.deep.equal([['volume', 'warning']]);
    // Without it, the restarted grant has no day of history here yet: nothing.
    expect(run(burst)).to.deep.equal([]);
  });

  it('walk: distinct pages covering 80% of the dataset within a day; the same page again counts once', () => {
    const again = Array.from({ length: 50 }, (_, i) => allow(T0 + i * 1000, 100, page(0)));
    expect(run(again, {}, 1000), 'the first page fifty times').to.deep.equal([]);
    const walk = Array.from({ length: 10 }, (_, i) => allow(T0 + i * 1000, 100, page(i)));
    expect(run(walk, {}, 1000), 'told once the eighth page is served').to.deep.equal([['walk', 'strong']]);
    expect(run(walk, {}, 150), 'a dataset below 200 rows is not "walked"').to.deep.equal([]);
  });

  it('probing: a hundred distinct equality lookups in an hour', () => {
    const lookups = Array.from({ length: 200 }, (_, i) =>
      allow(
        T0 + i * 1000,
        1,
        JSON.stringify({ filters: [{ item: 'uscc', op: 'eq', value: `9133${i}` }], cursor: null }),
      ),
    );
    expect(run(lookups)).to.deep.equal([
      ['probing', 'warning'],
      ['probing', 'strong'],
    ]);
    expect(run(lookups.slice(0, 99)), 'ninety-nine').to.deep.equal([]);
    const ranges = lookups.map((o) => ({ ...o, query: o.query!.replace('"eq"', '"ge"') }));
    expect(run(ranges), 'range filters are not lookups').to.deep.equal([]);
  });

  it('denied: thirty refusals in an hour, strong at sixty', () => {
    const refusals = Array.from({ length: 60 }, (_, i) => ({
      at: new Date(T0 + i * 1000),
      decision: 'deny' as const,
      rowCount: 0,
      address: '10.0.0.1',
    }));
    expect(run(refusals)).to.deep.equal([
      ['denied', 'warning'],
      ['denied', 'strong'],
    ]);
    expect(run(refusals.slice(0, 29)), 'twenty-nine').to.deep.equal([]);
  });

  it('off-hours only when hours are agreed; a new address only after the first day', () => {
    const night = Date.parse('2026-11-30T15:00:00Z'); // 23:00 China time
    expect(run([allow(night, 1)])).to.deep.equal([]);
    expect(run([allow(night, 1)], { hours: [8, 20] })).to.deep.equal([['off-hours', 'notice']]);
    const a = new GrantActivity('g-1', new Set());
    expect(run([allow(T0, 1), allow(T0 + HOUR, 1, undefined, '10.0.0.2')], {}, undefined, a)).to.deep.equal(
      [],
    );
    expect(run([allow(T0 + 25 * HOUR, 1, undefined, '10.0.0.9')], {}, undefined, a)).to.deep.equal([
      ['new-address', 'notice'],
    ]);
    expect(
      run([allow(T0 + 26 * HOUR, 1, undefined, '10.0.0.9')], {}, undefined, a),
      'known now',
    ).to.deep.equal([]);
    // Refused calls teach none: an enterprise refused from ever new addresses grows nothing.
    const refused = (i: number): Observation => ({
      at: new Date(T0 + 27 * HOUR + i),
      decision: 'deny',
      rowCount: 0,
      address: `10.1.${i >> 8}.${i & 255}`,
    });
    for (let i = 0; i < 500; i++)
      a.observe(refused(i), { ...DEFAULT_THRESHOLDS, deniedPerHour: 1000 }, undefined);
    expect(a.knownAddresses().size, 'the addresses it was served from').to.equal(3);
    expect(run([allow(T0 + 28 * HOUR, 1, undefined, '10.1.0.7')], {}, undefined, a)).to.deep.equal([
      ['new-address', 'notice'],
    ]);
  });

  it('a signal has the same id for the same grant, kind, window and strength', () => {
    const a = new GrantActivity('g-1', new Set());
    const denied = (i: number): Observation => ({
      at: new Date(T0 + i * 1000),
      decision: 'deny',
      rowCount: 0,
      address: 'x',
    });
    const ids: string[] = [];
    for (let i = 0; i < 32; i++)
      for (const s of a.observe(denied(i), DEFAULT_THRESHOLDS, undefined)) ids.push(s.id);
    expect(new Set(ids).size, 'the 30th and later refusals of the hour: one warning').to.equal(1);
  });
});
