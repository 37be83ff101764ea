/**
 * Synthetic demo datasets of Lishui (丽水) for the two opening bodies, and three demo enterprises.
 *
 * Everything comes from a seeded PRNG (mulberry32), so every run, every machine and every test sees the same
 * bytes and so the same content hashes on the ledger. Each dataset draws from its own stream (seed mixed with
 * the dataset id), so changing how one dataset is made does not reshuffle the others. The people are invented;
 * credit codes and ID numbers are well-formed (correct check characters, Lishui region codes) but random.
 */
import type { ItemType } from '@rdx/gateway';
import { identityCheckCharacter } from '@rdx/client';

/** A catalog item as the catalog contract takes it. */
export interface DemoItem {
  name: string;
  label: string;
  type: ItemType;
  personal: boolean;
}

/** The catalog entry input for registering the dataset (the owner is the registering body). */
export interface DemoCatalogInput {
  id: string;
  name: string;
  description: string;
  openAttribute: 'prohibited' | 'restricted' | 'unconditional';
  format: 'csv';
  updateFrequency: 'realtime' | 'daily' | 'weekly' | 'monthly' | 'quarterly' | 'yearly' | 'irregular';
  items: DemoItem[];
}

/** A demo dataset: its catalog entry, the owning body's MSP, and the file (RFC 4180 CSV, UTF-8, CRLF). */
export interface DemoDataset {
  dataset: DemoCatalogInput;
  owner: 'MarketMSP' | 'TransportMSP';
  csv: string;
}

/** A demo enterprise as the bureau onboards it (its key is made when it is onboarded). */
export interface DemoEnterprise {
  creditCode: string;
  name: string;
  nature: 'state-owned' | 'private' | 'foreign-invested' | 'collective' | 'public-institution' | 'other';
  rating: {
    level: 'A' | 'AA' | 'AAA';
    mlpsLevel: number;
    mlpsFiling: string;
    creditStatus: 'good';
    certificateHashes: string[];
    validUntil: string;
  };
}

/** The seed of the demo data; another seed gives another, equally valid, demo. */
export const DEMO_SEED = 0x1a5e_2024;

// ---------------------------------------------------------------------------------------------------------
// Randomness

/** mulberry32: tiny, fast and good enough for demo data; the state is one 32-bit integer. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a, to mix a dataset id into the seed. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const ch of s) h = Math.imul(h ^ ch.codePointAt(0)!, 0x01000193) >>> 0;
  return h;
}

class Rng {
  private readonly next: () => number;
  constructor(seed: number, stream: string) {
    this.next = mulberry32(seed ^ fnv1a(stream));
  }
  /** An integer from min to max, both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.next() * list.length)]!;
  }
  weighted<T>(choices: readonly (readonly [T, number])[]): T {
    const total = choices.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [value, w] of choices) {
      if ((r -= w) < 0) return value;
    }
    return choices[choices.length - 1]![0];
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(0, 9));
    return s;
  }
  /** A day from `from` to `to` (YYYY-MM-DD, both included). */
  date(from: string, to: string): string {
    const a = Date.parse(`${from}T00:00:00Z`) / 86_400_000;
    const b = Date.parse(`${to}T00:00:00Z`) / 86_400_000;
    return new Date(this.int(a, b) * 86_400_000).toISOString().slice(0, 10);
  }
}

function addYears(date: string, years: number): string {
  const y = Number(date.slice(0, 4)) + years;
  // 29 February plus years lands on 28 February rather than on a day that does not exist.
  const md = date.slice(5) === '02-29' ? '02-28' : date.slice(5);
  return `${y}-${md}`;
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function round(x: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(x * f) / f;
}

// ---------------------------------------------------------------------------------------------------------
// Codes

/** Space-separated words, so long lists of names stay compact. */
function words(s: string): string[] {
  return s.split(' ');
}

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 32100-2015 check character over the first 17 characters. */
function usccCheck(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(first17[i]!) * USCC_WEIGHTS[i]!;
  const c = 31 - (sum % 31);
  return USCC_ALPHABET[c === 31 ? 0 : c]!;
}

/** GB 11714 organisation code check character over 8 characters (digits and capitals, A = 10). */
function orgCodeCheck(body8: string): string {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(body8[i]!, 36) * weights[i]!;
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/**
 * A credit code: registration authority 9 (市场监管) and kind (1 enterprise, 2 individual business, 3 farmers'
 * cooperative), the region code, a 9-character organisation code and the check character. Registrations since
 * the 2015 reform get an "MA" code; older ones a numeric organisation code.
 */
function makeUscc(rng: Rng, kind: '1' | '2' | '3', region: string, registeredOn: string): string {
  const body =
    registeredOn >= '2015-10-01'
      ? `MA${Array.from({ length: 6 }, () => rng.pick([...USCC_ALPHABET])).join('')}`
      : rng.digits(8);
  return withUsccCheck(`9${kind}${region}${body}${orgCodeCheck(body)}`);
}

function withUsccCheck(first17: string): string {
  return first17 + usccCheck(first17);
}

const MOBILE_PREFIXES = words(
  '133 135 136 137 138 139 150 151 152 157 158 159 177 180 181 182 187 188 189 199',
);

// ---------------------------------------------------------------------------------------------------------
// Lishui

interface District {
  code: string;
  name: string;
  short: string;
  /** The district bureau's abbreviation in case numbers (丽莲市监处罚〔2023〕12号). */
  caseCode: string;
  lon: number;
  lat: number;
  /** Share of registrations; the city district has the most. */
  weight: number;
  towns: string[];
  roads: string[];
  /** Local trades, so names look like the place (龙泉青瓷, 云和木制玩具, 庆元香菇, …). */
  trades: string[];
}

const DISTRICTS: readonly District[] = [
  {
    code: '331102',
    name: '莲都区',
    short: '莲都',
    caseCode: '丽莲',
    lon: 119.92,
    lat: 28.45,
    weight: 30,
    towns: words(
      '紫金街道 岩泉街道 万象街道 白云街道 联城街道 南明山街道 碧湖镇 大港头镇 老竹畲族镇 雅溪镇 太平乡 仙渡乡 峰源乡 丽新畲族乡',
    ),
    roads: words('中山街 解放街 丽阳街 括苍路 人民街 大洋路 紫金路 花园路 绿谷大道'),
    trades: ['电子商务', '信息技术', '建筑工程', '文化传媒', '半导体'],
  },
  {
    code: '331121',
    name: '青田县',
    short: '青田',
    caseCode: '青',
    lon: 120.29,
    lat: 28.14,
    weight: 12,
    towns: words('鹤城街道 瓯南街道 油竹街道 温溪镇 船寮镇 海口镇 腊口镇 北山镇 仁庄镇 东源镇'),
    roads: words('鹤城中路 龙津路 江滨路 临江东路 油竹大道 侨乡大道'),
    trades: ['石雕', '进出口贸易', '红酒贸易', '阀门'],
  },
  {
    code: '331122',
    name: '缙云县',
    short: '缙云',
    caseCode: '缙',
    lon: 120.09,
    lat: 28.65,
    weight: 11,
    towns: words('五云街道 新碧街道 仙都街道 壶镇镇 新建镇 舒洪镇 大洋镇 东方镇 东渡镇'),
    roads: ['五云西路', '仙都路', '解放东路', '好溪路', '黄龙大道'],
    trades: ['机械', '带锯床', '烧饼', '五金工具'],
  },
  {
    code: '331123',
    name: '遂昌县',
    short: '遂昌',
    caseCode: '遂',
    lon: 119.27,
    lat: 28.59,
    weight: 8,
    towns: words('妙高街道 云峰街道 北界镇 金竹镇 大柘镇 石练镇 王村口镇 湖山乡 焦滩乡'),
    roads: ['北街', '妙高路', '环城北路', '汤公路', '凯恩路'],
    trades: ['竹炭', '茶叶', '农特产品'],
  },
  {
    code: '331124',
    name: '松阳县',
    short: '松阳',
    caseCode: '松',
    lon: 119.48,
    lat: 28.45,
    weight: 8,
    towns: words('西屏街道 水南街道 望松街道 古市镇 大东坝镇 新兴镇 象溪镇 玉岩镇'),
    roads: ['长松路', '紫荆路', '西屏北路', '育才路', '长兴路'],
    trades: ['茶叶', '不锈钢', '民宿'],
  },
  {
    code: '331125',
    name: '云和县',
    short: '云和',
    caseCode: '云',
    lon: 119.57,
    lat: 28.12,
    weight: 7,
    towns: words('浮云街道 元和街道 白龙山街道 崇头镇 紧水滩镇 石塘镇 赤石乡'),
    roads: ['解放西街', '中山路', '人民路', '环城东路', '浮云路'],
    trades: ['木制玩具', '梯田旅游', '雪梨'],
  },
  {
    code: '331126',
    name: '庆元县',
    short: '庆元',
    caseCode: '庆',
    lon: 119.06,
    lat: 27.62,
    weight: 7,
    towns: words('松源街道 屏都街道 濛洲街道 黄田镇 竹口镇 荷地镇 左溪镇 百山祖镇'),
    roads: ['濛洲街', '松源路', '新建路', '菇城路', '大济路'],
    trades: ['香菇', '竹制品', '铅笔'],
  },
  {
    code: '331127',
    name: '景宁畲族自治县',
    short: '景宁',
    caseCode: '景',
    lon: 119.64,
    lat: 27.97,
    weight: 6,
    towns: words('红星街道 鹤溪街道 渤海镇 东坑镇 英川镇 沙湾镇 大均乡'),
    roads: ['人民中路', '复兴西路', '鹤溪路', '畲乡路', '环城西路'],
    trades: ['惠明茶', '畲族文化', '高山蔬菜'],
  },
  {
    code: '331181',
    name: '龙泉市',
    short: '龙泉',
    caseCode: '龙',
    lon: 119.14,
    lat: 28.07,
    weight: 11,
    towns: words('龙渊街道 西街街道 剑池街道 八都镇 上垟镇 小梅镇 查田镇 安仁镇 宝溪乡'),
    roads: ['贤良路', '中山东路', '华楼街', '剑川大道', '龙渊路'],
    trades: ['青瓷', '宝剑', '竹木', '汽车空调'],
  },
];

/** Family names with rough weights: 叶 is very common in Lishui; 蓝, 雷 and 钟 are common She names. */
const SURNAMES: readonly (readonly [string, number])[] = words(
  '叶9 吴7 陈7 李5 王5 张4 刘4 周4 徐4 朱3 潘3 蓝3 雷3 钟2 毛2 季2 林3 何2 郑2 金2 胡2 杨2 黄2 练1 项1 梅1 应1 杜1 柳1 赵2',
).map((w) => [w.slice(0, 1), Number(w.slice(1))] as const);
const GIVEN = words(
  '伟 芳 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 华 平 刚 斌 鑫 晨 佳 宇 浩 婷 慧 俊 峰 红 霞 忠 林 春 晖 建华 建国 志强 晓燕 海燕 国平 秀英 桂英 丽华 伟民 建军 永康 雪梅 晓东 文斌 小红',
);
const TRADE_NAMES = words(
  '瓯江 绿谷 处州 括苍 秀山 华丰 鑫源 恒远 瑞达 宏盛 丰禾 云岭 百山 江南 万象 永安 嘉禾 兴业 金穗 天和 博远 新锐 春晖 汇通 众成 安泰 福临 润泽 卓越 诚信 锦程 明辉 宝丰 聚力 远航 山海 青松 好溪 仙都 凤阳 南明 白云 紫金 大洋 瓯越 九龙 翠峰 龙腾 鼎盛 泰和',
);
const TRADES = words(
  '科技 农业开发 生态农业 建材 文化旅游 食品 茶业 食用菌 竹木制品 五金机械 餐饮管理 装饰工程 环保科技 医药 服饰 贸易 物业管理 广告 汽车服务 电子',
);
const SHOPS = words(
  '五金店 小吃店 便利店 水果店 理发店 服装店 农家乐 茶庄 副食店 家电维修部 烧饼店 土特产商行',
);
const COOP_CROPS = words('茶叶 食用菌 高山蔬菜 水果 中药材 毛竹 稻米 油茶 黄茶 香榧');

const ENTITY_TYPES: readonly (readonly [string, number])[] = [
  ['有限责任公司（自然人投资或控股）', 35],
  ['有限责任公司（自然人独资）', 15],
  ['股份有限公司（非上市、自然人投资或控股）', 3],
  ['个人独资企业', 5],
  ['普通合伙企业', 2],
  ['个体工商户', 35],
  ['农民专业合作社', 5],
];

type TransportKind = 'passenger' | 'freight';

interface Entity {
  uscc: string;
  name: string;
  type: string;
  district: District;
  registeredOn: string;
  status: string;
  /** Set on the road transport operators, which the vehicles dataset refers to. */
  transport?: TransportKind;
}

function personName(rng: Rng): string {
  return rng.weighted(SURNAMES) + rng.pick(GIVEN);
}

function mobile(rng: Rng): string {
  return rng.pick(MOBILE_PREFIXES) + rng.digits(8);
}

function address(rng: Rng, d: District): string {
  const town = rng.chance(0.6) ? rng.pick(d.towns) : '';
  return `浙江省丽水市${d.name}${town}${rng.pick(d.roads)}${rng.int(1, 399)}号`;
}

// ---------------------------------------------------------------------------------------------------------
// CSV

function csvField(v: string | number | boolean | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function toCsv(
  items: readonly DemoItem[],
  rows: readonly (readonly (string | number | boolean | null)[])[],
): string {
  const lines = [items.map((i) => i.name).join(','), ...rows.map((r) => r.map(csvField).join(','))];
  return lines.join('\r\n') + '\r\n';
}

const item = (name: string, label: string, type: ItemType = 'string', personal = false): DemoItem => ({
  name,
  label,
  type,
  personal,
});

// ---------------------------------------------------------------------------------------------------------
// 1. 市场主体登记信息

const ENTITY_COUNT = 2000;
/** Every 25th entity is a road transport operator: 80 operators for the vehicles. */
const OPERATOR_EVERY = 25;

const ENTITY_ITEMS: DemoItem[] = [
  item('uscc', '统一社会信用代码'),
  item('entity_name', '主体名称'),
  item('entity_type', '主体类型'),
  item('legal_rep_name', '法定代表人（负责人、经营者）姓名', 'string', true),
  item('legal_rep_id', '法定代表人身份证号码', 'string', true),
  item('legal_rep_phone', '法定代表人联系电话', 'string', true),
  item('district', '所属区县'),
  item('address', '住所（经营场所）'),
  item('registered_capital', '注册资本（万元）', 'number'),
  item('registered_on', '成立日期', 'date'),
  item('status', '登记状态'),
];

function entityName(rng: Rng, type: string, d: District, transport: TransportKind | undefined): string {
  const trade = rng.pick(TRADE_NAMES);
  const prefix = rng.chance(0.55) ? '丽水' : d.short;
  if (transport === 'passenger')
    return `${prefix}${trade}${rng.pick(['客运', '旅游客运', '汽车运输'])}有限公司`;
  if (transport === 'freight')
    return `${prefix}${trade}${rng.pick(['物流', '货运', '运输', '供应链'])}有限公司`;
  const industry = rng.chance(0.35) ? rng.pick(d.trades) : rng.pick(TRADES);
  switch (type) {
    case '个体工商户':
      return `${d.name}${trade}${rng.chance(0.3) ? rng.pick(d.trades) : ''}${rng.pick(SHOPS)}`;
    case '农民专业合作社':
      return `${d.name}${trade}${rng.pick(COOP_CROPS)}专业合作社`;
    case '个人独资企业':
      return `${prefix}${trade}${industry}商行`;
    case '普通合伙企业':
      return `${prefix}${trade}${industry}合伙企业（普通合伙）`;
    case '股份有限公司（非上市、自然人投资或控股）':
      return `${prefix}${trade}${industry}股份有限公司`;
    default:
      return `${prefix}${trade}${industry}有限公司`;
  }
}

function registeredCapital(rng: Rng, type: string): number {
  if (type === '个体工商户') return rng.pick([1, 2, 3, 5, 8, 10, 20, 30, 50]);
  if (type === '农民专业合作社') return rng.pick([10, 20, 50, 100, 200, 300, 500]);
  if (rng.chance(0.8)) return rng.pick([10, 30, 50, 100, 200, 300, 500, 800, 1000, 2000, 5000]);
  return round(rng.int(10, 3000) + rng.int(0, 99) / 100, 2);
}

function marketEntities(seed: number): { entities: Entity[]; dataset: DemoDataset } {
  const rng = new Rng(seed, 'market-entities');
  const names = new Set<string>();
  const codes = new Set<string>();
  const ids = new Set<string>();
  const entities: Entity[] = [];
  const rows: (string | number | null)[][] = [];
  for (let n = 0; n < ENTITY_COUNT; n++) {
    const transport: TransportKind | undefined =
      n % OPERATOR_EVERY === 3 ? (rng.chance(0.4) ? 'passenger' : 'freight') : undefined;
    const type = transport ? '有限责任公司（自然人投资或控股）' : rng.weighted(ENTITY_TYPES);
    const d = rng.weighted(DISTRICTS.map((x) => [x, x.weight] as const));
    // The representative is born first, so the business is registered after they turned 20.
    const birth = rng.date('1955-01-01', '2000-12-31');
    // Farmers' cooperatives exist since the 2007 law; other kinds are drawn from 1995 on.
    const floor = type === '农民专业合作社' ? '2007-07-01' : '1995-01-01';
    const earliest = addYears(birth, 20) > floor ? addYears(birth, 20) : floor;
    const registeredOn = rng.date(earliest, '2024-12-31');
    let name = entityName(rng, type, d, transport);
    while (names.has(name)) name = entityName(rng, type, d, transport);
    names.add(name);
    const kind = type === '个体工商户' ? '2' : type === '农民专业合作社' ? '3' : '1';
    let uscc = makeUscc(rng, kind, d.code, registeredOn);
    while (codes.has(uscc)) uscc = makeUscc(rng, kind, d.code, registeredOn);
    codes.add(uscc);
    const idRegion = rng.chance(0.8) ? d.code : rng.pick(DISTRICTS).code;
    let id: string;
    do {
      const first17 = `${idRegion}${birth.replace(/-/g, '')}${rng.digits(3)}`;
      id = first17 + identityCheckCharacter(first17);
    } while (ids.has(id));
    ids.add(id);
    const status = transport
      ? rng.pick(['存续', '在业'])
      : rng.weighted([
          ['存续', 55],
          ['在业', 30],
          ['注销', 10],
          ['吊销', 5],
        ] as const);
    entities.push({
      uscc,
      name,
      type,
      district: d,
      registeredOn,
      status,
      ...(transport ? { transport } : {}),
    });
    rows.push([
      uscc,
      name,
      type,
      personName(rng),
      id,
      mobile(rng),
      d.name,
      address(rng, d),
      registeredCapital(rng, type),
      registeredOn,
      status,
    ]);
  }
  return {
    entities,
    dataset: {
      owner: 'MarketMSP',
      dataset: {
        id: 'market-entities',
        name: '市场主体登记信息',
        description:
          '丽水市各区县市场主体（企业、个体工商户、农民专业合作社）的登记信息：统一社会信用代码、名称、类型、法定代表人、住所、注册资本、成立日期与登记状态。',
        openAttribute: 'restricted',
        format: 'csv',
        updateFrequency: 'daily',
        items: ENTITY_ITEMS,
      },
      csv: toCsv(ENTITY_ITEMS, rows),
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// 2. 行政处罚信息

const PENALTY_COUNT = 600;

const PENALTY_ITEMS: DemoItem[] = [
  item('case_no', '行政处罚决定书文号'),
  item('uscc', '统一社会信用代码'),
  item('entity_name', '当事人名称'),
  item('violation', '违法行为类型'),
  item('legal_basis', '处罚依据'),
  item('penalty_type', '处罚类别'),
  item('fine_amount', '罚款金额（元）', 'number'),
  item('decided_on', '处罚决定日期', 'date'),
  item('district', '所属区县'),
];

const VIOLATIONS: readonly { violation: string; basis: string; fine: readonly [number, number] }[] = [
  {
    violation: '销售超过保质期的食品',
    basis: '《中华人民共和国食品安全法》第一百二十四条第一款第（五）项',
    fine: [5000, 50000],
  },
  {
    violation: '未取得食品经营许可从事食品经营活动',
    basis: '《中华人民共和国食品安全法》第一百二十二条第一款',
    fine: [5000, 100000],
  },
  {
    violation: '未按规定建立并执行进货查验记录制度',
    basis: '《中华人民共和国食品安全法》第一百二十六条第一款第（三）项',
    fine: [5000, 50000],
  },
  { violation: '发布虚假广告', basis: '《中华人民共和国广告法》第五十五条第一款', fine: [20000, 200000] },
  {
    violation: '对商品作虚假或者引人误解的商业宣传',
    basis: '《中华人民共和国反不正当竞争法》第二十条第一款',
    fine: [100000, 500000],
  },
  { violation: '销售不合格产品', basis: '《中华人民共和国产品质量法》第四十九条', fine: [2000, 50000] },
  {
    violation: '使用未经检定的计量器具',
    basis: '《中华人民共和国计量法实施细则》第四十三条',
    fine: [500, 1000],
  },
  { violation: '不按规定明码标价', basis: '《中华人民共和国价格法》第四十二条', fine: [500, 5000] },
  {
    violation: '销售侵犯注册商标专用权的商品',
    basis: '《中华人民共和国商标法》第六十条第二款',
    fine: [3000, 100000],
  },
  {
    violation: '使用未经定期检验的特种设备',
    basis: '《中华人民共和国特种设备安全法》第八十四条第（一）项',
    fine: [30000, 300000],
  },
];

function marketPenalties(seed: number, entities: readonly Entity[]): DemoDataset {
  const rng = new Rng(seed, 'market-penalties');
  // Only entities registered before the last month of the period can have been penalised within it.
  const candidates = entities.filter((e) => e.registeredOn <= '2024-11-30');
  const cases = Array.from({ length: PENALTY_COUNT }, () => {
    const e = rng.pick(candidates);
    const from = addDays(e.registeredOn, 30) > '2019-01-01' ? addDays(e.registeredOn, 30) : '2019-01-01';
    const v = rng.pick(VIOLATIONS);
    const penaltyType = rng.weighted([
      ['警告', 15],
      ['罚款', 55],
      ['没收违法所得、罚款', 25],
      ['罚款、责令停产停业', 5],
    ] as const);
    const fine = penaltyType === '警告' ? 0 : Math.round(rng.int(v.fine[0], v.fine[1]) / 100) * 100;
    return { e, v, penaltyType, fine, decidedOn: rng.date(from, '2024-12-31') };
  });
  // Decision numbers run per bureau and year in date order, as a bureau issues them.
  cases.sort((a, b) => (a.decidedOn < b.decidedOn ? -1 : a.decidedOn > b.decidedOn ? 1 : 0));
  const next = new Map<string, number>();
  const rows = cases.map((c) => {
    const key = `${c.e.district.caseCode}${c.decidedOn.slice(0, 4)}`;
    const n = (next.get(key) ?? 0) + 1;
    next.set(key, n);
    return [
      `${c.e.district.caseCode}市监处罚〔${c.decidedOn.slice(0, 4)}〕${n}号`,
      c.e.uscc,
      c.e.name,
      c.v.violation,
      c.v.basis,
      c.penaltyType,
      c.fine,
      c.decidedOn,
      c.e.district.name,
    ];
  });
  return {
    owner: 'MarketMSP',
    dataset: {
      id: 'market-penalties',
      name: '行政处罚信息',
      description:
        '丽水市各区县市场监督管理部门作出的行政处罚决定：文号、当事人、违法行为、处罚依据、处罚类别、罚款金额与决定日期。',
      openAttribute: 'restricted',
      format: 'csv',
      updateFrequency: 'weekly',
      items: PENALTY_ITEMS,
    },
    csv: toCsv(PENALTY_ITEMS, rows),
  };
}

// ---------------------------------------------------------------------------------------------------------
// 3. 道路运输车辆信息

const VEHICLE_COUNT = 1500;

const VEHICLE_ITEMS: DemoItem[] = [
  item('plate_no', '车牌号码'),
  item('vehicle_type', '车辆类型'),
  item('operator_uscc', '业户统一社会信用代码'),
  item('operator_name', '业户名称'),
  item('owner_name', '车主姓名', 'string', true),
  item('owner_phone', '车主联系电话', 'string', true),
  item('license_no', '道路运输证号'),
  item('seats', '核定载客（座位数）', 'integer'),
  item('tonnage', '核定载质量（吨）', 'number'),
  item('inspection_due', '年审到期日期', 'date'),
  item('district', '所属区县'),
];

/** Vehicle types with seat range and load range (t); passenger vehicles have no load. */
const VEHICLE_TYPES: Record<
  TransportKind,
  readonly (readonly [string, [number, number], [number, number] | null, number])[]
> = {
  passenger: [
    ['大型普通客车', [35, 55], null, 5],
    ['中型普通客车', [11, 34], null, 3],
    ['小型普通客车', [7, 9], null, 2],
  ],
  freight: [
    ['重型普通货车', [2, 3], [10, 25], 3],
    ['重型厢式货车', [2, 3], [10, 20], 2],
    ['中型普通货车', [2, 3], [4.5, 10], 3],
    ['轻型厢式货车', [2, 3], [1, 4.5], 3],
    ['重型半挂牵引车', [2, 2], [25, 40], 2],
  ],
};

// Plates never use I or O (they read as 1 and 0).
const PLATE_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

function plate(rng: Rng): string {
  const letter = (): string => rng.pick([...PLATE_LETTERS]);
  const shape = rng.weighted([
    ['DDDDD', 4],
    ['LDDDD', 4],
    ['DLDDD', 1],
    ['LLDDD', 1],
  ] as const);
  return `浙K${[...shape].map((c) => (c === 'L' ? letter() : String(rng.int(0, 9)))).join('')}`;
}

function transportVehicles(seed: number, entities: readonly Entity[]): DemoDataset {
  const rng = new Rng(seed, 'transport-vehicles');
  const operators = entities.filter((e) => e.transport !== undefined);
  const plates = new Set<string>();
  const licences = new Map<string, number>();
  const rows = Array.from({ length: VEHICLE_COUNT }, () => {
    const op = rng.pick(operators);
    const [type, seats, load] = rng.weighted(VEHICLE_TYPES[op.transport!].map((t) => [t, t[3]] as const));
    let p = plate(rng);
    while (plates.has(p)) p = plate(rng);
    plates.add(p);
    const seq = (licences.get(op.district.code) ?? rng.int(1000, 5000)) + rng.int(1, 9);
    licences.set(op.district.code, seq);
    return [
      p,
      type,
      op.uscc,
      op.name,
      personName(rng),
      mobile(rng),
      `${op.district.code}${String(seq).padStart(6, '0')}`,
      rng.int(seats[0], seats[1]),
      load ? round(load[0] + rng.int(0, Math.round((load[1] - load[0]) * 10)) / 10, 1) : null,
      rng.date('2025-01-01', '2026-12-31'),
      op.district.name,
    ];
  });
  return {
    owner: 'TransportMSP',
    dataset: {
      id: 'transport-vehicles',
      name: '道路运输车辆信息',
      description:
        '丽水市（浙K）营运客车与货车的道路运输证信息：车牌、车辆类型、经营业户、车主、核定座位与载质量、年审到期日期。',
      openAttribute: 'restricted',
      format: 'csv',
      updateFrequency: 'monthly',
      items: VEHICLE_ITEMS,
    },
    csv: toCsv(VEHICLE_ITEMS, rows),
  };
}

// ---------------------------------------------------------------------------------------------------------
// 4. 客运站点

const STATION_COUNT = 60;

const STATION_ITEMS: DemoItem[] = [
  item('station_id', '站点编号'),
  item('name', '站点名称'),
  item('district', '所属区县'),
  item('address', '站点地址'),
  item('longitude', '经度', 'number'),
  item('latitude', '纬度', 'number'),
  item('lines', '途经线路数', 'integer'),
];

/** Lishui's extent, roughly: points are kept inside it. */
const LON: readonly [number, number] = [119.0, 120.4];
const LAT: readonly [number, number] = [27.4, 28.7];

function transportStations(seed: number): DemoDataset {
  const rng = new Rng(seed, 'transport-stations');
  const stops: { d: District; town?: string }[] = DISTRICTS.map((d) => ({ d }));
  // Town stations round-robin over the districts, so each gets its share.
  for (let r = 0; stops.length < STATION_COUNT; r++) {
    for (const d of DISTRICTS) {
      const town = d.towns[r];
      if (town !== undefined && stops.length < STATION_COUNT) stops.push({ d, town });
    }
  }
  const numbers = new Map<string, number>();
  const rows = stops.map(({ d, town }) => {
    const n = (numbers.get(d.code) ?? 0) + 1;
    numbers.set(d.code, n);
    const base = town?.replace(/(畲族镇|畲族乡|街道|镇|乡)$/, '');
    const name =
      town === undefined
        ? `${d.code === '331102' ? '丽水' : d.short}汽车客运中心`
        : town.endsWith('街道')
          ? `${base}城乡公交站`
          : `${base}客运站`;
    const lon = Math.min(LON[1], Math.max(LON[0], d.lon + (rng.int(-600, 600) / 10_000) * (town ? 1 : 0.1)));
    const lat = Math.min(LAT[1], Math.max(LAT[0], d.lat + (rng.int(-500, 500) / 10_000) * (town ? 1 : 0.1)));
    return [
      `KY${d.code}${String(n).padStart(3, '0')}`,
      name,
      d.name,
      `浙江省丽水市${d.name}${town ?? ''}${rng.pick(d.roads)}${rng.int(1, 299)}号`,
      round(lon, 6),
      round(lat, 6),
      town === undefined ? rng.int(30, 80) : rng.int(2, 15),
    ];
  });
  return {
    owner: 'TransportMSP',
    dataset: {
      id: 'transport-stations',
      name: '客运站点',
      description: '丽水市汽车客运站与乡镇客运站点：编号、名称、地址、经纬度（WGS-84）与途经线路数。',
      openAttribute: 'unconditional',
      format: 'csv',
      updateFrequency: 'quarterly',
      items: STATION_ITEMS,
    },
    csv: toCsv(STATION_ITEMS, rows),
  };
}

// ---------------------------------------------------------------------------------------------------------

/**
 * The four demo datasets, the same on every call for the same seed: 市场主体登记信息 (2,000 rows) and
 * 行政处罚信息 (600) of MarketMSP, 道路运输车辆信息 (1,500) and 客运站点 (60) of TransportMSP. Penalties refer to
 * registered entities by credit code; vehicles to the entities that are transport operators.
 */
export function demoDatasets(seed: number = DEMO_SEED): DemoDataset[] {
  const { entities, dataset } = marketEntities(seed);
  return [
    dataset,
    marketPenalties(seed, entities),
    transportVehicles(seed, entities),
    transportStations(seed),
  ];
}

/** Three demo enterprises rated A (unconditional data only, MLPS level 1), AA and AAA. */
export const DEMO_ENTERPRISES: readonly DemoEnterprise[] = [
  {
    creditCode: withUsccCheck(`91331102MA2E3K7R${orgCodeCheck('MA2E3K7R')}`),
    name: '丽水绿谷信息技术有限公司',
    nature: 'private',
    rating: {
      level: 'A',
      mlpsLevel: 1,
      mlpsFiling: '33110243001-25003',
      creditStatus: 'good',
      certificateHashes: [],
      validUntil: '2027-12-31',
    },
  },
  {
    creditCode: withUsccCheck(`91331100MA2A8QN4${orgCodeCheck('MA2A8QN4')}`),
    name: '丽水瓯江云数据服务有限公司',
    nature: 'state-owned',
    rating: {
      level: 'AA',
      mlpsLevel: 2,
      mlpsFiling: '33110043001-25002',
      creditStatus: 'good',
      certificateHashes: [],
      validUntil: '2027-12-31',
    },
  },
  {
    creditCode: withUsccCheck(`91331100MA2HX6D1${orgCodeCheck('MA2HX6D1')}`),
    name: '丽水智慧数据科技有限公司',
    nature: 'private',
    rating: {
      level: 'AAA',
      mlpsLevel: 3,
      mlpsFiling: '33110043001-25001',
      creditStatus: 'good',
      certificateHashes: [],
      validUntil: '2027-12-31',
    },
  },
];
