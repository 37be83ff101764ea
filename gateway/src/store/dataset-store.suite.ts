/**
 * The dataset store's behaviour tests, run on each backend (SQLite and PostgreSQL) by dataset-store.test.ts,
 * so the same assertions prove both.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  DatasetNotLoadedError,
  QueryError,
  VersionConflictError,
  DatasetFileError,
  parseFilter,
  type AggregateResult,
  type DatasetFormat,
  type DatasetRow,
  type ItemSpec,
  type RowQuery,
} from './dataset-store.js';
import type { Awaitable, DataStore } from '../services.js';

/** What the tests use of a store: the SQLite DatasetStore and the PostgreSQL PgDatasetStore both fit. */
export interface TestStore extends Omit<DataStore, 'allRows'> {
  allRows(datasetId: string): Iterable<DatasetRow> | AsyncIterable<DatasetRow>;
  close(): Awaitable<void>;
}

/** One store's storage: a SQLite file, or a namespace in a PostgreSQL database. */
export interface StorePlace {
  /** Opens the store kept here (again, after a close). */
  open(): Promise<TestStore>;
}

export interface StoreBackend {
  name: string;
  /** Why this backend cannot run here (the tests are then skipped with it); throws if it is broken. */
  unavailable(): Promise<string | undefined>;
  /** A fresh, empty place, removed after the test. */
  place(t: TestContext): Promise<StorePlace>;
}

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

export const ENTITY_ITEMS: ItemSpec[] = [
  { name: 'uscc', type: 'string', personal: false },
  { name: 'entity_name', type: 'string', personal: false },
  { name: 'district', type: 'string', personal: false },
  { name: 'registered_capital', type: 'number', personal: false },
  { name: 'staff', type: 'integer', personal: false },
  { name: 'registered_on', type: 'date', personal: false },
  { name: 'active', type: 'boolean', personal: false },
];

const DISTRICTS = ['莲都区', '青田县', '缙云县', '龙泉市'];

/** 1,000 rows: seq n has staff n, district by n mod 4, every 7th row inactive. */
export function thousandRows(): string {
  const lines = ['uscc,entity_name,district,registered_capital,staff,registered_on,active'];
  for (let n = 1; n <= 1000; n++) {
    const day = String((n % 28) + 1).padStart(2, '0');
    lines.push(
      `U${String(n).padStart(4, '0')},"丽水企业${n},有限公司",${DISTRICTS[n % 4]},${n * 1.5},${n},2020-01-${day},${n % 7 !== 0}`,
    );
  }
  return lines.join('\r\n') + '\r\n';
}

/** Every row, from a store whose allRows is synchronous or not. */
async function all(rows: Iterable<DatasetRow> | AsyncIterable<DatasetRow>): Promise<DatasetRow[]> {
  const out: DatasetRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
}

async function fileError(fn: () => unknown): Promise<DatasetFileError> {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof DatasetFileError, `expected a DatasetFileError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a DatasetFileError');
}

/** Registers every dataset-store test for `backend`, named `[<backend>] …`. */
export function datasetStoreSuite(backend: StoreBackend): void {
  /** A test on this backend with an open store (closed after), skipped (saying why) when not available. */
  const storeTest = (
    name: string,
    fn: (store: TestStore, place: StorePlace, t: TestContext) => Promise<void>,
  ): void => {
    test(`[${backend.name}] ${name}`, async (t) => {
      const why = await backend.unavailable();
      if (why !== undefined) {
        t.skip(why);
        return;
      }
      const place = await backend.place(t);
      const store = await place.open();
      try {
        await fn(store, place, t);
      } finally {
        await store.close();
      }
    });
  };

  storeTest('the content hash is the SHA-256 of the exact bytes, BOM included', async (store) => {
    const items: ItemSpec[] = [
      { name: 'id', type: 'integer', personal: false },
      { name: 'name', type: 'string', personal: false },
    ];
    // Reference values from `sha256sum` over the same bytes.
    const plain = await store.loadVersion('h', '1', items, 'csv', enc('id,name\r\n1,丽水\r\n'));
    assert.deepEqual(plain, {
      contentHash: '774551cdd241653a3d7db6db4d12ba3b2fcc050efcc13594815a614f08b1a257',
      rowCount: 1,
    });
    const bom = await store.loadVersion('h', '2', items, 'csv', enc('\uFEFFid,name\r\n1,丽水\r\n'));
    assert.equal(bom.contentHash, '463d825bcef5ecf64fe58515f6bc4c7c16b3300f3ac6a3b297ced9d47b52d267');
    assert.deepEqual(store.currentVersion('h'), { version: '2', ...bom });
  });

  storeTest(
    'reloading a version is a no-op with the same bytes and refused with other bytes',
    async (store) => {
      const bytes = enc(thousandRows());
      const first = await store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', bytes);
      assert.equal(first.rowCount, 1000);
      assert.deepEqual(await store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', bytes), first);
      const other = enc(thousandRows().replace('U0001', 'U9999'));
      await assert.rejects(
        async () => store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', other),
        VersionConflictError,
      );
      // Other items, or another format, are a conflict too; a malformed new file does not get that far.
      await assert.rejects(
        async () => store.loadVersion('market-entities', 'v1', ENTITY_ITEMS.slice(0, 6), 'csv', bytes),
        VersionConflictError,
      );
      await assert.rejects(
        async () => store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', enc('not,a,file')),
        VersionConflictError,
      );
      assert.deepEqual(store.currentVersion('market-entities'), { version: 'v1', ...first });
      assert.equal((await all(store.allRows('market-entities')))[0]?.uscc, 'U0001');
    },
  );

  storeTest(
    'a file with a bad row stores nothing and leaves the current version as it was',
    async (store) => {
      const good = await store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', enc(thousandRows()));
      const bad = thousandRows() + 'U2000,x,莲都区,1,not-a-number,2020-01-01,true\r\n';
      const e = await fileError(() =>
        store.loadVersion('market-entities', 'v2', ENTITY_ITEMS, 'csv', enc(bad)),
      );
      assert.deepEqual([e.line, e.item], [1002, 'staff']);
      assert.deepEqual(store.currentVersion('market-entities'), { version: 'v1', ...good });
      // v2 was never stored, so it can be loaded once fixed.
      await store.loadVersion(
        'market-entities',
        'v2',
        ENTITY_ITEMS,
        'csv',
        enc(thousandRows().replace('U0001', 'U0000')),
      );
      assert.equal(store.currentVersion('market-entities')?.version, 'v2');
    },
  );

  storeTest('malformed items, ids and formats are refused before anything is stored', async (store) => {
    const load = (id: string, version: string, items: ItemSpec[], format = 'csv'): Promise<unknown> =>
      Promise.resolve().then(() =>
        store.loadVersion(id, version, items, format as DatasetFormat, enc('id\n1\n')),
      );
    const id: ItemSpec[] = [{ name: 'id', type: 'integer', personal: false }];
    await assert.rejects(load('x', '1', [{ name: 'Id', type: 'integer', personal: false }]), TypeError);
    await assert.rejects(
      load('x', '1', [{ name: 'id', type: 'money' as 'integer', personal: false }]),
      TypeError,
    );
    await assert.rejects(load('x', '1', [...id, ...id]), TypeError);
    await assert.rejects(load('x', '1', []), TypeError);
    await assert.rejects(load('x y', '1', id), TypeError);
    await assert.rejects(load('x', '../1', id), TypeError);
    await assert.rejects(load('x', '1', id, 'xml'), TypeError);
    assert.equal(store.currentVersion('x'), undefined);
    const json = '[{"id":1},{"id":"2"}]';
    assert.deepEqual(await store.loadVersion('x', '1', id, 'json', enc(json)), {
      contentHash: createHash('sha256').update(json).digest('hex'),
      rowCount: 2,
    });
    assert.deepEqual(await all(store.allRows('x')), [{ id: 1 }, { id: 2 }]);
  });

  storeTest('an unknown dataset has no current version and cannot be queried', async (store) => {
    assert.equal(store.currentVersion('nope'), undefined);
    await assert.rejects(
      async () => store.query('nope', { fields: ['x'], filters: [], limit: 1 }),
      DatasetNotLoadedError,
    );
    await assert.rejects(
      async () =>
        store.aggregate('nope', { groupBy: [], measures: [{ op: 'count' }], filters: [], minGroupSize: 1 }),
      DatasetNotLoadedError,
    );
    // Refused when asked, not when first read.
    assert.throws(() => store.allRows('nope'), DatasetNotLoadedError);
  });

  /** Every page of a filtered query, 100 rows at a time. */
  async function pageThrough(
    store: TestStore,
    filters: ReturnType<typeof parseFilter>,
  ): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.query('market-entities', {
        fields: ['uscc', 'staff'],
        filters,
        limit: 100,
        cursor,
      });
      assert.ok(page.rows.length <= 100);
      rows.push(...page.rows);
      cursor = page.nextCursor;
      assert.ok(++pages <= 20, 'paging does not end');
    } while (cursor !== undefined);
    return rows;
  }

  storeTest(
    'paging through 1,000 rows 100 at a time returns each row once, in file order, in 10 pages',
    async (store) => {
      await store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', enc(thousandRows()));
      let pages = 0;
      let cursor: string | undefined;
      const staff: number[] = [];
      do {
        const page = await store.query('market-entities', {
          fields: ['staff'],
          filters: [],
          limit: 100,
          cursor,
        });
        pages++;
        staff.push(...page.rows.map((r) => r.staff as number));
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      assert.equal(pages, 10);
      assert.deepEqual(
        staff,
        Array.from({ length: 1000 }, (_, k) => k + 1),
      );
      // With a filter, pages still cover exactly the matching rows.
      const lianDu = await pageThrough(store, parseFilter('district:eq:莲都区', ENTITY_ITEMS));
      assert.equal(lianDu.length, 250);
      assert.equal(new Set(lianDu.map((r) => r.uscc)).size, 250);
    },
  );

  storeTest('rows carry only the requested fields, typed per item', async (store) => {
    await store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', enc(thousandRows()));
    const { rows } = await store.query('market-entities', {
      fields: ['entity_name', 'registered_capital', 'active'],
      filters: parseFilter('uscc:in:U0007|U0008', ENTITY_ITEMS),
      limit: 10,
    });
    assert.deepEqual(rows, [
      { entity_name: '丽水企业7,有限公司', registered_capital: 10.5, active: false },
      { entity_name: '丽水企业8,有限公司', registered_capital: 12, active: true },
    ]);
  });

  storeTest('a tampered cursor, or one from a superseded version, is a QueryError', async (store) => {
    await store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', enc(thousandRows()));
    const { nextCursor } = await store.query('market-entities', { fields: ['uscc'], filters: [], limit: 10 });
    assert.ok(nextCursor);
    const flipped = (nextCursor[5] === 'A' ? 'B' : 'A') + '';
    const tampered = nextCursor.slice(0, 5) + flipped + nextCursor.slice(6);
    for (const cursor of [tampered, 'MTA', Buffer.from('1000').toString('base64url'), nextCursor + 'A']) {
      await assert.rejects(
        async () => store.query('market-entities', { fields: ['uscc'], filters: [], limit: 10, cursor }),
        QueryError,
        cursor,
      );
    }
    assert.equal(
      (await store.query('market-entities', { fields: ['uscc'], filters: [], limit: 10, cursor: nextCursor }))
        .rows[0]?.uscc,
      'U0011',
    );
    await store.loadVersion(
      'market-entities',
      'v2',
      ENTITY_ITEMS,
      'csv',
      enc(thousandRows().replace('U0001', 'U0000')),
    );
    await assert.rejects(
      async () =>
        store.query('market-entities', { fields: ['uscc'], filters: [], limit: 10, cursor: nextCursor }),
      /another version/,
    );
  });

  storeTest('cursors stay valid after the store is closed and opened again', async (store, place) => {
    await store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', enc(thousandRows()));
    const { nextCursor } = await store.query('market-entities', {
      fields: ['staff'],
      filters: [],
      limit: 500,
    });
    const again = await place.open();
    try {
      assert.deepEqual(again.currentVersion('market-entities'), store.currentVersion('market-entities'));
      const page = await again.query('market-entities', {
        fields: ['staff'],
        filters: [],
        limit: 500,
        cursor: nextCursor,
      });
      assert.equal(page.rows[0]?.staff, 501);
      assert.equal(page.nextCursor, undefined);
    } finally {
      await again.close();
    }
  });

  storeTest('an SQL injection attempt in a filter value is only a value', async (store) => {
    const evil = "'; DROP TABLE x; --";
    const items: ItemSpec[] = [
      { name: 'id', type: 'integer', personal: false },
      { name: 'name', type: 'string', personal: false },
    ];
    await store.loadVersion(
      'x',
      '1',
      items,
      'csv',
      enc(`id,name\n1,"${evil}"\n2,"a"" OR ""1""=""1"\n3,ok\n`),
    );
    const q = async (filter: string): Promise<unknown[]> =>
      (await store.query('x', { fields: ['id'], filters: parseFilter(filter, items), limit: 10 })).rows.map(
        (r) => r.id,
      );
    assert.deepEqual(await q(`name:eq:${evil}`), [1]);
    assert.deepEqual(await q(`name:prefix:'; DROP`), [1]);
    assert.deepEqual(await q(`name:eq:' OR '1'='1`), []);
    assert.deepEqual(await q(`name:prefix:%`), []);
    assert.deepEqual(await q(`name:prefix:_`), []);
    assert.deepEqual(await q('name:ne:ok'), [1, 2]);
    assert.deepEqual(await q(`name:in:${evil}|ok`), [1, 3]);
    assert.deepEqual(await q(`name:gt:a" OR "1"="1`), [3]);
    assert.deepEqual(await q('name:eq:$1'), []);
    // Item names are never taken from the caller: an unknown one is refused, in a filter, a field or a group.
    const bad = 'name" = "name" OR "1';
    await assert.rejects(
      async () =>
        store.query('x', { fields: ['id'], filters: [{ item: bad, op: 'eq', value: 'a' }], limit: 10 }),
      /unknown item/,
    );
    await assert.rejects(
      async () => store.query('x', { fields: [bad], filters: [], limit: 10 }),
      /unknown item/,
    );
    await assert.rejects(
      async () =>
        store.aggregate('x', { groupBy: [bad], measures: [{ op: 'count' }], filters: [], minGroupSize: 1 }),
      /unknown item/,
    );
    await assert.rejects(
      async () =>
        store.aggregate('x', {
          groupBy: [],
          measures: [{ op: 'sum) FROM x; --' as 'sum', item: 'id' }],
          filters: [],
          minGroupSize: 1,
        }),
      /unknown op/,
    );
    // Nor in a dataset file's items.
    await assert.rejects(
      async () =>
        store.loadVersion(
          'x',
          '2',
          [{ name: 'id" bigint); DROP TABLE x; --', type: 'integer', personal: false }],
          'csv',
          enc('a\n1\n'),
        ),
      TypeError,
    );
    // Everything is still there.
    assert.equal((await all(store.allRows('x'))).length, 3);
    assert.equal(store.currentVersion('x')?.rowCount, 3);
    assert.deepEqual(await q('id:ge:1'), [1, 2, 3]);
  });

  storeTest(
    'unknown items and values of the wrong type are QueryErrors with a clear message',
    async (store) => {
      await store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', enc(thousandRows()));
      const query = async (q: Partial<RowQuery>): Promise<unknown> =>
        store.query('market-entities', { fields: ['uscc'], filters: [], limit: 10, ...q });
      await assert.rejects(query({ fields: ['legal_rep_id'] }), {
        name: 'QueryError',
        message: /unknown item "legal_rep_id"/,
      });
      await assert.rejects(query({ fields: [] }), QueryError);
      await assert.rejects(query({ fields: ['uscc', 'uscc'] }), QueryError);
      await assert.rejects(
        query({ filters: [{ item: 'nope', op: 'eq', value: 'a' }] }),
        /unknown item "nope"/,
      );
      await assert.rejects(
        query({ filters: [{ item: 'registered_capital', op: 'gt', value: '100' }] }),
        /registered_capital is a number item; the string "100" is not a number/,
      );
      await assert.rejects(query({ filters: [{ item: 'staff', op: 'prefix', value: '1' }] }), QueryError);
      await assert.rejects(
        query({ filters: [{ item: 'registered_on', op: 'ge', value: '2020-02-30' }] }),
        QueryError,
      );
      await assert.rejects(query({ filters: [{ item: 'staff', op: 'eq', value: 2 ** 53 }] }), QueryError);
      await assert.rejects(
        query({ filters: [{ item: 'active', op: 'in', value: [true] as never }] }),
        QueryError,
      );
      await assert.rejects(query({ filters: [{ item: 'staff', op: 'in', value: [] }] }), QueryError);
      await assert.rejects(query({ limit: 0 }), QueryError);
      await assert.rejects(query({ limit: 100_000 }), QueryError);
    },
  );

  storeTest('text compares and groups by code point, empty values first, as SQLite does', async (store) => {
    const items: ItemSpec[] = [
      { name: 'id', type: 'integer', personal: false },
      { name: 'name', type: 'string', personal: false },
      { name: 'score', type: 'number', personal: false },
    ];
    // In most locales "a" < "B" < "é"; by code point "B" < "a" < "é" < "丽".
    const csv = 'id,name,score\n1,a,1\n2,B,2\n3,,3\n4,é,\n5,丽,5\n6,a,6\n7,B,\n';
    await store.loadVersion('t', '1', items, 'csv', enc(csv));
    const ids = async (filter: string): Promise<unknown[]> =>
      (await store.query('t', { fields: ['id'], filters: parseFilter(filter, items), limit: 10 })).rows.map(
        (r) => r.id,
      );
    assert.deepEqual(await ids('name:lt:a'), [2, 7]);
    assert.deepEqual(await ids('name:gt:a'), [4, 5]);
    assert.deepEqual(await ids('name:ne:a'), [2, 3, 4, 5, 7]);
    assert.deepEqual(await ids('score:ge:3'), [3, 5, 6]);
    assert.deepEqual(await ids('name:prefix:丽'), [5]);
    const grouped = await store.aggregate('t', {
      groupBy: ['name'],
      measures: [
        { op: 'count' },
        { op: 'count', item: 'score' },
        { op: 'sum', item: 'score' },
        { op: 'avg', item: 'id' },
      ],
      filters: [],
      minGroupSize: 1,
    });
    assert.deepEqual(grouped, {
      groups: [
        { name: null, 'count(*)': 1, 'count(score)': 1, 'sum(score)': 3, 'avg(id)': 3 },
        { name: 'B', 'count(*)': 2, 'count(score)': 1, 'sum(score)': 2, 'avg(id)': 4.5 },
        { name: 'a', 'count(*)': 2, 'count(score)': 2, 'sum(score)': 7, 'avg(id)': 3.5 },
        { name: 'é', 'count(*)': 1, 'count(score)': 0, 'sum(score)': null, 'avg(id)': 4 },
        { name: '丽', 'count(*)': 1, 'count(score)': 1, 'sum(score)': 5, 'avg(id)': 5 },
      ],
      suppressed: 0,
    });
  });

  storeTest('aggregate suppresses groups smaller than the threshold and counts them', async (store) => {
    await store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', enc(thousandRows()));
    // staff ≤ 10: 莲都区 gets 4, 8 (2 rows); 青田县 1, 5, 9 (3); 缙云县 2, 6, 10 (3); 龙泉市 3, 7 (2).
    const result = await store.aggregate('market-entities', {
      groupBy: ['district'],
      measures: [{ op: 'count' }, { op: 'sum', item: 'staff' }, { op: 'avg', item: 'registered_capital' }],
      filters: parseFilter('staff:le:10', ENTITY_ITEMS),
      minGroupSize: 3,
    });
    assert.equal(result.suppressed, 2);
    assert.deepEqual(result.groups, [
      { district: '缙云县', 'count(*)': 3, 'sum(staff)': 18, 'avg(registered_capital)': 9 },
      { district: '青田县', 'count(*)': 3, 'sum(staff)': 15, 'avg(registered_capital)': 7.5 },
    ]);
    const whole = await store.aggregate('market-entities', {
      groupBy: [],
      measures: [{ op: 'count' }],
      filters: parseFilter('staff:le:2', ENTITY_ITEMS),
      minGroupSize: 5,
    });
    assert.deepEqual(whole, { groups: [], suppressed: 1 });
    // No row at all is still one (empty) group, and suppressed as such.
    assert.deepEqual(
      await store.aggregate('market-entities', {
        groupBy: [],
        measures: [{ op: 'count' }, { op: 'sum', item: 'staff' }],
        filters: parseFilter('staff:gt:5000', ENTITY_ITEMS),
        minGroupSize: 1,
      }),
      { groups: [], suppressed: 1 },
    );
    assert.deepEqual(
      await store.aggregate('market-entities', {
        groupBy: [],
        measures: [{ op: 'count' }, { op: 'sum', item: 'staff' }, { op: 'avg', item: 'staff' }],
        filters: [],
        minGroupSize: 1000,
      }),
      { groups: [{ 'count(*)': 1000, 'sum(staff)': 500500, 'avg(staff)': 500.5 }], suppressed: 0 },
    );
  });

  storeTest('aggregate refuses more groups than it may return', async (store) => {
    const items: ItemSpec[] = [{ name: 'n', type: 'integer', personal: false }];
    const lines = ['n', ...Array.from({ length: 10_002 }, (_, k) => String(k))];
    await store.loadVersion('many', '1', items, 'csv', enc(lines.join('\n')));
    const agg = async (minGroupSize: number): Promise<AggregateResult> =>
      store.aggregate('many', { groupBy: ['n'], measures: [{ op: 'count' }], filters: [], minGroupSize });
    await assert.rejects(agg(1), /more than 10000 groups/);
    // Groups that are suppressed do not count towards the limit.
    assert.deepEqual(await agg(2), { groups: [], suppressed: 10_002 });
  });

  storeTest('aggregate sums only numeric items and knows only the dataset items', async (store) => {
    await store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', enc(thousandRows()));
    const agg = async (
      groupBy: string[],
      item: string,
      op: 'sum' | 'avg' | 'count' = 'sum',
    ): Promise<unknown> =>
      store.aggregate('market-entities', { groupBy, measures: [{ op, item }], filters: [], minGroupSize: 1 });
    await assert.rejects(agg([], 'district'), /sum needs a number or integer item; district is string/);
    await assert.rejects(agg(['nope'], 'staff'), QueryError);
    await assert.rejects(agg([], 'nope', 'count'), QueryError);
    await assert.rejects(
      async () =>
        store.aggregate('market-entities', {
          groupBy: [],
          measures: [{ op: 'count' }],
          filters: [],
          minGroupSize: 0,
        }),
      QueryError,
    );
    assert.deepEqual(await agg(['active'], 'staff', 'count'), {
      groups: [
        { active: false, 'count(staff)': 142 },
        { active: true, 'count(staff)': 858 },
      ],
      suppressed: 0,
    });
  });

  storeTest('allRows yields every row with every item, typed', async (store) => {
    await store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', enc(thousandRows()));
    const rows = await all(store.allRows('market-entities'));
    assert.equal(rows.length, 1000);
    assert.deepEqual(rows[6], {
      uscc: 'U0007',
      entity_name: '丽水企业7,有限公司',
      district: '龙泉市',
      registered_capital: 10.5,
      staff: 7,
      registered_on: '2020-01-08',
      active: false,
    });
    assert.deepEqual(
      rows.map((r) => r.staff),
      Array.from({ length: 1000 }, (_, k) => k + 1),
    );
    // The version is fixed when asked: a version loaded meanwhile does not change what is read.
    const reading = store.allRows('market-entities');
    await store.loadVersion(
      'market-entities',
      'v2',
      ENTITY_ITEMS,
      'csv',
      enc(thousandRows().replace('U0001', 'U0000')),
    );
    assert.equal((await all(reading))[0]?.uscc, 'U0001');
    assert.equal((await all(store.allRows('market-entities')))[0]?.uscc, 'U0000');
  });

  storeTest('values round-trip exactly: extremes, quotes, line breaks, empty and absent', async (store) => {
    const items: ItemSpec[] = [
      { name: 'i', type: 'integer', personal: false },
      { name: 'x', type: 'number', personal: false },
      { name: 's', type: 'string', personal: false },
      { name: 'd', type: 'date', personal: false },
      { name: 'b', type: 'boolean', personal: false },
    ];
    const rows = [
      { i: Number.MAX_SAFE_INTEGER, x: 1e308, s: 'a "quoted" \\ back, {brace}', d: '0001-01-01', b: true },
      { i: -Number.MAX_SAFE_INTEGER, x: -2.5e-300, s: 'two\r\nlines\t😀', d: '9999-12-31', b: false },
      { i: 0, x: 0.1 + 0.2, s: 'NULL', d: '2024-02-29', b: null },
      { i: null, x: null, s: null, d: null, b: null },
    ];
    await store.loadVersion('v', '1', items, 'json', enc(JSON.stringify(rows)));
    assert.deepEqual(await all(store.allRows('v')), rows);
    const q = async (filter: string): Promise<unknown[]> =>
      (await store.query('v', { fields: ['i'], filters: parseFilter(filter, items), limit: 10 })).rows.map(
        (r) => r.i,
      );
    assert.deepEqual(await q(`i:eq:${Number.MAX_SAFE_INTEGER}`), [Number.MAX_SAFE_INTEGER]);
    assert.deepEqual(await q('x:eq:0.30000000000000004'), [0]);
    assert.deepEqual(await q('s:eq:NULL'), [0]);
    assert.deepEqual(await q('d:lt:1000-01-01'), [Number.MAX_SAFE_INTEGER]);
    assert.deepEqual(await q('b:ne:true'), [-Number.MAX_SAFE_INTEGER, 0, null]);
  });

  storeTest('two stores are independent: each its own versions and cursors', async (store, _place, t) => {
    const items: ItemSpec[] = [{ name: 'n', type: 'integer', personal: false }];
    const other = await (await backend.place(t)).open();
    try {
      await store.loadVersion('d', '1', items, 'csv', enc('n\n1\n2\n3\n'));
      assert.equal(other.currentVersion('d'), undefined);
      await other.loadVersion('d', '1', items, 'csv', enc('n\n7\n8\n'));
      assert.equal(store.currentVersion('d')?.rowCount, 3);
      assert.equal(other.currentVersion('d')?.rowCount, 2);
      const page = await store.query('d', { fields: ['n'], filters: [], limit: 1 });
      assert.ok(page.nextCursor);
      // A cursor of one store means nothing to the other.
      await assert.rejects(
        async () => other.query('d', { fields: ['n'], filters: [], limit: 1, cursor: page.nextCursor }),
        QueryError,
      );
      assert.deepEqual(await all(other.allRows('d')), [{ n: 7 }, { n: 8 }]);
    } finally {
      await other.close();
    }
  });
}
