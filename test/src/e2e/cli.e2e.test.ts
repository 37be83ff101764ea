/**
 * The `rdx` CLI on the real network, in one walk-through of the whole process as the people do it, each
 * step a subprocess: the bureau onboards an enterprise it creates with a fresh key; the opening body
 * registers datasets and loads a CSV; the enterprise applies; reviews, coordination and a dispute; the
 * agreement is drafted and signed by both; the enterprise pulls records; the body suspends and the enterprise
 * is refused; receipts verify; the regulator reads history, endorsers and anchors and seals an evidence
 * package that verifies offline. Every run checks its exit code and JSON; bad input exits 1 with the stable
 * code, an unreachable platform exits 2.
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chinaToday, sealEvidence, type EvidencePackage } from '@rdx/client';
import { gatewayUrl } from '@rdx/network';
import { Cli, describeRun, jsonLines } from '../cli-helpers.js';
import { config, repoRoot, topology } from '../fabric-client.js';
import { newCreditCode, quarterOf, runId } from '../workflow.js';

const GATEWAY = gatewayUrl({ topology });
const BUREAU = ['--as', 'admin.bureau'];
const MARKET = ['--as', 'admin.market'];
const REGULATOR = ['--as', 'regulator.bureau'];
const HEX64 = /^[0-9a-f]{64}$/;

const run = `${runId}${crypto.randomBytes(2).toString('hex')}`;
const DS1 = `cli-entities-${run}`;
const DS2 = `cli-licences-${run}`;
const APP1 = `cli-app1-${run}`;
const APP2 = `cli-app2-${run}`;
const APP3 = `cli-app3-${run}`;
const AGREEMENT = `${APP1}.MarketMSP`;
const GRANT1 = `${AGREEMENT}.${DS1}`;
const GRANT2 = `${AGREEMENT}.${DS2}`;
const GRANTED_ITEMS = ['uscc', 'entity_name', 'district', 'reg_capital', 'legal_rep_phone'];
const creditCode = newCreditCode();
/** The ledger's day (China) at each use: a run that crosses midnight there must not keep the day mocha loaded it on. */
const today = (): string => chinaToday();

let dir: string;
let cli: Cli;
let ent: string[];
const file = (name: string): string => path.join(dir, name);
const write = (name: string, content: unknown): string => {
  fs.writeFileSync(file(name), typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file(name);
};

/** Transaction ids of the steps the regulator looks at later. */
const tx: Record<string, string> = {};
/** Request ids of an allowed and a refused interface call. */
const requests: { allowed?: string; refused?: string } = {};

function dataset(id: string, name: string): unknown {
  return {
    id,
    name,
    description: 'CLI end-to-end test data',
    openAttribute: 'restricted',
    format: 'csv',
    updateFrequency: 'daily',
    items: [
      { name: 'uscc', label: '统一社会信用代码', type: 'string' },
      { name: 'entity_name', label: '名称', type: 'string' },
      { name: 'district', label: '区县', type: 'string' },
      { name: 'reg_capital', label: '注册资本（万元）', type: 'integer' },
      { name: 'legal_rep_phone', label: '联系电话', type: 'string', personal: true },
      { name: 'legal_rep_id', label: '法定代表人身份证号', type: 'string', personal: true },
    ],
  };
}

function csv(rows: number): string {
  const lines = ['uscc,entity_name,district,reg_capital,legal_rep_phone,legal_rep_id'];
  const districts = ['莲都区', '青田县', '缙云县'];
  for (let i = 0; i < rows; i++) {
    lines.push(
      `9133110${String(i).padStart(11, '0')},"丽水测试企业${i}, 有限公司",${districts[i % 3]},${100 + i},1380000${String(i).padStart(4, '0')},33110219900101${String(i).padStart(4, '0')}`,
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

function application(id: string, datasets: string[]): unknown {
  return {
    id,
    form: {
      serviceName: '企业信用画像服务',
      field: '金融服务',
      scenarios: '小微企业贷前核验与贷后监测',
      serviceScope: '丽水市',
      serviceUsers: '本地银行与担保机构',
      concurrency: 20,
      expectedBenefit: '缩短小微企业贷款审核时间',
      systemName: '信用画像平台',
      machineRoom: '丽水市云计算中心',
      mlpsLevel: 3,
      mlpsFiling: '33110099001-26001',
      contact: { name: '张三', idNumber: '331102199001011234', phone: '13800001234' },
    },
    demands: datasets.map((datasetId) => ({ scenario: '贷前核验', datasetId, items: GRANTED_ITEMS })),
    documents: {
      mlpsCertificate: 'mlps.pdf',
      creditReport: 'credit.pdf',
      securityCommitment: 'commitment.pdf',
    },
  };
}

describe('the rdx CLI end to end: one walk-through of the whole process, step by step', () => {
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-cli-e2e-'));
    cli = new Cli({ RDX_GATEWAY_URL: GATEWAY, XDG_CONFIG_HOME: path.join(dir, 'config') });
    ent = ['--client-id', creditCode, '--key-file', file('acme.key.pem')];
    write('ds1.json', dataset(DS1, '市场主体登记信息（CLI 测试）'));
    write('ds2.json', dataset(DS2, '经营许可信息（CLI 测试）'));
    write('data.csv', csv(30));
    write('data2.csv', csv(12));
    write('other.csv', csv(5));
    write('mlps.pdf', '等保备案证明');
    write('credit.pdf', '信用报告');
    write('commitment.pdf', '安全承诺书');
    write('app1.json', application(APP1, [DS1, DS2]));
    write('app2.json', application(APP2, [DS1]));
    write('app3.json', application(APP3, [DS2]));
    write('terms.json', {
      datasets: [DS1, DS2].map((datasetId) => ({ datasetId, items: GRANTED_ITEMS })),
      purpose: '贷前核验',
      serviceName: '企业信用画像服务',
      platform: '信用画像平台',
      validFrom: today(),
      validUntil: '2027-06-30',
      dailyQuota: 1000,
      dataReturn: true,
    });
    write('minutes.txt', '协调会议纪要：需求合理，同意开放。');
    write('facts.txt', '投诉：数据中联系电话有误。');
    write('summary.txt', '已电话告知投诉人处理结果。');
    write('usage.txt', '2026 年第四季度利用情况报告');
    write('issue.txt', '发现一次异常访问尝试，已处置。');
    write('return.csv', 'uscc,score\r\n913311000000000001,88\r\n913311000000000002,92\r\n');
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rdx --help works from the repository root, and npx rdx when npm linked the bin', async () => {
    const help = await cli.human(['--help']);
    expect(help.stdout).to.match(/Commands by role/);
    expect(help.stdout).to.match(/enterprise onboard/);
    const version = await cli.human(['--version']);
    expect(version.stdout.trim()).to.match(/^\d+\.\d+\.\d+$/);
    const usage = await cli.run(['grant']);
    expect(usage.code, 'a group without its command is a usage error').to.equal(1);
    const bin = path.join(repoRoot, 'node_modules', '.bin', 'rdx');
    if (fs.existsSync(bin)) {
      const { spawnSync } = await import('node:child_process');
      const npx = spawnSync('npx', ['--no-install', 'rdx', '--help'], { cwd: repoRoot, encoding: 'utf8' });
      expect(npx.status, npx.stderr).to.equal(0);
      expect(npx.stdout).to.match(/Commands by role/);
    } else {
      console.log('# node_modules/.bin/rdx is not linked: see docs/CLI.md (npm rebuild @rdx/client)');
    }
    const ids = await cli.ok<{ identities: { name: string }[] }>(['identities']);
    expect(ids.identities.map((i) => i.name)).to.include('regulator.bureau');
  });

  it('bureau: onboards an enterprise it creates with a fresh key, rates it, keeps the calendar', async () => {
    const keys = await cli.ok<{ privateKeyFile: string; publicKeyFile: string }>([
      'keygen',
      '--out',
      file('acme'),
    ]);
    expect(fs.statSync(keys.privateKeyFile).mode & 0o777).to.equal(0o600);
    await cli.fails(['keygen', '--out', file('acme')], 'ALREADY_EXISTS');

    const onboard = [
      'enterprise',
      'onboard',
      ...BUREAU,
      '--credit-code',
      creditCode,
      '--name',
      `丽水 CLI 测试数据科技有限公司 ${run}`,
      '--nature',
      'private',
      '--public-key-file',
      keys.publicKeyFile,
      '--rating',
      'AA',
      '--mlps-level',
      '3',
      '--mlps-filing',
      '33110099001-26001',
      '--valid-until',
      '2027-12-31',
      '--certificate-file',
      file('mlps.pdf'),
    ];
    // Bad input first: each exits 1 with a stable code and changes nothing.
    const badCode = await cli.fails(
      // A wrong check character (never the right one by chance).
      onboard.map((a) =>
        a === creditCode ? `${creditCode.slice(0, 17)}${creditCode.endsWith('0') ? '1' : '0'}` : a,
      ),
      'INVALID_ARGUMENT',
    );
    expect(badCode.message).to.match(/credit-code/);
    expect(badCode.hint).to.be.a('string').and.not.equal('');
    await cli.fails(
      onboard.map((a) => (a === 'AA' ? 'B' : a)),
      'INVALID_ARGUMENT',
    );
    await cli.fails(
      onboard.map((a) => (a === keys.publicKeyFile ? keys.privateKeyFile : a)),
      'INVALID_ARGUMENT',
    );
    await cli.fails(
      onboard.map((a) => (a === '2027-12-31' ? '2027-02-30' : a)),
      'INVALID_ARGUMENT',
    );
    await cli.fails(
      onboard.map((a) => (a === 'admin.bureau' ? 'admin.market' : a)),
      'FORBIDDEN',
    );
    await cli.fails(
      onboard.filter((a) => a !== '--as' && a !== 'admin.bureau'),
      'IDENTITY_REQUIRED',
    );

    const onboarded = await cli.ok<{
      txId: string;
      enterprise: { creditCode: string; rating: { level: string; certificateHashes: string[] } };
    }>(onboard);
    expect(onboarded.txId).to.match(HEX64);
    expect(onboarded.enterprise.creditCode).to.equal(creditCode);
    expect(onboarded.enterprise.rating.level).to.equal('AA');
    expect(onboarded.enterprise.rating.certificateHashes.length).to.equal(1);
    await cli.fails(onboard, 'ALREADY_EXISTS');

    const human = await cli.human(['enterprise', 'show', creditCode, ...REGULATOR]);
    expect(human.stdout).to.match(/统一社会信用代码 credit code/);

    const rated = await cli.ok<{
      change: { enterprise: { rating: { level: string } }; suspendedGrants: string[] };
    }>([
      'enterprise',
      'rate',
      creditCode,
      ...BUREAU,
      '--rating',
      'AAA',
      '--mlps-level',
      '3',
      '--mlps-filing',
      '33110099001-26001',
      '--valid-until',
      '2027-12-31',
    ]);
    expect(rated.change.enterprise.rating.level).to.equal('AAA');
    expect(rated.change.suspendedGrants).to.deep.equal([]);
    await cli.fails(['enterprise', 'expire-rating', creditCode, ...BUREAU], 'INVALID_STATE');

    const year = Number(today().slice(0, 4));
    const calendar = await cli.ok<{ year: number; holidays: string[] }>([
      'calendar',
      'show',
      String(year),
      ...BUREAU,
    ]);
    expect(calendar.year).to.equal(year);
    write('calendar.json', calendar);
    const set = await cli.ok<{ calendar: { year: number; holidays: string[] } }>([
      'calendar',
      'set',
      '--file',
      file('calendar.json'),
      ...BUREAU,
    ]);
    expect(set.calendar.holidays).to.deep.equal(calendar.holidays);
    await cli.fails(['calendar', 'show', '1999', ...BUREAU], 'INVALID_ARGUMENT');
    await cli.fails(['calendar', 'set', '--file', file('calendar.json'), ...MARKET], 'FORBIDDEN');
  });

  it('opening body: registers datasets and loads CSV versions (hash and rows on the ledger, bytes at the gateway)', async () => {
    const registered = await cli.ok<{ dataset: { id: string; owner: string } }>([
      'dataset',
      'register',
      '--file',
      file('ds1.json'),
      ...MARKET,
    ]);
    expect(registered.dataset.owner).to.equal('MarketMSP');
    await cli.ok(['dataset', 'register', '--file', file('ds2.json'), ...MARKET]);
    await cli.fails(['dataset', 'register', '--file', file('ds1.json'), ...MARKET], 'ALREADY_EXISTS');
    // Listed only after the bureau's review (Z13): the body may not list its own.
    await cli.fails(['dataset', 'review', DS1, 'approve', ...MARKET], 'FORBIDDEN');
    for (const id of [DS1, DS2]) {
      const listed = await cli.ok<{ dataset: { listing: { state: string } } }>([
        'dataset',
        'review',
        id,
        'approve',
        ...BUREAU,
      ]);
      expect(listed.dataset.listing.state).to.equal('LISTED');
    }

    const bytes = fs.readFileSync(file('data.csv'));
    const loaded = await cli.ok<{
      contentHash: string;
      rowCount: number;
      txId: string;
      gateway: { rowCount: number; contentHash: string };
    }>(['dataset', 'load', DS1, '--version', 'v1', '--file', file('data.csv'), ...MARKET]);
    expect(loaded.contentHash).to.equal(crypto.createHash('sha256').update(bytes).digest('hex'));
    expect(loaded.rowCount).to.equal(30);
    expect(loaded.gateway.rowCount).to.equal(30);
    expect(loaded.gateway.contentHash).to.equal(loaded.contentHash);
    expect(loaded.txId).to.match(HEX64);
    await cli.ok(['dataset', 'load', DS2, '--version', 'v1', '--file', file('data2.csv'), ...MARKET]);
    // Other bytes under a version name already used are refused before anything is sent.
    await cli.fails(
      ['dataset', 'load', DS1, '--version', 'v1', '--file', file('other.csv'), ...MARKET],
      'ALREADY_EXISTS',
    );
    await cli.fails(
      ['dataset', 'load', DS1, '--version', 'v9', '--file', file('nope.csv'), ...MARKET],
      'FILE_UNREADABLE',
    );
    await cli.fails(
      ['dataset', 'load', DS1, '--version', 'v2', '--file', file('other.csv'), '--as', 'admin.transport'],
      'FORBIDDEN',
    );

    const shown = await cli.ok<{ versions: { version: string; rowCount: number }[] }>([
      'dataset',
      'show',
      DS1,
      ...REGULATOR,
    ]);
    expect(shown.versions.map((v) => [v.version, v.rowCount])).to.deep.equal([['v1', 30]]);
  });

  it('enterprise: logs in by private_key_jwt, applies with hashed documents and contact', async () => {
    // The gateway learns of the new enterprise from the ledger's events.
    await cli.until(['grants', ...ent], 20_000);
    const login = await cli.ok<{ clientId: string; file: string }>(['login', ...ent]);
    expect(login.clientId).to.equal(creditCode);
    expect(fs.statSync(login.file).mode & 0o777).to.equal(0o600);
    const storedToken = (): string =>
      Object.values(
        JSON.parse(fs.readFileSync(login.file, 'utf8')) as Record<string, { accessToken: string }>,
      )[0]!.accessToken;
    // Logging in again ends the login it replaces at the gateway: a copy of the first token opens nothing.
    const first = storedToken();
    const again = await cli.ok<{ replacedRevoked: boolean }>(['login', ...ent]);
    expect(again.replacedRevoked).to.equal(true);
    const withFirst = await fetch(`${gatewayUrl({ topology })}/v1/grants`, {
      headers: { authorization: `Bearer ${first}` },
    });
    expect(withFirst.status, 'the token of the login replaced').to.equal(401);
    const stored = await cli.ok<unknown[]>(['grants']);
    expect(stored).to.deep.equal([]);
    await cli.fails(['apply', '--file', file('app1.json')], 'SIGNER_MISSING');
    // The stored token, as whoever copied the token file would hold it.
    const copied = storedToken();
    const out = await cli.ok<{ removed: boolean; revoked: boolean }>(['logout']);
    expect([out.removed, out.revoked]).to.deep.equal([true, true]);
    await cli.fails(['grants'], 'NOT_LOGGED_IN');
    // Ended at the gateway, not only forgotten here: the copy opens nothing.
    const withCopy = await fetch(`${gatewayUrl({ topology })}/v1/grants`, {
      headers: { authorization: `Bearer ${copied}` },
    });
    expect(withCopy.status).to.equal(401);

    const applied = await cli.ok<{
      txId: string;
      contactSalt: string;
      application: {
        id: string;
        state: string;
        form: Record<string, unknown>;
        documents: Record<string, string>;
      };
    }>(['apply', '--file', file('app1.json'), ...ent]);
    expect(applied.application.state).to.equal('FORMAL_REVIEW');
    expect(applied.txId).to.match(HEX64);
    expect(String(applied.application.form.contactIdHash)).to.match(HEX64);
    expect(applied.application.form.contact, 'the clear contact never leaves the machine').to.equal(
      undefined,
    );
    expect(applied.application.documents.creditReport).to.equal(
      crypto.createHash('sha256').update('信用报告').digest('hex'),
    );
    expect(applied.contactSalt).to.match(/^[0-9a-f]{32}$/);
    expect(JSON.stringify(applied.application)).not.to.include('13800001234');
    await cli.fails(['apply', '--file', file('app1.json'), ...ent], 'ALREADY_EXISTS');
    await cli.ok(['apply', '--file', file('app2.json'), ...ent]);
    await cli.ok(['apply', '--file', file('app3.json'), ...ent]);

    const shown = await cli.ok<{ state: string }>(['application', 'show', APP1, ...ent]);
    expect(shown.state).to.equal('FORMAL_REVIEW');

    // A demo enterprise of `npm start` authenticates with its client secret instead.
    const demoFile = path.join(config.home, 'demo', 'enterprises.json');
    if (fs.existsSync(demoFile)) {
      const demo = (
        JSON.parse(fs.readFileSync(demoFile, 'utf8')) as { clientId: string; clientSecret: string }[]
      )[0]!;
      await cli.ok(['grants'], { RDX_CLIENT_ID: demo.clientId, RDX_CLIENT_SECRET: demo.clientSecret });
      await cli.fails(['grants'], 'INVALID_CLIENT', 1, {
        RDX_CLIENT_ID: demo.clientId,
        RDX_CLIENT_SECRET: 'wrong-secret',
      });
    }
  });

  it('reviews: formal review, owner review, coordination, dispute and re-review', async () => {
    const step = async (args: string[], state: string): Promise<void> => {
      const r = await cli.ok<{ application: { state: string } }>(args);
      expect(r.application.state, args.join(' ')).to.equal(state);
    };
    await step(['application', 'formal-review', APP1, 'accept', ...BUREAU], 'OWNER_REVIEW');
    await cli.fails(['application', 'review', APP1, 'reject', ...MARKET], 'INVALID_ARGUMENT');
    const personal = await cli.fails(
      ['application', 'review', APP1, 'reject', '--reason', '请联系 13800001234 补充材料', ...MARKET],
      'INVALID_ARGUMENT',
    );
    expect(personal.message).to.match(/personal data/);
    // A body the application does not name is told nothing of it.
    await cli.fails(['application', 'review', APP1, 'approve', '--as', 'admin.transport'], 'NOT_FOUND');
    await cli.fails(['application', 'review', APP1, 'maybe', ...MARKET], 'INVALID_ARGUMENT');
    await step(['application', 'review', APP1, 'approve', ...MARKET], 'RE_REVIEW');
    await step(['application', 're-review', APP1, 'approve', ...BUREAU], 'APPROVED');
    await cli.fails(['application', 're-review', APP1, 'approve', ...BUREAU], 'INVALID_STATE');

    // A disputed demand goes to a coordination meeting, whose minutes' hash is recorded.
    await step(['application', 'formal-review', APP2, 'accept', ...BUREAU], 'OWNER_REVIEW');
    await step(
      ['application', 'review', APP2, 'escalate', '--reason', '需求范围存在争议，提请协调', ...MARKET],
      'COORDINATION',
    );
    const coordinated = await cli.ok<{
      application: {
        state: string;
        ownerReviews: Record<string, { coordination?: { minutesHash: string } }>;
      };
    }>([
      'application',
      'coordinate',
      APP2,
      '--body',
      'MarketMSP',
      '--outcome',
      'approved',
      '--minutes-file',
      file('minutes.txt'),
      ...BUREAU,
    ]);
    expect(coordinated.application.state).to.equal('RE_REVIEW');
    expect(coordinated.application.ownerReviews.MarketMSP!.coordination!.minutesHash).to.equal(
      crypto
        .createHash('sha256')
        .update(fs.readFileSync(file('minutes.txt')))
        .digest('hex'),
    );
    await step(
      ['application', 're-review', APP2, 'reject', '--reason', '已有同类授权，不予重复开放', ...BUREAU],
      'REJECTED',
    );

    // Returned for correction, resubmitted, rejected by the body, disputed by the enterprise, coordinated.
    await cli.fails(['application', 'formal-review', APP3, 'return', ...BUREAU], 'INVALID_ARGUMENT');
    await step(
      ['application', 'formal-review', APP3, 'return', '--reason', '等保备案证明不清晰，请补正', ...BUREAU],
      'RETURNED',
    );
    const resubmitted = await cli.ok<{ application: { state: string; revision: number } }>([
      'apply',
      '--resubmit',
      '--file',
      file('app3.json'),
      ...ent,
    ]);
    expect([resubmitted.application.state, resubmitted.application.revision]).to.deep.equal([
      'FORMAL_REVIEW',
      2,
    ]);
    await step(['application', 'formal-review', APP3, 'accept', ...BUREAU], 'OWNER_REVIEW');
    await step(
      ['application', 'review', APP3, 'reject', '--reason', '该数据集暂不具备开放条件', ...MARKET],
      'RE_REVIEW',
    );
    await step(
      ['application', 'dispute', APP3, '--body', 'MarketMSP', '--reason', '需求合理，已具备安全条件', ...ent],
      'COORDINATION',
    );
    await step(
      [
        'application',
        'coordinate',
        APP3,
        '--body',
        'MarketMSP',
        '--outcome',
        'rejected',
        '--minutes-file',
        file('minutes.txt'),
        ...BUREAU,
      ],
      'RE_REVIEW',
    );
    await step(
      ['application', 're-review', APP3, 'reject', '--reason', '经协调不予开放', ...BUREAU],
      'REJECTED',
    );
    const history = await cli.human(['application', 'show', APP3, ...REGULATOR]);
    expect(history.stdout).to.match(/未通过 rejected/);
  });

  it('agreement: drafted by the body, signed by both, in force with one grant per dataset', async () => {
    const draft = await cli.ok<{ agreement: { id: string; state: string; termsHash: string } }>([
      'agreement',
      'draft',
      APP1,
      '--terms-file',
      file('terms.json'),
      ...MARKET,
    ]);
    expect([draft.agreement.id, draft.agreement.state]).to.deep.equal([AGREEMENT, 'DRAFT']);
    expect(draft.agreement.termsHash).to.match(HEX64);
    const seen = await cli.ok<{ termsHash: string; terms: { dailyQuota: number } }>([
      'agreement',
      'show',
      AGREEMENT,
      ...ent,
    ]);
    expect(seen.termsHash).to.equal(draft.agreement.termsHash);
    expect(seen.terms.dailyQuota).to.equal(1000);
    await cli.fails(
      ['agreement', 'accept', AGREEMENT, '--expect-hash', '0'.repeat(64), ...ent],
      'TERMS_CHANGED',
    );
    await cli.fails(['agreement', 'accept', AGREEMENT, '--client-id', creditCode], 'SIGNER_MISSING');

    const bodySigned = await cli.ok<{ agreement: { state: string; bodySignature?: unknown } }>([
      'agreement',
      'sign',
      AGREEMENT,
      ...MARKET,
    ]);
    expect(bodySigned.agreement.state).to.equal('DRAFT');
    expect(bodySigned.agreement.bodySignature).to.be.an('object');
    await cli.fails(['agreement', 'sign', AGREEMENT, ...MARKET], 'INVALID_STATE');
    const inForce = await cli.ok<{ txId: string; agreement: { state: string; grants: string[] } }>([
      'agreement',
      'accept',
      AGREEMENT,
      '--expect-hash',
      draft.agreement.termsHash,
      ...ent,
    ]);
    expect(inForce.agreement.state).to.equal('IN_FORCE');
    expect(inForce.agreement.grants.sort()).to.deep.equal([GRANT1, GRANT2].sort());
    tx.inForce = inForce.txId;
    const shown = await cli.human(['agreement', 'show', AGREEMENT, ...REGULATOR]);
    expect(shown.stdout).to.match(/生效 in force/);
  });

  it('enterprise: pulls records page by page, computed results, and reports its duties', async () => {
    await cli.until(['records', DS1, '--limit', '1', ...ent], 20_000);
    const all = await cli.run(['records', DS1, '--limit', '7', '--all', ...ent]);
    expect(all.code, describeRun(all)).to.equal(0);
    const rows = jsonLines(all);
    expect(rows.length).to.equal(30);
    for (const row of rows) {
      expect(Object.keys(row).sort()).to.deep.equal([...GRANTED_ITEMS].sort());
      expect(String(row.legal_rep_phone), 'personal items are masked').to.match(/^\d{3}\*{4}\d{4}$/);
    }
    expect((all.stderr.match(/# page \d+/g) ?? []).length, 'five pages of 7, 7, 7, 7, 2').to.equal(5);
    const some = await cli.run([
      'records',
      DS1,
      '--fields',
      'uscc,district',
      '--filter',
      'district:eq:莲都区',
      '--limit',
      '4',
      '--json',
      ...ent,
    ]);
    expect(some.code, describeRun(some)).to.equal(0);
    expect(
      jsonLines(some).map((r) => Object.keys(r).sort().join(',') + ':' + String(r.district)),
    ).to.deep.equal(Array(4).fill('district,uscc:莲都区'));
    await cli.fails(['records', DS1, '--fields', 'legal_rep_id', ...ent], 'ITEMS_NOT_GRANTED');
    await cli.fails(['records', `no-such-${run}`, ...ent], 'NOT_FOUND');
    // The demo's restricted dataset of `npm start`: this enterprise holds no grant on it.
    await cli.fails(['records', 'market-entities', ...ent], 'NO_GRANT');
    await cli.fails(['records', DS1, '--limit', '0', ...ent], 'INVALID_ARGUMENT');

    const agg = await cli.ok<{
      data: Record<string, unknown>[];
      suppressedGroups: number | null;
      epsilon: number;
      minGroupSize: number;
    }>([
      'aggregate',
      DS1,
      '--group-by',
      'district',
      '--measure',
      'count',
      '--measure',
      'avg:reg_capital',
      ...ent,
    ]);
    // Restricted data gives differentially private results: a district of 10 rows is under the threshold at
    // which a group of one record would show too often, and how many were left out is not said.
    expect(agg.epsilon).to.be.above(0);
    expect([agg.data, agg.suppressedGroups]).to.deep.equal([[], null]);
    await cli.fails(['aggregate', DS1, '--measure', 'median:reg_capital', ...ent], 'INVALID_ARGUMENT');
    const catalog = await cli.ok<{ id: string; grant: { id: string } | null }[]>(['catalog', ...ent]);
    expect(catalog.find((d) => d.id === DS1)?.grant?.id).to.equal(GRANT1);
    await cli.fails(['download', DS1], 'DOWNLOAD_FORBIDDEN');
    // Unconditional data (the demo's bus stations) is downloaded by anyone, no login.
    const open = await cli.human(['download', 'transport-stations']);
    expect(open.stdout).to.match(/^station_id,/);
    const grants = await cli.ok<{ id: string; state: string }[]>(['grants', ...ent]);
    expect(grants.map((g) => `${g.id}:${g.state}`).sort()).to.deep.equal(
      [`${GRANT1}:ACTIVE`, `${GRANT2}:ACTIVE`].sort(),
    );

    const usage = await cli.ok<{ duty: { kind: string; detail: { callCount: number } } }>([
      'report',
      'usage',
      AGREEMENT,
      '--period',
      '2026Q4',
      '--calls',
      '42',
      '--report-file',
      file('usage.txt'),
      ...ent,
    ]);
    expect([usage.duty.kind, usage.duty.detail.callCount]).to.deep.equal(['usage-report', 42]);
    const product = await cli.ok<{ duty: { kind: string } }>([
      'report',
      'product',
      AGREEMENT,
      '--name',
      '企业信用画像',
      '--address',
      'https://example.org/credit',
      ...ent,
    ]);
    expect(product.duty.kind).to.equal('product');
    await cli.fails(
      ['report', 'product', AGREEMENT, '--name', 'x', '--address', 'not-a-url', ...ent],
      'INVALID_ARGUMENT',
    );
    const returned = await cli.ok<{
      duty: { kind: string; detail: { rowCount: number; datasetId: string } };
    }>(['report', 'return', AGREEMENT, '--file', file('return.csv'), '--dataset', DS1, ...ent]);
    // The dataset it names is kept with the record (it was dropped before: the ledger took no such field).
    expect([returned.duty.kind, returned.duty.detail.rowCount, returned.duty.detail.datasetId]).to.deep.equal(
      ['data-return', 2, DS1],
    );
    const issue = await cli.ok<{ duty: { kind: string } }>([
      'report',
      'security',
      AGREEMENT,
      '--severity',
      'low',
      '--description-file',
      file('issue.txt'),
      ...ent,
    ]);
    expect(issue.duty.kind).to.equal('security-issue');

    // The reports reach their readers: the owning body and the bureau, not another body (L7, L18).
    const read = await cli.ok<{ id: string; kind: string }[]>([
      'reports',
      '--kind',
      'security-issue',
      ...MARKET,
    ]);
    expect(read.map((d) => d.kind)).to.include('security-issue');
    const byBureau = await cli.ok<{ kind: string }[]>(['reports', '--agreement', AGREEMENT, ...BUREAU]);
    expect(byBureau.map((d) => d.kind).sort()).to.deep.equal([
      'data-return',
      'product',
      'security-issue',
      'usage-report',
    ]);
    const elsewhere = await cli.ok<{ agreementId: string }[]>(['reports', '--as', 'admin.transport']);
    expect(elsewhere.filter((d) => d.agreementId === AGREEMENT)).to.deep.equal([]);
  });

  it('suspension: the body suspends, the enterprise is refused at once; complaints suspend and restore', async () => {
    const suspended = await cli.ok<{ txId: string; grant: { state: string; reason: { code: string } } }>([
      'grant',
      'suspend',
      GRANT1,
      '--reason',
      'violation',
      '--note',
      '违规使用，暂停访问',
      ...MARKET,
    ]);
    expect([suspended.grant.state, suspended.grant.reason.code]).to.deep.equal(['SUSPENDED', 'violation']);
    tx.suspend = suspended.txId;
    const refused = await cli.untilFails(
      ['records', DS1, '--limit', '1', ...ent],
      'GRANT_NOT_ACTIVE',
      10_000,
    );
    expect(refused.code).to.equal(1);
    // For people the refusal names the term and a hint.
    const human = await cli.run(['records', DS1, '--limit', '1', ...ent]);
    expect(human.code).to.equal(1);
    expect(human.stderr).to.match(/\[GRANT_NOT_ACTIVE\]/);
    expect(human.stderr).to.match(/提示 hint/);
    await cli.fails(
      ['grant', 'suspend', GRANT1, '--reason', 'violation', '--note', '重复中止', ...MARKET],
      'INVALID_STATE',
    );
    await cli.fails(
      ['grant', 'suspend', GRANT1, '--reason', 'whim', '--note', '任意中止', ...MARKET],
      'INVALID_ARGUMENT',
    );
    await cli.fails(['grant', 'restore', GRANT1, '--as', 'admin.transport'], 'NOT_FOUND');

    const restored = await cli.ok<{ txId: string; grant: { state: string } }>([
      'grant',
      'restore',
      GRANT1,
      '--note',
      '整改完成',
      ...MARKET,
    ]);
    expect(restored.grant.state).to.equal('ACTIVE');
    tx.restore = restored.txId;
    await cli.until(['records', DS1, '--limit', '1', ...ent], 10_000);

    // The bureau may suspend any grant too, and only it lifts that suspension (Z39).
    const byBureau = await cli.ok<{ grant: { state: string; updatedBy: { mspId: string } } }>([
      'grant',
      'suspend',
      GRANT1,
      '--reason',
      'rectification',
      '--note',
      '限期整改',
      ...BUREAU,
    ]);
    expect([byBureau.grant.state, byBureau.grant.updatedBy.mspId]).to.deep.equal(['SUSPENDED', 'BureauMSP']);
    await cli.fails(['grant', 'restore', GRANT1, '--note', '整改已完成', ...MARKET], 'FORBIDDEN');
    await cli.ok(['grant', 'restore', GRANT1, '--note', '整改已完成', ...BUREAU]);

    const complaintId = `cli-complaint-${run}`;
    const filed = await cli.ok<{
      complaint: { state: string; complainant: { nameHash?: string } };
      nameSalt: string;
    }>([
      'complaint',
      'file',
      '--id',
      complaintId,
      '--dataset',
      DS1,
      '--grant',
      GRANT1,
      '--category',
      'unlawful-opening',
      '--complainant-kind',
      'person',
      '--complainant-name',
      '李四',
      '--facts-file',
      file('facts.txt'),
      '--suspend-now',
      ...MARKET,
    ]);
    expect(filed.complaint.state).to.equal('OPEN');
    expect(String(filed.complaint.complainant.nameHash)).to.match(HEX64);
    expect(filed.nameSalt).to.be.a('string').and.not.equal('');
    const duringComplaint = await cli.ok<{ state: string; reason: { code: string } }>([
      'grant',
      'show',
      GRANT1,
      ...MARKET,
    ]);
    expect([duringComplaint.state, duringComplaint.reason.code]).to.deep.equal(['SUSPENDED', 'complaint']);
    await cli.fails(
      [
        'complaint',
        'notify',
        complaintId,
        '--channel',
        'phone',
        '--summary-file',
        file('summary.txt'),
        ...MARKET,
      ],
      'INVALID_STATE',
    );
    const resolved = await cli.ok<{ complaint: { state: string; outcome: { decision: string } } }>([
      'complaint',
      'resolve',
      complaintId,
      'restore',
      '--note',
      '经核实数据无误，恢复开放',
      ...MARKET,
    ]);
    expect([resolved.complaint.state, resolved.complaint.outcome.decision]).to.deep.equal([
      'RESOLVED',
      'restore',
    ]);
    await cli.fails(
      ['complaint', 'resolve', complaintId, 'dismiss', '--note', '再次处理投诉', ...MARKET],
      'INVALID_STATE',
    );
    const notified = await cli.ok<{ complaint: { notification: { channel: string; notifiedOn: string } } }>([
      'complaint',
      'notify',
      complaintId,
      '--channel',
      'phone',
      '--summary-file',
      file('summary.txt'),
      ...MARKET,
    ]);
    expect([
      notified.complaint.notification.channel,
      notified.complaint.notification.notifiedOn,
    ]).to.deep.equal(['phone', today()]);
    await cli.until(['records', DS1, '--limit', '1', ...ent], 10_000);

    // The enterprise complains through the gateway and follows it with its receipt; the body lists it.
    const submitted = await cli.ok<{ complaint: { id: string; receipt: string; state: string } }>([
      'complaint',
      'submit',
      '--dataset',
      DS1,
      '--category',
      'quality',
      '--kind',
      'opinion',
      '--facts-file',
      file('facts.txt'),
      ...ent,
    ]);
    expect(submitted.complaint.state).to.equal('OPEN');
    const seen = await cli.ok<{ state: string; category: string }>([
      'complaint',
      'status',
      submitted.complaint.id,
      '--receipt',
      submitted.complaint.receipt,
    ]);
    expect([seen.state, seen.category]).to.deep.equal(['OPEN', 'quality']);
    await cli.fails(['complaint', 'status', submitted.complaint.id, '--receipt', 'a guess'], 'NOT_FOUND');
    const listed = await cli.ok<{ id: string; state: string }[]>(['complaints', ...MARKET]);
    expect(listed.map((c) => c.id)).to.include.members([complaintId, submitted.complaint.id]);
    const open = await cli.ok<{ id: string }[]>(['complaints', '--state', 'OPEN', ...MARKET]);
    expect(open.map((c) => c.id))
      .to.include(submitted.complaint.id)
      .and.not.include(complaintId);
  });

  it('receipts: the allowed and the refused call each verify offline and against the ledger', async () => {
    const log = await cli.ok<{
      data: { requestId: string; decision: string; reason: string; grantId?: string }[];
    }>(['access-log', '--limit', '200', ...ent]);
    const allowed = log.data.find((r) => r.decision === 'allow' && r.grantId === GRANT1)!;
    const refused = log.data.find((r) => r.decision === 'deny' && r.reason === 'GRANT_NOT_ACTIVE')!;
    expect(allowed, 'the access log holds both').not.to.equal(undefined);
    expect(refused, 'the access log holds both').not.to.equal(undefined);
    requests.allowed = allowed.requestId;
    requests.refused = refused.requestId;
    for (const [name, id] of [
      ['allowed', allowed.requestId],
      ['refused', refused.requestId],
    ] as const) {
      const r = await cli.ok<{
        receipt: { record: { requestId: string; decision: string } };
        verification: { ok: boolean };
      }>(['receipt', id, '--verify', '--wait', '60', '--out', file(`receipt-${name}.json`), ...ent]);
      expect(r.verification.ok).to.equal(true);
      expect(r.receipt.record.requestId).to.equal(id);
    }
    const online = await cli.ok<{ verification: { checks: { name: string; ok: boolean }[] } }>([
      'receipt',
      allowed.requestId,
      '--online',
      ...REGULATOR,
      ...ent,
    ]);
    expect(online.verification.checks.filter((c) => c.ok).map((c) => c.name)).to.include('anchor.onLedger');
    const offline = await cli.ok<{ ok: boolean; kind: string }>(['verify', file('receipt-allowed.json')]);
    expect([offline.ok, offline.kind]).to.deep.equal([true, 'receipt']);
    // A receipt names no collector: a CA given for one would pass unchecked, so it is refused.
    const caGiven = await cli.fails(
      [
        'verify',
        file('receipt-allowed.json'),
        '--ca-file',
        path.join(config.home, 'orgs', 'bureau', 'ca', 'ca-cert.pem'),
      ],
      'INVALID_ARGUMENT',
    );
    expect(caGiven.message).to.match(/check an evidence package's collector; .* is a receipt/);

    const tampered = JSON.parse(fs.readFileSync(file('receipt-allowed.json'), 'utf8')) as {
      record: { rowCount: number };
    };
    tampered.record.rowCount += 1000;
    write('receipt-tampered.json', tampered);
    const bad = await cli.fails(['verify', file('receipt-tampered.json')], 'RECEIPT_INVALID');
    expect(bad.message).to.match(/record\.hash/);
    await cli.fails(['verify', file('terms.json')], 'UNKNOWN_DOCUMENT');
    await cli.fails(['receipt', `no-such-request-${run}`, ...ent], 'NOT_FOUND');
  });

  it('renewal and the end: renewed by both, one grant withdrawn, one terminated, and with it the agreement', async () => {
    await cli.fails(
      ['agreement', 'propose-renewal', AGREEMENT, '--valid-until', '2027-01-01', ...MARKET],
      'INVALID_ARGUMENT',
    );
    const proposed = await cli.ok<{ agreement: { pendingRenewal: { validUntil: string } } }>([
      'agreement',
      'propose-renewal',
      AGREEMENT,
      '--valid-until',
      '2028-06-30',
      ...MARKET,
    ]);
    expect(proposed.agreement.pendingRenewal.validUntil).to.equal('2028-06-30');
    const renewed = await cli.ok<{ agreement: { terms: { validUntil: string } } }>([
      'agreement',
      'accept-renewal',
      AGREEMENT,
      '--valid-until',
      '2028-06-30',
      ...ent,
    ]);
    expect(renewed.agreement.terms.validUntil).to.equal('2028-06-30');

    const withdrawn = await cli.ok<{ grant: { state: string } }>([
      'grant',
      'withdraw',
      GRANT2,
      '--note',
      '数据集停止开放，撤回授权',
      ...MARKET,
    ]);
    expect(withdrawn.grant.state).to.equal('REVOKED');
    await cli.fails(['grant', 'withdraw', GRANT1, '--note', '越权撤回授权', ...BUREAU], 'FORBIDDEN');
    const terminated = await cli.ok<{ txId: string; grant: { state: string } }>([
      'grant',
      'terminate',
      GRANT1,
      '--note',
      '违规未整改，终止授权',
      ...BUREAU,
    ]);
    expect(terminated.grant.state).to.equal('TERMINATED');
    tx.terminate = terminated.txId;
    await cli.fails(['grant', 'restore', GRANT1, ...MARKET], 'INVALID_STATE');
    await cli.untilFails(['records', DS1, '--limit', '1', ...ent], 'GRANT_NOT_ACTIVE', 10_000);

    // Z39: its other grant withdrawn, the agreement ended with this termination, by the bureau, in the same
    // transaction; the enterprise's credit file records it.
    const ended = await cli.ok<{ state: string; termination: { by: string; noticeDate: string } }>([
      'agreement',
      'show',
      AGREEMENT,
      ...MARKET,
    ]);
    expect([ended.state, ended.termination.by, ended.termination.noticeDate]).to.deep.equal([
      'TERMINATED',
      'BureauMSP',
      today(),
    ]);
    await cli.fails(
      ['agreement', 'terminate', AGREEMENT, '--reason', '协议终止', '--notice-date', '2099-01-01', ...MARKET],
      'INVALID_STATE',
    );
    const file = await cli.ok<{ violations: { grantId: string }[] }>([
      'enterprise',
      'show',
      creditCode,
      ...BUREAU,
    ]);
    expect(file.violations.map((v) => v.grantId)).to.deep.equal([GRANT1]);
    expect((await cli.human(['enterprise', 'show', creditCode, ...BUREAU])).stdout).to.include(GRANT1);

    // Credit from facts (L24): the termination just written makes this quarter's grade poor.
    const quarter = quarterOf(today());
    const facts = await cli.ok<{ violations: number; ids: { violations: string[] }; proposedGrade: string }>([
      'credit',
      'propose',
      '--credit-code',
      creditCode,
      '--period',
      quarter,
      ...BUREAU,
    ]);
    expect([facts.violations, facts.ids.violations, facts.proposedGrade]).to.deep.equal([
      1,
      [GRANT1],
      'poor',
    ]);
    const publish = (extra: string[]): string[] => [
      'credit',
      'publish',
      '--credit-code',
      creditCode,
      '--period',
      quarter,
      '--summary',
      '存在违规使用，已终止授权',
      ...extra,
      ...BUREAU,
    ];
    await cli.fails(publish(['--grade', 'fair']), 'INVALID_ARGUMENT');
    const evaluation = await cli.ok<{
      evaluation: {
        id: string;
        grade: string;
        override: { proposedGrade: string };
        basis: { violations: number };
      };
    }>(publish(['--grade', 'fair', '--override-reason', '已主动整改并赔偿，酌情改判']));
    expect([
      evaluation.evaluation.id,
      evaluation.evaluation.grade,
      evaluation.evaluation.override.proposedGrade,
      evaluation.evaluation.basis.violations,
    ]).to.deep.equal([`${creditCode}.${quarter}`, 'fair', 'poor', 1]);
    const overdue = await cli.ok<unknown[]>(['overdue', ...BUREAU]);
    expect(overdue).to.be.an('array');
  });

  it('regulator: history, endorsers, the anchor chain, and a sealed evidence package that verifies offline', async () => {
    const history = await cli.ok<{ txId: string; by: { mspId: string }; value: { state: string } }[]>([
      'history',
      'grant',
      GRANT1,
      ...REGULATOR,
    ]);
    expect(history.map((h) => h.value.state)).to.deep.equal([
      // In force; suspended and restored by the body, by the bureau, by a complaint; renewed; terminated.
      'ACTIVE',
      'SUSPENDED',
      'ACTIVE',
      'SUSPENDED',
      'ACTIVE',
      'SUSPENDED',
      'ACTIVE',
      'ACTIVE',
      'TERMINATED',
    ]);
    expect(history[0]!.txId).to.equal(tx.inForce);
    expect(history[1]!.txId).to.equal(tx.suspend);
    expect(history[history.length - 1]!.by.mspId).to.equal('BureauMSP');
    // The owning body reads its own grant's history; another body is told it does not exist.
    await cli.ok(['history', 'grant', GRANT1, ...MARKET]);
    await cli.fails(['history', 'grant', GRANT1, '--as', 'admin.transport'], 'NOT_FOUND');
    await cli.fails(['history', 'gadget', GRANT1, ...REGULATOR], 'INVALID_ARGUMENT');
    await cli.fails(['history', 'grant', `no-such-grant-${run}`, ...REGULATOR], 'NOT_FOUND');

    const endorsed = await cli.ok<{
      function: string;
      endorsers: string[];
      creator: { mspId: string };
      validation: string;
    }>(['endorsers', tx.suspend!, ...REGULATOR]);
    expect(endorsed.function).to.equal('grant:SuspendGrant');
    expect(endorsed.endorsers).to.deep.equal(['BureauMSP', 'MarketMSP']);
    expect(endorsed.creator.mspId).to.equal('MarketMSP');
    expect(endorsed.validation).to.equal('VALID');
    await cli.fails(['endorsers', 'not-a-tx', ...REGULATOR], 'INVALID_ARGUMENT');

    const anchors = await cli.ok<{
      head: { sequence: number };
      anchors: unknown[];
      verification: { ok: boolean };
    }>(['anchors', 'gw1', ...REGULATOR]);
    expect(anchors.verification.ok).to.equal(true);
    expect(anchors.anchors.length).to.equal(anchors.head.sequence);
    const tail = await cli.ok<{ anchors: { sequence: number }[]; verification: { ok: boolean } }>([
      'anchors',
      'gw1',
      '--from',
      String(anchors.head.sequence),
      ...REGULATOR,
    ]);
    // From that anchor on: the gateway may have anchored another batch since the first call.
    expect([tail.anchors[0]?.sequence, tail.verification.ok]).to.deep.equal([anchors.head.sequence, true]);

    // The refused call's receipt comes through the gateway's regulator API when the demo regulator client exists
    // (npm start seeds it); the allowed one is the receipt the enterprise handed over.
    const regulatorsFile = path.join(config.home, 'demo', 'regulators.json');
    const regulator = fs.existsSync(regulatorsFile)
      ? (
          JSON.parse(fs.readFileSync(regulatorsFile, 'utf8')) as { clientId: string; clientSecret: string }[]
        )[0]
      : undefined;
    const refusedReceipt = regulator
      ? [
          '--request',
          requests.refused!,
          '--client-id',
          regulator.clientId,
          '--client-secret',
          regulator.clientSecret,
        ]
      : ['--receipt', file('receipt-refused.json')];
    await cli.fails(
      ['evidence', GRANT1, '--out', file('x.json'), '--request', requests.refused!, ...REGULATOR],
      'CREDENTIALS_REQUIRED',
    );
    const summary = await cli.ok<{ verified: boolean; versions: number; receipts: number; limits: string[] }>(
      [
        'evidence',
        GRANT1,
        '--out',
        file('evidence.json'),
        '--receipt',
        file('receipt-allowed.json'),
        ...refusedReceipt,
        ...REGULATOR,
      ],
    );
    expect([summary.verified, summary.versions, summary.receipts]).to.deep.equal([true, history.length, 2]);
    expect(summary.limits[0]).to.match(/lists no requests per grant/);
    const pkg = JSON.parse(fs.readFileSync(file('evidence.json'), 'utf8')) as {
      transactions: { txId: string; endorsers: string[] }[];
      collectedBy: { identity: string };
    };
    expect(pkg.collectedBy.identity).to.equal('regulator.bureau');
    expect(pkg.transactions.find((t) => t.txId === tx.terminate)?.endorsers).to.deep.equal([
      'BureauMSP',
      'MarketMSP',
    ]);

    // Anyone can check it offline, with the bureau's CA: no --as, no network.
    const bureauCa = path.join(config.home, 'orgs', 'bureau', 'ca', 'ca-cert.pem');
    const verified = await cli.ok<{ ok: boolean; kind: string; checks: { name: string; ok: boolean }[] }>(
      ['verify', file('evidence.json'), '--ca-file', bureauCa],
      {
        RDX_GATEWAY_URL: 'http://127.0.0.1:9',
      },
    );
    expect([verified.ok, verified.kind]).to.deep.equal([true, 'evidence']);
    expect(verified.checks.filter((c) => c.ok).map((c) => c.name)).to.include.members([
      'transactions.endorsement',
      'collector.role',
      'collector.certificate',
    ]);
    const human = await cli.human(['verify', file('evidence.json'), '--ca-file', bureauCa]);
    expect(human.stdout).to.match(/证据包 evidence package .* 核验通过 verified/);
    // Without the CA nobody vouches for whoever sealed it.
    const unvouched = await cli.fails(['verify', file('evidence.json')], 'EVIDENCE_INVALID');
    expect(unvouched.message).to.match(/collector\.certificate/);

    // The clerk's key (an identity of the bureau's CA, but not one that collects evidence) reseals it with a
    // grant made ACTIVE again: the CA issued its certificate, and the package names the regulator, in vain.
    const clerk = path.join(config.home, 'wallet', 'clerk.bureau');
    const {
      digest: _d,
      signature: _s,
      ...unsealed
    } = JSON.parse(fs.readFileSync(file('evidence.json'), 'utf8')) as EvidencePackage;
    unsealed.grant.state = 'ACTIVE';
    const resealed = sealEvidence(
      {
        ...unsealed,
        collectedBy: {
          ...unsealed.collectedBy,
          certificatePem: fs.readFileSync(path.join(clerk, 'cert.pem'), 'utf8'),
        },
      },
      fs.readFileSync(path.join(clerk, 'key.pem'), 'utf8'),
    );
    write('evidence-by-clerk.json', resealed);
    const byClerk = await cli.fails(
      ['verify', file('evidence-by-clerk.json'), '--ca-file', bureauCa],
      'EVIDENCE_INVALID',
    );
    expect(byClerk.message).to.match(/collector\.role/);

    const tampered = JSON.parse(fs.readFileSync(file('evidence.json'), 'utf8')) as {
      history: { value: { state: string } }[];
    };
    tampered.history[tampered.history.length - 1]!.value.state = 'ACTIVE';
    write('evidence-tampered.json', tampered);
    const bad = await cli.fails(
      ['verify', file('evidence-tampered.json'), '--ca-file', bureauCa],
      'EVIDENCE_INVALID',
    );
    expect(bad.message).to.match(/package\.digest/);
  });

  it('failures of the platform exit 2: an unreachable gateway, an unreachable peer', async () => {
    await cli.fails(['grants', ...ent, '--gateway', 'http://127.0.0.1:9'], 'GATEWAY_UNAVAILABLE', 2);
    // A wallet whose identity points at a port where no peer listens.
    const wallet = path.join(dir, 'wallet');
    const source = path.join(config.home, 'wallet', 'regulator.bureau');
    fs.cpSync(source, path.join(wallet, 'regulator.bureau'), { recursive: true });
    const meta = path.join(wallet, 'regulator.bureau', 'identity.json');
    fs.writeFileSync(
      meta,
      JSON.stringify({ ...JSON.parse(fs.readFileSync(meta, 'utf8')), peerEndpoint: '127.0.0.1:9' }),
    );
    const down = await cli.fails(
      ['grant', 'show', GRANT1, '--wallet', wallet, ...REGULATOR],
      'LEDGER_UNAVAILABLE',
      2,
    );
    expect(down.hint).to.be.a('string').and.not.equal('');
  });
});
