/**
 * The test world of the gateway: three rated enterprises, a restricted dataset with personal items, an
 * unconditional one, a prohibited one and one recorded on the ledger but not loaded yet, with grants in
 * several states. Data is generated deterministically, so every run sees the same rows.
 */
import crypto from 'node:crypto';
import { EnterpriseSigner } from '@rdx/client';
import type { DatasetView, EnterpriseView, GrantView, ItemView } from '../view/ledger-view.js';
import { identityCheckCharacter } from '@rdx/client';

/** Credit codes (统一社会信用代码, 18 characters) of the enterprises, by rating. */
export const CODE = {
  A: '91331102MA28A00001',
  AA: '91331102MA28AA0001',
  AAA: '91331102MA28AAA001',
} as const;
export type Rating = keyof typeof CODE;

/** A credit code of no onboarded enterprise. */
export const UNKNOWN_CODE = '91331102MA28ZZ9999';

export const DS = {
  /** Restricted, with personal items; loaded (v1). */
  PEOPLE: 'ls-residents',
  /** Unconditional; v1 loaded, v2 recorded on the ledger but not loaded. */
  OPEN: 'ls-air-quality',
  /** Prohibited (禁止开放). */
  CLOSED: 'ls-closed',
  /** Restricted; v1 and v2 recorded on the ledger, neither loaded. */
  PENDING: 'ls-enterprises',
} as const;

export const GRANT = {
  AA_PEOPLE: 'G-AA-PEOPLE',
  AAA_PEOPLE: 'G-AAA-PEOPLE',
  A_PEOPLE: 'G-A-PEOPLE',
  AA_PENDING: 'G-AA-PENDING',
} as const;

export const PEOPLE_ITEMS: ItemView[] = [
  { name: 'record_id', label: '记录号', type: 'integer', personal: false },
  { name: 'name', label: '姓名', type: 'string', personal: true },
  { name: 'id_number', label: '身份证号', type: 'string', personal: true },
  { name: 'phone', label: '手机号', type: 'string', personal: true },
  { name: 'district', label: '区县', type: 'string', personal: false },
  { name: 'age', label: '年龄', type: 'integer', personal: false },
  { name: 'income', label: '收入', type: 'number', personal: false },
  { name: 'registered_on', label: '登记日期', type: 'date', personal: false },
  { name: 'verified', label: '已核验', type: 'boolean', personal: false },
];
/** What G-AA-PEOPLE covers: not income, registered_on, verified. */
export const GRANTED_PEOPLE_ITEMS = ['record_id', 'name', 'id_number', 'phone', 'district', 'age'];
export const PERSONAL_PEOPLE_ITEMS = PEOPLE_ITEMS.filter((i) => i.personal).map((i) => i.name);

export const OPEN_ITEMS: ItemView[] = [
  { name: 'station', label: '监测站', type: 'string', personal: false },
  { name: 'district', label: '区县', type: 'string', personal: false },
  { name: 'pm25', label: 'PM2.5', type: 'number', personal: false },
  { name: 'day', label: '日期', type: 'date', personal: false },
  { name: 'ok', label: '达标', type: 'boolean', personal: false },
];

export const PENDING_ITEMS: ItemView[] = [
  { name: 'uscc', label: '统一社会信用代码', type: 'string', personal: false },
  { name: 'entity_name', label: '名称', type: 'string', personal: false },
  { name: 'staff', label: '从业人数', type: 'integer', personal: false },
];

/** Seven districts with many rows each; two more with fewer than k = 10 rows (景宁 5, 庆元 3). */
export const BIG_DISTRICTS = ['莲都区', '青田县', '缙云县', '遂昌县', '松阳县', '云和县', '龙泉市'];
export const SMALL_DISTRICTS = { 景宁畲族自治县: 5, 庆元县: 3 } as const;

export interface PersonRow {
  record_id: number;
  name: string;
  id_number: string;
  phone: string;
  district: string;
  age: number;
  income: number;
  registered_on: string;
  verified: boolean;
}

const FAMILY = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'];
const GIVEN = ['伟', '芳', '秀英', '敏', '静', '丽', '强', '磊', '军', '洋', '艳', '勇'];

/** `n` residents: 18-character IDs and 11-digit phones, all distinct. */
export function peopleRows(n = 300): PersonRow[] {
  const rows: PersonRow[] = [];
  for (let i = 0; i < n; i++) {
    const district =
      i < 5 ? '景宁畲族自治县' : i < 8 ? '庆元县' : (BIG_DISTRICTS[i % BIG_DISTRICTS.length] ?? '莲都区');
    const year = 1950 + ((i * 7) % 50);
    const birth = `${year}${String(1 + (i % 12)).padStart(2, '0')}${String(1 + (i % 28)).padStart(2, '0')}`;
    const first17 = `331102${birth}${String(i % 1000).padStart(3, '0')}`;
    rows.push({
      record_id: i + 1,
      name: `${FAMILY[i % FAMILY.length] ?? '王'}${GIVEN[(i * 5) % GIVEN.length] ?? '伟'}`,
      id_number: first17 + identityCheckCharacter(first17),
      phone: `13${String(900_000_000 + i * 104_729).slice(-9)}`,
      district,
      age: 2025 - year,
      income: 3000 + i * 37.5,
      registered_on: `2020-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`,
      verified: i % 3 === 0,
    });
  }
  return rows;
}

export interface OpenRow {
  station: string;
  district: string;
  pm25: number;
  day: string;
  ok: boolean;
}

/** Air quality by station and day; the first station's name needs CSV quoting. */
export function openRows(n = 40): OpenRow[] {
  const stations = ['Station "A", 莲都', '青田监测站', '缙云监测站', '龙泉监测站'];
  return Array.from({ length: n }, (_, i) => ({
    station: stations[i % stations.length] ?? '',
    district: BIG_DISTRICTS[i % BIG_DISTRICTS.length] ?? '',
    pm25: 10 + ((i * 13) % 70) + 0.5,
    day: `2025-03-${String(1 + (i % 28)).padStart(2, '0')}`,
    ok: (i * 13) % 70 < 35,
  }));
}

export function pendingRows(n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({
    uscc: `91331100MA2${String(i).padStart(7, '0')}`,
    entity_name: `丽水第${i + 1}企业有限公司`,
    staff: 10 + i,
  }));
}

function csvCell(v: unknown): string {
  const t = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
  return /[",\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
}

/** RFC 4180 CSV with a header row, CRLF line ends. */
export function toCsv(columns: readonly string[], rows: readonly object[]): string {
  const lines = [columns.join(',')];
  for (const row of rows)
    lines.push(columns.map((c) => csvCell((row as Record<string, unknown>)[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export function sha256Hex(bytes: string | Uint8Array): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/** The files of every dataset version the ledger records. */
export interface DatasetFiles {
  peopleV1: Buffer;
  openV1: Buffer;
  openV2: Buffer;
  pendingV1: Buffer;
  pendingV2: Buffer;
}

export function datasetFiles(peopleCount = 300): DatasetFiles {
  const names = (items: ItemView[]): string[] => items.map((i) => i.name);
  return {
    peopleV1: Buffer.from(toCsv(names(PEOPLE_ITEMS), peopleRows(peopleCount))),
    openV1: Buffer.from(toCsv(names(OPEN_ITEMS), openRows(40))),
    openV2: Buffer.from(toCsv(names(OPEN_ITEMS), openRows(44))),
    pendingV1: Buffer.from(toCsv(names(PENDING_ITEMS), pendingRows(20))),
    pendingV2: Buffer.from(toCsv(names(PENDING_ITEMS), pendingRows(25))),
  };
}

export interface EnterpriseKeys {
  privateKeyPem: string;
  publicKeyPem: string;
}

export function enterpriseViews(keys: Record<Rating, EnterpriseKeys>): EnterpriseView[] {
  return (Object.keys(CODE) as Rating[]).map((level) => ({
    creditCode: CODE[level],
    name: `丽水${level}数据科技有限公司`,
    publicKey: keys[level].publicKeyPem,
    rating: { level, validUntil: '2099-12-31', creditStatus: 'good' },
  }));
}

export function generateEnterpriseKeys(): Record<Rating, EnterpriseKeys> {
  return {
    A: EnterpriseSigner.generateKeyPair(),
    AA: EnterpriseSigner.generateKeyPair(),
    AAA: EnterpriseSigner.generateKeyPair(),
  };
}

export function datasetViews(files: DatasetFiles, peopleCount = 300): DatasetView[] {
  const version = (v: string, bytes: Buffer, rowCount: number): DatasetView['versions'][number] => ({
    version: v,
    contentHash: sha256Hex(bytes),
    rowCount,
    loadedAt: '2025-01-01T00:00:00.000Z',
  });
  return [
    {
      id: DS.PEOPLE,
      owner: 'LS-CIVIL',
      name: '丽水市居民登记信息',
      description: 'Residents, with personal items',
      openAttribute: 'restricted',
      format: 'csv',
      updateFrequency: 'monthly',
      items: PEOPLE_ITEMS,
      versions: [version('v1', files.peopleV1, peopleCount)],
    },
    {
      id: DS.OPEN,
      owner: 'LS-EPB',
      name: '丽水市空气质量',
      openAttribute: 'unconditional',
      format: 'csv',
      updateFrequency: 'daily',
      items: OPEN_ITEMS,
      versions: [version('v1', files.openV1, 40), version('v2', files.openV2, 44)],
    },
    {
      id: DS.CLOSED,
      owner: 'LS-PSB',
      name: '禁止开放数据',
      openAttribute: 'prohibited',
      format: 'csv',
      updateFrequency: 'never',
      items: [{ name: 'secret', label: '秘密', type: 'string', personal: false }],
      versions: [],
    },
    {
      id: DS.PENDING,
      owner: 'LS-AMR',
      name: '丽水市企业名录',
      openAttribute: 'restricted',
      format: 'csv',
      updateFrequency: 'monthly',
      items: PENDING_ITEMS,
      versions: [version('v1', files.pendingV1, 20), version('v2', files.pendingV2, 25)],
    },
  ];
}

function grant(
  id: string,
  creditCode: string,
  datasetId: string,
  items: string[],
  state: GrantView['state'],
  extra: Partial<GrantView> = {},
): GrantView {
  return {
    id,
    agreementId: `AGR-${id}`,
    creditCode,
    datasetId,
    body: 'LS-BUREAU',
    items,
    purpose: '信用评估模型研发',
    validFrom: '2024-01-01',
    validUntil: '2099-12-31',
    dailyQuota: 100_000,
    state,
    grantedAt: '2025-01-01T00:00:00.000Z',
    ...extra,
  };
}

export function grantViews(): GrantView[] {
  return [
    grant(GRANT.AA_PEOPLE, CODE.AA, DS.PEOPLE, GRANTED_PEOPLE_ITEMS, 'ACTIVE'),
    grant(GRANT.AAA_PEOPLE, CODE.AAA, DS.PEOPLE, GRANTED_PEOPLE_ITEMS, 'SUSPENDED', {
      reason: { code: 'USAGE_REPORT_OVERDUE', note: '使用报告逾期', at: '2025-02-01T00:00:00.000Z' },
    }),
    // Granted while the enterprise was rated higher: the rating rule must still refuse it.
    grant(GRANT.A_PEOPLE, CODE.A, DS.PEOPLE, GRANTED_PEOPLE_ITEMS, 'ACTIVE'),
    grant(
      GRANT.AA_PENDING,
      CODE.AA,
      DS.PENDING,
      PENDING_ITEMS.map((i) => i.name),
      'ACTIVE',
    ),
  ];
}
