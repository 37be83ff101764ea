/**
 * Fingerprints and tracing on the real network (issue 17, 数据水印溯源): two enterprises read the same restricted
 * data of Market's through the real gateway over plain HTTP and get it marked differently, each number within
 * one unit of its last digit; each grant's commitment is on the ledger. A page one of them leaked, mangled (rows
 * cut and reordered, columns dropped and renamed, thousands separators), is traced to its grant by the demo
 * regulator with `rdx trace` (as CSV and as an Excel workbook), and the evidence package holds under
 * `rdx verify --online` against the ledger; Market traces the other's JSON with its own identity; Transport may
 * not trace Market's data; a random file and the data with its marks rounded away name nobody. The gateway's
 * commitment cannot be overwritten with the peer CLI.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureFabricBinaries, gatewayUrl, regulatorsFile, type RegulatorCredentials } from '@rdx/network';
import { workbook, zip } from '@rdx/client/testing/xlsx-writer';
import { Cli } from '../cli-helpers.js';
import { config, paths, topology } from '../fabric-client.js';
import { eventually, getJson, tokenFor } from '../gateway-client-e2e.js';
import { chaincodeInvoke, chaincodeQuery, cliFailure } from '../peer-cli.js';
import {
  applyAndGetGrants,
  demand,
  evaluate,
  onboard,
  Parties,
  runId,
  type TestEnterprise,
} from '../workflow.js';

const base = gatewayUrl({ topology });
const DATASET = 'market-entities';
const ITEMS = ['uscc', 'entity_name', 'registered_capital', 'registered_on'];
type Row = { uscc: string; entity_name: string; registered_capital: number | null; registered_on: string };
interface Traced {
  attributed: string | null;
  readings: number;
  requests: { requests: { requestId: string }[]; explained: number } | null;
  note: string;
  candidates: { grantId: string; falseAttribution: number }[];
  evidence: { grantId: string } | null;
}

describe('fingerprints and tracing on the real network: a leaked page traced to its grant', () => {
  let p: Parties;
  const holders: { enterprise: TestEnterprise; grantId: string; rows: Row[]; requests: string[] }[] = [];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-trace-'));
  let regulatorCli: Cli;
  let staffCli: Cli;

  /** The first 1000 of the dataset's rows as one enterprise is served them (half of it: not a walk). */
  async function firstPages(token: string, requests: string[]): Promise<Row[]> {
    const rows: Row[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 2; page++) {
      const { status, body } = await getJson(
        `${base}/v1/datasets/${DATASET}/records?fields=${ITEMS.join(',')}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        token,
      );
      expect(status).to.equal(200);
      rows.push(...(body.data as Row[]));
      requests.push(String(body.requestId));
      cursor = body.nextCursor as string | null;
    }
    return rows;
  }

  before(async () => {
    p = new Parties();
    for (const n of [1, 2]) {
      const enterprise = await onboard(p, 'AA');
      const {
        grants: [grantId = ''],
      } = await applyAndGetGrants(p, enterprise.signer, `trace-${n}-${runId}`, [
        demand(DATASET, 'MarketMSP', ITEMS),
      ]);
      let token = '';
      await eventually(
        async () => {
          token = await tokenFor(base, enterprise.creditCode, enterprise.privateKeyPem).catch(() => '');
          return (
            token !== '' &&
            (await getJson(`${base}/v1/datasets/${DATASET}/records?limit=1`, token)).status === 200
          );
        },
        20_000,
        'the gateway serves the new grant',
      );
      const requests: string[] = [];
      holders.push({ enterprise, grantId, rows: await firstPages(token, requests), requests });
    }
    const [inspector] = JSON.parse(
      fs.readFileSync(regulatorsFile({ paths }), 'utf8'),
    ) as RegulatorCredentials[];
    const cliEnv = { RDX_GATEWAY_URL: base, XDG_CONFIG_HOME: path.join(dir, 'config') };
    regulatorCli = new Cli({
      ...cliEnv,
      RDX_CLIENT_ID: inspector!.clientId,
      RDX_CLIENT_SECRET: inspector!.clientSecret,
    });
    staffCli = new Cli(cliEnv);
  });
  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    p.close();
  });

  it('the two grants get the same rows with different marks, each within one unit of the last digit', () => {
    const [a, b] = holders;
    expect(a!.rows.map((r) => r.uscc)).to.deep.equal(b!.rows.map((r) => r.uscc));
    let differ = 0;
    a!.rows.forEach((r, i) => {
      const other = b!.rows[i]!.registered_capital;
      if (r.registered_capital === null || other === null) return;
      const unit =
        10 ** -Math.max(...[r.registered_capital, other].map((v) => String(v).split('.')[1]?.length ?? 0));
      expect(Math.abs(r.registered_capital - other), `${r.registered_capital} vs ${other}`).to.be.at.most(
        2 * unit + 1e-9,
      );
      if (r.registered_capital !== other) differ++;
    });
    expect(differ, 'some values carry different marks').to.be.above(20);
    // Round capitals (a last digit 0) carry no mark: served the same to both.
    const round = a!.rows.filter((r) => r.registered_capital !== null && r.registered_capital % 10 === 0);
    expect(round.length).to.be.above(100);
    for (const r of round)
      expect(b!.rows.find((x) => x.uscc === r.uscc)!.registered_capital).to.equal(r.registered_capital);
  });

  it('each grant’s commitment is on the ledger; Market’s admin cannot write another with the peer CLI', async () => {
    for (const { grantId } of holders)
      await eventually(
        async () =>
          (
            (await evaluate(p.regulator, 'audit', 'GetFingerprintCommitment', grantId).catch(() => null)) as {
              commitment?: string;
            } | null
          )?.commitment !== undefined,
        20_000,
        `the commitment of ${grantId}`,
      );
    const install = await ensureFabricBinaries(config, () => undefined);
    const grantId = holders[0]!.grantId;
    const forged = await cliFailure(
      chaincodeInvoke(install, 'MarketMSP', ['audit:CommitFingerprint', grantId, 'a'.repeat(64)]),
    );
    expect(forged).to.match(/FORBIDDEN/);
    // Transport's admin is told nothing of Market's grant.
    expect(
      await cliFailure(
        chaincodeQuery(install, 'TransportMSP', 'TransportMSP', ['audit:GetFingerprintCommitment', grantId]),
      ),
    ).to.match(/NOT_FOUND/);
  });

  it('the regulator traces a mangled page to its grant with rdx trace, and the evidence holds against the ledger', async () => {
    const [a] = holders;
    // 300 rows, last first; only the capital, renamed, with thousands separators; the credit code dropped.
    const leaked = [
      '注册资本（万元）,名称',
      ...[...a!.rows]
        .reverse()
        .slice(0, 300)
        .map(
          (r) =>
            `"${r.registered_capital === null ? '' : r.registered_capital.toLocaleString('en-US', { maximumFractionDigits: 6 })}",${r.entity_name}`,
        ),
    ].join('\r\n');
    const file = path.join(dir, 'leaked.csv');
    fs.writeFileSync(file, leaked);
    const evidence = path.join(dir, 'evidence.json');
    const traced = await regulatorCli.ok<Traced>([
      'trace',
      file,
      '--dataset',
      DATASET,
      '--evidence',
      evidence,
    ]);
    expect(traced.attributed, traced.note).to.equal(a!.grantId);
    expect(traced.candidates[0]!.falseAttribution).to.be.below(1e-6);
    // Rows 700–999 came with the second page: that request, replayed from the audit log, serves every mark.
    expect(traced.requests!.requests.map((r) => r.requestId)).to.deep.equal([a!.requests[1]]);
    expect(traced.requests!.explained).to.equal(traced.readings);
    const other = traced.candidates.find((c) => c.grantId === holders[1]!.grantId);
    expect(other?.falseAttribution ?? 1, 'the other holder agrees only by chance').to.be.above(1e-3);
    const verified = await staffCli.ok<{ ok: boolean; checks: { name: string; ok: boolean }[] }>([
      'verify',
      evidence,
      '--file',
      file,
      '--online',
      '--as',
      'regulator.bureau',
    ]);
    expect(verified.ok).to.equal(true);
    expect(verified.checks.map((c) => c.name)).to.include.members([
      'key',
      'figures',
      'file',
      'marks',
      'commitment.onLedger',
    ]);
    // The same rows saved as an Excel workbook.
    const xlsx = path.join(dir, 'leaked.xlsx');
    fs.writeFileSync(
      xlsx,
      workbook([
        [
          ['名称', '注册资本（万元）'],
          ...a!.rows.slice(0, 300).map((r) => [r.entity_name, r.registered_capital ?? '']),
        ],
      ]),
    );
    expect((await regulatorCli.ok<Traced>(['trace', xlsx, '--dataset', DATASET])).attributed).to.equal(
      a!.grantId,
    );
    // A package whose key was swapped for another grant's fails.
    const pkg = JSON.parse(fs.readFileSync(evidence, 'utf8')) as { key: string };
    fs.writeFileSync(evidence, JSON.stringify({ ...pkg, key: 'ab'.repeat(32) }));
    await staffCli.fails(['verify', evidence, '--file', file], 'EVIDENCE_INVALID');
  });

  it('Market traces the other holder’s JSON with its own identity; Transport may not; random and rounded files name nobody', async () => {
    const [, b] = holders;
    const json = path.join(dir, 'leaked.json');
    fs.writeFileSync(json, JSON.stringify(b!.rows.slice(200, 700)));
    const byMarket = await staffCli.ok<Traced>(['trace', json, '--as', 'admin.market']);
    expect(byMarket.attributed, byMarket.note).to.equal(b!.grantId);
    await staffCli.fails(['trace', json, '--dataset', DATASET, '--as', 'admin.transport'], 'NOT_FOUND');

    const random = path.join(dir, 'random.csv');
    fs.writeFileSync(
      random,
      ['x', ...Array.from({ length: 400 }, (_, i) => String(1000 + ((i * 7919) % 90_000) + 0.37))].join('\n'),
    );
    expect((await regulatorCli.ok<Traced>(['trace', random])).attributed).to.equal(null);
    const rounded = path.join(dir, 'rounded.csv');
    fs.writeFileSync(
      rounded,
      [
        'registered_capital',
        ...b!.rows.map((r) =>
          r.registered_capital === null ? '' : String(Math.round(r.registered_capital)),
        ),
      ].join('\n'),
    );
    const roundedTrace = await regulatorCli.ok<Traced>(['trace', rounded, '--dataset', DATASET]);
    expect(roundedTrace.attributed, 'rounding to whole numbers erases the marks').to.equal(null);
  });

  it('a ZIP bomb (400 KB whose 5001 worksheets share one 16 MB run) is a 400; the gateway goes on serving', async () => {
    const bomb = path.join(dir, 'bomb.xlsx');
    fs.writeFileSync(
      bomb,
      zip([['xl/worksheets/sheet1.xml', Buffer.alloc(16 * 1024 * 1024, '<c><v>1</v></c>')]], 5000),
    );
    await regulatorCli.fails(['trace', bomb], 'BAD_REQUEST');
    const [a] = holders;
    const page = await getJson(
      `${base}/v1/datasets/${DATASET}/records?limit=1`,
      await tokenFor(base, a!.enterprise.creditCode, a!.enterprise.privateKeyPem),
    );
    expect(page.status).to.equal(200);
  });

  it('Market switches the fingerprint off for an item with rdx: both holders then get it exact; on again, marked again', async () => {
    const tokens = await Promise.all(
      holders.map((h) => tokenFor(base, h.enterprise.creditCode, h.enterprise.privateKeyPem)),
    );
    const capitals = async (): Promise<(number | null)[][]> =>
      Promise.all(
        tokens.map(async (t) => {
          const { body } = await getJson(
            `${base}/v1/datasets/${DATASET}/records?fields=uscc,registered_capital&limit=500`,
            t,
          );
          return (body.data as Row[]).map((r) => r.registered_capital);
        }),
      );
    const same = async () => {
      const [x, y] = await capitals();
      return JSON.stringify(x) === JSON.stringify(y);
    };
    try {
      const off = await staffCli.ok<{ dataset: { items: { name: string; fingerprint?: boolean }[] } }>([
        'dataset',
        'fingerprint',
        DATASET,
        '--off',
        'registered_capital',
        '--as',
        'admin.market',
      ]);
      expect(off.dataset.items.find((i) => i.name === 'registered_capital')?.fingerprint).to.equal(false);
      await eventually(same, 20_000, 'the gateway serves registered capital exact');
    } finally {
      await staffCli.ok([
        'dataset',
        'fingerprint',
        DATASET,
        '--on',
        'registered_capital',
        '--as',
        'admin.market',
      ]);
    }
    await eventually(async () => !(await same()), 20_000, 'the gateway marks registered capital again');
  });

  it('Market lets the founding dates carry the mark: they move by at most a day, and a column of them is traced', async () => {
    const [a] = holders;
    const token = await tokenFor(base, a!.enterprise.creditCode, a!.enterprise.privateKeyPem);
    const dates = async (): Promise<string[]> =>
      (
        (await getJson(`${base}/v1/datasets/${DATASET}/records?fields=registered_on&limit=500`, token)).body
          .data as Row[]
      ).map((r) => r.registered_on);
    const exact = await dates();
    expect(exact, 'dates are served exact by default').to.deep.equal(
      a!.rows.slice(0, 500).map((r) => r.registered_on),
    );
    try {
      await staffCli.ok(['dataset', 'fingerprint', DATASET, '--on', 'registered_on', '--as', 'admin.market']);
      let marked: string[] = [];
      await eventually(
        async () => {
          marked = await dates();
          return JSON.stringify(marked) !== JSON.stringify(exact);
        },
        20_000,
        'the gateway marks the founding dates',
      );
      marked.forEach((d, i) =>
        expect(Math.abs(Date.parse(d) - Date.parse(exact[i]!)), `${exact[i]} → ${d}`).to.be.at.most(
          86_400_000,
        ),
      );
      const file = path.join(dir, 'dates.csv');
      fs.writeFileSync(file, ['成立日期', ...marked.map((d) => d.replace(/-/g, '/'))].join('\n'));
      const traced = await regulatorCli.ok<Traced>(['trace', file, '--dataset', DATASET]);
      expect(traced.attributed, traced.note).to.equal(a!.grantId);
    } finally {
      await staffCli.ok([
        'dataset',
        'fingerprint',
        DATASET,
        '--off',
        'registered_on',
        '--as',
        'admin.market',
      ]);
    }
  });
});
