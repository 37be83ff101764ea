/**
 * POST /v1/datasets/{id}/aggregate: computed results over granted items, groups under k rows suppressed and
 * counted, personal items never grouped by, the same access rules as records.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BIG_DISTRICTS, DS, GRANT, SMALL_DISTRICTS, peopleRows } from './testing/fixtures.js';
import { assertOk, assertProblem, startHarness, type Harness } from './testing/harness.js';

let h: Harness;
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

test('groups under k rows are suppressed and counted; the others carry exact measures', async () => {
  const reply = await h.post(AGGREGATE, {
    as: 'AA',
    json: {
      groupBy: ['district'],
      measures: [{ op: 'count' }, { op: 'avg', item: 'age' }, { op: 'sum', item: 'age' }],
    },
  });
  const result = assertOk<Result>(reply);
  assert.equal(result.min_group_size, 10);
  assert.equal(result.grant_id, GRANT.AA_PEOPLE);
  assert.equal(result.request_id, reply.requestId);
  assert.equal(result.suppressed_groups, Object.keys(SMALL_DISTRICTS).length);
  assert.deepEqual(result.data.map((g) => g.district).sort(), [...BIG_DISTRICTS].sort());
  for (const group of result.data) {
    const rows = PEOPLE.filter((p) => p.district === group.district);
    assert.ok(rows.length >= 10);
    assert.equal(group['count(*)'], rows.length);
    assert.equal(
      group['sum(age)'],
      rows.reduce((a, p) => a + p.age, 0),
    );
    assert.ok(Math.abs(Number(group['avg(age)']) - rows.reduce((a, p) => a + p.age, 0) / rows.length) < 1e-9);
  }
  for (const small of Object.keys(SMALL_DISTRICTS))
    assert.ok(!reply.text.includes(small), `${small} is suppressed`);
  const record = h.auditOf(reply);
  assert.equal(record.decision, 'allow');
  assert.equal(record.grantId, GRANT.AA_PEOPLE);
  assert.equal(record.rowCount, result.data.length);
  assert.deepEqual(record.items, ['district', 'age']);
});

test('a filtered total smaller than k is suppressed too', async () => {
  const result = assertOk<Result>(
    await h.post(AGGREGATE, { as: 'AA', json: { filter: 'district:eq:庆元县' } }),
  );
  assert.deepEqual(result.data, []);
  assert.equal(result.suppressed_groups, 1);
  const whole = assertOk<Result>(await h.post(AGGREGATE, { as: 'AA', json: {} }));
  assert.deepEqual(whole.data, [{ 'count(*)': 300 }]);
});

test('grouping by a personal item is refused, even when it is granted', async () => {
  for (const item of ['name', 'id_number', 'phone']) {
    const reply = await h.post(AGGREGATE, { as: 'AA', json: { groupBy: ['district', item] } });
    assertProblem(reply, 400, 'QUERY_INVALID');
    assert.equal(h.auditOf(reply).decision, 'deny');
  }
});

test('grouping, measuring or filtering on a non-granted item is ITEMS_NOT_GRANTED', async () => {
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

test('the access rules of records apply: A refused, SUSPENDED grant, no token', async () => {
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

test('malformed computed-result requests are QUERY_INVALID', async () => {
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

test('a measure that is not an object is QUERY_INVALID, not a 500', async (t) => {
  t.mock.method(console, 'error', () => undefined);
  const reply = await h.post(AGGREGATE, { as: 'AA', json: { measures: [null] } });
  assertProblem(reply, 400, 'QUERY_INVALID');
});

test('computed results of the unconditional dataset need no grant', async () => {
  const result = assertOk<Result>(
    await h.post(`/v1/datasets/${DS.OPEN}/aggregate`, { as: 'A', json: { groupBy: ['station'] } }),
  );
  assert.equal(result.grant_id, null);
  assert.equal(result.data.length, 4);
  assert.equal(result.suppressed_groups, 0);
});
