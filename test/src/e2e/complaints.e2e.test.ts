/**
 * Complaints and opinions on the real network (issue 12, item 2; Z21, Z35, L17). A citizen complains with a
 * plain HTTP client on the gateway's public route and follows it with the receipt; an enterprise complains
 * with its signed request; the owning body verifies and suspends every grant on the dataset in one transaction
 * (access stops at the gateway), then reopens and tells the citizen through the platform. What another body, the
 * gateway or a stranger may do is tried as an insider would, with Fabric's own `peer` CLI.
 */
import { expect } from 'chai';
import { EnterpriseSession } from '@rdx/client';
import { chinaToday, ensureFabricBinaries, gatewayUrl, type FabricInstall } from '@rdx/network';
import { config, topology } from '../fabric-client.js';
import { eventually, getJson, regulatorToken, tokenFor } from '../gateway-client-e2e.js';
import { chaincodeInvoke, chaincodeQuery, cliFailure } from '../peer-cli.js';
import {
  applyAndGetGrants,
  demand,
  evaluate,
  onboard,
  Parties,
  registerDataset,
  quarterOf,
  runId,
  secret,
  submit,
  type TestEnterprise,
} from '../workflow.js';

const dataset = `complained-${runId}`;
const otherDataset = `not-complained-${runId}`;
const CONTACT = 'zhang.san@example.org';
const FACTS = '公开数据中出现了我的家庭住址,侵犯了个人隐私,请中止开放。';

type Grant = { id: string; state: string; reason?: { code: string; complaintId?: string } };
type Complaint = {
  id: string;
  state: string;
  category: string;
  filedThrough: string;
  suspendedGrants?: number;
  complainant: Record<string, string>;
  facts?: string;
};
type History = { txId: string; value?: { state?: string } }[];

let p: Parties;
let install: FabricInstall;
let holders: TestEnterprise[] = [];
const grants: string[] = [];
let otherGrant = '';
const base = (): string => gatewayUrl({ topology });
const grant = async (id: string): Promise<Grant> =>
  (await evaluate(p.regulator, 'grant', 'GetGrant', id)) as Grant;

async function fileAsCitizen(body: Record<string, unknown>): Promise<Response> {
  return fetch(`${base()}/v1/public/complaints`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('complaints from anyone, about the data itself (real network)', () => {
  let citizen: { id: string; receipt: string; due: string };
  const status = async (
    receipt = citizen.receipt,
  ): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await fetch(`${base()}/v1/public/complaints/${citizen.id}`, {
      headers: { 'complaint-receipt': receipt },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  before(async () => {
    p = new Parties();
    install = await ensureFabricBinaries(config, () => undefined);
    await registerDataset(p, p.market, dataset, `投诉测试 ${dataset}`);
    await registerDataset(p, p.market, otherDataset, `投诉测试 ${otherDataset}`);
    holders = [await onboard(p, 'AA'), await onboard(p, 'AAA')];
    for (const [i, e] of holders.entries()) {
      const wanted =
        i === 0
          ? [demand(dataset, 'MarketMSP'), demand(otherDataset, 'MarketMSP')]
          : [demand(dataset, 'MarketMSP')];
      const got = (await applyAndGetGrants(p, e.signer, `complaints-${i}-${runId}`, wanted)).grants;
      grants.push(...got.filter((g) => g.endsWith(`.${dataset}`)));
      otherGrant ||= got.find((g) => g.endsWith(`.${otherDataset}`)) ?? '';
    }
    expect(grants).to.have.length(2);
  });
  after(() => p?.close());

  it('a citizen files with a plain HTTP client; the contact reaches no peer in clear; the receipt alone shows the state', async () => {
    const res = await fileAsCitizen({
      datasetId: dataset,
      category: 'rights',
      facts: FACTS,
      contact: CONTACT,
    });
    const body = (await res.json()) as { data: typeof citizen; code?: string; detail?: string };
    expect(res.status, `${body.code} ${body.detail}`).to.equal(201);
    citizen = body.data;
    const kept = (await evaluate(p.market, 'complaint', 'GetComplaint', citizen.id)) as Complaint;
    expect([kept.state, kept.category, kept.filedThrough, kept.facts]).to.deep.equal([
      'OPEN',
      'rights',
      'public',
      FACTS,
    ]);
    expect(kept.complainant.kind).to.equal('person');
    expect(kept.complainant.contactHash).to.match(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(kept)).not.to.include(CONTACT);
    expect((await status()).body.data).to.include({ id: citizen.id, state: 'OPEN', due: citizen.due });
    expect((await status('a guess')).status).to.equal(404);
    // Personal data in the facts is refused by the chaincode, and said so.
    const refused = await fileAsCitizen({
      datasetId: dataset,
      category: 'rights',
      facts: `请致电 138 0013 8000 ${FACTS}`,
      contact: CONTACT,
    });
    const problem = (await refused.json()) as { code: string; detail: string };
    expect([refused.status, problem.code]).to.deep.equal([400, 'INVALID_ARGUMENT']);
    expect(problem.detail).to.match(/facts contains what looks like a mobile phone number/);
  });

  it('the owning body suspends every active grant on the dataset in one transaction; access stops at the gateway', async () => {
    const tokens = await Promise.all(holders.map((e) => tokenFor(base(), e.creditCode, e.privateKeyPem)));
    const done = await submit(p.market, 'complaint', 'SuspendForComplaint', citizen.id);
    const shell = done.result as Complaint;
    expect(shell.suspendedGrants).to.equal(2);
    for (const id of grants) {
      const g = await grant(id);
      expect([g.state, g.reason?.code, g.reason?.complaintId]).to.deep.equal([
        'SUSPENDED',
        'complaint',
        citizen.id,
      ]);
      const history = (await evaluate(p.regulator, 'query', 'GetHistory', 'grant', id)) as History;
      const suspendedBy = history.filter((h) => h.value?.state === 'SUSPENDED').map((h) => h.txId);
      expect(suspendedBy, 'suspended in the same transaction').to.deep.equal([done.txId]);
    }
    expect((await grant(otherGrant)).state, 'a grant on another dataset is not touched').to.equal('ACTIVE');
    for (const token of tokens)
      await eventually(
        async () =>
          (await getJson(`${base()}/v1/datasets/${dataset}/records?limit=1`, token)).body.code ===
          'GRANT_NOT_ACTIVE',
        30_000,
        'the gateway refuses the suspended grant',
      );
  });

  it('an enterprise complains with its signed request; the body and the bureau list what concerns them, another body nothing', async () => {
    const session = EnterpriseSession.withPrivateKey(
      base(),
      holders[0]!.creditCode,
      holders[0]!.privateKeyPem,
    );
    const filed = await session.fileComplaint({
      datasetId: otherDataset,
      category: 'quality',
      kind: 'opinion',
      facts: '经营范围字段缺失超过三成,建议补全后再更新。',
    });
    const kept = (await evaluate(p.market, 'complaint', 'GetComplaint', filed.complaint.id)) as Complaint;
    expect(kept.complainant).to.deep.equal({ kind: 'enterprise', creditCode: holders[0]!.creditCode });
    const ids = async (who: Parties['market']): Promise<string[]> =>
      (
        (await evaluate(who, 'complaint', 'ListComplaints', '{"state":"OPEN"}', '200', '')) as {
          items: Complaint[];
        }
      ).items.map((c) => c.id);
    expect(await ids(p.market)).to.include.members([citizen.id, filed.complaint.id]);
    expect(await ids(p.bureau)).to.include.members([citizen.id, filed.complaint.id]);
    expect(await ids(p.transport)).not.to.include.members([citizen.id]);
    expect(await ids(p.transport)).not.to.include.members([filed.complaint.id]);
  });

  it("tried with Fabric's own peer CLI: another body, the gateway and a body's forged public filing are refused", async () => {
    const as = (org: string, args: string[], identity = 'admin'): Promise<string> =>
      cliFailure(chaincodeQuery(install, org, org, args, identity));
    const refusals = {
      otherBodyReads: await as('TransportMSP', ['complaint:GetComplaint', citizen.id]),
      otherBodySuspends: await as('TransportMSP', ['complaint:SuspendForComplaint', citizen.id]),
      gatewayReadsWho: await as('BureauMSP', ['complaint:GetComplaint', citizen.id], 'gateway'),
      bodyPosesAsPublic: await as('MarketMSP', ['complaint:FileComplaintFromPublic']),
      bodyReadsStatus: await as('MarketMSP', ['complaint:GetComplaintStatus', citizen.id, '0'.repeat(64)]),
    };
    expect(refusals.otherBodyReads).to.match(/\[NOT_FOUND\] complaint .* does not exist/);
    expect(refusals.otherBodySuspends).to.match(/\[NOT_FOUND\] complaint .* does not exist/);
    expect(refusals.gatewayReadsWho).to.match(
      /\[FORBIDDEN\] .*read complaints; the caller is the API gateway/,
    );
    expect(refusals.bodyPosesAsPublic).to.match(/\[FORBIDDEN\] .*bring the public's complaints/);
    expect(refusals.bodyReadsStatus).to.match(/\[FORBIDDEN\] .*show complainants their complaints/);
  });

  it('the body reopens after processing (every suspended grant active again) and tells the citizen through the platform', async () => {
    await submit(
      p.market,
      'complaint',
      'ResolveComplaint',
      citizen.id,
      'reopen',
      secret({ note: '已删除住址字段后再开放' }),
    );
    for (const id of grants) expect((await grant(id)).state).to.equal('ACTIVE');
    const today = chinaToday();
    await submit(p.market, 'complaint', 'RecordNotification', citizen.id, 'platform', today, 'a'.repeat(64));
    const seen = (await status()).body.data as Record<string, unknown>;
    expect(seen).to.include({ state: 'RESOLVED', notifiedOn: today });
    expect((seen.outcome as { decision: string }).decision).to.equal('reopen');
    expect(JSON.stringify(seen), 'the note stays with the body').not.to.include('住址字段');
  });

  it("an enterprise's security incident report puts its grant on the same verify-then-suspend path (L17, L18)", async () => {
    const holder = holders[1]!;
    const agreementId = grants[1]!.slice(0, -`.${dataset}`.length);
    const session = EnterpriseSession.withPrivateKey(base(), holder.creditCode, holder.privateKeyPem);
    const report = await session.reportSecurityIssue({
      agreementId,
      severity: 'high',
      descriptionHash: 'c'.repeat(64),
    });
    const [complaintId] = report.data.detail.complaints as string[];
    const opened = (await evaluate(p.market, 'complaint', 'GetComplaint', complaintId!)) as Complaint & {
      grantId: string;
      reportId: string;
    };
    expect(opened).to.deep.include({
      state: 'OPEN',
      category: 'security',
      grantId: grants[1],
      reportId: report.data.id,
    });
    await submit(p.market, 'complaint', 'SuspendForComplaint', complaintId!);
    expect((await grant(grants[1]!)).state).to.equal('SUSPENDED');
    await submit(
      p.market,
      'complaint',
      'ResolveComplaint',
      complaintId!,
      'restore',
      secret({ note: '核实为误报,恢复开放' }),
    );
    expect((await grant(grants[1]!)).state).to.equal('ACTIVE');
  });

  it("the bureau's suspension for a complaint is the bureau's to lift: Market's admin resolving it as restore with the peer CLI is refused", async () => {
    const res = await fileAsCitizen({
      datasetId: dataset,
      category: 'quality',
      facts: '列表中的数据有误,请核实后更正。',
      contact: CONTACT,
    });
    const filed = (await res.json()) as { data: { id: string }; detail?: string };
    expect(res.status, filed.detail).to.equal(201);
    const id = filed.data.id;
    await submit(p.bureau, 'complaint', 'SuspendForComplaint', id);
    for (const g of grants) expect((await grant(g)).state).to.equal('SUSPENDED');
    // Market's admin, through both endorsing peers, as an insider would.
    const resolve = (decision: string): Promise<string> =>
      chaincodeInvoke(install, 'MarketMSP', ['complaint:ResolveComplaint', id, decision], {
        endorsers: ['MarketMSP', 'BureauMSP'],
        transient: { note: '本机构核实后恢复' },
      });
    for (const decision of ['restore', 'reopen']) {
      const said = await cliFailure(resolve(decision));
      expect(said, decision).to.match(/\[FORBIDDEN\] grant .* was suspended by BureauMSP for complaint/);
    }
    for (const g of grants) expect((await grant(g)).state, 'still suspended').to.equal('SUSPENDED');
    // The bureau lifts its own suspension; Market then resolves the complaint.
    for (const g of grants) await submit(p.bureau, 'grant', 'RestoreGrant', g, secret({ note: '核实完毕' }));
    expect(await cliFailure(resolve('upheld'))).to.equal('');
    for (const g of grants) expect((await grant(g)).state).to.equal('ACTIVE');
  });

  it("the bureau's performance report counts the body's complaints, demands and grants; a body reads only its own (L23)", async () => {
    const today = chinaToday();
    const quarter = quarterOf(today);
    type Row = {
      body: string;
      demandsReceived: number;
      grants: { liveNow: number };
      ownerReviews: { doneInPeriod: number; workingDays?: { mean: number; max: number } };
      complaints: { filedInPeriod: number; resolvedInPeriod: number };
      callsServed: number;
    };
    const token = await regulatorToken(base());
    const { status, body } = await getJson(
      `${base()}/v1/regulator/body-performance?period=${quarter}`,
      token,
    );
    expect(status).to.equal(200);
    const market = (body.data as Row[]).find((r) => r.body === 'MarketMSP')!;
    // This file alone: a citizen's, an enterprise's and a security complaint, two resolved; three applications, three grants.
    expect(market.complaints.filedInPeriod).to.be.at.least(3);
    expect(market.complaints.resolvedInPeriod).to.be.at.least(2);
    expect(market.demandsReceived).to.be.at.least(2);
    expect(market.grants.liveNow).to.be.at.least(3);
    // Market reviews each application of this run right after the bureau accepts it: within a working day.
    expect(market.ownerReviews.doneInPeriod).to.be.at.least(2);
    expect(market.ownerReviews.workingDays!.max).to.be.within(0, 1);
    const csv = await fetch(`${base()}/v1/regulator/body-performance?period=${quarter}&format=csv`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const [header, ...lines] = (await csv.text()).trim().split('\r\n');
    expect(header!.split(',')).to.include.members(['body', 'complaints.filedInPeriod', 'callsServed']);
    expect(lines.some((l) => l.startsWith('MarketMSP,'))).to.equal(true);
    const own = (await evaluate(p.market, 'query', 'BodyPerformance', quarter)) as Row[];
    expect(own.map((r) => r.body)).to.deep.equal(['MarketMSP']);
  });

  it('facts as long as a complaint may hold, in Chinese, reach the owning body whole', async () => {
    const facts = '丽水市场主体数据有误'.repeat(800); // 8000 characters, 24 KB in UTF-8
    const res = await fileAsCitizen({ datasetId: otherDataset, category: 'error', facts, contact: CONTACT });
    const body = (await res.json()) as { data: { id: string }; detail?: string };
    expect(res.status, body.detail).to.equal(201);
    const kept = (await evaluate(p.market, 'complaint', 'GetComplaint', body.data.id)) as Complaint;
    expect(kept.facts).to.equal(facts);
  });

  it("complaints the ledger would refuse spend none of the hour's budget: after more of them than an address may file, a real one is still taken", async () => {
    const wouldBeRefused: [Record<string, unknown>, RegExp][] = [
      [{}, /datasetId is required/],
      [{ datasetId: dataset, category: 'noise', facts: FACTS, contact: CONTACT }, /category must be one of/],
      [{ datasetId: `never-${runId}`, category: 'rights', facts: FACTS, contact: CONTACT }, /does not exist/],
      [
        { datasetId: dataset, grantId: otherGrant, category: 'rights', facts: FACTS, contact: CONTACT },
        /is not a grant of dataset/,
      ],
    ];
    // Three rounds: twelve, over the ten an address may file in an hour (the gateway's default).
    for (let round = 0; round < 3; round++)
      for (const [body, why] of wouldBeRefused) {
        const res = await fileAsCitizen(body);
        const problem = (await res.json()) as { detail: string };
        expect(res.status, problem.detail).to.be.oneOf([400, 404]);
        expect(problem.detail).to.match(why);
      }
    const res = await fileAsCitizen({
      datasetId: otherDataset,
      kind: 'opinion',
      category: 'quality',
      facts: FACTS,
      contact: CONTACT,
    });
    const body = (await res.json()) as { data: { id: string }; detail?: string };
    expect(res.status, body.detail).to.equal(201);
    const kept = (await evaluate(p.market, 'complaint', 'GetComplaint', body.data.id)) as Complaint;
    expect([kept.state, kept.filedThrough]).to.deep.equal(['OPEN', 'public']);
  });
});
