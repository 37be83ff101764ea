import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { IDS } from '../testing/fake-ledger';
import {
  C,
  CODES,
  MARKET_ENTITIES,
  MARKET_NOTICES,
  TRANSPORT_VEHICLES,
  World,
  demand,
  licencesInput,
  plusDays,
  sha,
  stateKey,
  type DemandInput,
  type TermsInput,
} from '../testing/world';
import { EVENTS } from '../lib/events';
import type { Agreement } from '../models/agreement';
import type { Grant } from '../models/grant';

const LICENCES = licencesInput().id;

async function registerLicences(w: World): Promise<void> {
  await w.invoke(IDS.market, C.catalog, 'RegisterDataset', JSON.stringify(licencesInput()));
}

/** An APPROVED application app-1 of the AA enterprise demanding uscc and name of market-entities. */
async function approved(w: World, demands: DemandInput[] = [demand(MARKET_ENTITIES, ['uscc', 'name'])]) {
  await w.approvedApplication(w.aa, 'app-1', demands);
  return demands;
}

async function drafted(w: World, overrides: Partial<TermsInput> = {}): Promise<Agreement> {
  const demands = await approved(w);
  return w.draft(IDS.market, 'app-1', w.termsFor(IDS.market, demands, overrides));
}

test('the owning body drafts the agreement from the approved demand', async () => {
  const w = await World.create();
  const a = await drafted(w, { dailyQuota: 500, dataReturn: false });
  assert.equal(a.id, 'app-1.MarketMSP');
  assert.equal(a.state, 'DRAFT');
  assert.match(a.termsHash, /^[0-9a-f]{64}$/);
  assert.deepEqual(a.grants, []);
  assert.equal(a.terms.creditCode, CODES.aa);
  assert.equal(a.terms.body, 'MarketMSP');
  assert.equal(a.terms.applicationId, 'app-1');
  assert.equal(a.terms.mlpsLevel, 3);
  assert.deepEqual(a.terms.datasets, [{ datasetId: MARKET_ENTITIES, items: ['uscc', 'name'] }]);
  assert.equal(a.terms.validFrom, '2025-03-03');
  assert.equal(a.terms.validUntil, '2026-03-02');
  assert.equal(a.terms.dailyQuota, 500);
  assert.equal(a.terms.dataReturn, false);
  assert.equal(a.terms.productDeadlineMonths, 3);
  assert.equal(a.terms.noRedistribution, true);
  assert.equal(a.terms.citationRequired, true);
  assert.equal(w.ledger.lastEvent()?.name, EVENTS.AGREEMENT_DRAFTED);
  assert.deepEqual(w.ledger.lastEvent()?.payload.changes, [
    { type: 'agreement', id: 'app-1.MarketMSP', state: 'DRAFT', enterprise: CODES.aa },
  ]);
  assert.deepEqual(await w.getAgreement(a.id), a);
});

test('terms that differ give a different termsHash', async () => {
  const w = await World.create();
  const demands = await approved(w);
  const a = await w.draft(IDS.market, 'app-1', w.termsFor(IDS.market, demands));
  const other = await World.create();
  await approved(other);
  const b = await other.draft(IDS.market, 'app-1', other.termsFor(IDS.market, demands, { dailyQuota: 999 }));
  assert.notEqual(a.termsHash, b.termsHash);
});

test('only a body with an approved demand drafts, once, and only for an APPROVED application', async () => {
  const w = await World.create();
  const demands = [demand(MARKET_ENTITIES, ['uscc', 'name'])];
  await w.submit(w.aa, 'app-1', demands);
  await w.formalReview('app-1', 'accept');
  const terms = w.termsFor(IDS.market, demands);
  await w.refused(() => w.draft(IDS.market, 'app-1', terms), 'INVALID_STATE');
  await w.ownerReview(IDS.market, 'app-1', 'approve');
  await w.refused(() => w.draft(IDS.market, 'app-1', terms), 'INVALID_STATE');
  await w.reReview('app-1', 'approve');
  await w.refused(() => w.draft(IDS.transport, 'app-1', terms), 'FORBIDDEN');
  for (const who of [IDS.bureau, IDS.regulator, IDS.gateway, IDS.marketGatewayRole, IDS.stranger]) {
    await w.refused(() => w.draft(who, 'app-1', terms), 'FORBIDDEN');
  }
  await w.refused(() => w.draft(IDS.market, 'app-9', terms), 'NOT_FOUND');
  await w.draft(IDS.market, 'app-1', terms);
  await w.refused(() => w.draft(IDS.market, 'app-1', terms), 'ALREADY_EXISTS');
});

test('a body whose demand was rejected cannot draft, though the application is APPROVED', async () => {
  const w = await World.create();
  const demands = [demand(MARKET_ENTITIES), demand(TRANSPORT_VEHICLES)];
  await w.submit(w.aa, 'app-1', demands);
  await w.formalReview('app-1', 'accept');
  await w.ownerReview(IDS.market, 'app-1', 'approve');
  await w.ownerReview(IDS.transport, 'app-1', 'reject', 'no vehicles for this purpose');
  await w.reReview('app-1', 'approve');
  await w.refused(() => w.draft(IDS.transport, 'app-1', w.termsFor(IDS.transport, demands)), 'FORBIDDEN');
  await w.draft(IDS.market, 'app-1', w.termsFor(IDS.market, demands));
});

test('a draft may name only approved datasets and demanded items, with a sane validity', async () => {
  const w = await World.create();
  const demands = await approved(w);
  const base = w.termsFor(IDS.market, demands);
  for (const bad of [
    { datasets: [{ datasetId: TRANSPORT_VEHICLES, items: ['plate_no'] }] },
    { datasets: [{ datasetId: MARKET_NOTICES, items: ['title'] }] },
    { datasets: [{ datasetId: MARKET_ENTITIES, items: ['uscc', 'legal_rep_id'] }] },
    { datasets: [] },
    { validFrom: '2025-03-02' },
    { validUntil: '2025-03-03' },
    { validFrom: '2025-03-10', validUntil: '2028-03-11' },
    { validFrom: '2025-02-30' },
    { dailyQuota: 0 },
    { purpose: '' },
  ]) {
    await w.refused(() => w.draft(IDS.market, 'app-1', { ...base, ...bad }), 'INVALID_ARGUMENT');
  }
  // Fewer items than demanded, exactly three years: fine.
  const a = await w.draft(IDS.market, 'app-1', {
    ...base,
    datasets: [{ datasetId: MARKET_ENTITIES, items: ['uscc'] }],
    validFrom: '2025-03-10',
    validUntil: '2028-03-10',
  });
  assert.deepEqual(a.terms.datasets[0]?.items, ['uscc']);
});

test('body signs first, then the enterprise: IN_FORCE with one ACTIVE grant per dataset, in one event', async () => {
  const w = await World.create();
  await registerLicences(w);
  const demands = await approved(w, [
    demand(MARKET_ENTITIES, ['uscc', 'name']),
    demand(LICENCES, ['licence_no']),
  ]);
  const a = await w.draft(IDS.market, 'app-1', w.termsFor(IDS.market, demands, { dailyQuota: 700 }));

  const signed = await w.signAsBody(IDS.market, a);
  assert.equal(signed.state, 'DRAFT');
  assert.equal(signed.bodySignature?.mspId, 'MarketMSP');
  assert.deepEqual(signed.grants, []);
  assert.equal(w.ledger.lastEvent()?.name, EVENTS.AGREEMENT_SIGNED);
  await w.refused(() => w.getGrant(`${a.id}.${MARKET_ENTITIES}`), 'NOT_FOUND');

  const eventsBefore = w.ledger.events.length;
  const inForce = await w.signAsEnterprise(w.aa, a);
  assert.equal(inForce.state, 'IN_FORCE');
  assert.equal(inForce.inForceAt, w.ledger.now.toISOString());
  // In force on 2025-03-03: the product is due three calendar months later.
  assert.equal(inForce.productDeadline, '2025-06-03');
  assert.deepEqual(inForce.grants, [`app-1.MarketMSP.${MARKET_ENTITIES}`, `app-1.MarketMSP.${LICENCES}`]);
  assert.equal(w.ledger.events.length, eventsBefore + 1);
  const event = w.ledger.lastEvent();
  assert.equal(event?.name, EVENTS.AGREEMENT_IN_FORCE);
  assert.deepEqual(event?.payload.changes, [
    {
      type: 'grant',
      id: `app-1.MarketMSP.${MARKET_ENTITIES}`,
      state: 'ACTIVE',
      enterprise: CODES.aa,
      dataset: MARKET_ENTITIES,
    },
    {
      type: 'grant',
      id: `app-1.MarketMSP.${LICENCES}`,
      state: 'ACTIVE',
      enterprise: CODES.aa,
      dataset: LICENCES,
    },
    { type: 'agreement', id: a.id, state: 'IN_FORCE', enterprise: CODES.aa },
  ]);

  const [entities, licences] = (await Promise.all(inForce.grants.map((id) => w.getGrant(id)))) as [
    Grant,
    Grant,
  ];
  for (const g of [entities, licences]) {
    assert.equal(g.state, 'ACTIVE');
    assert.equal(g.agreementId, a.id);
    assert.equal(g.creditCode, CODES.aa);
    assert.equal(g.body, 'MarketMSP');
    assert.equal(g.validFrom, '2025-03-03');
    assert.equal(g.validUntil, '2026-03-02');
    assert.equal(g.dailyQuota, 700);
    assert.equal(g.grantedAt, w.ledger.now.toISOString());
    assert.ok(g.purpose.includes(a.terms.purpose));
    const policy = w.ledger.policies.get(stateKey('grant', g.id));
    assert.ok(policy, `grant ${g.id} has a key-level policy`);
    assert.deepEqual(new KeyEndorsementPolicy(policy).listOrgs().sort(), ['BureauMSP', 'MarketMSP']);
  }
  assert.deepEqual(entities.items, ['uscc', 'name']);
  assert.deepEqual(licences.items, ['licence_no']);
  // The agreement itself needs the owner's and the bureau's peers, so issuing its grants does too.
  const agreementPolicy = w.ledger.policies.get(stateKey('agreement', a.id));
  assert.ok(agreementPolicy, 'the agreement has a key-level policy');
  assert.deepEqual(new KeyEndorsementPolicy(agreementPolicy).listOrgs().sort(), ['BureauMSP', 'MarketMSP']);
});

test('the enterprise may sign first; the body’s signature then brings it into force', async () => {
  const w = await World.create();
  const a = await drafted(w);
  const first = await w.signAsEnterprise(w.aa, a);
  assert.equal(first.state, 'DRAFT');
  assert.ok(first.enterpriseSignature);
  assert.deepEqual(first.updatedBy, { mspId: 'BureauMSP', role: 'gateway' });
  assert.equal(w.ledger.lastEvent()?.name, EVENTS.AGREEMENT_SIGNED);
  const inForce = await w.signAsBody(IDS.market, a);
  assert.equal(inForce.state, 'IN_FORCE');
  assert.equal(w.ledger.lastEvent()?.name, EVENTS.AGREEMENT_IN_FORCE);
  const grant = await w.getGrant(inForce.grants[0]!);
  assert.equal(grant.state, 'ACTIVE');
  assert.deepEqual(grant.updatedBy, { mspId: 'MarketMSP', role: 'body' });
});

test('signatures must name the drafted termsHash, come once each, from the right parties, on a DRAFT', async () => {
  const w = await World.create();
  const a = await drafted(w);
  const wrong = { ...a, termsHash: sha('other terms') };
  await w.refused(() => w.signAsBody(IDS.market, wrong), 'INVALID_ARGUMENT');
  await w.refused(() => w.signAsBody(IDS.market, { ...a, termsHash: 'abc' }), 'INVALID_ARGUMENT');
  await w.refused(() => w.signAsEnterprise(w.aa, wrong), 'INVALID_ARGUMENT');
  await w.refused(() => w.signAsBody(IDS.transport, a), 'FORBIDDEN');
  for (const who of [IDS.bureau, IDS.regulator, IDS.gateway, IDS.stranger]) {
    await w.refused(() => w.signAsBody(who, a), 'FORBIDDEN');
  }
  await w.refused(() => w.signAsBody(IDS.market, { ...a, id: 'app-9.MarketMSP' }), 'NOT_FOUND');

  await w.signAsBody(IDS.market, a);
  await w.refused(() => w.signAsBody(IDS.market, a), 'INVALID_STATE');
  const signed = w.sign(w.aa, 'SignAgreement', { agreementId: a.id, termsHash: a.termsHash });
  await w.refused(
    () => w.invoke(IDS.market, C.agreement, 'SignAgreementAsEnterprise', ...signed),
    'FORBIDDEN',
  );
  await w.signAsEnterprise(w.aa, a);
  await w.refused(() => w.signAsEnterprise(w.aa, a), 'INVALID_STATE');
});

test('an enterprise signature for another enterprise’s agreement is FORBIDDEN', async () => {
  const w = await World.create();
  const a = await drafted(w);
  await w.refused(() => w.signAsEnterprise(w.aaa, a), 'FORBIDDEN');
  assert.equal((await w.getAgreement(a.id)).enterpriseSignature, undefined);
});

test('an enterprise downgraded since approval cannot bring the agreement into force', async () => {
  const w = await World.create();
  const a = await drafted(w);
  await w.signAsBody(IDS.market, a);
  await w.rate(w.aa, 'A');
  await w.refused(() => w.signAsEnterprise(w.aa, a), 'RATING_INSUFFICIENT');
});

test('renewal: proposed by the owning body, accepted by the enterprise, extends the grants', async () => {
  const w = await World.create();
  const { agreements, grants } = await w.activeGrants(w.aa, 'app-1');
  const a = agreements[0]!;
  await w.invoke(
    IDS.market,
    C.grant,
    'SuspendGrant',
    grants[0]!.id,
    'rectification',
    'fix the log retention',
  );

  w.ledger.now = new Date('2026-02-02T02:00:00Z');
  const proposed = await w.call<Agreement>(IDS.market, C.agreement, 'ProposeRenewal', a.id, '2027-03-02');
  assert.deepEqual(proposed.pendingRenewal, {
    validUntil: '2027-03-02',
    proposedAt: '2026-02-02T02:00:00.000Z',
  });
  assert.equal(proposed.terms.validUntil, '2026-03-02', 'nothing changes before the enterprise accepts');
  assert.equal((await w.getGrant(grants[0]!.id)).validUntil, '2026-03-02');

  const renewed = await w.asEnterprise<Agreement>(w.aa, C.agreement, 'AcceptRenewal', 'AcceptRenewal', {
    agreementId: a.id,
    validUntil: '2027-03-02',
  });
  assert.equal(renewed.terms.validUntil, '2027-03-02');
  assert.equal(renewed.pendingRenewal, undefined);
  assert.deepEqual(renewed.renewals, [{ validUntil: '2027-03-02', at: '2026-02-02T02:00:00.000Z' }]);
  assert.equal(renewed.state, 'IN_FORCE');
  const grant = await w.getGrant(grants[0]!.id);
  assert.equal(grant.validUntil, '2027-03-02');
  assert.equal(grant.state, 'SUSPENDED', 'a suspended grant is renewed but stays suspended');
  assert.equal(w.ledger.lastEvent()?.name, EVENTS.AGREEMENT_RENEWED);
  assert.deepEqual(
    w.ledger.lastEvent()?.payload.changes.map((c) => [c.type, c.id]),
    [
      ['grant', grants[0]!.id],
      ['agreement', a.id],
    ],
  );
  // The renewed grant can no longer be expired on its old end date.
  w.ledger.now = new Date('2026-03-04T02:00:00Z');
  await w.refused(() => w.invoke(IDS.market, C.grant, 'ExpireGrant', grant.id), 'INVALID_STATE');
});

test('renewal denials: wrong body, not later, after the end, not IN_FORCE, wrong date, other enterprise', async () => {
  const w = await World.create();
  const { agreements } = await w.activeGrants(w.aa, 'app-1');
  const a = agreements[0]!;
  const propose =
    (who = IDS.market, until = '2027-03-02', id = a.id) =>
    () =>
      w.invoke(who, C.agreement, 'ProposeRenewal', id, until);
  const accept =
    (e = w.aa, until = '2027-03-02') =>
    () =>
      w.asEnterprise(e, C.agreement, 'AcceptRenewal', 'AcceptRenewal', {
        agreementId: a.id,
        validUntil: until,
      });

  await w.refused(accept(), 'INVALID_STATE');
  await w.refused(propose(IDS.transport), 'FORBIDDEN');
  await w.refused(propose(IDS.bureau), 'FORBIDDEN');
  await w.refused(propose(IDS.market, '2026-03-02'), 'INVALID_ARGUMENT');
  await w.refused(propose(IDS.market, '2027-02-30'), 'INVALID_ARGUMENT');
  await w.refused(propose(IDS.market, '2027-03-02', 'app-9.MarketMSP'), 'NOT_FOUND');

  await propose()();
  await w.refused(accept(w.aa, '2027-03-03'), 'INVALID_STATE');
  await w.refused(accept(w.aaa), 'FORBIDDEN');
  const signed = w.sign(w.aa, 'AcceptRenewal', { agreementId: a.id, validUntil: '2027-03-02' });
  await w.refused(() => w.invoke(IDS.market, C.agreement, 'AcceptRenewal', ...signed), 'FORBIDDEN');
  // Downgraded: the renewal cannot be accepted.
  await w.rate(w.aa, 'A');
  await w.refused(accept(), 'RATING_INSUFFICIENT');
  await w.rate(w.aa, 'AA');
  await accept()();
  // After the end of the agreement, no renewal.
  w.ledger.now = new Date('2027-03-03T02:00:00Z');
  await w.refused(propose(IDS.market, '2028-03-02'), 'INVALID_STATE');
});

test('a DRAFT agreement cannot be renewed', async () => {
  const w = await World.create();
  const a = await drafted(w);
  await w.refused(
    () => w.invoke(IDS.market, C.agreement, 'ProposeRenewal', a.id, '2027-03-02'),
    'INVALID_STATE',
  );
});

test('the owning body terminates: the agreement and its live grants are TERMINATED in one transaction', async () => {
  const w = await World.create();
  await registerLicences(w);
  const demands = [demand(MARKET_ENTITIES), demand(LICENCES, ['licence_no'])];
  const { agreements, grants } = await w.activeGrants(w.aa, 'app-1', demands);
  const a = agreements[0]!;
  await w.invoke(IDS.market, C.grant, 'WithdrawGrant', grants[1]!.id, 'misuse of the licences');

  w.ledger.now = new Date('2025-06-02T02:00:00Z');
  const terminated = await w.call<Agreement>(
    IDS.market,
    C.agreement,
    'TerminateAgreement',
    a.id,
    'the service was shut down',
    '2025-06-02',
  );
  assert.equal(terminated.state, 'TERMINATED');
  assert.deepEqual(terminated.termination, {
    by: 'MarketMSP',
    reason: 'the service was shut down',
    noticeDate: '2025-06-02',
    at: '2025-06-02T02:00:00.000Z',
  });
  const g0 = await w.getGrant(grants[0]!.id);
  assert.equal(g0.state, 'TERMINATED');
  assert.deepEqual(g0.reason, {
    code: 'agreement-terminated',
    note: 'the service was shut down',
    at: '2025-06-02T02:00:00.000Z',
  });
  assert.equal((await w.getGrant(grants[1]!.id)).state, 'REVOKED', 'a withdrawn grant stays withdrawn');
  assert.equal(w.ledger.lastEvent()?.name, EVENTS.AGREEMENT_TERMINATED);
  assert.deepEqual(
    w.ledger.lastEvent()?.payload.changes.map((c) => [c.type, c.id, c.state]),
    [
      ['grant', grants[0]!.id, 'TERMINATED'],
      ['agreement', a.id, 'TERMINATED'],
    ],
  );
  await w.refused(
    () => w.invoke(IDS.market, C.agreement, 'TerminateAgreement', a.id, 'terminated twice', '2025-06-02'),
    'INVALID_STATE',
  );
});

test('the enterprise terminates through a signed request; the bureau may terminate too', async () => {
  const w = await World.create();
  const first = await w.activeGrants(w.aa, 'app-1');
  const a = first.agreements[0]!;
  const terminated = await w.asEnterprise<Agreement>(
    w.aa,
    C.agreement,
    'TerminateAgreementAsEnterprise',
    'TerminateAgreement',
    { agreementId: a.id, reason: 'we stop the service', noticeDate: '2025-03-01' },
  );
  assert.equal(terminated.state, 'TERMINATED');
  assert.equal(terminated.termination?.by, CODES.aa);
  assert.equal((await w.getGrant(first.grants[0]!.id)).state, 'TERMINATED');

  const second = await w.activeGrants(w.aaa, 'app-2');
  const byBureau = await w.call<Agreement>(
    IDS.bureau,
    C.agreement,
    'TerminateAgreement',
    second.agreements[0]!.id,
    'violation not rectified',
    '2025-03-03',
  );
  assert.equal(byBureau.termination?.by, 'BureauMSP');
  assert.equal((await w.getGrant(second.grants[0]!.id)).state, 'TERMINATED');
});

test('termination denials: future notice, no reason, another body or enterprise, regulator, gateway alone', async () => {
  const w = await World.create();
  const { agreements } = await w.activeGrants(w.aa, 'app-1');
  const a = agreements[0]!;
  const terminate =
    (who = IDS.market, why = 'the service was shut down', notice = '2025-03-03') =>
    () =>
      w.invoke(who, C.agreement, 'TerminateAgreement', a.id, why, notice);
  // 2025-03-03 10:00 in China: tomorrow is in the future.
  await w.refused(terminate(IDS.market, 'the service was shut down', '2025-03-04'), 'INVALID_ARGUMENT');
  await w.refused(terminate(IDS.market, ''), 'INVALID_ARGUMENT');
  await w.refused(terminate(IDS.market, 'ok', '2025-03-03'), 'INVALID_ARGUMENT');
  await w.refused(terminate(IDS.market, 'the service was shut down', '03/03/2025'), 'INVALID_ARGUMENT');
  for (const who of [IDS.transport, IDS.regulator, IDS.gateway, IDS.marketGatewayRole, IDS.stranger]) {
    await w.refused(terminate(who), 'FORBIDDEN');
  }
  const asEnterprise =
    (e = w.aa, noticeDate = '2025-03-03') =>
    () =>
      w.asEnterprise(e, C.agreement, 'TerminateAgreementAsEnterprise', 'TerminateAgreement', {
        agreementId: a.id,
        reason: 'we stop the service',
        noticeDate,
      });
  await w.refused(asEnterprise(w.aaa), 'FORBIDDEN');
  await w.refused(asEnterprise(w.aa, '2025-03-04'), 'INVALID_ARGUMENT');
  await terminate()();
});

test('a DRAFT may be terminated; it can then no longer be signed', async () => {
  const w = await World.create();
  const a = await drafted(w);
  const terminated = await w.call<Agreement>(
    IDS.market,
    C.agreement,
    'TerminateAgreement',
    a.id,
    'the enterprise withdrew',
    '2025-03-03',
  );
  assert.equal(terminated.state, 'TERMINATED');
  assert.deepEqual(terminated.grants, []);
  await w.refused(() => w.signAsBody(IDS.market, a), 'INVALID_STATE');
  await w.refused(() => w.signAsEnterprise(w.aa, a), 'INVALID_STATE');
});

test('agreements are read by the bureau, regulators, the gateway and the owning body only', async () => {
  const w = await World.create();
  const a = await drafted(w);
  for (const who of [IDS.bureau, IDS.regulator, IDS.gateway, IDS.market]) {
    assert.equal((await w.call<Agreement>(who, C.agreement, 'GetAgreement', a.id)).id, a.id);
  }
  for (const who of [IDS.transport, IDS.stranger, IDS.marketGatewayRole]) {
    await w.refused(() => w.invoke(who, C.agreement, 'GetAgreement', a.id), 'FORBIDDEN');
  }
});

test('validity may start later than today; the grant is issued with that validity', async () => {
  const w = await World.create();
  const start = plusDays(w.today(), 7);
  const { grants } = await w.activeGrants(w.aa, 'app-1', undefined, {
    validFrom: start,
    validUntil: plusDays(start, 30),
  });
  assert.equal(grants[0]?.validFrom, '2025-03-10');
  assert.equal(grants[0]?.validUntil, '2025-04-09');
});

test('an agreement whose validity has already ended cannot come into force', async () => {
  const w = await World.create();
  const a = await drafted(w, { validFrom: '2025-03-03', validUntil: '2025-03-20' });
  await w.signAsBody(IDS.market, a);
  w.ledger.now = new Date('2025-04-01T02:00:00Z');
  await w.refused(() => w.signAsEnterprise(w.aa, a), 'INVALID_STATE');
});
