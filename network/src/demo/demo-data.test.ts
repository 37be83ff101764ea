import { expect } from 'chai';
import { DEMO_ENTERPRISES, demoDatasets, type DemoDataset } from './demo-data.js';
import { parseDatasetFile } from '@rdx/gateway';

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
  const d = datasets.find((x) => x.dataset.id === id)!;
  expect(d, `no demo dataset ${id}`).not.to.equal(undefined);
  return d;
}

function rowsOf(id: string): ReturnType<typeof parseDatasetFile> {
  const d = byId(id);
  return parseDatasetFile(new TextEncoder().encode(d.csv), d.dataset.format, d.dataset.items);
}

describe('demo data', () => {
  it('the demo data is the same on every call, and the seed decides it', () => {
    expect(demoDatasets()).to.deep.equal(datasets);
    const other = demoDatasets(42);
    for (const [k, d] of other.entries()) expect(d.csv, d.dataset.id).not.to.equal(datasets[k]!.csv);
  });

  it('every demo CSV parses against its own catalog items, with the expected row counts', () => {
    const expected: Record<string, [number, string, string]> = {
      'market-entities': [2000, 'MarketMSP', 'restricted'],
      'market-penalties': [600, 'MarketMSP', 'restricted'],
      'transport-vehicles': [1500, 'TransportMSP', 'restricted'],
      'transport-stations': [60, 'TransportMSP', 'unconditional'],
    };
    expect(datasets.map((d) => d.dataset.id).sort()).to.deep.equal(Object.keys(expected).sort());
    for (const d of datasets) {
      const [rows, owner, openAttribute] = expected[d.dataset.id]!;
      expect(rowsOf(d.dataset.id).length, d.dataset.id).to.equal(rows);
      expect(d.owner).to.equal(owner);
      expect(d.dataset.openAttribute).to.equal(openAttribute);
      for (const i of d.dataset.items) expect(i.name).to.match(/^[a-z][a-z0-9_]*$/);
    }
  });

  it('exactly the items about people are flagged personal', () => {
    const personal = datasets.flatMap((d) =>
      d.dataset.items.filter((i) => i.personal).map((i) => `${d.dataset.id}.${i.name}`),
    );
    expect(personal.sort()).to.deep.equal([
      'market-entities.legal_rep_id',
      'market-entities.legal_rep_name',
      'market-entities.legal_rep_phone',
      'transport-vehicles.owner_name',
      'transport-vehicles.owner_phone',
    ]);
  });

  it('every credit code has a valid check character and a Lishui region; codes are unique', () => {
    const entities = rowsOf('market-entities');
    for (const e of entities) {
      expect(usccValid(e.uscc), `bad uscc ${String(e.uscc)}`).to.equal(true);
      expect(LISHUI.get(String(e.uscc).slice(2, 8)), String(e.uscc)).to.equal(e.district);
    }
    expect(new Set(entities.map((e) => e.uscc)).size).to.equal(entities.length);
    for (const e of DEMO_ENTERPRISES) expect(usccValid(e.creditCode), e.creditCode).to.equal(true);
    // The independent check itself: the standard's published example passes, a changed check character fails.
    expect(usccValid('91350100M000100Y43')).to.equal(true);
    expect(usccValid('91350100M000100Y44')).to.equal(false);
  });

  it('every legal representative ID number is valid: check digit, Lishui region, plausible birth date', () => {
    for (const e of rowsOf('market-entities')) {
      const id = String(e.legal_rep_id);
      expect(idValid(id), `bad ID ${id}`).to.equal(true);
      expect(LISHUI.has(id.slice(0, 6)), id).to.equal(true);
      const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
      expect(Number.isNaN(Date.parse(birth)), birth).to.equal(false);
      expect(new Date(birth).toISOString().startsWith(birth), birth).to.equal(true);
      expect(birth >= '1940-01-01' && birth <= '2006-12-31', birth).to.equal(true);
      // Nobody registers a business before turning 18.
      expect(
        String(e.registered_on) >= `${Number(id.slice(6, 10)) + 18}`,
        `${id} ${String(e.registered_on)}`,
      ).to.equal(true);
      expect(String(e.legal_rep_phone)).to.match(/^1[3-9]\d{9}$/);
    }
    // GB 11643's own example, and the same number with a wrong check digit.
    expect(idValid('11010519491231002X')).to.equal(true);
    expect(idValid('110105194912310021')).to.equal(false);
  });

  it('penalties and vehicles refer to registered entities by credit code, name and district', () => {
    const entities = new Map(rowsOf('market-entities').map((e) => [e.uscc, e]));
    for (const p of rowsOf('market-penalties')) {
      const e = entities.get(p.uscc ?? '')!;
      expect(e, `penalty ${String(p.case_no)} names an unknown entity`).not.to.equal(undefined);
      expect(p.entity_name).to.equal(e.entity_name);
      expect(p.district).to.equal(e.district);
      expect(String(p.decided_on) > String(e.registered_on)).to.equal(true);
      expect(p.fine_amount).to.be.a('number');
      expect(p.fine_amount).to.be.at.least(0);
    }
    const cases = rowsOf('market-penalties').map((p) => p.case_no);
    expect(new Set(cases).size).to.equal(cases.length);
    const vehicles = rowsOf('transport-vehicles');
    for (const v of vehicles) {
      const e = entities.get(v.operator_uscc ?? '')!;
      expect(e, `vehicle ${String(v.plate_no)} has an unknown operator`).not.to.equal(undefined);
      expect(v.operator_name).to.equal(e.entity_name);
      expect(String(v.plate_no)).to.match(/^浙K[A-HJ-NP-Z0-9]{5}$/);
      expect(String(v.owner_phone)).to.match(/^1[3-9]\d{9}$/);
      expect(Number.isInteger(v.seats)).to.equal(true);
      expect(v.seats).to.be.at.least(2);
    }
    expect(new Set(vehicles.map((v) => v.plate_no)).size).to.equal(vehicles.length);
    expect(new Set(vehicles.map((v) => v.license_no)).size).to.equal(vehicles.length);
  });

  it('stations lie within Lishui, in every district', () => {
    const stations = rowsOf('transport-stations');
    for (const s of stations) {
      expect(s.longitude, String(s.longitude)).to.be.within(119.0, 120.4);
      expect(s.latitude, String(s.latitude)).to.be.within(27.4, 28.7);
    }
    expect(new Set(stations.map((s) => s.district))).to.deep.equal(new Set(LISHUI.values()));
    expect(new Set(stations.map((s) => s.station_id)).size).to.equal(stations.length);
  });

  it('the demo enterprises are rated A (MLPS level 1), AA and AAA, in good standing', () => {
    expect(DEMO_ENTERPRISES.map((e) => e.rating.level)).to.deep.equal(['A', 'AA', 'AAA']);
    const [a, aa, aaa] = DEMO_ENTERPRISES;
    expect(a?.rating.mlpsLevel).to.equal(1);
    expect(aa?.rating.mlpsLevel ?? 0).to.be.at.least(2);
    expect(aaa?.rating.mlpsLevel ?? 0).to.be.at.least(2);
    expect(DEMO_ENTERPRISES.some((e) => e.name === '丽水智慧数据科技有限公司')).to.equal(true);
    for (const e of DEMO_ENTERPRISES) {
      expect(e.rating.creditStatus).to.equal('good');
      expect(e.rating.validUntil).to.equal('2027-12-31');
      expect(e.rating.certificateHashes).to.deep.equal([]);
    }
    expect(new Set(DEMO_ENTERPRISES.map((e) => e.creditCode)).size).to.equal(3);
  });
});
