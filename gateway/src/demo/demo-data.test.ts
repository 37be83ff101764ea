import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_ENTERPRISES, demoDatasets, type DemoDataset } from './demo-data.js';
import { parseDatasetFile, type DatasetRow } from '../store/dataset-store.js';

// The check characters are computed here from the standards, independently of the generator.

/** GB 32100-2015. */
function usccValid(code: unknown): boolean {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  if (typeof code !== 'string' || !/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return false;
  const sum = weights.reduce((s, w, i) => s + alphabet.indexOf(code[i]!) * w, 0);
  return alphabet[(31 - (sum % 31)) % 31] === code[17];
}

/** GB 11643-1999. */
function idValid(id: unknown): boolean {
  if (typeof id !== 'string' || !/^\d{17}[\dX]$/.test(id)) return false;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((s, w, i) => s + Number(id[i]) * w, 0);
  return '10X98765432'[sum % 11] === id[17];
}

const LISHUI = new Map([
  ['331102', '莲都区'],
  ['331121', '青田县'],
  ['331122', '缙云县'],
  ['331123', '遂昌县'],
  ['331124', '松阳县'],
  ['331125', '云和县'],
  ['331126', '庆元县'],
  ['331127', '景宁畲族自治县'],
  ['331181', '龙泉市'],
]);

const datasets = demoDatasets();

function byId(id: string): DemoDataset {
  const d = datasets.find((x) => x.dataset.id === id);
  assert.ok(d, `no demo dataset ${id}`);
  return d;
}

function rowsOf(id: string): DatasetRow[] {
  const d = byId(id);
  return parseDatasetFile(new TextEncoder().encode(d.csv), d.dataset.format, d.dataset.items);
}

test('the demo data is the same on every call, and the seed decides it', () => {
  assert.deepEqual(demoDatasets(), datasets);
  const other = demoDatasets(42);
  for (const [k, d] of other.entries()) assert.notEqual(d.csv, datasets[k]!.csv, d.dataset.id);
});

test('every demo CSV parses against its own catalog items, with the expected row counts', () => {
  const expected: Record<string, [number, string, string]> = {
    'market-entities': [2000, 'MarketMSP', 'restricted'],
    'market-penalties': [600, 'MarketMSP', 'restricted'],
    'transport-vehicles': [1500, 'TransportMSP', 'restricted'],
    'transport-stations': [60, 'TransportMSP', 'unconditional'],
  };
  assert.deepEqual(datasets.map((d) => d.dataset.id).sort(), Object.keys(expected).sort());
  for (const d of datasets) {
    const [rows, owner, openAttribute] = expected[d.dataset.id]!;
    assert.equal(rowsOf(d.dataset.id).length, rows, d.dataset.id);
    assert.equal(d.owner, owner);
    assert.equal(d.dataset.openAttribute, openAttribute);
    for (const i of d.dataset.items) assert.match(i.name, /^[a-z][a-z0-9_]*$/);
  }
});

test('exactly the items about people are flagged personal', () => {
  const personal = datasets.flatMap((d) =>
    d.dataset.items.filter((i) => i.personal).map((i) => `${d.dataset.id}.${i.name}`),
  );
  assert.deepEqual(personal.sort(), [
    'market-entities.legal_rep_id',
    'market-entities.legal_rep_name',
    'market-entities.legal_rep_phone',
    'transport-vehicles.owner_name',
    'transport-vehicles.owner_phone',
  ]);
});

test('every credit code has a valid check character and a Lishui region; codes are unique', () => {
  const entities = rowsOf('market-entities');
  for (const e of entities) {
    assert.ok(usccValid(e.uscc), `bad uscc ${String(e.uscc)}`);
    assert.equal(LISHUI.get(String(e.uscc).slice(2, 8)), e.district, String(e.uscc));
  }
  assert.equal(new Set(entities.map((e) => e.uscc)).size, entities.length);
  for (const e of DEMO_ENTERPRISES) assert.ok(usccValid(e.creditCode), e.creditCode);
  // The independent check itself: the standard's published example passes, a changed check character fails.
  assert.ok(usccValid('91350100M000100Y43'));
  assert.ok(!usccValid('91350100M000100Y44'));
});

test('every legal representative ID number is valid: check digit, Lishui region, plausible birth date', () => {
  for (const e of rowsOf('market-entities')) {
    const id = String(e.legal_rep_id);
    assert.ok(idValid(id), `bad ID ${id}`);
    assert.ok(LISHUI.has(id.slice(0, 6)), id);
    const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
    assert.ok(!Number.isNaN(Date.parse(birth)) && new Date(birth).toISOString().startsWith(birth), birth);
    assert.ok(birth >= '1940-01-01' && birth <= '2006-12-31', birth);
    // Nobody registers a business before turning 18.
    assert.ok(
      String(e.registered_on) >= `${Number(id.slice(6, 10)) + 18}`,
      `${id} ${String(e.registered_on)}`,
    );
    assert.match(String(e.legal_rep_phone), /^1[3-9]\d{9}$/);
  }
  // GB 11643's own example, and the same number with a wrong check digit.
  assert.ok(idValid('11010519491231002X'));
  assert.ok(!idValid('110105194912310021'));
});

test('penalties and vehicles refer to registered entities by credit code, name and district', () => {
  const entities = new Map(rowsOf('market-entities').map((e) => [e.uscc, e]));
  for (const p of rowsOf('market-penalties')) {
    const e = entities.get(p.uscc ?? '');
    assert.ok(e, `penalty ${String(p.case_no)} names an unknown entity`);
    assert.equal(p.entity_name, e.entity_name);
    assert.equal(p.district, e.district);
    assert.ok(String(p.decided_on) > String(e.registered_on));
    assert.ok(typeof p.fine_amount === 'number' && p.fine_amount >= 0);
  }
  const cases = rowsOf('market-penalties').map((p) => p.case_no);
  assert.equal(new Set(cases).size, cases.length);
  const vehicles = rowsOf('transport-vehicles');
  for (const v of vehicles) {
    const e = entities.get(v.operator_uscc ?? '');
    assert.ok(e, `vehicle ${String(v.plate_no)} has an unknown operator`);
    assert.equal(v.operator_name, e.entity_name);
    assert.match(String(v.plate_no), /^浙K[A-HJ-NP-Z0-9]{5}$/);
    assert.match(String(v.owner_phone), /^1[3-9]\d{9}$/);
    assert.ok(Number.isInteger(v.seats) && (v.seats as number) >= 2);
  }
  assert.equal(new Set(vehicles.map((v) => v.plate_no)).size, vehicles.length);
  assert.equal(new Set(vehicles.map((v) => v.license_no)).size, vehicles.length);
});

test('stations lie within Lishui, in every district', () => {
  const stations = rowsOf('transport-stations');
  for (const s of stations) {
    assert.ok((s.longitude as number) >= 119.0 && (s.longitude as number) <= 120.4, String(s.longitude));
    assert.ok((s.latitude as number) >= 27.4 && (s.latitude as number) <= 28.7, String(s.latitude));
  }
  assert.deepEqual(new Set(stations.map((s) => s.district)), new Set(LISHUI.values()));
  assert.equal(new Set(stations.map((s) => s.station_id)).size, stations.length);
});

test('the demo enterprises are rated A (MLPS level 1), AA and AAA, in good standing', () => {
  assert.deepEqual(
    DEMO_ENTERPRISES.map((e) => e.rating.level),
    ['A', 'AA', 'AAA'],
  );
  const [a, aa, aaa] = DEMO_ENTERPRISES;
  assert.equal(a?.rating.mlpsLevel, 1);
  assert.ok((aa?.rating.mlpsLevel ?? 0) >= 2 && (aaa?.rating.mlpsLevel ?? 0) >= 2);
  assert.ok(DEMO_ENTERPRISES.some((e) => e.name === '丽水智慧数据科技有限公司'));
  for (const e of DEMO_ENTERPRISES) {
    assert.equal(e.rating.creditStatus, 'good');
    assert.equal(e.rating.validUntil, '2027-12-31');
    assert.deepEqual(e.rating.certificateHashes, []);
  }
  assert.equal(new Set(DEMO_ENTERPRISES.map((e) => e.creditCode)).size, 3);
});
