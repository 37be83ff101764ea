import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IDS, type Identity } from '../testing/fake-ledger';
import {
  C,
  CODES,
  MARKET_ENTITIES,
  TRANSPORT_VEHICLES,
  World,
  applicationBody,
  demand,
  sha,
} from '../testing/world';
import type { Page } from '../lib/listing';
import type { Application } from '../models/application';
import type { Grant } from '../models/grant';
import type { HistoryEntry, OverdueItem } from './query-contract';

const overdue = (w: World, who: Identity = IDS.bureau) => w.call<OverdueItem[]>(who, C.query, 'ListOverdue');

test('ListOverdue lists a product not published three months after the agreement came into force', async () => {
  const w = await World.create();
  const { agreements } = await w.activeGrants(w.aa, 'app-1');
  const a = agreements[0]!;
  assert.equal(a.inForceAt, '2025-03-03T02:00:00.000Z');

  // Three calendar months after 2025-03-03 is 2025-06-03: due that day, overdue the day after.
  w.setChinaTime('2025-06-03', '23:00');
  assert.deepEqual(await overdue(w), []);
  w.setChinaTime('2025-06-04', '09:00');
  // The first usage report (every 92 days: Mar 3 + 28 + 30 + 31 + 3 = Jun 3) is overdue too.
  assert.deepEqual(await overdue(w, IDS.regulator), [
    { type: 'product', id: a.id, step: 'product-publication', due: '2025-06-03', party: CODES.aa },
    { type: 'usage-report', id: a.id, step: 'usage-report', due: '2025-06-03', party: CODES.aa },
  ]);

  await w.asEnterprise(w.aa, C.duty, 'PublishProduct', 'PublishProduct', {
    agreementId: a.id,
    name: '企业信用画像',
    address: 'https://credit.example.cn/portrait',
    publishedOn: '2025-06-04',
  });
  assert.deepEqual(
    (await overdue(w)).map((i) => i.type),
    ['usage-report'],
  );
  await w.asEnterprise(w.aa, C.duty, 'ReportUsage', 'ReportUsage', {
    agreementId: a.id,
    period: '2025-Q2',
    callCount: 10,
    reportHash: sha('report'),
  });
  assert.deepEqual(await overdue(w), []);
});

test('a terminated agreement owes no product any more', async () => {
  const w = await World.create();
  const { agreements } = await w.activeGrants(w.aa, 'app-1');
  await w.invoke(
    IDS.market,
    C.agreement,
    'TerminateAgreement',
    agreements[0]!.id,
    'service stopped',
    '2025-03-03',
  );
  w.setChinaTime('2025-07-01');
  assert.deepEqual(await overdue(w), []);
});

test('ListOverdue lists an application past its formal-review deadline, with the working days overdue', async () => {
  const w = await World.create();
  await w.submit(w.aa, 'app-1');
  // Mon 2025-03-03 + 15 working days = Mon 2025-03-24.
  w.setChinaTime('2025-03-24', '23:59');
  assert.deepEqual(await overdue(w), []);
  w.setChinaTime('2025-03-25');
  assert.deepEqual(await overdue(w), [
    {
      type: 'application',
      id: 'app-1',
      step: 'formal-review',
      due: '2025-03-24',
      workingDaysOverdue: 1,
      party: 'BureauMSP',
    },
  ]);
  // Sun Mar 30: Tue 25 – Fri 28 make four working days late; the weekend adds nothing.
  w.setChinaTime('2025-03-30');
  assert.equal((await overdue(w))[0]?.workingDaysOverdue, 4);
  // Decided at last: no longer overdue for the bureau, now the bodies have 15 working days.
  await w.formalReview('app-1', 'accept');
  assert.deepEqual(await overdue(w), []);
});

test('an overdue owner review names the opening bodies, or the remaining ones', async () => {
  const w = await World.create();
  await w.submit(w.aa, 'app-1', [demand(MARKET_ENTITIES), demand(TRANSPORT_VEHICLES)]);
  await w.formalReview('app-1', 'accept');
  w.setChinaTime('2025-03-25');
  const [item] = await overdue(w);
  assert.deepEqual([item?.step, item?.party], ['owner-review', 'opening bodies']);
  await w.ownerReview(IDS.market, 'app-1', 'approve');
  const [again] = await overdue(w);
  assert.deepEqual([again?.step, again?.party], ['owner-review', 'remaining opening bodies']);
});

test('ListOverdue lists an open complaint past its 10 working days', async () => {
  const w = await World.create();
  await w.invoke(
    IDS.market,
    C.complaint,
    'FileComplaint',
    JSON.stringify({
      id: 'c-1',
      datasetId: MARKET_ENTITIES,
      complainant: { kind: 'organisation', name: '消费者协会' },
      factsHash: sha('facts'),
    }),
  );
  // Mon 2025-03-03 + 10 working days = Mon 2025-03-17.
  w.setChinaTime('2025-03-18');
  assert.deepEqual(await overdue(w), [
    {
      type: 'complaint',
      id: 'c-1',
      step: 'complaint-handling',
      due: '2025-03-17',
      workingDaysOverdue: 1,
      party: 'MarketMSP',
    },
  ]);
});

test('only the bureau, regulators and the gateway (for the regulator console) list overdue items', async () => {
  const w = await World.create();
  assert.deepEqual(await overdue(w, IDS.gateway), []);
  for (const who of [IDS.market, IDS.transport, IDS.bureauNoRole, IDS.stranger]) {
    await w.refused(() => w.invoke(who, C.query, 'ListOverdue'), 'FORBIDDEN');
  }
  assert.deepEqual(await overdue(w, IDS.bureauReviewer), []);
});

interface Recipient {
  enterpriseName: string;
  creditCode: string;
  datasetId: string;
  datasetName: string;
  body: string;
  since: string;
  validUntil: string;
  state: string;
}

test('the public recipients list shows ACTIVE and SUSPENDED grants with enterprise and dataset names', async () => {
  const w = await World.create();
  const aa = await w.activeGrants(w.aa, 'app-1', [demand(MARKET_ENTITIES), demand(TRANSPORT_VEHICLES)]);
  w.ledger.now = new Date('2025-03-04T02:00:00Z');
  const aaa = await w.activeGrants(w.aaa, 'app-2');
  await w.invoke(
    IDS.transport,
    C.grant,
    'SuspendGrant',
    aa.grants[1]!.id,
    'rectification',
    'log retention too short',
  );
  await w.invoke(IDS.market, C.grant, 'WithdrawGrant', aaa.grants[0]!.id, 'resale confirmed');

  const rows = await w.call<Recipient[]>(IDS.stranger, C.query, 'ListRecipients');
  assert.deepEqual(rows, [
    {
      enterpriseName: w.aa.name,
      creditCode: CODES.aa,
      datasetId: MARKET_ENTITIES,
      datasetName: '市场主体登记信息',
      body: 'MarketMSP',
      since: '2025-03-03T02:00:00.000Z',
      validUntil: '2026-03-02',
      state: 'ACTIVE',
    },
    {
      enterpriseName: w.aa.name,
      creditCode: CODES.aa,
      datasetId: TRANSPORT_VEHICLES,
      datasetName: '道路运输车辆信息',
      body: 'TransportMSP',
      since: '2025-03-03T02:00:00.000Z',
      validUntil: '2026-03-02',
      state: 'SUSPENDED',
    },
  ]);
});

test('credit evaluations are public', async () => {
  const w = await World.create();
  assert.deepEqual(await w.call<unknown[]>(IDS.stranger, C.query, 'ListCreditEvaluations'), []);
  await w.invoke(
    IDS.bureau,
    C.duty,
    'PublishCreditEvaluation',
    JSON.stringify({ creditCode: CODES.aaa, period: '2025', grade: 'excellent', summary: 'exemplary' }),
  );
  const list = await w.call<{ creditCode: string; enterpriseName: string; grade: string }[]>(
    IDS.market,
    C.query,
    'ListCreditEvaluations',
  );
  assert.deepEqual(
    list.map((e) => [e.creditCode, e.enterpriseName, e.grade]),
    [[CODES.aaa, w.aaa.name, 'excellent']],
  );
});

test('GetHistory returns every version of a grant with its tx id, time and the org that changed it', async () => {
  const w = await World.create();
  const { grants } = await w.activeGrants(w.aa, 'app-1');
  const created = grants[0]!;
  w.ledger.now = new Date('2025-04-01T02:00:00Z');
  const suspended = await w.call<Grant>(
    IDS.market,
    C.grant,
    'SuspendGrant',
    created.id,
    'violation',
    'resale found',
  );
  w.ledger.now = new Date('2025-04-10T02:00:00Z');
  const restored = await w.call<Grant>(IDS.market, C.grant, 'RestoreGrant', created.id, 'rectified');
  w.ledger.now = new Date('2025-05-01T02:00:00Z');
  const terminated = await w.call<Grant>(
    IDS.bureau,
    C.grant,
    'TerminateGrant',
    created.id,
    'violation repeated',
  );

  const history = await w.call<HistoryEntry[]>(IDS.regulator, C.query, 'GetHistory', 'grant', created.id);
  const byTime = [...history].sort((x, y) => x.time.localeCompare(y.time));
  assert.deepEqual(
    byTime.map((h) => [h.txId, h.time, h.isDelete, h.by]),
    [
      [created.txId, '2025-03-03T02:00:00.000Z', false, { mspId: 'BureauMSP', role: 'gateway' }],
      [suspended.txId, '2025-04-01T02:00:00.000Z', false, { mspId: 'MarketMSP', role: 'body' }],
      [restored.txId, '2025-04-10T02:00:00.000Z', false, { mspId: 'MarketMSP', role: 'body' }],
      [terminated.txId, '2025-05-01T02:00:00.000Z', false, { mspId: 'BureauMSP', role: 'bureau' }],
    ],
  );
  assert.equal(new Set(history.map((h) => h.txId)).size, 4);
  assert.deepEqual(
    byTime.map((h) => (h.value as Grant).state),
    ['ACTIVE', 'SUSPENDED', 'ACTIVE', 'TERMINATED'],
  );
});

test('GetHistory: bureau, regulators and the gateway may read; bodies and strangers may not', async () => {
  const w = await World.create();
  const { grants } = await w.activeGrants(w.aa, 'app-1');
  const id = grants[0]!.id;
  for (const who of [IDS.bureau, IDS.regulator, IDS.gateway]) {
    assert.equal((await w.call<HistoryEntry[]>(who, C.query, 'GetHistory', 'grant', id)).length, 1);
  }
  for (const who of [IDS.market, IDS.transport, IDS.marketGatewayRole, IDS.stranger]) {
    await w.refused(() => w.invoke(who, C.query, 'GetHistory', 'grant', id), 'FORBIDDEN');
  }
  await w.refused(() => w.invoke(IDS.regulator, C.query, 'GetHistory', 'probe', id), 'INVALID_ARGUMENT');
  await w.refused(
    () => w.invoke(IDS.regulator, C.query, 'GetHistory', 'grant', 'no-such-grant'),
    'NOT_FOUND',
  );
  const appHistory = await w.call<HistoryEntry[]>(
    IDS.regulator,
    C.query,
    'GetHistory',
    'application',
    'app-1',
  );
  assert.deepEqual(appHistory.map((h) => (h.value as Application).state).sort(), [
    'APPROVED',
    'FORMAL_REVIEW',
    'OWNER_REVIEW',
    'RE_REVIEW',
  ]);
});

test('ListApplications: a body sees the applications naming it; the bureau filters and pages', async () => {
  const w = await World.create();
  await w.submit(w.aa, 'app-1');
  await w.submit(w.aaa, 'app-2', [demand(TRANSPORT_VEHICLES)]);
  await w.submit(w.aa, 'app-3', [demand(MARKET_ENTITIES), demand(TRANSPORT_VEHICLES)]);
  await w.formalReview('app-3', 'accept');
  const ids = async (who: Identity, filter: object, size = 50) =>
    (
      await w.call<Page<Application>>(
        who,
        C.query,
        'ListApplications',
        JSON.stringify(filter),
        String(size),
        '',
      )
    ).items
      .map((a) => a.id)
      .sort();
  assert.deepEqual(await ids(IDS.market, {}), ['app-1', 'app-3']);
  assert.deepEqual(await ids(IDS.transport, {}), ['app-2', 'app-3']);
  assert.deepEqual(await ids(IDS.bureau, {}), ['app-1', 'app-2', 'app-3']);
  assert.deepEqual(await ids(IDS.regulator, { state: 'OWNER_REVIEW' }), ['app-3']);
  assert.deepEqual(await ids(IDS.gateway, { enterprise: CODES.aa }), ['app-1', 'app-3']);

  const first = await w.call<Page<Application>>(IDS.bureau, C.query, 'ListApplications', '{}', '2', '');
  assert.equal(first.items.length, 2);
  const rest = await w.call<Page<Application>>(
    IDS.bureau,
    C.query,
    'ListApplications',
    '{}',
    '2',
    first.bookmark,
  );
  assert.deepEqual([...first.items, ...rest.items].map((a) => a.id).sort(), ['app-1', 'app-2', 'app-3']);
  assert.equal(rest.bookmark, '');
  await w.refused(() => w.invoke(IDS.stranger, C.query, 'ListApplications', '{}', '10', ''), 'FORBIDDEN');
  await w.refused(
    () => w.invoke(IDS.bureau, C.query, 'ListApplications', '{"state":"LOST"}', '10', ''),
    'INVALID_ARGUMENT',
  );
});

test('a body dropped from the demand list by a resubmission no longer sees the application in ListApplications', async () => {
  const w = await World.create();
  await w.submit(w.aa, 'app-1', [demand(MARKET_ENTITIES), demand(TRANSPORT_VEHICLES)]);
  await w.formalReview('app-1', 'return', 'the vehicle data is not needed');
  await w.asEnterprise(
    w.aa,
    C.application,
    'ResubmitApplication',
    'ResubmitApplication',
    applicationBody('app-1'),
  );
  await w.refused(() => w.invoke(IDS.transport, C.application, 'GetApplication', 'app-1'), 'FORBIDDEN');
  const page = await w.call<Page<Application>>(IDS.transport, C.query, 'ListApplications', '{}', '50', '');
  assert.deepEqual(
    page.items.map((a) => a.id),
    [],
  );
});
