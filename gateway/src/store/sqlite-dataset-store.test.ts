/**
 * The dataset store's tests: parsing of filters, then the shared behaviour suite
 * (dataset-store.suite.ts) on SQLite and on PostgreSQL (a throwaway cluster, see testing/postgres.ts;
 * skipped, saying so, where PostgreSQL is not installed).
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import type { Worker } from 'node:worker_threads';
import { testPostgres, uniqueNamespace } from '../testing/postgres.js';
import { DatasetFileError } from '@rdx/client';
import { VersionConflictError, ZONE_ROWS } from './query-plan.js';
import type { Filter, ItemSpec } from './dataset-types.js';
import { parseFilter } from './filter-syntax.js';
import { itemMap } from './query-plan.js';
import {
  DatasetStore,
  SORTED_MATCH_COST,
  type DatasetStoreOptions,
  filterParts,
  pageStatement,
  readWay,
  resultStatement,
  type ReadWay,
  type FilterSql,
} from './sqlite-dataset-store.js';
import {
  ENTITY_ITEMS,
  datasetStoreSuite,
  enc,
  everyPage,
  thousandRows,
  type StoreBackend,
} from './dataset-store.suite.js';
import { PgDatasetStore } from './pg-dataset-store.js';
import pg from 'pg';
import type { DataStore } from '../services.js';
import type { RowQuery } from './dataset-types.js';

/** What the store's statements read of a version of the entities: its table, its items and them by name. */
const entityVersion = (table: string) => ({ table, items: ENTITY_ITEMS, byName: itemMap(ENTITY_ITEMS) });

// Started while the file loads, so that the test files of one process share one server (see testPostgres).
const server = await testPostgres();

describe('dataset store', () => {
  after(() => server.stop?.());

  // ---- filters

  it('parseFilter types values by item and names the part at fault', () => {
    expect(
      parseFilter(
        'registered_on:ge:2020-01-01,district:in:莲都区|青田县,entity_name:prefix:丽水,staff:lt:10,active:eq:true',
        ENTITY_ITEMS,
      ),
    ).to.deep.equal([
      { item: 'registered_on', op: 'ge', value: '2020-01-01' },
      { item: 'district', op: 'in', value: ['莲都区', '青田县'] },
      { item: 'entity_name', op: 'prefix', value: '丽水' },
      { item: 'staff', op: 'lt', value: 10 },
      { item: 'active', op: 'eq', value: true },
    ]);
    expect(parseFilter('entity_name:eq:a:b', ENTITY_ITEMS)).to.deep.equal([
      { item: 'entity_name', op: 'eq', value: 'a:b' },
    ]);
    expect(parseFilter('', ENTITY_ITEMS)).to.deep.equal([]);
    expect(() => parseFilter('district:eq:莲都区,staff:gt:ten', ENTITY_ITEMS))
      .to.throw(/filter part 2 "staff:gt:ten".*"ten" is not an integer/)
      .with.property('name', 'QueryError');
    expect(() => parseFilter('phone:eq:1', ENTITY_ITEMS)).to.throw(/part 1 "phone:eq:1": unknown item/);
    expect(() => parseFilter('staff:like:1', ENTITY_ITEMS)).to.throw(/unknown operator "like"/);
    expect(() => parseFilter('staff', ENTITY_ITEMS)).to.throw(/expected item:op:value/);
    expect(() => parseFilter('active:gt:true', ENTITY_ITEMS)).to.throw(/part 1 .*eq or ne/);
    expect(() => parseFilter('registered_on:eq:2020-13-01', ENTITY_ITEMS)).to.throw(/not a real date/);
  });

  // ---- SQLite's indexes

  it('SQLite: a page statement carries its limit in its text, never as a parameter, and refuses one that is not a positive integer', () => {
    // SQLite plans with a bound LIMIT's value, so it prepares such a statement again on every bind: every page.
    const version = entityVersion('rows_1');
    const filtered = filterParts([{ item: 'district', op: 'eq', value: '莲都区' }], version);
    for (const [where, after] of [
      [[], 0],
      [filtered, 40],
    ] as const) {
      const { sql, params } = pageStatement(version, [ENTITY_ITEMS[1]!], where, { way: 'table' }, after, 21);
      expect(sql).to.match(/ LIMIT 21$/);
      expect(params).to.deep.equal([after, ...where.flatMap((p) => p.params)]);
    }
    for (const limit of [0, -1, 1.5, Number.NaN, 2 ** 60])
      expect(
        () => pageStatement(version, [ENTITY_ITEMS[1]!], [], { way: 'table' }, 0, limit),
        String(limit),
      ).to.throw(RangeError);
  });

  it('SQLite: every item but booleans is indexed; an equality reads its index, other comparisons the table, both in page order; an older store is indexed at open', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-store-idx-'));
    const file = path.join(dir, 'datasets.db');
    try {
      const store = DatasetStore.open(file);
      store.loadVersion('entities', '1', ENTITY_ITEMS, 'csv', enc(thousandRows()));
      store.close();
      const db = new DatabaseSync(file);
      const id = Number(db.prepare(`SELECT id FROM versions WHERE dataset_id = 'entities'`).get()!.id);
      const table = `rows_${id}`;
      const indexes = (): string[] =>
        db
          .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? ORDER BY name`)
          .all(table)
          .map((r) => String(r.name));
      expect(indexes()).to.deep.equal([0, 1, 2, 3, 4, 5].map((k) => `${table}_i${k}`)); // not 6, `active`

      const version = entityVersion(table);
      /** How SQLite runs the store's page statement for these filters, read `through` an index when asked. */
      const plan = (filters: object[], through = false): string => {
        const where = filterParts(filters, version);
        const index = where.find((p) => p.indexed);
        const { sql, params } = pageStatement(
          version,
          [ENTITY_ITEMS[1]!],
          where,
          through && index ? { way: 'index', through: index } : { way: 'table' },
          0,
          101,
        );
        return db
          .prepare(`EXPLAIN QUERY PLAN ${sql}`)
          .all(...params)
          .map((r) => String(r.detail))
          .join('; ');
      };
      const rare = plan([{ item: 'uscc', op: 'eq', value: 'U0999' }]);
      expect(rare).to.match(new RegExp(`USING (COVERING )?INDEX ${table}_i0 \\(uscc=\\? AND rowid>\\?\\)`));
      const mixed = plan([
        { item: 'staff', op: 'gt', value: 10 },
        { item: 'district', op: 'eq', value: '莲都区' },
      ]);
      expect(mixed).to.match(new RegExp(`USING (COVERING )?INDEX ${table}_i2 `));
      // An equality's rows come in page order from the index: nothing is sorted.
      for (const p of [rare, mixed]) expect(p).not.to.match(/TEMP B-TREE/);
      const others: [object[], RegExp][] = [
        [
          [{ item: 'staff', op: 'gt', value: 10 }],
          new RegExp(`USING (COVERING )?INDEX ${table}_i4 \\(staff>\\?`),
        ],
        [
          [{ item: 'district', op: 'in', value: ['莲都区', '青田县'] }],
          new RegExp(`USING (COVERING )?INDEX ${table}_i2 \\(district=\\?`),
        ],
        [
          [{ item: 'entity_name', op: 'prefix', value: '丽水企业99' }],
          new RegExp(`USING (COVERING )?INDEX ${table}_i1 \\(entity_name>\\? AND entity_name<\\?`),
        ],
      ];
      for (const [filters, throughIndex] of others) {
        // Read in page order from the table, stopping when the page is full; or, when the store has found few
        // matches, through the index, those few sorted into page order.
        expect(plan(filters), JSON.stringify(filters)).to.match(/USING INTEGER PRIMARY KEY \(rowid>\?\)/);
        expect(plan(filters, true), JSON.stringify(filters))
          .to.match(throughIndex)
          .and.to.match(/USE TEMP B-TREE FOR ORDER BY/);
      }
      expect(plan([{ item: 'registered_on', op: 'ne', value: '2020-01-02' }], true)).to.match(
        /USING INTEGER PRIMARY KEY \(rowid>\?\)/,
      );

      // Which filter the store reads through its index, given how many rows each matches.
      // At 10⁶ rows and pages of 100, up to √(101·10⁶/cost) matches; at 1000 rows, up to √(101·1000/cost).
      const choice = (filters: object[], rows: number, matches: number): string | undefined => {
        const way = readWay(filterParts(filters, version), rows, 100, {
          matches: (_, upTo) => Math.min(matches, upTo),
          inZones: () => ({ rows, from: 0 }),
        });
        return way.way === 'index' ? way.through.sql : undefined;
      };
      const staffAbove: Filter[] = [{ item: 'staff', op: 'gt', value: 990 }];
      const large = Math.ceil(Math.sqrt((101 * 1e6) / SORTED_MATCH_COST));
      expect(large).to.be.within(7000, 7200);
      expect(choice(staffAbove, 1e6, large - 1)).to.equal('+"staff" > ?');
      expect(choice(staffAbove, 1e6, large)).to.equal(undefined);
      expect(choice(staffAbove, 1000, 10)).to.equal('+"staff" > ?');
      expect(choice(staffAbove, 1000, 300)).to.equal(undefined);
      expect(choice([...staffAbove, { item: 'district', op: 'eq', value: '莲都区' }], 1e6, 0)).to.equal(
        undefined,
      );
      expect(choice([{ item: 'staff', op: 'ne', value: 1 }], 1e6, 0)).to.equal(undefined);
      // And the store itself: ten matches read through the index, in page order.
      const reopened = DatasetStore.open(file);
      const page = reopened.query('entities', { fields: ['staff'], filters: staffAbove, limit: 4 });
      expect(page.rows.map((r) => r.staff)).to.deep.equal([991, 992, 993, 994]);
      const next = reopened.query('entities', {
        fields: ['staff'],
        filters: staffAbove,
        limit: 10,
        cursor: page.nextCursor,
      });
      expect(next.rows.map((r) => r.staff)).to.deep.equal([995, 996, 997, 998, 999, 1000]);
      reopened.close();

      // A store whose versions were loaded before indexes were made gets them when it opens.
      for (const name of indexes()) db.exec(`DROP INDEX "${name}"`);
      expect(indexes()).to.deep.equal([]);
      DatasetStore.open(file).close();
      expect(indexes()).to.have.length(6);
      db.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  // 10 000 rows in order of staff (= row number); names 丽水企业<n>, so "丽水企业9" picks the rows 9, 90-99,
  // 900-999 and 9000-9999: at the start of the table and at its end, nothing between.
  const ROWS = 10_000;
  const orderedEntities = (): Uint8Array => {
    const lines = ['uscc,entity_name,district,registered_capital,staff,registered_on,active'];
    for (let n = 1; n <= ROWS; n++)
      lines.push(
        `U${String(n).padStart(5, '0')},丽水企业${n},${['莲都区', '青田县'][n % 2]},${n},${n},2020-01-01,true`,
      );
    return enc(lines.join('\n') + '\n');
  };
  const staffAbove9000 = [{ item: 'staff', op: 'gt', value: 9000 }];
  const prefix9 = [{ item: 'entity_name', op: 'prefix', value: '丽水企业9' }];
  const range = (from: number, to: number): number[] =>
    Array.from({ length: to - from + 1 }, (_, i) => from + i);
  /** Every staff a filter picks, page after page, as the store gives them. */
  const pagedStaff = async (store: DataStore, filters: object[], limit: number): Promise<unknown[]> =>
    (await everyPage(store, 'entities', { fields: ['staff'], filters, limit } as RowQuery)).map(
      (r) => r.staff,
    );
  /** The ordered entities' pages for ranges whose matches sit together: every row, in order. */
  const expectOrderedPages = async (store: DataStore): Promise<void> => {
    expect(await pagedStaff(store, staffAbove9000, 100)).to.deep.equal(range(9001, 10_000));
    // Pages that cross from the first blocks over the skipped ones to the last.
    expect(await pagedStaff(store, prefix9, 70)).to.deep.equal([
      9,
      ...range(90, 99),
      ...range(900, 999),
      ...range(9000, 9999),
    ]);
    expect(await pagedStaff(store, [{ item: 'staff', op: 'gt', value: 20_000 }], 100)).to.deep.equal([]);
    expect(await pagedStaff(store, [{ item: 'district', op: 'eq', value: '莲都区' }], 1000)).to.have.length(
      5000,
    );
  };

  it('SQLite: a filter whose matches sit together reads only the blocks of rows that may match (zone map), in page order; an older store gets its map at open', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-store-zones-'));
    const file = path.join(dir, 'datasets.db');
    try {
      const store = DatasetStore.open(file);
      store.loadVersion('entities', '1', ENTITY_ITEMS, 'csv', orderedEntities());
      const db = new DatabaseSync(file);
      const table = `rows_${Number(db.prepare(`SELECT id FROM versions WHERE dataset_id = 'entities'`).get()!.id)}`;
      const zones = (): Record<string, unknown>[] =>
        db.prepare(`SELECT _lo, _hi, _min4, _max4, _min1, _max1 FROM "${table}_z" ORDER BY _hi`).all();
      // Blocks in order, without gaps, each with its least and greatest staff and name (text order).
      const blocks = zones();
      expect(blocks).to.have.length(Math.ceil(ROWS / ZONE_ROWS));
      blocks.forEach((b, k) => {
        const [lo, hi] = [k * ZONE_ROWS + 1, Math.min((k + 1) * ZONE_ROWS, ROWS)];
        expect(b).to.deep.include({ _lo: lo, _hi: hi, _min4: lo, _max4: hi });
        const names = Array.from({ length: hi - lo + 1 }, (_, i) => `丽水企业${lo + i}`).sort();
        expect([b._min1, b._max1]).to.deep.equal([names[0], names.at(-1)]);
      });

      const version = entityVersion(table);
      /** The way the store reads a page of 100 for these filters, given its real counts. */
      const wayOf = (filters: object[]): string => {
        const where: FilterSql[] = filterParts(filters, version);
        const counted = (sql: string, params: SQLInputValue[]): number =>
          Number(db.prepare(sql).get(...params)!.n);
        return readWay(where, ROWS, 100, {
          matches: (indexed, upTo) =>
            Math.min(
              upTo,
              counted(`SELECT count(*) AS n FROM "${table}" WHERE ${indexed.sql}`, indexed.params),
            ),
          inZones: (z) => ({
            rows: counted(
              `SELECT coalesce(sum(_hi - _lo + 1), 0) AS n FROM "${table}_z" WHERE ${z.map((c) => c.sql).join(' AND ')}`,
              z.flatMap((c) => c.params),
            ),
            from: 0,
          }),
        }).way;
      };
      expect(wayOf(staffAbove9000), '1000 matches, in the last few blocks').to.equal('zones');
      expect(wayOf(prefix9), '1111 matches, in a few blocks at either end').to.equal('zones');
      expect(wayOf([{ item: 'staff', op: 'gt', value: 9990 }]), 'ten matches').to.equal('index');
      expect(wayOf([{ item: 'staff', op: 'gt', value: 10 }]), 'nearly every block').to.equal('table');
      expect(wayOf([{ item: 'district', op: 'in', value: ['莲都区'] }]), 'every block').to.equal('table');
      expect(wayOf([{ item: 'staff', op: 'ne', value: 1 }]), 'no zone test').to.equal('table');
      // SQLite goes through the blocks in order, each by its range of rows: nothing sorted, no row outside them.
      const where = filterParts(staffAbove9000, version);
      const { sql, params } = pageStatement(
        version,
        [ENTITY_ITEMS[1]!],
        where,
        { way: 'zones', from: 0 },
        0,
        101,
      );
      const plan = db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all(...params)
        .map((r) => String(r.detail))
        .join('; ');
      expect(plan).to.match(new RegExp(`SEARCH ${table}_z USING INTEGER PRIMARY KEY \\(rowid>\\?\\)`));
      expect(plan).to.match(
        new RegExp(`SEARCH ${table} USING INTEGER PRIMARY KEY \\(rowid>\\? AND rowid<\\?\\)`),
      );
      expect(plan).not.to.match(/TEMP B-TREE/);
      // A computed result per district sorts only the rows its filter's way reads, whichever way; without a
      // filter SQLite may read the district's index, which then holds all it needs.
      const resultPlan = (filters: object[], way?: ReadWay): string => {
        const statement = resultStatement(
          version,
          [ENTITY_ITEMS[2]!],
          ['count(*)'],
          filterParts(filters, version),
          way,
        );
        return db
          .prepare(`EXPLAIN QUERY PLAN ${statement.sql}`)
          .all(...statement.params)
          .map((r) => String(r.detail))
          .join('; ');
      };
      const districtIndex = new RegExp(`INDEX ${table}_i2\\b`);
      for (const [filters, way] of [
        [staffAbove9000, { way: 'zones', from: 0 }],
        [staffAbove9000, { way: 'index', through: filterParts(staffAbove9000, version)[0]! }],
        [staffAbove9000, { way: 'table' }],
      ] as [object[], ReadWay][]) {
        const p = resultPlan(filters, way);
        expect(p, way.way)
          .to.match(/USE TEMP B-TREE FOR GROUP BY/)
          .and.not.to.match(districtIndex);
      }
      expect(resultPlan([{ item: 'staff', op: 'gt', value: 1 }], { way: 'table' })).to.match(
        /^SCAN rows_\d+;/,
      );
      expect(resultPlan([])).to.match(new RegExp(`SCAN ${table} USING COVERING INDEX ${table}_i2`));

      await expectOrderedPages(store);
      store.close();

      // A store whose version was loaded before zone maps were made gets its map when it opens: the same map.
      db.exec(`DROP TABLE "${table}_z"`);
      const reopened = DatasetStore.open(file);
      expect(zones()).to.deep.equal(blocks);
      expect(await pagedStaff(reopened, prefix9, 500)).to.have.length(1111);
      reopened.close();
      db.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  // ---- the store, on each backend

  /** The SQLite store in a file of its own per test, opened with `opts`. */
  const sqliteBackend = (name: string, opts: DatasetStoreOptions = {}): StoreBackend => ({
    name,
    unavailable: () => Promise.resolve(undefined),
    place(defer) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-store-'));
      defer(() => fs.rmSync(dir, { recursive: true, force: true }));
      const file = path.join(dir, 'store.db');
      return Promise.resolve({ open: () => Promise.resolve(DatasetStore.open(file, opts)) });
    },
  });

  datasetStoreSuite(sqliteBackend('sqlite'));
  // The same, every computed result on the store's thread of its own (by default only those of large versions).
  datasetStoreSuite(sqliteBackend('sqlite, computed off the event loop', { offThreadRows: 0 }));

  it('PostgreSQL: a page of matches that sit together reads only the runs of blocks that may hold one (zone map); an older store gets its map at open', async function () {
    if (server.url === undefined) {
      if (server.error) throw server.error;
      console.log(`      skipped: ${server.skip}`);
      this.skip();
    }
    const namespace = uniqueNamespace('zones');
    let store = await PgDatasetStore.open(server.url, { namespace });
    const client = new pg.Client(server.url);
    await client.connect();
    try {
      await store.loadVersion('entities', '1', ENTITY_ITEMS, 'csv', orderedEntities());
      const id = (await client.query(`SELECT id FROM rdx_dataset_versions WHERE namespace = $1`, [namespace]))
        .rows[0] as { id: string };
      const zones = async (): Promise<unknown[]> =>
        (
          await client.query(
            `SELECT _lo::int, _hi::int, _min4::int, _max4::int, _min1, _max1 FROM "rdx_rows_${id.id}_z" ORDER BY _hi`,
          )
        ).rows as unknown[];
      const blocks = await zones();
      expect(blocks).to.have.length(Math.ceil(ROWS / ZONE_ROWS));
      expect(blocks.at(-1)).to.deep.equal({
        _lo: (blocks.length - 1) * ZONE_ROWS + 1,
        _hi: ROWS,
        _min4: (blocks.length - 1) * ZONE_ROWS + 1,
        _max4: ROWS,
        _min1: '丽水企业10000', // text order
        _max1: '丽水企业9999',
      });
      await expectOrderedPages(store);
      // What the pages ask the server to read: the rows after `_rid > $n` up to `_rid <= $m` (or the end), for
      // each part of each statement on the version's table.
      const asked: [number, number][] = [];
      const query = Reflect.get(pg.Pool.prototype, 'query') as (this: pg.Pool, ...a: unknown[]) => unknown;
      const spy = function (this: pg.Pool, ...args: unknown[]) {
        const statement = args[0] as { text?: string; values?: unknown[] };
        if (statement.text?.includes(`FROM "rdx_rows_${id.id}"`))
          for (const part of statement.text.split(' UNION ALL ')) {
            const bound = (op: string): number | undefined => {
              const n = new RegExp(`_rid ${op} \\$(\\d+)::bigint`).exec(part)?.[1];
              return n === undefined ? undefined : Number(statement.values![Number(n) - 1]);
            };
            asked.push([bound('>')!, bound('<=') ?? Infinity]);
          }
        return query.apply(this, args);
      };
      Reflect.set(pg.Pool.prototype, 'query', spy);
      try {
        // prefix9's matches sit in blocks 1 and 4 (rows 9, 90–99, 900–999) and 36–40 (9000–9999): the 31 blocks
        // between them (rows 1025–8960) hold none, and no statement reaches into them; a page crosses the gap.
        expect(await pagedStaff(store, prefix9, 70)).to.have.length(1111);
        expect(asked.length, 'pages read through their runs').to.be.at.least(17);
        for (const [after, last] of asked)
          expect(last <= 1024 || after >= 8960, `rows ${after + 1}…${last} asked`).to.equal(true);
        // Three blocks far apart (1, 20, 36), runs shorter than a page: read a few to a statement, each on its own.
        asked.length = 0;
        const blocksOf = [1, 20, 36].map((k) => [(k - 1) * ZONE_ROWS, k * ZONE_ROWS]);
        expect(
          await pagedStaff(store, [{ item: 'staff', op: 'in', value: [100, 5000, 9000] }], 100),
        ).to.deep.equal([100, 5000, 9000]);
        expect(asked).to.have.length(3);
        for (const [after, last] of asked)
          expect(
            blocksOf.some(([a, l]) => after >= a! && last <= l!),
            `rows ${after + 1}…${last} asked`,
          ).to.equal(true);
      } finally {
        Reflect.set(pg.Pool.prototype, 'query', query);
      }
      await store.close();
      // Loaded before zone maps were made: written when the store opens, the same.
      await client.query(`DROP TABLE "rdx_rows_${id.id}_z"`);
      store = await PgDatasetStore.open(server.url, { namespace });
      expect(await zones()).to.deep.equal(blocks);
      await expectOrderedPages(store);
    } finally {
      await store.close();
      await client.end();
    }
  });

  it('SQLite: a large version loads on a thread of its own while the loop runs, refused as on the store’s own connection', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-store-load-'));
    const store = DatasetStore.open(path.join(dir, 'store.db'), { offThreadLoadBytes: 0 });
    const here = DatasetStore.open(':memory:');
    try {
      const items: ItemSpec[] = [
        { name: 'n', type: 'integer', personal: false },
        { name: 'g', type: 'string', personal: false },
      ];
      const bytes = enc(['n,g', ...Array.from({ length: 20_000 }, (_, k) => `${k},g${k % 4}`)].join('\n'));
      let loopRan = false;
      setImmediate(() => (loopRan = true));
      const loaded = await store.loadVersionOffThread('big', '1', items, 'csv', bytes);
      expect(loopRan, 'other work ran while the version loaded').to.equal(true);
      expect(loaded).to.deep.equal(here.loadVersion('big', '1', items, 'csv', bytes));
      expect(store.currentVersion('big')).to.deep.equal({ version: '1', ...loaded });
      const page = store.query('big', {
        fields: ['n'],
        filters: [{ item: 'g', op: 'eq', value: 'g3' }],
        limit: 2,
      });
      expect(page.rows).to.deep.equal([{ n: 3 }, { n: 7 }]);

      // Refused with the same error, class and all, as on the store's own connection; nothing stored.
      const bad = enc('n,g\n1,a\nx,b\n');
      const onThread = await store
        .loadVersionOffThread('bad', '1', items, 'csv', bad)
        .catch((err: unknown) => err);
      expect(onThread).to.be.instanceOf(DatasetFileError).and.deep.include({ line: 3, row: 2, item: 'n' });
      expect(() => here.loadVersion('bad', '1', items, 'csv', bad))
        .to.throw(DatasetFileError)
        .with.property('message', (onThread as Error).message);
      expect(store.currentVersion('bad')).to.equal(undefined);
      const other = enc('n,g\n1,a\n');
      await expect(store.loadVersionOffThread('big', '1', items, 'csv', other)).to.be.rejectedWith(
        VersionConflictError,
      );
      // Two at once: one after the other, both stored.
      const [a, b] = await Promise.all(
        ['a', 'b'].map((id) => store.loadVersionOffThread(id, '1', items, 'csv', bytes)),
      );
      expect([a?.rowCount, b?.rowCount, store.currentVersion('b')?.rowCount]).to.deep.equal([
        20_000, 20_000, 20_000,
      ]);
    } finally {
      here.close();
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('SQLite: a large computed result leaves the event loop free while it is computed, and a dead thread loses none', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-store-agg-'));
    const store = DatasetStore.open(path.join(dir, 'store.db'));
    try {
      const items: ItemSpec[] = [
        { name: 'n', type: 'integer', personal: false },
        { name: 'g', type: 'string', personal: false },
      ];
      const lines = ['n,g', ...Array.from({ length: 20_000 }, (_, k) => `${k},g${k % 4}`)];
      store.loadVersion('big', '1', items, 'csv', enc(lines.join('\n')));
      const question = {
        groupBy: ['g'],
        measures: [{ op: 'sum' as const, item: 'n' }],
        filters: [],
        minGroupSize: 1,
      };
      const expected = {
        groups: [0, 1, 2, 3].map((r) => ({ g: `g${r}`, 'sum(n)': 49_990_000 + 5000 * r })),
        suppressed: 0,
      };
      // Computed on the caller's thread, the result would be there before any other work of the loop ran.
      let loopRan = false;
      setImmediate(() => (loopRan = true));
      const pending = store.aggregate('big', question);
      expect(pending).to.be.instanceOf(Promise);
      expect(await pending).to.deep.equal(expected);
      expect(loopRan, 'other work ran while the result was computed').to.equal(true);
      // The thread dies: what it was given, and what comes after, is computed on the store's own connection.
      const thread = (store as unknown as { aggregator: { worker: Worker } }).aggregator.worker;
      const during = store.aggregate('big', question);
      await thread.terminate();
      expect(await during).to.deep.equal(expected);
      expect(await store.aggregate('big', question)).to.deep.equal(expected);
    } finally {
      store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  datasetStoreSuite({
    name: 'postgres',
    unavailable: () => (server.error ? Promise.reject(server.error) : Promise.resolve(server.skip)),
    place() {
      const namespace = uniqueNamespace('store');
      return Promise.resolve({ open: () => PgDatasetStore.open(server.url!, { namespace }) });
    },
  });
});
