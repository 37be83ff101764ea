import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IDS, type Identity } from '../testing/fake-ledger';
import { C, CODES, MARKET_ENTITIES, MARKET_NOTICES, World, sha, stateKey } from '../testing/world';
import { EVENTS } from '../lib/events';
import type { Complaint } from '../models/complaint';
import type { Grant } from '../models/grant';

interface Setup {
  w: World;
  grant: Grant;
}

async function setup(): Promise<Setup> {
  const w = await World.create();
  const { grants } = await w.activeGrants(w.aa, 'app-1');
  return { w, grant: grants[0]! };
}

function complaintInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'c-1',
    datasetId: MARKET_ENTITIES,
    complainant: { kind: 'organisation', name: '丽水市消费者协会' },
    factsHash: sha('the facts'),
    ...overrides,
  };
}

function file(w: World, who: Identity, input: Record<string, unknown>): Promise<Complaint> {
  return w.call<Complaint>(who, C.complaint, 'FileComplaint', JSON.stringify(input));
}

function resolve(
  w: World,
  who: Identity,
  id: string,
  decision: string,
  note = 'verified and handled',
): Promise<Complaint> {
  return w.call<Complaint>(who, C.complaint, 'ResolveComplaint', id, decision, note);
}

test('filing with suspendNow suspends the grant in the same transaction; 10 working days to handle it', async () => {
  const { w, grant } = await setup();
  // Fri 2025-09-26: Sun 28 worked (1), Mon 29 (2), Tue 30 (3), Oct 1–8 off, Thu 9 (4), Fri 10 (5),
  // Sat 11 worked (6), Mon 13 – Thu 16 (10).
  w.setChinaTime('2025-09-26');
  const eventsBefore = w.ledger.events.length;
  const complaint = await file(w, IDS.market, complaintInput({ grantId: grant.id, suspendNow: true }));
  assert.equal(complaint.state, 'OPEN');
  assert.equal(complaint.kind, 'complaint');
  assert.equal(complaint.body, 'MarketMSP');
  assert.equal(complaint.suspendedOnFiling, true);
  assert.deepEqual(complaint.deadline, {
    step: 'complaint-handling',
    due: '2025-10-16',
    rule: 'Z21: 10 working days',
  });
  assert.equal(w.ledger.events.length, eventsBefore + 1);
  assert.equal(w.ledger.lastEvent()?.name, EVENTS.COMPLAINT_FILED);
  assert.deepEqual(w.ledger.lastEvent()?.payload.changes, [
    { type: 'complaint', id: 'c-1', state: 'OPEN' },
    { type: 'grant', id: grant.id, state: 'SUSPENDED', enterprise: CODES.aa, dataset: MARKET_ENTITIES },
  ]);
  const suspended = await w.getGrant(grant.id);
  assert.equal(suspended.state, 'SUSPENDED');
  assert.deepEqual(suspended.reason, {
    code: 'complaint',
    note: 'complaint c-1',
    at: w.ledger.now.toISOString(),
  });
  assert.deepEqual(await w.call<Complaint>(IDS.regulator, C.complaint, 'GetComplaint', 'c-1'), complaint);
});

test('without suspendNow the grant stays active; an opinion about a dataset needs no grant', async () => {
  const { w, grant } = await setup();
  const c = await file(w, IDS.market, complaintInput({ grantId: grant.id }));
  assert.equal(c.suspendedOnFiling, false);
  assert.equal((await w.getGrant(grant.id)).state, 'ACTIVE');
  const opinion = await file(
    w,
    IDS.market,
    complaintInput({ id: 'c-2', kind: 'opinion', datasetId: MARKET_NOTICES }),
  );
  assert.equal(opinion.kind, 'opinion');
  assert.equal(opinion.grantId, undefined);
});

test('a person complainant is stored only as a hash of the name', async () => {
  const { w } = await setup();
  const c = await file(
    w,
    IDS.market,
    complaintInput({ complainant: { kind: 'person', nameHash: sha('王小明'), name: '王小明' } }),
  );
  assert.deepEqual(c.complainant, { kind: 'person', nameHash: sha('王小明') });
  const raw = w.ledger.state.get(stateKey('complaint', 'c-1'))?.toString('utf8') ?? '';
  assert.ok(raw.includes(sha('王小明')));
  assert.ok(!raw.includes('王小明'), 'the clear name is not on the ledger');
  await w.refused(
    () => file(w, IDS.market, complaintInput({ id: 'c-2', complainant: { kind: 'person', name: '王小明' } })),
    'INVALID_ARGUMENT',
  );
});

test('the bureau may file (and suspend); the complaint belongs to the dataset’s owner', async () => {
  const { w, grant } = await setup();
  const c = await file(w, IDS.bureau, complaintInput({ grantId: grant.id, suspendNow: true }));
  assert.equal(c.body, 'MarketMSP');
  assert.deepEqual(c.updatedBy, { mspId: 'BureauMSP', role: 'bureau' });
  assert.equal((await w.getGrant(grant.id)).state, 'SUSPENDED');
  await resolve(w, IDS.market, 'c-1', 'restore');
});

test('filing denials: other body, regulator, gateway; mismatched grant; suspendNow without a grant; bad input', async () => {
  const { w, grant } = await setup();
  for (const who of [IDS.transport, IDS.regulator, IDS.gateway, IDS.marketGatewayRole, IDS.stranger]) {
    await w.refused(() => file(w, who, complaintInput({ grantId: grant.id, suspendNow: true })), 'FORBIDDEN');
  }
  await w.refused(
    () => file(w, IDS.market, complaintInput({ datasetId: MARKET_NOTICES, grantId: grant.id })),
    'INVALID_ARGUMENT',
  );
  await w.refused(() => file(w, IDS.market, complaintInput({ suspendNow: true })), 'INVALID_ARGUMENT');
  await w.refused(() => file(w, IDS.market, complaintInput({ grantId: 'no-such-grant' })), 'NOT_FOUND');
  await w.refused(() => file(w, IDS.market, complaintInput({ datasetId: 'no-such-dataset' })), 'NOT_FOUND');
  for (const bad of [
    { factsHash: 'the facts in clear' },
    { kind: 'praise' },
    { complainant: { kind: 'robot' } },
    { complainant: { kind: 'organisation' } },
    { suspendNow: 'yes' },
    { id: '' },
  ]) {
    await w.refused(() => file(w, IDS.market, complaintInput(bad)), 'INVALID_ARGUMENT');
  }
  await file(w, IDS.market, complaintInput());
  await w.refused(() => file(w, IDS.market, complaintInput()), 'ALREADY_EXISTS');
});

test('suspendNow on a grant that is not ACTIVE is refused', async () => {
  const { w, grant } = await setup();
  await w.invoke(IDS.market, C.grant, 'WithdrawGrant', grant.id, 'repeated violations');
  await w.refused(
    () => file(w, IDS.market, complaintInput({ grantId: grant.id, suspendNow: true })),
    'INVALID_STATE',
  );
});

test('resolved by withdrawal: the grant is REVOKED in the resolving transaction', async () => {
  const { w, grant } = await setup();
  await file(w, IDS.market, complaintInput({ grantId: grant.id, suspendNow: true }));
  const resolved = await resolve(w, IDS.market, 'c-1', 'withdraw', 'resale confirmed');
  assert.equal(resolved.state, 'RESOLVED');
  assert.deepEqual(resolved.outcome, {
    decision: 'withdraw',
    note: 'resale confirmed',
    at: w.ledger.now.toISOString(),
  });
  const g = await w.getGrant(grant.id);
  assert.equal(g.state, 'REVOKED');
  assert.equal(g.reason?.code, 'withdrawn');
  assert.equal(w.ledger.lastEvent()?.name, EVENTS.COMPLAINT_RESOLVED);
  assert.deepEqual(w.ledger.lastEvent()?.payload.changes, [
    { type: 'grant', id: grant.id, state: 'REVOKED', enterprise: CODES.aa, dataset: MARKET_ENTITIES },
    { type: 'complaint', id: 'c-1', state: 'RESOLVED' },
  ]);
});

test('resolved by restoration or by reopening after processing: the grant is ACTIVE again', async () => {
  for (const decision of ['restore', 'reopen']) {
    const { w, grant } = await setup();
    await file(w, IDS.market, complaintInput({ grantId: grant.id, suspendNow: true }));
    const resolved = await resolve(w, IDS.market, 'c-1', decision);
    assert.equal(resolved.outcome?.decision, decision);
    const g = await w.getGrant(grant.id);
    assert.equal(g.state, 'ACTIVE');
    assert.equal(g.reason, undefined);
  }
});

test('dismissal leaves the grant as it is', async () => {
  const { w, grant } = await setup();
  await file(w, IDS.market, complaintInput({ grantId: grant.id, suspendNow: true }));
  const resolved = await resolve(w, IDS.market, 'c-1', 'dismiss', 'no evidence of resale');
  assert.equal(resolved.state, 'RESOLVED');
  assert.equal((await w.getGrant(grant.id)).state, 'SUSPENDED');
  assert.deepEqual(w.ledger.lastEvent()?.payload.changes, [
    { type: 'complaint', id: 'c-1', state: 'RESOLVED' },
  ]);
});

test('resolution denials: twice, another body, the bureau, no note, unknown decision, wrong grant state', async () => {
  const { w, grant } = await setup();
  await file(w, IDS.market, complaintInput({ grantId: grant.id }));
  for (const who of [IDS.transport, IDS.bureau, IDS.regulator, IDS.gateway, IDS.stranger]) {
    await w.refused(() => resolve(w, who, 'c-1', 'dismiss'), 'FORBIDDEN');
  }
  await w.refused(() => resolve(w, IDS.market, 'c-1', 'dismiss', ''), 'INVALID_ARGUMENT');
  await w.refused(() => resolve(w, IDS.market, 'c-1', 'ignore'), 'INVALID_ARGUMENT');
  // The grant was not suspended: nothing to restore or reopen.
  await w.refused(() => resolve(w, IDS.market, 'c-1', 'restore'), 'INVALID_STATE');
  await w.refused(() => resolve(w, IDS.market, 'c-1', 'reopen'), 'INVALID_STATE');
  await w.refused(() => resolve(w, IDS.market, 'c-9', 'dismiss'), 'NOT_FOUND');
  await resolve(w, IDS.market, 'c-1', 'dismiss');
  await w.refused(() => resolve(w, IDS.market, 'c-1', 'dismiss'), 'INVALID_STATE');
  await w.refused(() => resolve(w, IDS.market, 'c-1', 'withdraw'), 'INVALID_STATE');
});

test('a complaint without a grant can only be dismissed', async () => {
  const { w } = await setup();
  await file(w, IDS.market, complaintInput());
  for (const decision of ['withdraw', 'restore', 'reopen']) {
    await w.refused(() => resolve(w, IDS.market, 'c-1', decision), 'INVALID_ARGUMENT');
  }
  await resolve(w, IDS.market, 'c-1', 'dismiss');
});

test('restoration is refused while the enterprise may not use restricted data', async () => {
  const { w, grant } = await setup();
  await file(w, IDS.market, complaintInput({ grantId: grant.id, suspendNow: true }));
  await w.rate(w.aa, 'A');
  await w.refused(() => resolve(w, IDS.market, 'c-1', 'restore'), 'RATING_INSUFFICIENT');
  await w.refused(() => resolve(w, IDS.market, 'c-1', 'reopen'), 'RATING_INSUFFICIENT');
  await resolve(w, IDS.market, 'c-1', 'withdraw');
});

test('restoration through a complaint is refused once the grant’s validity has passed, as RestoreGrant is', async () => {
  const { w, grant } = await setup();
  await file(w, IDS.market, complaintInput({ grantId: grant.id, suspendNow: true }));
  w.ledger.now = new Date('2026-03-10T02:00:00Z');
  await w.refused(() => w.invoke(IDS.market, C.grant, 'RestoreGrant', grant.id, 'fixed'), 'INVALID_STATE');
  await w.refused(() => resolve(w, IDS.market, 'c-1', 'restore'), 'INVALID_STATE');
});

test('the notification is recorded only after resolution, once, not in the future, by the owning body', async () => {
  const { w, grant } = await setup();
  await file(w, IDS.market, complaintInput({ grantId: grant.id, suspendNow: true }));
  const notify =
    (who: Identity = IDS.market, on = '2025-03-03', channel = 'letter', summary = sha('summary')) =>
    () =>
      w.call<Complaint>(who, C.complaint, 'RecordNotification', 'c-1', channel, on, summary);
  await w.refused(notify(), 'INVALID_STATE');
  await resolve(w, IDS.market, 'c-1', 'withdraw', 'resale confirmed');
  // 2025-03-03 10:00 in China: the 4th is tomorrow.
  await w.refused(notify(IDS.market, '2025-03-04'), 'INVALID_ARGUMENT');
  await w.refused(notify(IDS.market, '2025-03-03', 'pigeon'), 'INVALID_ARGUMENT');
  await w.refused(notify(IDS.market, '2025-03-03', 'letter', 'summary in clear'), 'INVALID_ARGUMENT');
  for (const who of [IDS.transport, IDS.bureau, IDS.regulator, IDS.gateway]) {
    await w.refused(notify(who), 'FORBIDDEN');
  }
  const notified = await notify()();
  assert.deepEqual(notified.notification, {
    channel: 'letter',
    notifiedOn: '2025-03-03',
    summaryHash: sha('summary'),
    at: w.ledger.now.toISOString(),
  });
  assert.equal(notified.state, 'RESOLVED');
  assert.equal(w.ledger.lastEvent()?.name, EVENTS.COMPLAINANT_NOTIFIED);
  await w.refused(notify(IDS.market, '2025-03-02'), 'INVALID_STATE');
});

test('complaints are read by the bureau, regulators and the owning body only', async () => {
  const { w } = await setup();
  await file(w, IDS.market, complaintInput());
  for (const who of [IDS.bureau, IDS.regulator, IDS.market]) {
    assert.equal((await w.call<Complaint>(who, C.complaint, 'GetComplaint', 'c-1')).id, 'c-1');
  }
  for (const who of [IDS.transport, IDS.gateway, IDS.stranger]) {
    await w.refused(() => w.invoke(who, C.complaint, 'GetComplaint', 'c-1'), 'FORBIDDEN');
  }
});
