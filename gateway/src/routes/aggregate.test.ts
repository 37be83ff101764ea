/**
 * POST /v1/datasets/{id}/aggregate: computed results over granted items, groups under k rows suppressed and
 * counted, personal items never grouped by, the same access rules as records.
 */
import { expect } from 'chai';
import { BIG_DISTRICTS, DS, GRANT, SMALL_DISTRICTS, peopleRows } from '../testing/fixtures.js';
import { assertOk, assertProblem, startHarness, type Harness } from '../testing/harness.js';
import { withConsoleErrorSilenced } from '../testing/quiet.js';

let h: Harness;
describe('POST /v1/datasets/{id}/aggregate', () => {
  before(async () => {
    h = await startHarness({ kMin: 10 });
  });
  after(() => h.close());

  const PEOPLE = peopleRows(300);
  const AGGREGATE = `/v1/datasets/${DS.PEOPLE}/aggregate`;

  interface Result {
    data: Record<string, unknown>[];
    suppressed_groups: number;
    min_group_size: number;
    grant_id: string | null;
    request_id: string;
  }

  it('groups under k rows are suppressed and counted; the others carry exact measures', async () => {
    const reply = await h.post(AGGREGATE, {
      as: 'AA',
      json: {
        groupBy: ['district'],
        measures: [{ op: 'count' }, { op: 'avg', item: 'age' }, { op: 'sum', item: 'age' }],
      },
    });
    const result = assertOk<Result>(reply);
    expect(result.min_group_size).to.equal(10);
    expect(result.grant_id).to.equal(GRANT.AA_PEOPLE);
    expect(result.request_id).to.equal(reply.requestId);
    expect(result.suppressed_groups).to.equal(Object.keys(SMALL_DISTRICTS).length);
    expect(result.data.map((g) => g.district).sort()).to.deep.equal([...BIG_DISTRICTS].sort());
    for (const group of result.data) {
      const rows = PEOPLE.filter((p) => p.district === group.district);
      expect(rows.length).to.be.at.least(10);
      expect(group['count(*)']).to.equal(rows.length);
      expect(group['sum(age)']).to.equal(rows.reduce((a, p) => a + p.age, 0));
      expect(
        Math.abs(Number(group['avg(age)']) - rows.reduce((a, p) => a + p.age, 0) / rows.length),
      ).to.be.below(1e-9);
    }
    for (const small of Object.keys(SMALL_DISTRICTS))
      expect(reply.text, `${small} is suppressed`).not.to.include(small);
    const record = h.auditOf(reply);
    expect(record.decision).to.equal('allow');
    expect(record.grantId).to.equal(GRANT.AA_PEOPLE);
    expect(record.rowCount).to.equal(result.data.length);
    expect(record.items).to.deep.equal(['district', 'age']);
  });

  it('a filtered total smaller than k is suppressed too', async () => {
    const result = assertOk<Result>(
      await h.post(AGGREGATE, { as: 'AA', json: { filter: 'district:eq:庆元县' } }),
    );
    expect(result.data).to.deep.equal([]);
    expect(result.suppressed_groups).to.equal(1);
    const whole = assertOk<Result>(await h.post(AGGREGATE, { as: 'AA', json: {} }));
    expect(whole.data).to.deep.equal([{ 'count(*)': 300 }]);
  });

  it('grouping by a personal item is refused, even when it is granted', async () => {
    for (const item of ['name', 'id_number', 'phone']) {
      const reply = await h.post(AGGREGATE, { as: 'AA', json: { groupBy: ['district', item] } });
      assertProblem(reply, 400, 'QUERY_INVALID');
      expect(h.auditOf(reply).decision).to.equal('deny');
    }
  });

  it('grouping, measuring or filtering on a non-granted item is ITEMS_NOT_GRANTED', async () => {
    assertProblem(
      await h.post(AGGREGATE, { as: 'AA', json: { groupBy: ['verified'] } }),
      403,
      'ITEMS_NOT_GRANTED',
    );
    assertProblem(
      await h.post(AGGREGATE, { as: 'AA', json: { measures: [{ op: 'avg', item: 'income' }] } }),
      403,
      'ITEMS_NOT_GRANTED',
    );
    assertProblem(
      await h.post(AGGREGATE, { as: 'AA', json: { groupBy: ['district'], filter: 'income:gt:4000' } }),
      403,
      'ITEMS_NOT_GRANTED',
    );
  });

  it('the access rules of records apply: A refused, SUSPENDED grant, no token', async () => {
    assertProblem(await h.post(AGGREGATE, { as: 'A', json: {} }), 403, 'RATING_INSUFFICIENT');
    assertProblem(await h.post(AGGREGATE, { as: 'AAA', json: {} }), 403, 'GRANT_NOT_ACTIVE');
    assertProblem(await h.post(AGGREGATE, { json: {} }), 401, 'TOKEN_MISSING');
    h.view.following = false;
    try {
      assertProblem(await h.post(AGGREGATE, { as: 'AA', json: {} }), 503, 'LEDGER_NOT_FOLLOWED');
    } finally {
      h.view.following = true;
    }
  });

  it('malformed computed-result requests are QUERY_INVALID', async () => {
    const bad: unknown[] = [
      { groupBy: ['a', 'b', 'c', 'd', 'e', 'f'] },
      { measures: [] },
      { measures: [{ op: 'median', item: 'age' }] },
      { measures: [{ op: 'sum', item: 'district' }] },
      { groupBy: ['nosuchitem'] },
      { filter: 'age:gt:old' },
      { filter: 42 },
    ];
    for (const json of bad) assertProblem(await h.post(AGGREGATE, { as: 'AA', json }), 400, 'QUERY_INVALID');
  });

  it('a measure that is not an object is QUERY_INVALID, not a 500', async () => {
    await withConsoleErrorSilenced(async () => {
      const reply = await h.post(AGGREGATE, { as: 'AA', json: { measures: [null] } });
      assertProblem(reply, 400, 'QUERY_INVALID');
    });
  });

  it('computed results of the unconditional dataset need no grant', async () => {
    const result = assertOk<Result>(
      await h.post(`/v1/datasets/${DS.OPEN}/aggregate`, { as: 'A', json: { groupBy: ['station'] } }),
    );
    expect(result.grant_id).to.equal(null);
    expect(result.data.length).to.equal(4);
    expect(result.suppressed_groups).to.equal(0);
  });
});
