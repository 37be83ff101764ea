import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DatasetFileError,
  DatasetNotLoadedError,
  DatasetStore,
  QueryError,
  VersionConflictError,
  parseDatasetFile,
  parseFilter,
  type ItemSpec,
} from './dataset-store.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

const ENTITY_ITEMS: ItemSpec[] = [
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
function thousandRows(): string {
  const lines = ['uscc,entity_name,district,registered_capital,staff,registered_on,active'];
  for (let n = 1; n <= 1000; n++) {
    const day = String((n % 28) + 1).padStart(2, '0');
    lines.push(
      `U${String(n).padStart(4, '0')},"丽水企业${n},有限公司",${DISTRICTS[n % 4]},${n * 1.5},${n},2020-01-${day},${n % 7 !== 0}`,
    );
  }
  return lines.join('\r\n') + '\r\n';
}

function withStore(fn: (store: DatasetStore, file: string) => void): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-store-'));
  const file = path.join(dir, 'store.db');
  const store = DatasetStore.open(file);
  try {
    fn(store, file);
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function fileError(fn: () => unknown): DatasetFileError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof DatasetFileError, `expected a DatasetFileError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a DatasetFileError');
}

// ---- files

const SMALL: ItemSpec[] = [
  { name: 'id', type: 'integer', personal: false },
  { name: 'name', type: 'string', personal: false },
  { name: 'note', type: 'string', personal: false },
];

test('CSV fields may hold commas, doubled quotes and line breaks; empty fields are null', () => {
  const csv = 'id,name,note\r\n1,"丽水, 莲都","他说""好"""\r\n2,"两行\r\n文本",\n3,,"x"\r\n';
  assert.deepEqual(parseDatasetFile(enc(csv), 'csv', SMALL), [
    { id: 1, name: '丽水, 莲都', note: '他说"好"' },
    { id: 2, name: '两行\r\n文本', note: null },
    { id: 3, name: null, note: 'x' },
  ]);
});

test('a UTF-8 BOM is not part of the first column name, and columns may come in any order', () => {
  const csv = '\uFEFFnote,id,name\n备注,7,青田\n';
  assert.deepEqual(parseDatasetFile(enc(csv), 'csv', SMALL), [{ id: 7, name: '青田', note: '备注' }]);
});

test('a header that lacks an item or has an unknown one is refused on line 1, naming the column', () => {
  const missing = fileError(() => parseDatasetFile(enc('id,name\n1,a\n'), 'csv', SMALL));
  assert.equal(missing.line, 1);
  assert.equal(missing.item, 'note');
  const unknown = fileError(() => parseDatasetFile(enc('id,name,note,phone\n1,a,b,c\n'), 'csv', SMALL));
  assert.equal(unknown.line, 1);
  assert.match(unknown.message, /"phone" is not an item/);
});

test('a value of the wrong type is refused with its physical line, row and item', () => {
  // Row 1 spans lines 2–3, so the bad integer of row 2 is on line 4.
  const csv = 'id,name,note\n1,"a\nb",c\nx1,d,e\n';
  const e = fileError(() => parseDatasetFile(enc(csv), 'csv', SMALL));
  assert.equal(e.line, 4);
  assert.equal(e.row, 2);
  assert.equal(e.item, 'id');
  assert.match(e.message, /line 4 \(row 2\) item "id": "x1" is not an integer/);
});

test('dates must be real dates, booleans true or false, numbers plain numbers', () => {
  const items: ItemSpec[] = [
    { name: 'd', type: 'date', personal: false },
    { name: 'b', type: 'boolean', personal: false },
    { name: 'n', type: 'number', personal: false },
  ];
  assert.deepEqual(parseDatasetFile(enc('d,b,n\n2024-02-29,true,-1.5e3\n'), 'csv', items), [
    { d: '2024-02-29', b: true, n: -1500 },
  ]);
  assert.match(
    fileError(() => parseDatasetFile(enc('d,b,n\n2023-02-29,true,1\n'), 'csv', items)).message,
    /not a real date/,
  );
  assert.equal(fileError(() => parseDatasetFile(enc('d,b,n\n2023-02-01,yes,1\n'), 'csv', items)).item, 'b');
  assert.equal(
    fileError(() => parseDatasetFile(enc('d,b,n\n2023-02-01,true,"1,000"\n'), 'csv', items)).item,
    'n',
  );
});

test('broken CSV structure is refused with the line: short record, stray quote, unclosed quote', () => {
  assert.equal(fileError(() => parseDatasetFile(enc('id,name,note\n1,a\n'), 'csv', SMALL)).line, 2);
  assert.equal(
    fileError(() => parseDatasetFile(enc('id,name,note\n1,a,b\n2,x"y,c\n'), 'csv', SMALL)).line,
    3,
  );
  assert.match(
    fileError(() => parseDatasetFile(enc('id,name,note\n1,"open,b\n2,c,d\n'), 'csv', SMALL)).message,
    /never closed/,
  );
  assert.match(fileError(() => parseDatasetFile(enc(''), 'csv', SMALL)).message, /empty/);
  assert.match(
    fileError(() => parseDatasetFile(new Uint8Array([0xff, 0xfe]), 'csv', SMALL)).message,
    /UTF-8/,
  );
});

test('JSON files are arrays of objects with exactly the items; errors name the row and item', () => {
  const ok = JSON.stringify([
    { id: 1, name: '云和', note: null },
    { id: '2', name: '庆元', note: '' },
  ]);
  assert.deepEqual(parseDatasetFile(enc(ok), 'json', SMALL), [
    { id: 1, name: '云和', note: null },
    { id: 2, name: '庆元', note: null },
  ]);
  const missing = fileError(() =>
    parseDatasetFile(enc('[{"id":1,"name":"a","note":"b"},{"id":2,"name":"c"}]'), 'json', SMALL),
  );
  assert.deepEqual([missing.row, missing.item], [2, 'note']);
  const extra = fileError(() =>
    parseDatasetFile(enc('[{"id":1,"name":"a","note":"b","x":1}]'), 'json', SMALL),
  );
  assert.deepEqual([extra.row, extra.item], [1, 'x']);
  const wrong = fileError(() => parseDatasetFile(enc('[{"id":1.5,"name":"a","note":"b"}]'), 'json', SMALL));
  assert.deepEqual([wrong.row, wrong.item], [1, 'id']);
});

// ---- versions

test('the content hash is the SHA-256 of the exact bytes, BOM included', () => {
  withStore((store) => {
    const items: ItemSpec[] = [
      { name: 'id', type: 'integer', personal: false },
      { name: 'name', type: 'string', personal: false },
    ];
    // Reference values from `sha256sum` over the same bytes.
    const plain = store.loadVersion('h', '1', items, 'csv', enc('id,name\r\n1,丽水\r\n'));
    assert.deepEqual(plain, {
      contentHash: '774551cdd241653a3d7db6db4d12ba3b2fcc050efcc13594815a614f08b1a257',
      rowCount: 1,
    });
    const bom = store.loadVersion('h', '2', items, 'csv', enc('\uFEFFid,name\r\n1,丽水\r\n'));
    assert.equal(bom.contentHash, '463d825bcef5ecf64fe58515f6bc4c7c16b3300f3ac6a3b297ced9d47b52d267');
    assert.deepEqual(store.currentVersion('h'), { version: '2', ...bom });
  });
});

test('reloading a version is a no-op with the same bytes and refused with other bytes', () => {
  withStore((store) => {
    const bytes = enc(thousandRows());
    const first = store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', bytes);
    assert.equal(first.rowCount, 1000);
    assert.deepEqual(store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', bytes), first);
    const other = enc(thousandRows().replace('U0001', 'U9999'));
    assert.throws(
      () => store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', other),
      VersionConflictError,
    );
    assert.deepEqual(store.currentVersion('market-entities'), { version: 'v1', ...first });
    assert.equal([...store.allRows('market-entities')][0]?.uscc, 'U0001');
  });
});

test('a file with a bad row stores nothing and leaves the current version as it was', () => {
  withStore((store) => {
    const good = store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', enc(thousandRows()));
    const bad = thousandRows() + 'U2000,x,莲都区,1,not-a-number,2020-01-01,true\r\n';
    const e = fileError(() => store.loadVersion('market-entities', 'v2', ENTITY_ITEMS, 'csv', enc(bad)));
    assert.deepEqual([e.line, e.item], [1002, 'staff']);
    assert.deepEqual(store.currentVersion('market-entities'), { version: 'v1', ...good });
    // v2 was never stored, so it can be loaded once fixed.
    store.loadVersion(
      'market-entities',
      'v2',
      ENTITY_ITEMS,
      'csv',
      enc(thousandRows().replace('U0001', 'U0000')),
    );
    assert.equal(store.currentVersion('market-entities')?.version, 'v2');
  });
});

test('an unknown dataset has no current version and cannot be queried', () => {
  withStore((store) => {
    assert.equal(store.currentVersion('nope'), undefined);
    assert.throws(() => store.query('nope', { fields: ['x'], filters: [], limit: 1 }), DatasetNotLoadedError);
    assert.throws(() => store.allRows('nope'), DatasetNotLoadedError);
  });
});

// ---- queries

function pageThrough(
  store: DatasetStore,
  filters: ReturnType<typeof parseFilter>,
): Record<string, unknown>[] {
  const all: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = store.query('market-entities', { fields: ['uscc', 'staff'], filters, limit: 100, cursor });
    assert.ok(page.rows.length <= 100);
    all.push(...page.rows);
    cursor = page.nextCursor;
    assert.ok(++pages <= 20, 'paging does not end');
  } while (cursor !== undefined);
  return all;
}

test('paging through 1,000 rows 100 at a time returns each row once, in file order, in 10 pages', () => {
  withStore((store) => {
    store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', enc(thousandRows()));
    let pages = 0;
    let cursor: string | undefined;
    const staff: number[] = [];
    do {
      const page = store.query('market-entities', { fields: ['staff'], filters: [], limit: 100, cursor });
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
    const lianDu = pageThrough(store, parseFilter('district:eq:莲都区', ENTITY_ITEMS));
    assert.equal(lianDu.length, 250);
    assert.equal(new Set(lianDu.map((r) => r.uscc)).size, 250);
  });
});

test('rows carry only the requested fields, typed per item', () => {
  withStore((store) => {
    store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', enc(thousandRows()));
    const { rows } = store.query('market-entities', {
      fields: ['entity_name', 'registered_capital', 'active'],
      filters: parseFilter('uscc:in:U0007|U0008', ENTITY_ITEMS),
      limit: 10,
    });
    assert.deepEqual(rows, [
      { entity_name: '丽水企业7,有限公司', registered_capital: 10.5, active: false },
      { entity_name: '丽水企业8,有限公司', registered_capital: 12, active: true },
    ]);
  });
});

test('a tampered cursor, or one from a superseded version, is a QueryError', () => {
  withStore((store) => {
    store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', enc(thousandRows()));
    const { nextCursor } = store.query('market-entities', { fields: ['uscc'], filters: [], limit: 10 });
    assert.ok(nextCursor);
    const flipped = (nextCursor[5] === 'A' ? 'B' : 'A') + '';
    const tampered = nextCursor.slice(0, 5) + flipped + nextCursor.slice(6);
    for (const cursor of [tampered, 'MTA', Buffer.from('1000').toString('base64url'), nextCursor + 'A']) {
      assert.throws(
        () => store.query('market-entities', { fields: ['uscc'], filters: [], limit: 10, cursor }),
        QueryError,
        cursor,
      );
    }
    assert.equal(
      store.query('market-entities', { fields: ['uscc'], filters: [], limit: 10, cursor: nextCursor }).rows[0]
        ?.uscc,
      'U0011',
    );
    store.loadVersion(
      'market-entities',
      'v2',
      ENTITY_ITEMS,
      'csv',
      enc(thousandRows().replace('U0001', 'U0000')),
    );
    assert.throws(
      () => store.query('market-entities', { fields: ['uscc'], filters: [], limit: 10, cursor: nextCursor }),
      /another version/,
    );
  });
});

test('cursors stay valid after the store is closed and opened again', () => {
  withStore((store, file) => {
    store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', enc(thousandRows()));
    const { nextCursor } = store.query('market-entities', { fields: ['staff'], filters: [], limit: 500 });
    const again = DatasetStore.open(file);
    try {
      const page = again.query('market-entities', {
        fields: ['staff'],
        filters: [],
        limit: 500,
        cursor: nextCursor,
      });
      assert.equal(page.rows[0]?.staff, 501);
      assert.equal(page.nextCursor, undefined);
    } finally {
      again.close();
    }
  });
});

test('an SQL injection attempt in a filter value is only a value', () => {
  withStore((store) => {
    const evil = "'; DROP TABLE x; --";
    const items: ItemSpec[] = [
      { name: 'id', type: 'integer', personal: false },
      { name: 'name', type: 'string', personal: false },
    ];
    store.loadVersion('x', '1', items, 'csv', enc(`id,name\n1,"${evil}"\n2,"a"" OR ""1""=""1"\n3,ok\n`));
    const q = (filter: string): unknown[] =>
      store
        .query('x', { fields: ['id'], filters: parseFilter(filter, items), limit: 10 })
        .rows.map((r) => r.id);
    assert.deepEqual(q(`name:eq:${evil}`), [1]);
    assert.deepEqual(q(`name:prefix:'; DROP`), [1]);
    assert.deepEqual(q(`name:eq:' OR '1'='1`), []);
    assert.deepEqual(q(`name:prefix:%`), []);
    assert.deepEqual(q('name:ne:ok'), [1, 2]);
    // Everything is still there.
    assert.equal([...store.allRows('x')].length, 3);
    assert.equal(store.currentVersion('x')?.rowCount, 3);
  });
});

test('unknown items and values of the wrong type are QueryErrors with a clear message', () => {
  withStore((store) => {
    store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', enc(thousandRows()));
    const query = (q: Partial<Parameters<DatasetStore['query']>[1]>): unknown =>
      store.query('market-entities', { fields: ['uscc'], filters: [], limit: 10, ...q });
    assert.throws(() => query({ fields: ['legal_rep_id'] }), {
      name: 'QueryError',
      message: /unknown item "legal_rep_id"/,
    });
    assert.throws(() => query({ fields: [] }), QueryError);
    assert.throws(() => query({ filters: [{ item: 'nope', op: 'eq', value: 'a' }] }), /unknown item "nope"/);
    assert.throws(
      () => query({ filters: [{ item: 'registered_capital', op: 'gt', value: '100' }] }),
      /registered_capital is a number item; the string "100" is not a number/,
    );
    assert.throws(() => query({ filters: [{ item: 'staff', op: 'prefix', value: '1' }] }), QueryError);
    assert.throws(
      () => query({ filters: [{ item: 'registered_on', op: 'ge', value: '2020-02-30' }] }),
      QueryError,
    );
    assert.throws(() => query({ limit: 0 }), QueryError);
    assert.throws(() => query({ limit: 100_000 }), QueryError);
  });
});

test('parseFilter types values by item and names the part at fault', () => {
  assert.deepEqual(
    parseFilter(
      'registered_on:ge:2020-01-01,district:in:莲都区|青田县,entity_name:prefix:丽水,staff:lt:10,active:eq:true',
      ENTITY_ITEMS,
    ),
    [
      { item: 'registered_on', op: 'ge', value: '2020-01-01' },
      { item: 'district', op: 'in', value: ['莲都区', '青田县'] },
      { item: 'entity_name', op: 'prefix', value: '丽水' },
      { item: 'staff', op: 'lt', value: 10 },
      { item: 'active', op: 'eq', value: true },
    ],
  );
  assert.deepEqual(parseFilter('entity_name:eq:a:b', ENTITY_ITEMS), [
    { item: 'entity_name', op: 'eq', value: 'a:b' },
  ]);
  assert.deepEqual(parseFilter('', ENTITY_ITEMS), []);
  assert.throws(() => parseFilter('district:eq:莲都区,staff:gt:ten', ENTITY_ITEMS), {
    name: 'QueryError',
    message: /filter part 2 "staff:gt:ten".*"ten" is not an integer/,
  });
  assert.throws(() => parseFilter('phone:eq:1', ENTITY_ITEMS), /part 1 "phone:eq:1": unknown item/);
  assert.throws(() => parseFilter('staff:like:1', ENTITY_ITEMS), /unknown operator "like"/);
  assert.throws(() => parseFilter('staff', ENTITY_ITEMS), /expected item:op:value/);
  assert.throws(() => parseFilter('active:gt:true', ENTITY_ITEMS), /part 1 .*eq or ne/);
  assert.throws(() => parseFilter('registered_on:eq:2020-13-01', ENTITY_ITEMS), /not a real date/);
});

// ---- computed results

test('aggregate suppresses groups smaller than the threshold and counts them', () => {
  withStore((store) => {
    store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', enc(thousandRows()));
    // staff ≤ 10: 莲都区 gets 4, 8 (2 rows); 青田县 1, 5, 9 (3); 缙云县 2, 6, 10 (3); 龙泉市 3, 7 (2).
    const result = store.aggregate('market-entities', {
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
    const whole = store.aggregate('market-entities', {
      groupBy: [],
      measures: [{ op: 'count' }],
      filters: parseFilter('staff:le:2', ENTITY_ITEMS),
      minGroupSize: 5,
    });
    assert.deepEqual(whole, { groups: [], suppressed: 1 });
  });
});

test('aggregate sums only numeric items and knows only the dataset items', () => {
  withStore((store) => {
    store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', enc(thousandRows()));
    const agg = (groupBy: string[], item: string, op: 'sum' | 'avg' | 'count' = 'sum'): unknown =>
      store.aggregate('market-entities', { groupBy, measures: [{ op, item }], filters: [], minGroupSize: 1 });
    assert.throws(() => agg([], 'district'), /sum needs a number or integer item; district is string/);
    assert.throws(() => agg(['nope'], 'staff'), QueryError);
    assert.throws(() => agg([], 'nope', 'count'), QueryError);
    assert.deepEqual(agg(['active'], 'staff', 'count'), {
      groups: [
        { active: false, 'count(staff)': 142 },
        { active: true, 'count(staff)': 858 },
      ],
      suppressed: 0,
    });
  });
});

test('allRows yields every row with every item, typed', () => {
  withStore((store) => {
    store.loadVersion('market-entities', 'v1', ENTITY_ITEMS, 'csv', enc(thousandRows()));
    const rows = [...store.allRows('market-entities')];
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
  });
});
