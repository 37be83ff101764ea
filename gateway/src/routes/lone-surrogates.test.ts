/**
 * Text no UTF-8 store can keep — a lone UTF-16 surrogate, sent as a JSON escape or left by the cut of a long value
 * in the middle of a pair — in what a data request names: never a 500, and the refusal is audited like any other.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { CODE, DS } from '../testing/fixtures.js';
import { assertProblem, startHarness, type Harness, type Reply } from '../testing/harness.js';
import { withConsoleErrorSilenced } from '../testing/quiet.js';

const SEED = Number(process.env.RDX_FC_SEED ?? 20_261_207);
// An enterprise's refusals enter the log 60 at once, then one a second per reason (routes/audited.ts): each test
// starts a gateway of its own and stays under that, so every refusal it makes is recorded.
const RUNS = Number(process.env.RDX_FC_RUNS ?? 50);
/** A character outside the BMP: two UTF-16 units, which a cut may part. */
const PAIR = '😀';
const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

let h: Harness;
describe('lone surrogates in data requests', () => {
  beforeEach(
    async () => (h = await startHarness({ privacy: { epsilonPerQuery: 1, dailyBudget: 1_000_000 } })),
  );
  afterEach(() => h.close());

  const AGGREGATE = `/v1/datasets/${DS.PEOPLE}/aggregate`;
  /** Any UTF-16 text, lone surrogates included, and some made of them alone. */
  const text = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 80 }),
    fc.constantFrom('\ud800', '\udc00', `district\ud800`, `\udfff${PAIR}`),
  );

  /** Refused or served, never a 500; a refusal of a granted caller's request is in the log. */
  function neverInternal(reply: Reply, what: string): void {
    expect(reply.status, `${what}: ${reply.text.slice(0, 200)}`).to.be.below(500);
    if (reply.status >= 400) expect(h.auditOf(reply).decision, what).to.equal('deny');
  }

  it('an item name of a computed result with a lone surrogate is refused as QUERY_INVALID, naming where, and audited', async () => {
    const cases: [unknown, RegExp][] = [
      [{ groupBy: ['\ud800'] }, /^groupBy must be an item name in well-formed Unicode/],
      [{ measures: [{ op: 'sum', item: '\udc00' }] }, /^a measure item must be an item name in well-formed/],
    ];
    for (const [json, detail] of cases) {
      const reply = await h.post(AGGREGATE, { as: 'AA', json });
      assertProblem(reply, 400, 'QUERY_INVALID');
      expect((reply.body as { detail: string }).detail).to.match(detail);
      const record = h.auditOf(reply);
      expect([record.decision, record.reason, record.enterprise]).to.deep.equal([
        'deny',
        'QUERY_INVALID',
        CODE.AA,
      ]);
    }
  });

  it('computed results with any text as group keys, measure items and filter: never a 500', async () => {
    await withConsoleErrorSilenced(() =>
      fc.assert(
        fc.asyncProperty(
          fc.array(text, { maxLength: 3 }),
          fc.array(text, { maxLength: 2 }),
          text,
          async (groupBy, items, value) => {
            const json = {
              groupBy,
              measures: [{ op: 'count' }, ...items.map((item) => ({ op: 'sum', item }))],
              filter: `district:eq:${value}`,
            };
            const reply = await h.post(AGGREGATE, { as: 'AA', json });
            neverInternal(reply, JSON.stringify(json));
            if ([...groupBy, ...items].some((t) => LONE.test(t))) assertProblem(reply, 400, 'QUERY_INVALID');
          },
        ),
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      ),
    );
  });

  it('a long item name or dataset id whose cut in the record parts a pair: never a 500, and the record well-formed', async () => {
    // Records keep 64 characters of an item name and 128 of a dataset id: a pair starting just before the cut.
    for (const before of [61, 62, 63, 125, 126, 127]) {
      const long = `${'a'.repeat(before)}${PAIR}b`;
      const replies = [
        await h.get(`/v1/datasets/${DS.PEOPLE}/records?fields=${encodeURIComponent(long)}`, { as: 'AA' }),
        await h.get(`/v1/datasets/${encodeURIComponent(long)}/records`, { as: 'AA' }),
        await h.post(`/v1/datasets/${encodeURIComponent(long)}/aggregate`, { as: 'AA', json: {} }),
        await h.post(AGGREGATE, { as: 'AA', json: { groupBy: [long] } }),
        await h.post(AGGREGATE, { as: 'AA', json: { measures: [{ op: 'sum', item: long }] } }),
      ];
      for (const reply of replies) {
        neverInternal(reply, `${before} characters before the pair`);
        const record = h.auditOf(reply);
        for (const t of [record.datasetId ?? '', ...record.items])
          expect(LONE.test(t), `recorded ${JSON.stringify(t)}`).to.equal(false);
      }
    }
  });
});
