/**
 * The clerk service on the real network (issue 12, item 7: time moves the ledger). `npm start` runs it beside
 * the gateway as its own Fabric identity (BureauMSP, role=clerk). It ends agreements whose notice of termination
 * has run (annex 4), and expires lapsed grants and ratings. The day after a grant's last valid day is
 * reached without waiting for it: clerks started here run with a clock two days ahead (clock-shift.ts), and
 * the chaincode's "today" is the time of the transactions they send. Three of them at once also show that
 * marking is idempotent: each lapsed grant is expired once, whoever comes first.
 */
import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import {
  CLERK_PROCESS,
  chinaToday,
  clerkEnv,
  clerkOpsHeaders,
  clerkUrl,
  ensureFabricBinaries,
  gatewayUrl,
  ratingOf,
  readPid,
  type FabricInstall,
} from '@rdx/network';
import { peer } from '@hyperledger/fabric-protos';
import { config, connectAs, networkCli, paths, repoRoot, topology } from '../fabric-client.js';
import { eventually, getJson } from '../gateway-client-e2e.js';
import { chaincodeQuery, cliFailure } from '../peer-cli.js';
import {
  applyAndGetGrants,
  demand,
  evaluate,
  onboard,
  Parties,
  registerDataset,
  runId,
  secret,
  submit,
  type TestEnterprise,
} from '../workflow.js';

const DAY_MS = 86_400_000;
const ctx = { paths, topology } as never;
const shortDatasets = [1, 2, 3].map((i) => `clerk-short-${i}-${runId}`);
const longDataset = `clerk-long-${runId}`;
const ratedDataset = `clerk-rated-${runId}`;
const noticeDataset = `clerk-notice-${runId}`;

interface ClerkStatus {
  lastRound?: {
    ledgerToday: string;
    expired: { grants: string[]; ratings: string[] };
    failed: unknown[];
    alreadyDone: { id: string }[];
  };
  rounds: { ok: number; failed: number };
  expiredTotal: { grants: number; ratings: number };
  terminatedTotal: number;
}
type Grant = { id: string; state: string; reason?: { code: string } };
type History = { by?: { mspId: string; role: string }; value?: { state?: string } }[];

let p: Parties;
let install: FabricInstall;
let lapsing: TestEnterprise;
let rated: TestEnterprise;
let shortGrants: string[] = [];
let longGrant = '';
let ratedGrant = '';
/** A grant of an agreement with a one-day notice period, notice given today: it ends tomorrow. */
let noticeGrant = '';
let noticeAgreement = '';
/** The China day after the one the grants are made on: fixed in `before`, not when mocha loads every file. */
let tomorrow = '';
const clerks: { child: ChildProcess; url: string; output: string[] }[] = [];

const grant = async (id: string): Promise<Grant> =>
  (await evaluate(p.regulator, 'grant', 'GetGrant', id)) as Grant;
/** A clerk's /status, as the bureau's tooling reads it: showing the clerks' operations token. */
const statusOf = async (url: string): Promise<ClerkStatus> =>
  (await (await fetch(`${url}/status`, { headers: clerkOpsHeaders({ paths }) })).json()) as ClerkStatus;

/** A clerk process whose clock runs `days` ahead, on its own operations port, a round every second. */
function startShiftedClerk(
  days: number,
  port: number,
): { child: ChildProcess; url: string; output: string[] } {
  const output: string[] = [];
  const child = spawn(
    process.execPath,
    [
      '--import',
      path.join(repoRoot, 'test', 'dist', 'clock-shift.js'),
      path.join(repoRoot, 'clerk', 'dist', 'main.js'),
    ],
    {
      env: {
        ...clerkEnv(ctx),
        RDX_CLERK_PORT: String(port),
        RDX_CLERK_INTERVAL_S: '1',
        RDX_TEST_CLOCK_SHIFT_MS: String(days * DAY_MS),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout.on('data', (b: Buffer) => output.push(b.toString()));
  child.stderr.on('data', (b: Buffer) => output.push(b.toString()));
  const clerk = { child, url: `http://${topology.clerk.host}:${port}`, output };
  clerks.push(clerk);
  return clerk;
}

describe('the clerk marks on the ledger what time made due (real network)', () => {
  before(async () => {
    tomorrow = chinaToday(new Date(Date.now() + DAY_MS));
    p = new Parties();
    install = await ensureFabricBinaries(config, () => undefined);
    for (const id of [...shortDatasets, longDataset, ratedDataset, noticeDataset])
      await registerDataset(p, p.market, id, `书记员测试 ${id}`);
    lapsing = await onboard(p, 'AA');
    shortGrants = (
      await applyAndGetGrants(
        p,
        lapsing.signer,
        `clerk-short-${runId}`,
        shortDatasets.map((d) => demand(d, 'MarketMSP')),
        { validUntil: tomorrow, dailyQuota: 100 },
      )
    ).grants;
    [longGrant = ''] = (
      await applyAndGetGrants(p, lapsing.signer, `clerk-long-${runId}`, [demand(longDataset, 'MarketMSP')])
    ).grants;
    rated = await onboard(p, 'AA');
    [ratedGrant = ''] = (
      await applyAndGetGrants(p, rated.signer, `clerk-rated-${runId}`, [demand(ratedDataset, 'MarketMSP')])
    ).grants;
    await submit(
      p.bureau,
      'enterprise',
      'RateEnterprise',
      rated.creditCode,
      JSON.stringify({ ...ratingOf('AA'), validUntil: tomorrow }),
    );
    const noticed = await onboard(p, 'AA');
    [noticeGrant = ''] = (
      await applyAndGetGrants(
        p,
        noticed.signer,
        `clerk-notice-${runId}`,
        [demand(noticeDataset, 'MarketMSP')],
        {
          validUntil: '2027-06-30',
          dailyQuota: 100,
          noticeDays: 1,
        },
      )
    ).grants;
    noticeAgreement = noticeGrant.slice(0, -`.${noticeDataset}`.length);
    await submit(
      p.market,
      'agreement',
      'TerminateAgreement',
      noticeAgreement,
      chinaToday(),
      secret({ reason: '服务下线' }),
    );
  });
  after(() => {
    for (const c of clerks) c.child.kill('SIGTERM');
    p?.close();
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed')
      for (const c of clerks) console.log(`--- clerk ${c.url}\n${c.output.join('')}`);
  });

  it("the platform's clerk runs beside the gateway, is ready, and `npm run status` shows it", async () => {
    expect((await getJson(`${clerkUrl(ctx)}/readyz`)).status).to.equal(200);
    const status = await statusOf(clerkUrl(ctx));
    expect(status.lastRound?.ledgerToday).to.equal(chinaToday());
    const printed = spawnSync(process.execPath, [networkCli, 'status'], { encoding: 'utf8' }).stdout;
    expect(printed).to.match(/^clerk\s+BureauMSP\s+\S+:\d+\s+\d+\s+last round \d{4}-/m);
    // Today every grant made here is still valid, and the notice runs till tomorrow: nothing of ours is due.
    for (const id of [...shortGrants, longGrant, ratedGrant, noticeGrant])
      expect((await grant(id)).state).to.equal('ACTIVE');
    const noticed = (await evaluate(p.regulator, 'agreement', 'GetAgreement', noticeAgreement)) as {
      state: string;
      termination?: { effectiveOn?: string };
    };
    expect([noticed.state, noticed.termination?.effectiveOn]).to.deep.equal(['IN_FORCE', tomorrow]);
  });

  it('killed (-9), the clerk is started again by the supervisor and runs a round at once', async function () {
    this.timeout(60_000);
    const before = readPid(paths, CLERK_PROCESS);
    expect(before, 'the clerk runs').to.be.a('number');
    process.kill(before!, 'SIGKILL');
    await eventually(
      async () => {
        const now = readPid(paths, CLERK_PROCESS);
        if (!now || now === before) return false;
        return (await getJson(`${clerkUrl(ctx)}/readyz`).catch(() => ({ status: 0 }))).status === 200;
      },
      45_000,
      'a new clerk is ready',
    );
  });

  it('a transaction endorsed and held back does not commit once the clerk has moved the ledger heartbeat on', async function () {
    this.timeout(60_000);
    // As a body would hold a notice of termination endorsed today, to spring it weeks later dated today: here
    // a probe, as Market's prober, endorsed by the peers the policy needs and not yet sent to the orderers.
    const prober = p.proberOf('MarketMSP').contract('system');
    const endorse = (id: string) =>
      prober.newProposal('RecordProbe', { arguments: [id, 'endorsed, then held back'] }).endorse();
    const sentAtOnce = await (await endorse(`hb-control-${runId}`)).submit();
    expect((await sentAtOnce.getStatus()).code, 'sent at once, it commits').to.equal(
      peer.TxValidationCode.VALID,
    );

    const held = await endorse(`hb-held-${runId}`);
    const clerk = connectAs('BureauMSP', 'clerk');
    try {
      const before = JSON.parse(
        Buffer.from(await clerk.contract('platform').evaluateTransaction('GetHeartbeat')).toString(),
      ) as { count: number } | null;
      await clerk.contract('platform').submitTransaction('Heartbeat');
      const after = (await evaluate(p.regulator, 'platform', 'GetHeartbeat')) as { count: number };
      expect(after.count).to.equal((before?.count ?? 0) + 1);
    } finally {
      clerk.close();
    }
    const sentLate = await held.submit();
    expect((await sentLate.getStatus()).code, 'sent after the heartbeat').to.equal(
      peer.TxValidationCode.MVCC_READ_CONFLICT,
    );
    expect(
      await evaluate(p.regulator, 'system', 'ReadProbe', `hb-held-${runId}`).catch((e: Error) => e.message),
    ).to.match(/NOT_FOUND/);
  });

  it('two days on, three clerks at once expire each lapsed grant once and the lapsed rating, and nothing else', async function () {
    this.timeout(180_000);
    const base = topology.clerk.port + 1;
    const running = [0, 1, 2].map((i) => startShiftedClerk(2, base + i));
    await eventually(
      async () =>
        (await Promise.all(running.map((c) => statusOf(c.url).catch(() => undefined)))).every(
          (s) => (s?.rounds.ok ?? 0) >= 2,
        ),
      120_000,
      'every shifted clerk finished two rounds',
    );
    const statuses = await Promise.all(running.map((c) => statusOf(c.url)));
    expect(statuses.map((s) => s.lastRound?.ledgerToday)).to.deep.equal(
      Array(3).fill(chinaToday(new Date(Date.now() + 2 * DAY_MS))),
    );
    for (const id of shortGrants) {
      const g = await grant(id);
      expect(g.state, id).to.equal('EXPIRED');
      expect(g.reason?.code).to.equal('expired');
      const history = (await evaluate(p.regulator, 'query', 'GetHistory', 'grant', id)) as History;
      const expiries = history.filter((h) => h.value?.state === 'EXPIRED');
      expect(expiries, `${id} expired once`).to.have.length(1);
      expect(expiries[0]!.by).to.deep.equal({ mspId: 'BureauMSP', role: 'clerk' });
    }
    const markedBy = statuses.flatMap((s) => s.lastRound!.expired.grants);
    expect(
      markedBy.filter((id) => shortGrants.includes(id)),
      'no clerk marked one twice in its last round',
    ).to.deep.equal([]);
    expect(statuses.map((s) => s.lastRound!.failed)).to.deep.equal([[], [], []]);
    expect(statuses.reduce((n, s) => n + s.expiredTotal.grants, 0)).to.be.at.least(shortGrants.length);

    expect((await grant(longGrant)).state, 'valid till 2027').to.equal('ACTIVE');
    const enterprise = (await evaluate(p.regulator, 'enterprise', 'GetEnterprise', rated.creditCode)) as {
      rating: { expired?: boolean };
    };
    expect(enterprise.rating.expired).to.equal(true);
    const suspended = await grant(ratedGrant);
    expect([suspended.state, suspended.reason?.code]).to.deep.equal(['SUSPENDED', 'rating']);

    // The notice period ran out: the agreement ended once, by a clerk, and its grant with it (annex 4).
    const ended = (await evaluate(
      p.regulator,
      'query',
      'GetHistory',
      'agreement',
      noticeAgreement,
    )) as History;
    const endings = ended.filter((h) => h.value?.state === 'TERMINATED');
    expect(endings, 'terminated once').to.have.length(1);
    expect(endings[0]!.by).to.deep.equal({ mspId: 'BureauMSP', role: 'clerk' });
    const noticeEnded = await grant(noticeGrant);
    expect([noticeEnded.state, noticeEnded.reason?.code]).to.deep.equal([
      'TERMINATED',
      'agreement-terminated',
    ]);
    expect(statuses.reduce((n, s) => n + s.terminatedTotal, 0)).to.equal(1);
  });

  it('the public recipients list no longer names the expired grants; the valid one stays', async () => {
    const base = gatewayUrl(ctx);
    type Row = { creditCode: string; datasetId: string; state: string };
    await eventually(
      async () => {
        const rows = ((await getJson(`${base}/v1/public/recipients`)).body.data ?? []) as Row[];
        const ours = rows.filter((r) => r.creditCode === lapsing.creditCode).map((r) => r.datasetId);
        return ours.length === 1 && ours[0] === longDataset;
      },
      30_000,
      "the gateway's list follows the expiries",
    );
  });

  it("the clerk's identity does nothing else, tried with Fabric's own peer CLI; the gateway's may no longer expire", async () => {
    const invoke = (identity: string, args: string[]): Promise<string> =>
      cliFailure(chaincodeQuery(install, 'BureauMSP', 'BureauMSP', args, identity));
    const refusals = {
      suspend: await invoke('clerk', ['grant:SuspendGrant', longGrant, 'violation']),
      read: await invoke('clerk', ['grant:GetGrant', longGrant]),
      rate: await invoke('clerk', [
        'enterprise:RateEnterprise',
        lapsing.creditCode,
        JSON.stringify(ratingOf('A')),
      ]),
      gatewayExpires: await invoke('gateway', ['grant:ExpireGrant', longGrant]),
    };
    expect(refusals.suspend).to.match(
      /\[FORBIDDEN\] only .* may suspend grants; the caller is the bureau's clerk service/,
    );
    expect(refusals.read).to.match(/\[FORBIDDEN\] .*read grants; the caller is the bureau's clerk service/);
    expect(refusals.rate).to.match(/\[FORBIDDEN\] .*the caller is the bureau's clerk service/);
    expect(refusals.gatewayExpires).to.match(
      /\[FORBIDDEN\] only .* may expire grants; the caller is the API gateway/,
    );
    // What the clerk may do, it may: list what is due (nothing of today's, as of today).
    const due = await chaincodeQuery(
      install,
      'BureauMSP',
      'BureauMSP',
      ['query:ListGrantsDue', 'ACTIVE', '1000', ''],
      'clerk',
    );
    expect((JSON.parse(due) as { today: string }).today).to.equal(chinaToday());
  });
});
