/**
 * The gateway on the real network (issue 4): an AA enterprise with a grant gets only its items; an A
 * enterprise is refused; a suspension on the ledger stops the next call, at every gateway of the bureau; a
 * receipt verifies against the anchor on the ledger; a gateway killed with -9 under load loses no acknowledged
 * audit record.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import { canonicalJson, leafHash, verifyAnchorBlock, verifyInclusion, type AnchorBlock } from '@rdx/client';
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { DatabaseSync } from 'node:sqlite';
import path from 'node:path';
import {
  applicationRequest,
  chinaToday,
  gatewayDataDir,
  gatewayMetricsHeaders,
  gatewayMetricsUrl,
  gatewayUrl,
  loadDemoVersion,
  orgAdminIdentity,
  readPid,
} from '@rdx/network';
import { EnterpriseSession, RdxLedger, signAdminRequest } from '@rdx/client';
import { Cli } from '../cli-helpers.js';
import { defined, expectGrantedPage } from '../expectations.js';
import { startGateway, stopGateway, type ExtraGateway } from '../extra-gateway.js';
import { networkCli, networkContext, paths, topology } from '../fabric-client.js';
import { eventually, getJson, regulatorToken, tokenFor } from '../gateway-client-e2e.js';
import { ledgerTrust } from '../ledger-trust.js';
import {
  applyAndGetGrants,
  demand,
  evaluate,
  onboard,
  Parties,
  quarterOf,
  runId,
  submit,
  type TestEnterprise,
  secret,
} from '../workflow.js';

const base = gatewayUrl({ topology });
/** The platform gateway's metrics, on its host's loopback (its API does not serve them). */
const metricsBase = gatewayMetricsUrl({ topology });
const DATASET = 'market-entities';
const ITEMS = ['uscc', 'entity_name', 'legal_rep_phone'];
let p: Parties;
let aa: TestEnterprise;
let grantId: string;
let token: string;

const records = (query: string, t = token): Promise<{ status: number; body: Record<string, unknown> }> =>
  getJson(`${base}/v1/datasets/${DATASET}/records?${query}`, t);

/** A second gateway of the bureau, as an operator runs several: its own id (registered), port and stores. */
let second: ExtraGateway | undefined;

async function startSecondGateway(): Promise<ExtraGateway> {
  const gateway = await startGateway(`gw-b-${runId}`, topology.gateway.port + 9);
  // It holds no rows yet: Market's admin loads the version it recorded on the ledger.
  await loadDemoVersion(networkContext, DATASET, gateway.url);
  return gateway;
}

describe('the gateway on the real network: granted items, refusals, receipts and a killed gateway', () => {
  /** Where `rdx` keeps its settings in these tests: nobody's real home. */
  const cliConfig = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-cfg-'));
  before(async () => {
    p = new Parties();
    aa = await onboard(p, 'AA');
    const { grants } = await applyAndGetGrants(p, aa.signer, `gw-app-${runId}`, [
      demand(DATASET, 'MarketMSP', ITEMS),
    ]);
    grantId = grants[0]!;
    // The gateway learns of the enterprise and its grant from chaincode events.
    await eventually(
      async () => {
        try {
          token = await tokenFor(base, aa.creditCode, aa.privateKeyPem);
          return (await getJson(`${base}/v1/datasets/${DATASET}/records?limit=1`, token)).status === 200;
        } catch {
          return false;
        }
      },
      15_000,
      'the gateway sees the new grant',
    );
    second = await startSecondGateway();
  });
  after(() => {
    fs.rmSync(cliConfig, { recursive: true, force: true });
    second?.child.kill('SIGTERM');
    p.close();
  });

  it('an AA enterprise with a grant gets only its granted items, personal items masked', async () => {
    const counted = async (): Promise<{ commits: number; waits: number; loopLags: number }> => {
      const text = await (
        await fetch(`${metricsBase}/metrics`, { headers: gatewayMetricsHeaders({ paths }) })
      ).text();
      return {
        commits: Number(/^rdx_audit_commit_seconds_count (\d+)$/m.exec(text)?.[1]),
        waits: Number(/^rdx_audit_wait_seconds_count (\d+)$/m.exec(text)?.[1]),
        loopLags: Number(/^rdx_event_loop_lag_seconds_count (\d+)$/m.exec(text)?.[1]),
      };
    };
    const before = await counted();
    expectGrantedPage(await records('limit=50'), grantId, ITEMS, 50);
    const other = await records('fields=legal_rep_id');
    expect(other.status).to.equal(403);
    expect(other.body.code).to.equal('ITEMS_NOT_GRANTED');
    // Both calls, the refused one too, were logged durably before their answers: the operator sees the commits,
    // and each call's wait for its record.
    const after = await counted();
    expect(after.commits - before.commits, 'audit commits counted on /metrics').to.be.at.least(1);
    expect(after.waits - before.waits, 'records whose wait is counted on /metrics').to.be.at.least(2);
    // The gateway times its event loop all along (a timer every 10 ms).
    expect(after.loopLags - before.loopLags, "the event loop's lag measured meanwhile").to.be.above(0);
  });

  it('`npm run status` shows the gateway ready, its metrics listener serving on the host’s loopback, and the supervisor', () => {
    const printed = spawnSync(process.execPath, [networkCli, 'status'], { encoding: 'utf8' }).stdout;
    const pid = readPid(paths, 'gateway');
    expect(printed).to.match(
      new RegExp(`^gateway\\s+BureauMSP\\s+\\S+:${topology.gateway.port}\\s+${pid}\\s+ready`, 'm'),
    );
    expect(printed).to.match(
      new RegExp(
        `^gateway-metrics\\s+BureauMSP\\s+127\\.0\\.0\\.1:${topology.gateway.metricsPort}\\s+${pid}\\s+serving`,
        'm',
      ),
    );
    // And what restarts them: the supervisor, named with its pid.
    expect(printed).to.match(
      new RegExp(`^supervisor\\s+-\\s+${readPid(paths, 'supervisor')}\\s+supervising`, 'm'),
    );
    expect(printed).not.to.include('no supervisor runs');
  });

  it('a usage report is set beside the calls this gateway served, for the regulator (L7)', async () => {
    const token = await regulatorToken(base);
    const today = chinaToday();
    const quarter = quarterOf(today);
    const agreementId = grantId.slice(0, -`.${DATASET}`.length);
    const session = EnterpriseSession.withPrivateKey(base, aa.creditCode, aa.privateKeyPem);
    const report = await session.reportUsage({
      agreementId,
      period: quarter,
      callCount: 1000,
      reportHash: 'b'.repeat(64),
    });
    type Row = { reportId: string; reported: number; served: number; difference: number };
    const row = async (): Promise<Row> => {
      const { status, body } = await getJson(
        `${base}/v1/regulator/usage-reconciliation?agreement=${agreementId}`,
        token,
      );
      expect(status).to.equal(200);
      return (body.data as Row[]).find((r) => r.reportId === report.data.id)!;
    };
    const before = await row();
    expect(before.reported).to.equal(1000);
    for (let i = 0; i < 3; i++) expect((await records('limit=1')).status).to.equal(200);
    const after = await row();
    expect(after.served).to.equal(before.served + 3);
    expect(after.difference).to.equal(1000 - after.served);
  });

  it('the owning body reads the same figures with its Fabric identity; another body, a probe identity and a plain client do not (L21)', async () => {
    const agreementId = grantId.slice(0, -`.${DATASET}`.length);
    const cli = new Cli({ RDX_GATEWAY_URL: base, XDG_CONFIG_HOME: cliConfig });
    type Row = { agreementId: string; reportId: string; reported: number; served: number; body: string };
    const market = await cli.ok<{ body: string; data: Row[] }>(['reconciliation', '--as', 'admin.market']);
    expect(market.body).to.equal('MarketMSP');
    const ours = market.data.filter((r) => r.agreementId === agreementId);
    expect(ours.map((r) => r.reported)).to.include(1000);
    expect(
      market.data.every((r) => r.body === 'MarketMSP'),
      'only Market’s own agreements',
    ).to.equal(true);
    // The regulator's figures for the same report are the body's.
    const regulator = await getJson(
      `${base}/v1/regulator/usage-reconciliation?agreement=${agreementId}`,
      await regulatorToken(base),
    );
    const served = new Map((regulator.body.data as Row[]).map((r) => [r.reportId, r.served]));
    for (const r of ours) expect(r.served, r.reportId).to.equal(served.get(r.reportId));
    const reviewer = await cli.ok<{ data: Row[] }>(['reconciliation', '--as', 'reviewer.market']);
    expect(reviewer.data.map((r) => r.reportId)).to.deep.equal(market.data.map((r) => r.reportId));

    // Its grant's calls per day, as the regulator sees them; Transport is told it has no such grant.
    const usage = await cli.ok<{ allow: number; grant: { id: string } }>([
      'grant',
      'usage',
      grantId,
      '--as',
      'admin.market',
    ]);
    expect(usage.grant.id).to.equal(grantId);
    expect(usage.allow, 'the calls this test made').to.be.above(0);
    await cli.fails(['grant', 'usage', grantId, '--as', 'admin.transport'], 'NOT_FOUND');

    // Another body sees none of Market's reports.
    const transport = await cli.ok<{ data: Row[] }>(['reconciliation', '--as', 'admin.transport']);
    expect(transport.data.filter((r) => r.agreementId === agreementId)).to.deep.equal([]);
    // A plain HTTP client: unsigned is 401; with an enterprise's token, or as Market's probe identity, 403.
    const url = `${base}/v1/admin/usage-reconciliation`;
    expect((await fetch(url)).status).to.equal(401);
    expect((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status).to.equal(403);
    const msp = paths.identityMsp('market', 'prober');
    const probe = {
      certificatePem: fs.readFileSync(path.join(msp, 'signcerts', 'cert.pem'), 'utf8'),
      privateKeyPem: fs.readFileSync(path.join(msp, 'keystore', 'key.pem'), 'utf8'),
    };
    const empty = crypto.createHash('sha256').digest('hex');
    const asProbe = await fetch(url, {
      headers: signAdminRequest(probe, {
        method: 'GET',
        path: '/v1/admin/usage-reconciliation',
        contentSha256: empty,
      }),
    });
    expect(asProbe.status).to.equal(403);
    expect(((await asProbe.json()) as { code: string }).code).to.equal('FORBIDDEN');
  });

  it('the enterprise lists what it owes under its agreement in force: product, data return, usage report, by when', async () => {
    const agreementId = grantId.slice(0, -`.${DATASET}`.length);
    const { status, body } = await getJson(`${base}/v1/duties`, token);
    expect(status).to.equal(200);
    const mine = (body.data as { agreementId: string; type: string; due: string; state: string }[]).filter(
      (d) => d.agreementId === agreementId,
    );
    // The test agreement's terms carry a return list as well: its data return is listed too.
    expect(mine.map((d) => d.type).sort()).to.deep.equal(['data-return', 'product', 'usage-report']);
    // In force today: nothing late; the usage report a quarter (92 days) on, in China days.
    expect(mine.every((d) => d.state === 'due' && d.due > chinaToday())).to.equal(true);
    const quarter = new Date(Date.parse(`${chinaToday()}T00:00:00Z`) + 92 * 86_400_000)
      .toISOString()
      .slice(0, 10);
    expect(mine.find((d) => d.type === 'usage-report')?.due).to.equal(quarter);
    // The ledger's own list of duties falling due, read through its due-date index (complete from the start on a
    // new ledger), names the same duties on the same days.
    expect(await evaluate(p.regulator, 'agreement', 'DueIndexReady')).to.equal(true);
    const dueSoon = (await evaluate(p.regulator, 'query', 'ListDutiesDueSoon', '92')) as {
      id: string;
      type: string;
      due: string;
    }[];
    const fromLedger = dueSoon.filter((d) => d.id === agreementId).map((d) => `${d.type} ${d.due}`);
    expect(fromLedger.sort()).to.deep.equal(
      mine
        .filter((d) => d.due <= quarter)
        .map((d) => `${d.type} ${d.due}`)
        .sort(),
    );
    expect(fromLedger).to.include(`usage-report ${quarter}`);
    // Another enterprise's token sees none of them.
    const other = await onboard(p, 'AAA');
    let otherToken = '';
    await eventually(
      async () => {
        otherToken = await tokenFor(base, other.creditCode, other.privateKeyPem).catch(() => '');
        return otherToken !== '';
      },
      15_000,
      'the gateway knows the other enterprise',
    );
    const theirs = await getJson(`${base}/v1/duties`, otherToken);
    expect((theirs.body.data as { agreementId: string }[]).map((d) => d.agreementId)).to.not.include(
      agreementId,
    );
  });

  it("a body's desk: the reviews it owes by the ledger's calendar and its grants, none of another body's; its console account reads it over plain HTTP and changes nothing", async () => {
    // A new enterprise's application, past the bureau's formal review: it awaits Market's owner review.
    const applicant = await onboard(p, 'AA');
    const appId = `gw-desk-${runId}`;
    const request = applicationRequest(appId, [{ datasetId: DATASET, items: ITEMS }]);
    await new RdxLedger(p.gateway).application.submitSigned(
      applicant.signer.sign('SubmitApplication', request),
    );
    await new RdxLedger(p.bureau).application.formalReview({ id: appId, decision: 'accept' });

    const cli = new Cli({ RDX_GATEWAY_URL: base, XDG_CONFIG_HOME: cliConfig });
    type Desk = {
      body: string;
      reviews: { applicationId: string; step: string; due: string; workingDaysLeft?: number }[];
      grants: { id: string }[];
    };
    const market = await cli.ok<Desk>(['home', '--as', 'admin.market']);
    expect(market.body).to.equal('MarketMSP');
    const review = market.reviews.find((r) => r.applicationId === appId);
    expect(review?.step).to.equal('owner-review');
    // L11(3): at most 15 working days, or the body's next batch day.
    expect(review?.workingDaysLeft).to.be.within(0, 15);
    expect((review?.due ?? '') >= chinaToday(), 'due today or later').to.equal(true);
    expect(market.grants.map((g) => g.id)).to.include(grantId);
    const transport = await cli.ok<Desk>(['home', '--as', 'admin.transport']);
    expect(transport.body).to.equal('TransportMSP');
    expect(transport.reviews.map((r) => r.applicationId)).to.not.include(appId);
    expect(transport.grants.map((g) => g.id)).to.not.include(grantId);

    // Only the admin makes console accounts; a person logs in with one over plain HTTP.
    await cli.fails(['console-account', 'add', '--name', '审核员', '--as', 'reviewer.market'], 'FORBIDDEN');
    const account = await cli.ok<{ clientId: string; secret: string }>([
      'console-account',
      'add',
      '--name',
      '网关测试员',
      '--as',
      'admin.market',
    ]);
    const login = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: account.clientId,
        client_secret: account.secret,
      }),
    });
    const bodyToken = ((await login.json()) as { access_token: string }).access_token;
    const desk = await getJson(`${base}/v1/admin/home`, bodyToken);
    expect(desk.status).to.equal(200);
    expect((desk.body.reviews as { applicationId: string }[]).map((r) => r.applicationId)).to.include(appId);
    // It opens no enterprise or regulator route, and changes nothing of the body's.
    expect((await getJson(`${base}/v1/grants`, bodyToken)).status).to.equal(403);
    expect((await getJson(`${base}/v1/regulator/dashboard`, bodyToken)).status).to.equal(403);
    const hook = await fetch(`${base}/v1/admin/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bodyToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://hooks.example.cn/rdx' }),
    });
    expect(hook.status).to.equal(401);
    // Removed by its admin: the token stops at once.
    await cli.ok(['console-account', 'remove', account.clientId, '--as', 'admin.market']);
    expect((await getJson(`${base}/v1/admin/home`, bodyToken)).status).to.equal(401);

    // The reminders: a gateway that reminds 15 working days before a review falls due and a quarter before a duty
    // (3 and 7 by default, and nothing on a fresh network is due that soon) tells Market, and only Market, of
    // the review it owes, and the enterprise of its first usage report, due a quarter after entry into force.
    const reminding = await startGateway(`gw-r-${runId}`, topology.gateway.port + 8, {
      RDX_REVIEW_REMINDER_DAYS: '15',
      RDX_DUTY_REMINDER_DAYS: '92',
    });
    try {
      const inbox = async (mspId: string): Promise<{ kind: string; subject: { id: string } }[]> => {
        const target = '/v1/admin/inbox?limit=200';
        const res = await fetch(`${reminding.url}${target}`, {
          headers: signAdminRequest(orgAdminIdentity(networkContext, mspId), {
            method: 'GET',
            path: target,
            contentSha256: crypto.createHash('sha256').digest('hex'),
          }),
        });
        expect(res.status, `${mspId}'s inbox`).to.equal(200);
        return ((await res.json()) as { data: { kind: string; subject: { id: string } }[] }).data;
      };
      const reminder = (items: { kind: string; subject: { id: string } }[]) =>
        items.find((n) => n.kind === 'review.due-soon' && n.subject.id === appId);
      await eventually(
        async () => reminder(await inbox('MarketMSP')) !== undefined,
        30_000,
        "Market's reminder of the review it owes",
      );
      expect(reminder(await inbox('TransportMSP'))).to.equal(undefined);
      const agreementId = grantId.slice(0, -`.${DATASET}`.length);
      const enterpriseToken = await tokenFor(reminding.url, aa.creditCode, aa.privateKeyPem);
      type Note = { kind: string; subject: { id: string }; detail?: { step?: string; daysLeft?: number } };
      let duty: Note | undefined;
      await eventually(
        async () => {
          const { body } = await getJson(`${reminding.url}/v1/inbox?limit=200`, enterpriseToken);
          duty = (body.data as Note[]).find(
            (n) =>
              n.kind === 'duty.due-soon' && n.subject.id === agreementId && n.detail?.step === 'usage-report',
          );
          return duty !== undefined;
        },
        30_000,
        "the enterprise's reminder of its first usage report",
      );
      expect(duty?.detail?.daysLeft).to.equal(92);
    } finally {
      reminding.child.kill('SIGTERM');
    }
  });

  it('an A-rated enterprise is refused restricted data but may download unconditional data', async () => {
    const a = await onboard(p, 'A');
    const aToken = await (async () => {
      let t = '';
      await eventually(
        async () => {
          t = await tokenFor(base, a.creditCode, a.privateKeyPem).catch(() => '');
          return t !== '';
        },
        15_000,
        'the gateway sees the A enterprise',
      );
      return t;
    })();
    const refused = await records('limit=1', aToken);
    expect(refused.status).to.equal(403);
    expect(refused.body.code).to.equal('RATING_INSUFFICIENT');
    const download = await fetch(`${base}/v1/open/datasets/transport-stations/download`);
    expect(download.status).to.equal(200);
    expect(await download.text()).to.match(/^station_id,/);
  });

  it('a receipt verifies offline and its anchor is the one on the ledger', async () => {
    const { body } = await records('limit=3');
    const requestId = String(body.requestId);
    let receipt: Record<string, unknown> = {};
    await eventually(
      async () => {
        const r = await getJson(`${base}/v1/audit/receipts/${requestId}`, token);
        receipt = r.body;
        return r.status === 200;
      },
      30_000,
      'the request is anchored',
    );
    const record = receipt.record as Record<string, unknown> & { hash: string; seq: number };
    const proof = receipt.proof as { leafIndex: number; treeSize: number; hashes: string[] };
    const anchor = receipt.anchor as { sequence: number; merkleRoot: string; txId: string; treeSize: number };
    const { hash, ...unhashed } = record;
    expect(leafHash(canonicalJson(unhashed)), 'the record hashes to its leaf').to.equal(hash);
    expect(
      verifyInclusion(hash, proof.leafIndex, proof.treeSize, proof.hashes, anchor.merkleRoot),
      'inclusion proof verifies',
    ).to.equal(true);
    const onLedger = (await evaluate(p.regulator, 'audit', 'GetAnchor', 'gw1', String(anchor.sequence))) as {
      merkleRoot: string;
      txId: string;
      firstRecord: number;
      recordCount: number;
    };
    expect(onLedger.merkleRoot).to.equal(anchor.merkleRoot);
    expect(onLedger.txId).to.equal(anchor.txId);
    expect(onLedger.firstRecord + onLedger.recordCount).to.equal(proof.treeSize);

    // Without any Fabric identity: the block holding the anchor, checked against the ordering service's root.
    const served = (await getJson(`${base}/v1/audit/receipts/${requestId}/block`, token))
      .body as unknown as AnchorBlock;
    // The roots the bureau publishes (of the orgs running orderers, and of those running peers) and the
    // orderer signatures needed: the Raft leader's, or f + 1 of the SmartBFT consenters.
    const trust = ledgerTrust();
    const full = {
      ...anchor,
      anchorHash: (receipt.anchor as { anchorHash: string }).anchorHash,
      gatewayId: 'gw1',
    };
    const verdict = verifyAnchorBlock(full, served, trust);
    expect(verdict.ok, JSON.stringify(verdict.checks)).to.equal(true);
    expect(verdict.checks.find((c) => c.name === 'endorsements')?.detail).to.match(
      /endorsed by BureauMSP and /,
    );
    // Another root (a peer org's) does not vouch for the block; another anchor is not in it.
    const bureauRoot = fs.readFileSync(paths.caCert('bureau'), 'utf8');
    const wrongRoot = verifyAnchorBlock(full, served, { ...trust, ordererRoots: [bureauRoot] });
    expect(wrongRoot.checks.find((c) => c.name === 'orderer signatures')?.ok).to.equal(false);
    const forged = verifyAnchorBlock({ ...full, merkleRoot: 'f'.repeat(64) }, served, trust);
    expect(forged.checks.find((c) => c.name === 'anchor written')?.ok).to.equal(false);
    // Without the bodies' roots, the endorsement of a body's peer vouches for nothing.
    const bureauOnly = verifyAnchorBlock(full, served, { ...trust, peerRoots: { BureauMSP: bureauRoot } });
    expect(bureauOnly.checks.find((c) => c.name === 'endorsements')?.ok).to.equal(false);
  });

  it('after the owning body suspends the grant, the next call is refused, at each gateway of the bureau', async () => {
    // Its own signing keys (its own data folder): a token of its own.
    const secondToken = await tokenFor(second!.url, aa.creditCode, aa.privateKeyPem);
    const atSecond = (): Promise<{ status: number; body: Record<string, unknown> }> =>
      getJson(`${second!.url}/v1/datasets/${DATASET}/records?limit=1`, secondToken);
    expect((await records('limit=1')).status).to.equal(200);
    expect((await atSecond()).status, 'the second gateway serves the grant too').to.equal(200);
    await submit(
      p.market,
      'grant',
      'SuspendGrant',
      grantId,
      'violation',
      secret({ note: '违规使用，暂停访问' }),
    );
    const ms = await eventually(
      async () => (await records('limit=1')).body.code === 'GRANT_NOT_ACTIVE',
      10_000,
      'the suspension reaches the gateway',
    );
    console.log(`# suspension enforced ${ms} ms after its commit was acknowledged`);
    await eventually(
      async () => (await atSecond()).body.code === 'GRANT_NOT_ACTIVE',
      10_000,
      'the suspension reaches the second gateway',
    );
    await submit(p.market, 'grant', 'RestoreGrant', grantId, secret({ note: '整改完成' }));
    await eventually(
      async () => (await records('limit=1')).status === 200 && (await atSecond()).status === 200,
      10_000,
      'the restoration reaches both gateways',
    );
  });

  it('a stopped gateway resumes from its saved view: a suspension made while it was down is refused at its first answer, without reading the ledger whole', async () => {
    const id = `gw-b-${runId}`;
    const port = topology.gateway.port + 9;
    const atSecond = async (): Promise<{ status: number; body: Record<string, unknown> }> =>
      getJson(
        `${second!.url}/v1/datasets/${DATASET}/records?limit=1`,
        await tokenFor(second!.url, aa.creditCode, aa.privateKeyPem),
      );
    const readyView = async (): Promise<{ madeFrom?: Record<string, unknown> }> =>
      (
        (await (await fetch(`${second!.url}/readyz`)).json()) as {
          view: { madeFrom?: Record<string, unknown> };
        }
      ).view;
    expect((await readyView()).madeFrom?.source, 'its first start read the ledger').to.equal('ledger');
    expect((await atSecond()).status).to.equal(200);
    // A stop saves the view (the data folder is the gateway's alone, as its other stores).
    await stopGateway(second!);
    const snapshot = path.join(paths.home, 'gateway', id, 'view.snapshot');
    expect(fs.statSync(snapshot).mode & 0o077, 'no one else reads the saved view').to.equal(0);
    await submit(p.market, 'grant', 'SuspendGrant', grantId, 'violation', secret({ note: '停机期间暂停' }));
    second = await startGateway(id, port);
    const view = await readyView();
    expect(view.madeFrom?.source, JSON.stringify(view)).to.equal('snapshot');
    expect(view.madeFrom?.replayedBlocks, 'the suspension’s block was replayed').to.be.above(0);
    const first = await atSecond();
    expect(first.body.code, 'the first answer after the restart').to.equal('GRANT_NOT_ACTIVE');
    await submit(p.market, 'grant', 'RestoreGrant', grantId, secret({ note: '整改完成' }));
    await eventually(async () => (await atSecond()).status === 200, 10_000, 'the restoration reaches it');
  });

  it('a gateway killed with -9 under load, while its audit file is locked, has answered no call it had not logged, and anchors them after restart', async () => {
    const acknowledged: string[] = [];
    /** Calls refused because their record could not be written (not those over the grant's rate). */
    let unlogged = 0;
    let loading = true;
    const load = Array.from({ length: 8 }, async () => {
      while (loading) {
        try {
          const r = await records('limit=5');
          if (r.status === 200) acknowledged.push(String(r.body.requestId));
          else if (r.status >= 500) unlogged++;
        } catch {
          return; // the connection was cut by the kill
        }
      }
    });
    const locker = new DatabaseSync(path.join(gatewayDataDir(networkContext), 'audit.db'));
    try {
      await eventually(() => Promise.resolve(acknowledged.length >= 20), 10_000, 'calls answered');
      // Another connection takes the audit file's write lock: the writer thread's commits wait for it and then
      // fail, while calls keep coming. A call answered 200 from now on would be one whose record was never
      // written.
      locker.exec('PRAGMA busy_timeout = 5000');
      locker.exec('BEGIN IMMEDIATE');
      await eventually(
        () => Promise.resolve(unlogged > 0),
        15_000,
        'a call refused while its record cannot be written',
      );
      process.kill(defined(readPid(paths, 'gateway'), 'the gateway is running'), 'SIGKILL');
    } finally {
      loading = false;
      if (locker.isTransaction) locker.exec('ROLLBACK');
      locker.close();
    }
    await Promise.all(load);
    // The supervisor restarts the gateway; every acknowledged request must have its record, then its anchor.
    await eventually(
      async () => (await fetch(`${base}/healthz`).catch(() => undefined))?.ok === true,
      30_000,
      'the gateway restarts',
    );
    for (const id of acknowledged) {
      await eventually(
        async () => (await getJson(`${base}/v1/audit/receipts/${id}`, token)).status === 200,
        60_000,
        `receipt ${id}`,
      );
    }
  });
});
