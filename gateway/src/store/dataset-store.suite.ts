/**
 * The dataset store's behaviour tests, run on each backend (SQLite and PostgreSQL) by dataset-store.test.ts,
 * so the same assertions prove both.
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { DatasetFileError, NUL_IN_TEXT } from '@rdx/client/dataset-format';
import type {
  AggregateQuery,
  AggregateResult,
  DatasetFormat,
  DatasetRow,
  FilterOp,
  ItemSpec,
  RowQuery,
} from './dataset-types.js';
import { parseFilter } from './filter-syntax.js';
import { DatasetNotLoadedError, QueryError, VersionConflictError } from './query-plan.js';
import type { Awaitable, DataStore } from '../services.js';
import { withCleanup, type Defer } from '../testing/cleanup.js';

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
  /** A fresh, empty place, removed after the test (through `defer`). */
  place(defer: Defer): Promise<StorePlace>;
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

/** One item of each type. */
const EVERY_TYPE: ItemSpec[] = [
  { name: 'i', type: 'integer', personal: false },
  { name: 'x', type: 'number', personal: false },
  { name: 's', type: 'string', personal: false },
  { name: 'd', type: 'date', personal: false },
  { name: 'b', type: 'boolean', personal: false },
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

/** The rows of every page of query `q`, cursor after cursor; each page at most `q.limit` rows, at most `maxPages`. */
export async function everyPage(
  store: Pick<TestStore, 'query'>,
  datasetId: string,
  q: Omit<RowQuery, 'cursor'>,
  maxPages = 1000,
): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.query(datasetId, { ...q, cursor });
    expect(page.rows.length).to.be.at.most(q.limit);
    rows.push(...page.rows);
    cursor = page.nextCursor;
    expect(++pages, 'paging does not end').to.be.at.most(maxPages);
  } while (cursor !== undefined);
  return rows;
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
    expect(e, `expected a DatasetFileError, got ${String(e)}`).to.be.instanceOf(DatasetFileError);
    return e as DatasetFileError;
  }
  expect.fail('expected a DatasetFileError');
}

/** Declares every dataset-store test for `backend` (in a `describe` of its own), named `[<backend>] …`. */
export function datasetStoreSuite(backend: StoreBackend): void {
  /** A test on this backend with an open store (closed after), skipped (saying why) when not available. */
  const storeTest = (
    name: string,
    fn: (store: TestStore, place: StorePlace, defer: Defer) => Promise<void>,
  ): void => {
    it(`[${backend.name}] ${name}`, async function () {
      const why = await backend.unavailable();
      if (why !== undefined) {
        console.log(`      skipped: ${why}`);
        this.skip();
      }
      await withCleanup(async (defer) => {
        const place = await backend.place(defer);
        const store = await place.open();
        try {
          await fn(store, place, defer);
        } finally {
          await store.close();
        }
      });
    });
  };

  describe(`on ${backend.name}`, () => {
    storeTest('the content hash is the SHA-256 of the exact bytes, BOM included', async (store) => {
      const items: ItemSpec[] = [
        { name: 'id', type: 'integer', personal: false },
        { name: 'name', type: 'string', personal: false },
      ];
      // Reference values from `sha256sum` over the same bytes.
      const plain = await store.loadVersion('h', '1', items, 'csv', enc('id,name\r\n1,丽水\r\n'));
      expect(plain).to.deep.equal({
        contentHash: '774551cdd241653a3d7db6db4d12ba3b2fcc050efcc13594815a614f08b1a257',
        rowCount: 1,
      });
      const bom = await store.loadVersion('h', '2', items, 'csv', enc('\uFEFFid,name\r\n1,丽水\r\n'));
      expect(bom.contentHash).to.equal('463d825bcef5ecf64fe58515f6bc4c7c16b3300f3ac6a3b297ced9d47b52d267');
      expect(store.currentVersion('h')).to.deep.equal({ version: '2', ...bom });
    });

    storeTest(
      'reloading a version is a no-op with the same bytes and refused with other bytes',
      async (store) => {
        const bytes = enc(thousandRows());
        const first = await store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', bytes);
        expect(first.rowCount).to.equal(1000);
        expect(await store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', bytes)).to.deep.equal(
          first,
        );
        const other = enc(thousandRows().replace('U0001', 'U9999'));
        await expect(
          (async () => store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', other))(),
        ).to.be.rejectedWith(VersionConflictError);
        // Other items, or another format, are a conflict too; a malformed new file does not get that far.
        await expect(
          (async () => store.loadVersion('market-entities', 'v1', ENTITY_ITEMS.slice(0, 6), 'csv', bytes))(),
        ).to.be.rejectedWith(VersionConflictError);
        await expect(
          (async () => store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', enc('not,a,file')))(),
        ).to.be.rejectedWith(VersionConflictError);
        expect(store.currentVersion('market-entities')).to.deep.equal({ version: 'v1', ...first });
        expect((await all(store.allRows('market-entities')))[0]?.uscc).to.equal('U0001');
      },
    );

    storeTest(
      'a file with a bad row stores nothing and leaves the current version as it was',
      async (store) => {
        const good = await store.loadVersion(
          'market-entities',
          'v1',
          ENTITY_ITEMS,
          'csv',
          enc(thousandRows()),
        );
        const bad = thousandRows() + 'U2000,x,莲都区,1,not-a-number,2020-01-01,true\r\n';
        const e = await fileError(() =>
          store.loadVersion('market-entities', 'v2', ENTITY_ITEMS, 'csv', enc(bad)),
        );
        expect([e.line, e.item]).to.deep.equal([1002, 'staff']);
        expect(store.currentVersion('market-entities')).to.deep.equal({ version: 'v1', ...good });
        // v2 was never stored, so it can be loaded once fixed.
        await store.loadVersion(
          'market-entities',
          'v2',
          ENTITY_ITEMS,
          'csv',
          enc(thousandRows().replace('U0001', 'U0000')),
        );
        expect(store.currentVersion('market-entities')?.version).to.equal('v2');
      },
    );

    storeTest(
      'a text value with a NUL is refused alike on every store: in a file, naming row and item, and in a filter',
      async (store) => {
        const items: ItemSpec[] = [
          { name: 'id', type: 'integer', personal: false },
          { name: 'name', type: 'string', personal: false },
        ];
        for (const [format, bytes] of [
          ['csv', 'id,name\r\n1,a\r\n2,b\u0000c\r\n'],
          [
            'json',
            JSON.stringify([
              { id: 1, name: 'a' },
              { id: 2, name: 'b\u0000c' },
            ]),
          ],
        ] as const) {
          const e = await fileError(() => store.loadVersion('nul', format, items, format, enc(bytes)));
          expect([e.row, e.item, e.problem], format).to.deep.equal([2, 'name', NUL_IN_TEXT]);
        }
        expect(store.currentVersion('nul')).to.equal(undefined);
        await store.loadVersion('nul', 'v1', items, 'csv', enc('id,name\r\n1,a\r\n'));
        const query = async (value: unknown, op: 'eq' | 'in' | 'prefix' = 'eq'): Promise<unknown> =>
          store.query('nul', {
            fields: ['id'],
            filters: [{ item: 'name', op, value: value as string }],
            limit: 10,
          });
        for (const [value, op] of [
          ['a\u0000', 'eq'],
          [['a', '\u0000'], 'in'],
          ['a\u0000', 'prefix'],
        ] as const)
          await expect(query(value, op), op).to.be.rejectedWith(QueryError, NUL_IN_TEXT);
      },
    );

    storeTest('a page names the version its rows were read from', async (store) => {
      const page = () => store.query('market-entities', { fields: ['uscc'], filters: [], limit: 2 });
      await store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', enc(thousandRows()));
      const first = await page();
      expect(first.version).to.equal('v1');
      await store.loadVersion(
        'market-entities',
        'v2',
        ENTITY_ITEMS,
        'csv',
        enc(thousandRows().replace('U0001', 'U0000')),
      );
      const second = await page();
      expect([second.version, second.rows[0]]).to.deep.equal(['v2', { uscc: 'U0000' }]);
      expect(store.currentVersion('market-entities')?.version).to.equal('v2');
    });

    storeTest('malformed items, ids and formats are refused before anything is stored', async (store) => {
      const load = (id: string, version: string, items: ItemSpec[], format = 'csv'): Promise<unknown> =>
        Promise.resolve().then(() =>
          store.loadVersion(id, version, items, format as DatasetFormat, enc('id\n1\n')),
        );
      const id: ItemSpec[] = [{ name: 'id', type: 'integer', personal: false }];
      await expect(load('x', '1', [{ name: 'Id', type: 'integer', personal: false }])).to.be.rejectedWith(
        TypeError,
      );
      await expect(
        load('x', '1', [{ name: 'id', type: 'money' as 'integer', personal: false }]),
      ).to.be.rejectedWith(TypeError);
      await expect(load('x', '1', [...id, ...id])).to.be.rejectedWith(TypeError);
      await expect(load('x', '1', [])).to.be.rejectedWith(TypeError);
      await expect(load('x y', '1', id)).to.be.rejectedWith(TypeError);
      await expect(load('x', '../1', id)).to.be.rejectedWith(TypeError);
      await expect(load('x', '1', id, 'xml')).to.be.rejectedWith(TypeError);
      expect(store.currentVersion('x')).to.equal(undefined);
      const json = '[{"id":1},{"id":"2"}]';
      expect(await store.loadVersion('x', '1', id, 'json', enc(json))).to.deep.equal({
        contentHash: createHash('sha256').update(json).digest('hex'),
        rowCount: 2,
      });
      expect(await all(store.allRows('x'))).to.deep.equal([{ id: 1 }, { id: 2 }]);
    });

    storeTest('an unknown dataset has no current version and cannot be queried', async (store) => {
      expect(store.currentVersion('nope')).to.equal(undefined);
      await expect(
        (async () => store.query('nope', { fields: ['x'], filters: [], limit: 1 }))(),
      ).to.be.rejectedWith(DatasetNotLoadedError);
      await expect(
        (async () =>
          store.aggregate('nope', {
            groupBy: [],
            measures: [{ op: 'count' }],
            filters: [],
            minGroupSize: 1,
          }))(),
      ).to.be.rejectedWith(DatasetNotLoadedError);
      // Refused when asked, not when first read.
      expect(() => store.allRows('nope')).to.throw(DatasetNotLoadedError);
    });

    /** Every page of a filtered query, 100 rows at a time. */
    const pageThrough = (
      store: TestStore,
      filters: ReturnType<typeof parseFilter>,
    ): Promise<Record<string, unknown>[]> =>
      everyPage(store, 'market-entities', { fields: ['uscc', 'staff'], filters, limit: 100 }, 20);

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
        expect(pages).to.equal(10);
        expect(staff).to.deep.equal(Array.from({ length: 1000 }, (_, k) => k + 1));
        // With a filter, pages still cover exactly the matching rows.
        const lianDu = await pageThrough(store, parseFilter('district:eq:莲都区', ENTITY_ITEMS));
        expect(lianDu.length).to.equal(250);
        expect(new Set(lianDu.map((r) => r.uscc)).size).to.equal(250);
      },
    );

    storeTest('rows carry only the requested fields, typed per item', async (store) => {
      await store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', enc(thousandRows()));
      const { rows } = await store.query('market-entities', {
        fields: ['entity_name', 'registered_capital', 'active'],
        filters: parseFilter('uscc:in:U0007|U0008', ENTITY_ITEMS),
        limit: 10,
      });
      expect(rows).to.deep.equal([
        { entity_name: '丽水企业7,有限公司', registered_capital: 10.5, active: false },
        { entity_name: '丽水企业8,有限公司', registered_capital: 12, active: true },
      ]);
    });

    storeTest('a tampered cursor, or one from a superseded version, is a QueryError', async (store) => {
      await store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', enc(thousandRows()));
      const { nextCursor } = await store.query('market-entities', {
        fields: ['uscc'],
        filters: [],
        limit: 10,
      });
      expect(nextCursor).to.be.a('string').and.not.equal('');
      const flipped = (nextCursor![5] === 'A' ? 'B' : 'A') + '';
      const tampered = nextCursor!.slice(0, 5) + flipped + nextCursor!.slice(6);
      for (const cursor of [tampered, 'MTA', Buffer.from('1000').toString('base64url'), nextCursor! + 'A']) {
        await expect(
          (async () =>
            store.query('market-entities', { fields: ['uscc'], filters: [], limit: 10, cursor }))(),
          cursor,
        ).to.be.rejectedWith(QueryError);
      }
      expect(
        (
          await store.query('market-entities', {
            fields: ['uscc'],
            filters: [],
            limit: 10,
            cursor: nextCursor,
          })
        ).rows[0]?.uscc,
      ).to.equal('U0011');
      await store.loadVersion(
        'market-entities',
        'v2',
        ENTITY_ITEMS,
        'csv',
        enc(thousandRows().replace('U0001', 'U0000')),
      );
      await expect(
        (async () =>
          store.query('market-entities', { fields: ['uscc'], filters: [], limit: 10, cursor: nextCursor }))(),
      ).to.be.rejectedWith(/another version/);
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
        expect(again.currentVersion('market-entities')).to.deep.equal(
          store.currentVersion('market-entities'),
        );
        const page = await again.query('market-entities', {
          fields: ['staff'],
          filters: [],
          limit: 500,
          cursor: nextCursor,
        });
        expect(page.rows[0]?.staff).to.equal(501);
        expect(page.nextCursor).to.equal(undefined);
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
      expect(await q(`name:eq:${evil}`)).to.deep.equal([1]);
      expect(await q(`name:prefix:'; DROP`)).to.deep.equal([1]);
      expect(await q(`name:eq:' OR '1'='1`)).to.deep.equal([]);
      expect(await q(`name:prefix:%`)).to.deep.equal([]);
      expect(await q(`name:prefix:_`)).to.deep.equal([]);
      expect(await q('name:ne:ok')).to.deep.equal([1, 2]);
      expect(await q(`name:in:${evil}|ok`)).to.deep.equal([1, 3]);
      expect(await q(`name:gt:a" OR "1"="1`)).to.deep.equal([3]);
      expect(await q('name:eq:$1')).to.deep.equal([]);
      // Item names are never taken from the caller: an unknown one is refused, in a filter, a field or a group.
      const bad = 'name" = "name" OR "1';
      await expect(
        (async () =>
          store.query('x', { fields: ['id'], filters: [{ item: bad, op: 'eq', value: 'a' }], limit: 10 }))(),
      ).to.be.rejectedWith(/unknown item/);
      await expect(
        (async () => store.query('x', { fields: [bad], filters: [], limit: 10 }))(),
      ).to.be.rejectedWith(/unknown item/);
      await expect(
        (async () =>
          store.aggregate('x', {
            groupBy: [bad],
            measures: [{ op: 'count' }],
            filters: [],
            minGroupSize: 1,
          }))(),
      ).to.be.rejectedWith(/unknown item/);
      await expect(
        (async () =>
          store.aggregate('x', {
            groupBy: [],
            measures: [{ op: 'sum) FROM x; --' as 'sum', item: 'id' }],
            filters: [],
            minGroupSize: 1,
          }))(),
      ).to.be.rejectedWith(/unknown op/);
      // Nor in a dataset file's items.
      await expect(
        (async () =>
          store.loadVersion(
            'x',
            '2',
            [{ name: 'id" bigint); DROP TABLE x; --', type: 'integer', personal: false }],
            'csv',
            enc('a\n1\n'),
          ))(),
      ).to.be.rejectedWith(TypeError);
      // Everything is still there.
      expect((await all(store.allRows('x'))).length).to.equal(3);
      expect(store.currentVersion('x')?.rowCount).to.equal(3);
      expect(await q('id:ge:1')).to.deep.equal([1, 2, 3]);
    });

    storeTest(
      'unknown items and values of the wrong type are QueryErrors with a clear message',
      async (store) => {
        await store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', enc(thousandRows()));
        const query = async (q: Partial<RowQuery>): Promise<unknown> =>
          store.query('market-entities', { fields: ['uscc'], filters: [], limit: 10, ...q });
        const unknown = (await expect(query({ fields: ['legal_rep_id'] })).to.be.rejectedWith(
          /unknown item "legal_rep_id"/,
        )) as Error;
        expect(unknown.name).to.equal('QueryError');
        await expect(query({ fields: [] })).to.be.rejectedWith(QueryError);
        await expect(query({ fields: ['uscc', 'uscc'] })).to.be.rejectedWith(QueryError);
        await expect(query({ filters: [{ item: 'nope', op: 'eq', value: 'a' }] })).to.be.rejectedWith(
          /unknown item "nope"/,
        );
        await expect(
          query({ filters: [{ item: 'registered_capital', op: 'gt', value: '100' }] }),
        ).to.be.rejectedWith(/registered_capital is a number item; the string "100" is not a number/);
        await expect(query({ filters: [{ item: 'staff', op: 'prefix', value: '1' }] })).to.be.rejectedWith(
          QueryError,
        );
        await expect(
          query({ filters: [{ item: 'registered_on', op: 'ge', value: '2020-02-30' }] }),
        ).to.be.rejectedWith(QueryError);
        await expect(query({ filters: [{ item: 'staff', op: 'eq', value: 2 ** 53 }] })).to.be.rejectedWith(
          QueryError,
        );
        await expect(
          query({ filters: [{ item: 'active', op: 'in', value: [true] as never }] }),
        ).to.be.rejectedWith(QueryError);
        await expect(query({ filters: [{ item: 'staff', op: 'in', value: [] }] })).to.be.rejectedWith(
          QueryError,
        );
        await expect(query({ limit: 0 })).to.be.rejectedWith(QueryError);
        await expect(query({ limit: 100_000 })).to.be.rejectedWith(QueryError);
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
      expect(await ids('name:lt:a')).to.deep.equal([2, 7]);
      expect(await ids('name:gt:a')).to.deep.equal([4, 5]);
      expect(await ids('name:ne:a')).to.deep.equal([2, 3, 4, 5, 7]);
      expect(await ids('score:ge:3')).to.deep.equal([3, 5, 6]);
      expect(await ids('name:prefix:丽')).to.deep.equal([5]);
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
      expect(grouped).to.deep.equal({
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
      expect(result.suppressed).to.equal(2);
      expect(result.groups).to.deep.equal([
        { district: '缙云县', 'count(*)': 3, 'sum(staff)': 18, 'avg(registered_capital)': 9 },
        { district: '青田县', 'count(*)': 3, 'sum(staff)': 15, 'avg(registered_capital)': 7.5 },
      ]);
      const whole = await store.aggregate('market-entities', {
        groupBy: [],
        measures: [{ op: 'count' }],
        filters: parseFilter('staff:le:2', ENTITY_ITEMS),
        minGroupSize: 5,
      });
      expect(whole).to.deep.equal({ groups: [], suppressed: 1 });
      // No row at all is still one (empty) group, and suppressed as such.
      expect(
        await store.aggregate('market-entities', {
          groupBy: [],
          measures: [{ op: 'count' }, { op: 'sum', item: 'staff' }],
          filters: parseFilter('staff:gt:5000', ENTITY_ITEMS),
          minGroupSize: 1,
        }),
      ).to.deep.equal({ groups: [], suppressed: 1 });
      expect(
        await store.aggregate('market-entities', {
          groupBy: [],
          measures: [{ op: 'count' }, { op: 'sum', item: 'staff' }, { op: 'avg', item: 'staff' }],
          filters: [],
          minGroupSize: 1000,
        }),
      ).to.deep.equal({
        groups: [{ 'count(*)': 1000, 'sum(staff)': 500500, 'avg(staff)': 500.5 }],
        suppressed: 0,
      });
    });

    storeTest(
      'a computed result asked again is the same, and once another version is current, its own',
      async (store) => {
        const q: AggregateQuery = {
          groupBy: ['district'],
          measures: [{ op: 'count' }, { op: 'sum', item: 'staff' }],
          filters: [],
          minGroupSize: 1,
        };
        await store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', enc(thousandRows()));
        const first = await store.aggregate('market-entities', q);
        expect(first.groups.map((g) => g['count(*)'])).to.deep.equal([250, 250, 250, 250]);
        expect(await store.aggregate('market-entities', { ...q })).to.deep.equal(first);
        // A caller cannot change what the next one is served.
        expect(() => (first.groups[0]!['count(*)'] = 0)).to.throw(TypeError);
        // Another threshold is another question.
        expect(await store.aggregate('market-entities', { ...q, minGroupSize: 251 })).to.deep.equal({
          groups: [],
          suppressed: 4,
        });
        // v2: the first three rows of v1 (in DISTRICTS[1], [2] and [3], staff 1, 2 and 3), and one in a district v1
        // has none in.
        const v2 = thousandRows().split('\r\n').slice(0, 4);
        v2.push('U9999,"丽水企业9999",丽水市,1,7,2020-01-01,true');
        await store.loadVersion('market-entities', 'v2', ENTITY_ITEMS, 'csv', enc(v2.join('\r\n')));
        expect(await store.aggregate('market-entities', q)).to.deep.equal({
          groups: [
            { district: '丽水市', 'count(*)': 1, 'sum(staff)': 7 },
            { district: '缙云县', 'count(*)': 1, 'sum(staff)': 2 },
            { district: '青田县', 'count(*)': 1, 'sum(staff)': 1 },
            { district: '龙泉市', 'count(*)': 1, 'sum(staff)': 3 },
          ],
          suppressed: 0,
        });
      },
    );

    storeTest('aggregate refuses more groups than it may return', async (store) => {
      const items: ItemSpec[] = [{ name: 'n', type: 'integer', personal: false }];
      const lines = ['n', ...Array.from({ length: 10_002 }, (_, k) => String(k))];
      await store.loadVersion('many', '1', items, 'csv', enc(lines.join('\n')));
      const agg = async (minGroupSize: number): Promise<AggregateResult> =>
        store.aggregate('many', { groupBy: ['n'], measures: [{ op: 'count' }], filters: [], minGroupSize });
      await expect(agg(1)).to.be.rejectedWith(/more than 10000 groups/);
      // Groups that are suppressed do not count towards the limit.
      expect(await agg(2)).to.deep.equal({ groups: [], suppressed: 10_002 });
    });

    storeTest('aggregate sums only numeric items and knows only the dataset items', async (store) => {
      await store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', enc(thousandRows()));
      const agg = async (
        groupBy: string[],
        item: string,
        op: 'sum' | 'avg' | 'count' = 'sum',
      ): Promise<unknown> =>
        store.aggregate('market-entities', {
          groupBy,
          measures: [{ op, item }],
          filters: [],
          minGroupSize: 1,
        });
      await expect(agg([], 'district')).to.be.rejectedWith(
        /sum needs a number or integer item; district is string/,
      );
      await expect(agg(['nope'], 'staff')).to.be.rejectedWith(QueryError);
      await expect(agg([], 'nope', 'count')).to.be.rejectedWith(QueryError);
      await expect(
        (async () =>
          store.aggregate('market-entities', {
            groupBy: [],
            measures: [{ op: 'count' }],
            filters: [],
            minGroupSize: 0,
          }))(),
      ).to.be.rejectedWith(QueryError);
      expect(await agg(['active'], 'staff', 'count')).to.deep.equal({
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
      expect(rows.length).to.equal(1000);
      expect(rows[6]).to.deep.equal({
        uscc: 'U0007',
        entity_name: '丽水企业7,有限公司',
        district: '龙泉市',
        registered_capital: 10.5,
        staff: 7,
        registered_on: '2020-01-08',
        active: false,
      });
      expect(rows.map((r) => r.staff)).to.deep.equal(Array.from({ length: 1000 }, (_, k) => k + 1));
      // The version is fixed when asked: a version loaded meanwhile does not change what is read.
      const reading = store.allRows('market-entities');
      await store.loadVersion(
        'market-entities',
        'v2',
        ENTITY_ITEMS,
        'csv',
        enc(thousandRows().replace('U0001', 'U0000')),
      );
      expect((await all(reading))[0]?.uscc).to.equal('U0001');
      expect((await all(store.allRows('market-entities')))[0]?.uscc).to.equal('U0000');
    });

    storeTest('values round-trip exactly: extremes, quotes, line breaks, empty and absent', async (store) => {
      const items = EVERY_TYPE;
      const rows = [
        { i: Number.MAX_SAFE_INTEGER, x: 1e308, s: 'a "quoted" \\ back, {brace}', d: '0001-01-01', b: true },
        { i: -Number.MAX_SAFE_INTEGER, x: -2.5e-300, s: 'two\r\nlines\t😀', d: '9999-12-31', b: false },
        { i: 0, x: 0.1 + 0.2, s: 'NULL', d: '2024-02-29', b: null },
        { i: null, x: null, s: null, d: null, b: null },
      ];
      await store.loadVersion('v', '1', items, 'json', enc(JSON.stringify(rows)));
      expect(await all(store.allRows('v'))).to.deep.equal(rows);
      const q = async (filter: string): Promise<unknown[]> =>
        (await store.query('v', { fields: ['i'], filters: parseFilter(filter, items), limit: 10 })).rows.map(
          (r) => r.i,
        );
      expect(await q(`i:eq:${Number.MAX_SAFE_INTEGER}`)).to.deep.equal([Number.MAX_SAFE_INTEGER]);
      expect(await q('x:eq:0.30000000000000004')).to.deep.equal([0]);
      expect(await q('s:eq:NULL')).to.deep.equal([0]);
      expect(await q('d:lt:1000-01-01')).to.deep.equal([Number.MAX_SAFE_INTEGER]);
      expect(await q('b:ne:true')).to.deep.equal([-Number.MAX_SAFE_INTEGER, 0, null]);
    });

    storeTest(
      'every filter picks the rows its rule picks, page after page in file order and in computed results (fast-check, every operator and type)',
      async (store) => {
        const items = EVERY_TYPE;
        // Enough rows that SQLite's store reads some filters through their item's index and others from the
        // table (which one depends on how many rows match), so that every way of reading a page is taken. Few
        // distinct values, nulls among them, so that every operator matches some rows and misses others; text
        // within one plane of Unicode, where JavaScript's order is the stores' order by code point.
        const pools: Record<string, unknown[]> = {
          s: [null, 'a', 'ab', 'b', 'B', '莲', '莲都区', 'a%', '_'],
          d: [null, '2020-01-01', '2020-01-15', '2020-02-01', '2021-06-30'],
          i: [null, -2, 0, 1, 3],
          x: [null, -1.5, 0, 0.5, 2.25],
          b: [null, true, false],
        };
        const ROWS = 2500;
        let seed = 7;
        const pick = (pool: unknown[]): unknown =>
          pool[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % pool.length];
        // In order of `i` (empty first): its values sit together, so that SQLite's store also reads some pages
        // through its zone map, only the blocks of rows that may match.
        const order = (v: unknown): number => (v === null ? -Infinity : (v as number));
        const file = Array.from({ length: ROWS }, () =>
          Object.fromEntries(items.map((it) => [it.name, pick(pools[it.name]!)])),
        ).sort((a, b) => order(a.i) - order(b.i));
        await store.loadVersion('ops', '1', items, 'json', enc(JSON.stringify(file)));
        // The model: the rows as the store gives them back, in file order.
        const rows = await all(store.allRows('ops'));
        expect(rows).to.have.length(ROWS);

        const filter = fc.oneof(
          ...items.map((it) => {
            const value = fc.constantFrom(...pools[it.name]!.filter((v) => v !== null));
            const ops: FilterOp[] =
              it.type === 'boolean'
                ? ['eq', 'ne']
                : [
                    'eq',
                    'ne',
                    'lt',
                    'le',
                    'gt',
                    'ge',
                    'in',
                    ...(it.type === 'string' || it.type === 'date' ? (['prefix'] as const) : []),
                  ];
            return fc.record({
              item: fc.constant(it.name),
              op: fc.constantFrom(...ops),
              value: value,
              values: fc.uniqueArray(value, { minLength: 1, maxLength: 3 }),
            });
          }),
        );
        const holds = (v: unknown, f: { op: FilterOp; value: unknown; values: unknown[] }): boolean => {
          if (f.op === 'ne') return v === null || v !== f.value;
          if (v === null) return false;
          switch (f.op) {
            case 'eq':
              return v === f.value;
            case 'in':
              return f.values.includes(v);
            case 'prefix':
              return (v as string).startsWith(f.value as string);
            case 'lt':
              return (v as number) < (f.value as number);
            case 'le':
              return (v as number) <= (f.value as number);
            case 'gt':
              return (v as number) > (f.value as number);
            default:
              return (v as number) >= (f.value as number);
          }
        };
        await fc.assert(
          fc.asyncProperty(
            fc.array(filter, { minLength: 1, maxLength: 2 }),
            fc.integer({ min: 1, max: 400 }),
            async (fs, limit) => {
              const filters = fs.map((f) => ({
                item: f.item,
                op: f.op,
                value: f.op === 'in' ? f.values : f.value,
              }));
              const expected = rows.filter((r) => fs.every((f) => holds(r[f.item], f)));
              const got: Record<string, unknown>[] = [];
              let cursor: string | undefined;
              // The first pages (all of them, when they are few).
              for (let pages = 0; pages < 4; pages++) {
                const page = await store.query('ops', {
                  fields: items.map((it) => it.name),
                  filters,
                  limit,
                  cursor,
                } as RowQuery);
                expect(page.rows.length).to.be.at.most(limit);
                got.push(...page.rows);
                cursor = page.nextCursor;
                if (cursor === undefined) break;
              }
              const shouldBe = cursor === undefined ? expected : expected.slice(0, 4 * limit);
              expect(got, JSON.stringify(filters)).to.deep.equal(shouldBe);
              // A computed result over the same rows: counted, and i summed, per value of b (empty first).
              const result = await store.aggregate('ops', {
                groupBy: ['b'],
                measures: [{ op: 'count' }, { op: 'sum', item: 'i' }],
                filters,
                minGroupSize: 1,
              } as AggregateQuery);
              const groups = [null, false, true].flatMap((b) => {
                const rowsOfB = expected.filter((r) => r.b === b);
                const is = rowsOfB.flatMap((r) => (r.i === null ? [] : [r.i as number]));
                return rowsOfB.length === 0
                  ? []
                  : [
                      {
                        b,
                        'count(*)': rowsOfB.length,
                        'sum(i)': is.length ? is.reduce((a, n) => a + n, 0) : null,
                      },
                    ];
              });
              expect(result, JSON.stringify(filters)).to.deep.equal({ groups, suppressed: 0 });
            },
          ),
          { numRuns: 150 },
        );
      },
    );

    storeTest(
      'two stores are independent: each its own versions and cursors',
      async (store, _place, defer) => {
        const items: ItemSpec[] = [{ name: 'n', type: 'integer', personal: false }];
        const other = await (await backend.place(defer)).open();
        try {
          await store.loadVersion('d', '1', items, 'csv', enc('n\n1\n2\n3\n'));
          expect(other.currentVersion('d')).to.equal(undefined);
          await other.loadVersion('d', '1', items, 'csv', enc('n\n7\n8\n'));
          expect(store.currentVersion('d')?.rowCount).to.equal(3);
          expect(other.currentVersion('d')?.rowCount).to.equal(2);
          const page = await store.query('d', { fields: ['n'], filters: [], limit: 1 });
          expect(page.nextCursor).to.be.a('string').and.not.equal('');
          // A cursor of one store means nothing to the other.
          await expect(
            (async () =>
              other.query('d', { fields: ['n'], filters: [], limit: 1, cursor: page.nextCursor }))(),
          ).to.be.rejectedWith(QueryError);
          expect(await all(other.allRows('d'))).to.deep.equal([{ n: 7 }, { n: 8 }]);
        } finally {
          await other.close();
        }
      },
    );
  });
}
