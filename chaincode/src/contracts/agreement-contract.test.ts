import { expect } from 'chai';
import { KeyEndorsementPolicy } from 'fabric-shim';
import { IDS, secret } from '../testing/fake-ledger';
import {
  C,
  CODES,
  MARKET_ENTITIES,
  MARKET_NOTICES,
  TRANSPORT_VEHICLES,
  World,
  demand,
  licencesInput,
  marketEntitiesInput,
  plusDays,
  sha,
  stateKey,
  type DemandInput,
  type TermsInput,
  refusalFor,
} from '../testing/world';
import { EVENTS } from '../lib/events';
import { canonicalJson } from '../lib/state';
import { termsHash, type Agreement, type AgreementSecret } from '../models/agreement';
import type { Grant } from '../models/grant';

const LICENCES = licencesInput().id;

async function registerLicences(w: World): Promise<void> {
  await w.listDataset(IDS.market, licencesInput());
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

describe('AgreementContract', () => {
  it('the owning body drafts the agreement from the approved demand', async () => {
    const w = await World.create();
    const a = await drafted(w, { dailyQuota: 500, dataReturn: false });
    expect(a.id).to.equal('app-1.MarketMSP');
    expect(a.state).to.equal('DRAFT');
    expect(a.termsHash).to.match(/^[0-9a-f]{64}$/);
    expect(a.grants).to.deep.equal([]);
    expect(a.terms.creditCode).to.equal(CODES.aa);
    expect(a.terms.body).to.equal('MarketMSP');
    expect(a.terms.applicationId).to.equal('app-1');
    expect(a.terms.mlpsLevel).to.equal(3);
    expect(a.terms.datasets).to.deep.equal([{ datasetId: MARKET_ENTITIES, items: ['uscc', 'name'] }]);
    expect(a.terms.validFrom).to.equal('2025-03-03');
    expect(a.terms.validUntil).to.equal('2026-03-02');
    expect(a.terms.dailyQuota).to.equal(500);
    expect(a.terms.dataReturn).to.equal(false);
    expect(a.terms.productDeadlineMonths).to.equal(3);
    expect(a.terms.noRedistribution).to.equal(true);
    expect(a.terms.citationRequired).to.equal(true);
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.AGREEMENT_DRAFTED);
    expect(w.ledger.lastEvent()?.payload.changes).to.deep.equal([
      { type: 'agreement', id: 'app-1.MarketMSP', state: 'DRAFT', enterprise: CODES.aa },
    ]);
    expect(await w.getAgreement(a.id)).to.deep.equal(a);
  });

  it('terms that differ give a different termsHash', async () => {
    const w = await World.create();
    const demands = await approved(w);
    const a = await w.draft(IDS.market, 'app-1', w.termsFor(IDS.market, demands));
    const other = await World.create();
    await approved(other);
    const b = await other.draft(
      IDS.market,
      'app-1',
      other.termsFor(IDS.market, demands, { dailyQuota: 999 }),
    );
    expect(a.termsHash).not.to.equal(b.termsHash);
  });

  it('only a body with an approved demand drafts, once, and only for an APPROVED application', async () => {
    const w = await World.create();
    const demands = [demand(MARKET_ENTITIES, ['uscc', 'name'])];
    await w.submit(w.aa, 'app-1', demands);
    await w.formalReview('app-1', 'accept');
    const terms = w.termsFor(IDS.market, demands);
    await w.refused(() => w.draft(IDS.market, 'app-1', terms), 'INVALID_STATE');
    await w.ownerReview(IDS.market, 'app-1', 'approve');
    await w.refused(() => w.draft(IDS.market, 'app-1', terms), 'INVALID_STATE');
    await w.reReview('app-1', 'approve');
    await w.refused(() => w.draft(IDS.transport, 'app-1', terms), 'NOT_FOUND');
    for (const who of [IDS.bureau, IDS.regulator, IDS.gateway, IDS.marketGatewayRole, IDS.stranger]) {
      await w.refused(() => w.draft(who, 'app-1', terms), 'FORBIDDEN');
    }
    await w.refused(() => w.draft(IDS.market, 'app-9', terms), 'NOT_FOUND');
    await w.draft(IDS.market, 'app-1', terms);
    await w.refused(() => w.draft(IDS.market, 'app-1', terms), 'ALREADY_EXISTS');
  });

  it('a body whose demand was rejected cannot draft, though the application is APPROVED', async () => {
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

  it('a draft may name only approved datasets and demanded items, with a sane validity', async () => {
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
    // A misspelt term would draft its default (a data-return duty) for the enterprise to sign: refused, named.
    const { dataReturn: _d, ...withoutDataReturn } = base;
    await w.refused(
      () =>
        w.draft(IDS.market, 'app-1', { ...withoutDataReturn, dataRetrun: false } as unknown as typeof base),
      'INVALID_ARGUMENT',
      /terms has an unknown field "dataRetrun": it takes datasets, purpose, .* and returnIntervalDays$/,
    );
    await w.refused(
      () =>
        w.draft(IDS.market, 'app-1', {
          ...base,
          datasets: [
            { datasetId: MARKET_ENTITIES, items: ['uscc'], fields: ['name'] },
          ] as unknown as typeof base.datasets,
        }),
      'INVALID_ARGUMENT',
      /datasets\[0\] has an unknown field "fields": it takes datasetId and items$/,
    );
    // A dataset named twice would issue its one grant twice in one transaction, the second over the first.
    await w.refused(
      () =>
        w.draft(IDS.market, 'app-1', {
          ...base,
          datasets: [
            { datasetId: MARKET_ENTITIES, items: ['uscc'] },
            { datasetId: MARKET_ENTITIES, items: ['name'] },
          ],
        }),
      'INVALID_ARGUMENT',
      /dataset market-entities is named twice/,
    );
    // Fewer items than demanded, exactly three years: fine.
    const a = await w.draft(IDS.market, 'app-1', {
      ...base,
      datasets: [{ datasetId: MARKET_ENTITIES, items: ['uscc'] }],
      validFrom: '2025-03-10',
      validUntil: '2028-03-10',
    });
    expect(a.terms.datasets[0]?.items).to.deep.equal(['uscc']);
  });

  it('body signs first, then the enterprise: IN_FORCE with one ACTIVE grant per dataset, in one event', async () => {
    const w = await World.create();
    await registerLicences(w);
    const demands = await approved(w, [
      demand(MARKET_ENTITIES, ['uscc', 'name']),
      demand(LICENCES, ['licence_no']),
    ]);
    const a = await w.draft(IDS.market, 'app-1', w.termsFor(IDS.market, demands, { dailyQuota: 700 }));

    const signed = await w.signAsBody(IDS.market, a);
    expect(signed.state).to.equal('DRAFT');
    expect(signed.bodySignature?.mspId).to.equal('MarketMSP');
    expect(signed.grants).to.deep.equal([]);
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.AGREEMENT_SIGNED);
    await w.refused(() => w.getGrant(`${a.id}.${MARKET_ENTITIES}`), 'NOT_FOUND');

    const eventsBefore = w.ledger.events.length;
    const inForce = await w.signAsEnterprise(w.aa, a);
    expect(inForce.state).to.equal('IN_FORCE');
    expect(inForce.inForceAt).to.equal(w.ledger.now.toISOString());
    // In force on 2025-03-03: the product is due three calendar months later.
    expect(inForce.productDeadline).to.equal('2025-06-03');
    expect(inForce.grants).to.deep.equal([
      `app-1.MarketMSP.${MARKET_ENTITIES}`,
      `app-1.MarketMSP.${LICENCES}`,
    ]);
    expect(w.ledger.events.length).to.equal(eventsBefore + 1);
    const event = w.ledger.lastEvent();
    expect(event?.name).to.equal(EVENTS.AGREEMENT_IN_FORCE);
    expect(event?.payload.changes).to.deep.equal([
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
      expect(g.state).to.equal('ACTIVE');
      expect(g.agreementId).to.equal(a.id);
      expect(g.creditCode).to.equal(CODES.aa);
      expect(g.body).to.equal('MarketMSP');
      expect(g.validFrom).to.equal('2025-03-03');
      expect(g.validUntil).to.equal('2026-03-02');
      expect(g.dailyQuota).to.equal(700);
      expect(g.grantedAt).to.equal(w.ledger.now.toISOString());
      expect(g.purpose).to.include(a.terms.purpose);
      const policy = w.ledger.policies.get(stateKey('grant', g.id));
      expect(policy, `grant ${g.id} has a key-level policy`).to.be.instanceOf(Uint8Array);
      expect(new KeyEndorsementPolicy(policy).listOrgs().sort()).to.deep.equal(['BureauMSP', 'MarketMSP']);
    }
    expect(entities.items).to.deep.equal(['uscc', 'name']);
    expect(licences.items).to.deep.equal(['licence_no']);
    // The agreement itself needs the owner's and the bureau's peers, so issuing its grants does too.
    const agreementPolicy = w.ledger.policies.get(stateKey('agreement', a.id));
    expect(agreementPolicy, 'the agreement has a key-level policy').to.be.instanceOf(Uint8Array);
    expect(new KeyEndorsementPolicy(agreementPolicy).listOrgs().sort()).to.deep.equal([
      'BureauMSP',
      'MarketMSP',
    ]);
  });

  it('the enterprise may sign first; the body’s signature then brings it into force', async () => {
    const w = await World.create();
    const a = await drafted(w);
    const first = await w.signAsEnterprise(w.aa, a);
    expect(first.state).to.equal('DRAFT');
    expect(first.enterpriseSignature).to.be.an('object');
    expect(first.updatedBy).to.deep.equal({ mspId: 'BureauMSP', role: 'gateway' });
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.AGREEMENT_SIGNED);
    const inForce = await w.signAsBody(IDS.market, a);
    expect(inForce.state).to.equal('IN_FORCE');
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.AGREEMENT_IN_FORCE);
    const grant = await w.getGrant(inForce.grants[0]!);
    expect(grant.state).to.equal('ACTIVE');
    expect(grant.updatedBy).to.deep.equal({ mspId: 'MarketMSP', role: 'body' });
  });

  it('signatures must name the drafted termsHash, come once each, from the right parties, on a DRAFT', async () => {
    const w = await World.create();
    const a = await drafted(w);
    const wrong = { ...a, termsHash: sha('other terms') };
    await w.refused(() => w.signAsBody(IDS.market, wrong), 'INVALID_ARGUMENT');
    await w.refused(() => w.signAsBody(IDS.market, { ...a, termsHash: 'abc' }), 'INVALID_ARGUMENT');
    await w.refused(() => w.signAsEnterprise(w.aa, wrong), 'INVALID_ARGUMENT');
    await w.refused(() => w.signAsBody(IDS.transport, a), 'NOT_FOUND');
    for (const who of [IDS.bureau, IDS.regulator, IDS.gateway, IDS.stranger]) {
      await w.refused(() => w.signAsBody(who, a), 'FORBIDDEN');
    }
    await w.refused(() => w.signAsBody(IDS.market, { ...a, id: 'app-9.MarketMSP' }), 'NOT_FOUND');

    await w.signAsBody(IDS.market, a);
    await w.refused(() => w.signAsBody(IDS.market, a), 'INVALID_STATE');
    const signed = w.sign(w.aa, 'SignAgreement', { agreementId: a.id, termsHash: a.termsHash });
    await w.refused(
      () => w.invoke(IDS.market, C.agreement, 'SignAgreementAsEnterprise', signed),
      'FORBIDDEN',
    );
    await w.signAsEnterprise(w.aa, a);
    await w.refused(() => w.signAsEnterprise(w.aa, a), 'INVALID_STATE');
  });

  it('an enterprise signature for another enterprise’s agreement is FORBIDDEN', async () => {
    const w = await World.create();
    const a = await drafted(w);
    await w.refused(() => w.signAsEnterprise(w.aaa, a), 'FORBIDDEN');
    expect((await w.getAgreement(a.id)).enterpriseSignature).to.equal(undefined);
  });

  it('an enterprise downgraded since approval cannot bring the agreement into force', async () => {
    const w = await World.create();
    const a = await drafted(w);
    await w.signAsBody(IDS.market, a);
    await w.rate(w.aa, 'A');
    await w.refused(() => w.signAsEnterprise(w.aa, a), 'RATING_INSUFFICIENT');
  });

  it('renewal: proposed by the owning body, accepted by the enterprise, extends the grants', async () => {
    const w = await World.create();
    const { agreements, grants } = await w.activeGrants(w.aa, 'app-1');
    const a = agreements[0]!;
    await w.grantDecision(
      IDS.market,
      'SuspendGrant',
      grants[0]!.id,
      'fix the log retention',
      'rectification',
    );

    w.ledger.now = new Date('2026-02-02T02:00:00Z');
    const proposed = await w.call<Agreement>(IDS.market, C.agreement, 'ProposeRenewal', a.id, '2027-03-02');
    expect(proposed.pendingRenewal).to.deep.equal({
      validUntil: '2027-03-02',
      proposedAt: '2026-02-02T02:00:00.000Z',
    });
    expect(
      (await w.getAgreement(a.id)).terms.validUntil,
      'nothing changes before the enterprise accepts',
    ).to.equal('2026-03-02');
    expect((await w.getGrant(grants[0]!.id)).validUntil).to.equal('2026-03-02');

    const shell = await w.asEnterprise<{ validUntil: string }>(
      w.aa,
      C.agreement,
      'AcceptRenewal',
      'AcceptRenewal',
      {
        agreementId: a.id,
        validUntil: '2027-03-02',
      },
    );
    expect(shell.validUntil, 'the result is the shell: validity, no terms').to.equal('2027-03-02');
    expect(shell).not.to.have.property('terms');
    const renewed = await w.getAgreement(a.id);
    expect(renewed.terms.validUntil).to.equal('2027-03-02');
    expect(renewed.pendingRenewal).to.equal(undefined);
    expect(renewed.renewals).to.deep.equal([{ validUntil: '2027-03-02', at: '2026-02-02T02:00:00.000Z' }]);
    expect(renewed.state).to.equal('IN_FORCE');
    const grant = await w.getGrant(grants[0]!.id);
    expect(grant.validUntil).to.equal('2027-03-02');
    expect(grant.state, 'a suspended grant is renewed but stays suspended').to.equal('SUSPENDED');
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.AGREEMENT_RENEWED);
    expect(w.ledger.lastEvent()?.payload.changes.map((c) => [c.type, c.id])).to.deep.equal([
      ['grant', grants[0]!.id],
      ['agreement', a.id],
    ]);
    // The renewed grant can no longer be expired on its old end date.
    w.ledger.now = new Date('2026-03-04T02:00:00Z');
    await w.refused(() => w.invoke(IDS.market, C.grant, 'ExpireGrant', grant.id), 'INVALID_STATE');
  });

  it('renewal denials: wrong body, not later, after the end, not IN_FORCE, wrong date, other enterprise', async () => {
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
    await w.refused(propose(IDS.transport), 'NOT_FOUND');
    await w.refused(propose(IDS.bureau), 'FORBIDDEN');
    await w.refused(propose(IDS.market, '2026-03-02'), 'INVALID_ARGUMENT');
    await w.refused(propose(IDS.market, '2027-02-30'), 'INVALID_ARGUMENT');
    await w.refused(propose(IDS.market, '2027-03-02', 'app-9.MarketMSP'), 'NOT_FOUND');

    await propose()();
    await w.refused(accept(w.aa, '2027-03-03'), 'INVALID_STATE');
    await w.refused(accept(w.aaa), 'FORBIDDEN');
    const signed = w.sign(w.aa, 'AcceptRenewal', { agreementId: a.id, validUntil: '2027-03-02' });
    await w.refused(() => w.invoke(IDS.market, C.agreement, 'AcceptRenewal', signed), 'FORBIDDEN');
    // Downgraded: the renewal cannot be accepted.
    await w.rate(w.aa, 'A');
    await w.refused(accept(), 'RATING_INSUFFICIENT');
    await w.rate(w.aa, 'AA');
    await accept()();
    // After the end of the agreement, no renewal.
    w.ledger.now = new Date('2027-03-03T02:00:00Z');
    await w.refused(propose(IDS.market, '2028-03-02'), 'INVALID_STATE');
  });

  it('a DRAFT agreement cannot be renewed', async () => {
    const w = await World.create();
    const a = await drafted(w);
    await w.refused(
      () => w.invoke(IDS.market, C.agreement, 'ProposeRenewal', a.id, '2027-03-02'),
      'INVALID_STATE',
    );
  });

  it('the owning body terminates: the agreement and its live grants are TERMINATED in one transaction', async () => {
    const w = await World.create();
    await registerLicences(w);
    const demands = [demand(MARKET_ENTITIES), demand(LICENCES, ['licence_no'])];
    const { agreements, grants } = await w.activeGrants(w.aa, 'app-1', demands);
    const a = agreements[0]!;
    await w.grantDecision(IDS.market, 'WithdrawGrant', grants[1]!.id, 'misuse of the licences');

    w.ledger.now = new Date('2025-06-02T02:00:00Z');
    const shell = await w.call<Agreement>(
      IDS.market,
      C.agreement,
      'TerminateAgreement',
      a.id,
      '2025-06-02',
      secret({ reason: 'the service was shut down' }),
    );
    expect(shell.termination, 'the reason is not in the result (nor on the channel)').to.deep.equal({
      by: 'MarketMSP',
      noticeDate: '2025-06-02',
      at: '2025-06-02T02:00:00.000Z',
    });
    const terminated = await w.getAgreement(a.id);
    expect(terminated.state).to.equal('TERMINATED');
    expect(terminated.termination).to.deep.equal({
      by: 'MarketMSP',
      reason: 'the service was shut down',
      noticeDate: '2025-06-02',
      at: '2025-06-02T02:00:00.000Z',
    });
    const g0 = await w.getGrant(grants[0]!.id);
    expect(g0.state).to.equal('TERMINATED');
    expect(g0.reason).to.deep.equal({
      code: 'agreement-terminated',
      note: 'the service was shut down',
      at: '2025-06-02T02:00:00.000Z',
    });
    expect((await w.getGrant(grants[1]!.id)).state, 'a withdrawn grant stays withdrawn').to.equal('REVOKED');
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.AGREEMENT_TERMINATED);
    expect(w.ledger.lastEvent()?.payload.changes.map((c) => [c.type, c.id, c.state])).to.deep.equal([
      ['grant', grants[0]!.id, 'TERMINATED'],
      ['agreement', a.id, 'TERMINATED'],
    ]);
    await w.refused(
      () =>
        w.invoke(
          IDS.market,
          C.agreement,
          'TerminateAgreement',
          a.id,
          '2025-06-02',
          secret({ reason: 'terminated twice' }),
        ),
      'INVALID_STATE',
    );
  });

  it('the enterprise terminates through a signed request; the bureau may terminate too', async () => {
    const w = await World.create();
    const first = await w.activeGrants(w.aa, 'app-1');
    const a = first.agreements[0]!;
    const terminated = await w.asEnterprise<Agreement>(
      w.aa,
      C.agreement,
      'TerminateAgreementAsEnterprise',
      'TerminateAgreement',
      { agreementId: a.id, reason: 'we stop the service', noticeDate: '2025-03-03' },
    );
    expect(terminated.state).to.equal('TERMINATED');
    expect(terminated.termination?.by).to.equal(CODES.aa);
    expect((await w.getGrant(first.grants[0]!.id)).state).to.equal('TERMINATED');

    const second = await w.activeGrants(w.aaa, 'app-2');
    const byBureau = await w.call<Agreement>(
      IDS.bureau,
      C.agreement,
      'TerminateAgreement',
      second.agreements[0]!.id,
      '2025-03-03',
      secret({ reason: 'violation not rectified' }),
    );
    expect(byBureau.termination?.by).to.equal('BureauMSP');
    expect((await w.getGrant(second.grants[0]!.id)).state).to.equal('TERMINATED');
  });

  it('termination denials: future notice, no reason, another body or enterprise, regulator, gateway alone', async () => {
    const w = await World.create();
    const { agreements } = await w.activeGrants(w.aa, 'app-1');
    const a = agreements[0]!;
    const terminate =
      (who = IDS.market, why = 'the service was shut down', notice = '2025-03-03') =>
      () =>
        w.invoke(who, C.agreement, 'TerminateAgreement', a.id, notice, secret({ reason: why }));
    // 2025-03-03 10:00 in China: tomorrow is in the future.
    await w.refused(terminate(IDS.market, 'the service was shut down', '2025-03-04'), 'INVALID_ARGUMENT');
    await w.refused(terminate(IDS.market, ''), 'INVALID_ARGUMENT');
    await w.refused(terminate(IDS.market, 'ok', '2025-03-03'), 'INVALID_ARGUMENT');
    await w.refused(terminate(IDS.market, 'the service was shut down', '03/03/2025'), 'INVALID_ARGUMENT');
    for (const who of [IDS.transport, IDS.regulator, IDS.gateway, IDS.marketGatewayRole, IDS.stranger]) {
      await w.refused(terminate(who), refusalFor(who));
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

  it('a DRAFT may be terminated; it can then no longer be signed', async () => {
    const w = await World.create();
    const a = await drafted(w);
    const terminated = await w.call<Agreement>(
      IDS.market,
      C.agreement,
      'TerminateAgreement',
      a.id,
      '2025-03-03',
      secret({ reason: 'the enterprise withdrew' }),
    );
    expect(terminated.state).to.equal('TERMINATED');
    expect(terminated.grants).to.deep.equal([]);
    await w.refused(() => w.signAsBody(IDS.market, a), 'INVALID_STATE');
    await w.refused(() => w.signAsEnterprise(w.aa, a), 'INVALID_STATE');
  });

  it('agreements are read by the bureau, regulators, the gateway and the owning body only', async () => {
    const w = await World.create();
    const a = await drafted(w);
    for (const who of [IDS.bureau, IDS.regulator, IDS.gateway, IDS.market]) {
      expect((await w.call<Agreement>(who, C.agreement, 'GetAgreement', a.id)).id).to.equal(a.id);
    }
    for (const who of [IDS.transport, IDS.stranger, IDS.marketGatewayRole]) {
      await w.refused(() => w.invoke(who, C.agreement, 'GetAgreement', a.id), refusalFor(who));
    }
  });

  it('validity may start later than today; the grant is issued with that validity', async () => {
    const w = await World.create();
    const start = plusDays(w.today(), 7);
    const { grants } = await w.activeGrants(w.aa, 'app-1', undefined, {
      validFrom: start,
      validUntil: plusDays(start, 30),
    });
    expect(grants[0]?.validFrom).to.equal('2025-03-10');
    expect(grants[0]?.validUntil).to.equal('2025-04-09');
  });

  it('an agreement whose validity has already ended cannot come into force', async () => {
    const w = await World.create();
    const a = await drafted(w, { validFrom: '2025-03-03', validUntil: '2025-03-20' });
    await w.signAsBody(IDS.market, a);
    w.ledger.now = new Date('2025-04-01T02:00:00Z');
    await w.refused(() => w.signAsEnterprise(w.aa, a), 'INVALID_STATE');
  });
});

describe('AgreementContract: annex 4 — its terms, renewal asked by the user, termination after notice', () => {
  const DAY = 86_400_000;
  const inForce = async (terms: Partial<TermsInput> = {}) => {
    const w = await World.create();
    const { agreements, grants } = await w.activeGrants(w.aa, 'app-1', undefined, terms);
    return { w, a: agreements[0]!, grant: grants[0]! };
  };
  const terminate = (w: World, id: string, noticeDate = w.today()) =>
    w.call<Agreement>(
      IDS.market,
      C.agreement,
      'TerminateAgreement',
      id,
      noticeDate,
      secret({ reason: '业务调整' }),
    );
  const due = (w: World, who = IDS.clerk) =>
    w.call<{ items: { id: string; validUntil: string }[] }>(who, C.query, 'ListTerminationsDue', '10', '');
  const ask = (w: World, id: string, validUntil: string) =>
    w.asEnterprise<Agreement>(w.aa, C.agreement, 'RequestRenewal', 'RequestRenewal', {
      agreementId: id,
      validUntil,
    });

  it('the notice period, launch period, statistics dimensions and return list are terms (defaults: 30 and 30 days)', async () => {
    const w = await World.create();
    const demands = await approved(w);
    const { noticeDays: _n, ...plain } = w.termsFor(IDS.market, demands);
    const byDefault = await w.draft(IDS.market, 'app-1', plain);
    expect(byDefault.terms).to.deep.include({
      noticeDays: 30,
      launchDays: 30,
      statisticsDimensions: [],
      returnList: [],
    });
    const w2 = await World.create();
    const written = await w2.draft(
      IDS.market,
      'app-1',
      w2.termsFor(IDS.market, await approved(w2), {
        noticeDays: 60,
        launchDays: 15,
        statisticsDimensions: ['月度调用量', '授信笔数'],
        returnList: ['授信结果', '风险标签'],
      }),
    );
    expect(written.terms).to.deep.include({
      noticeDays: 60,
      launchDays: 15,
      statisticsDimensions: ['月度调用量', '授信笔数'],
      returnList: ['授信结果', '风险标签'],
    });
    for (const bad of [
      { noticeDays: 400 },
      { launchDays: 0 },
      { returnList: ['a', 'a'] },
      { statisticsDimensions: 'all' },
    ]) {
      const w3 = await World.create();
      const d = await approved(w3);
      await w3.refused(
        () => w3.draft(IDS.market, 'app-1', w3.termsFor(IDS.market, d, bad as Partial<TermsInput>)),
        'INVALID_ARGUMENT',
      );
    }
  });

  it('a notice takes effect after the notice period: the grants serve until then, and the clerk ends it when due', async () => {
    const { w, a, grant } = await inForce({ noticeDays: 30 });
    const noticed = await terminate(w, a.id);
    const effectiveOn = plusDays(w.today(), 30);
    expect(noticed.state).to.equal('IN_FORCE');
    expect(noticed.termination).to.deep.equal({
      by: 'MarketMSP',
      noticeDate: w.today(),
      effectiveOn,
      at: w.ledger.now.toISOString(),
    });
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.TERMINATION_NOTICE_GIVEN);
    expect((await w.getGrant(grant.id)).state, 'serving through the notice period').to.equal('ACTIVE');
    await w.refused(() => terminate(w, a.id), 'INVALID_STATE', /was given on/);
    await w.refused(
      () => ask(w, a.id, plusDays(a.terms.validUntil, 90)),
      'INVALID_STATE',
      /notice of termination/,
    );
    // Nor may the body's proposal, or a renewal it proposed before, be accepted once notice is given.
    await w.refused(
      () => w.invoke(IDS.market, C.agreement, 'ProposeRenewal', a.id, plusDays(a.terms.validUntil, 90)),
      'INVALID_STATE',
      /notice of termination/,
    );
    await w.refused(
      () => w.invoke(IDS.clerk, C.agreement, 'CompleteTermination', a.id),
      'INVALID_STATE',
      /not before/,
    );
    expect((await due(w)).items).to.deep.equal([]);

    w.ledger.now = new Date(w.ledger.now.getTime() + 30 * DAY);
    expect((await due(w)).items).to.deep.equal([{ id: a.id, validUntil: effectiveOn }]);
    await w.invoke(IDS.clerk, C.agreement, 'CompleteTermination', a.id);
    const ended = await w.getAgreement(a.id);
    expect([ended.state, ended.termination?.reason]).to.deep.equal(['TERMINATED', '业务调整']);
    expect((await w.getGrant(grant.id)).state).to.equal('TERMINATED');
    expect((await due(w)).items, 'done once').to.deep.equal([]);
    await w.refused(() => w.invoke(IDS.clerk, C.agreement, 'CompleteTermination', a.id), 'INVALID_STATE');
  });

  it('a renewal proposed before the notice cannot be accepted after it, nor one after the agreement ended', async () => {
    const { w, a } = await inForce({ noticeDays: 30 });
    const until = plusDays(a.terms.validUntil, 90);
    await w.invoke(IDS.market, C.agreement, 'ProposeRenewal', a.id, until);
    await terminate(w, a.id);
    const accept = () =>
      w.asEnterprise(w.aa, C.agreement, 'AcceptRenewal', 'AcceptRenewal', {
        agreementId: a.id,
        validUntil: until,
      });
    await w.refused(accept, 'INVALID_STATE', /notice of termination/);
    const other = await inForce();
    await other.w.invoke(
      IDS.market,
      C.agreement,
      'ProposeRenewal',
      other.a.id,
      plusDays(other.a.terms.validUntil, 90),
    );
    other.w.ledger.now = new Date(`${plusDays(other.a.terms.validUntil, 1)}T02:00:00Z`);
    await other.w.refused(
      () =>
        other.w.asEnterprise(other.w.aa, C.agreement, 'AcceptRenewal', 'AcceptRenewal', {
          agreementId: other.a.id,
          validUntil: plusDays(other.a.terms.validUntil, 90),
        }),
      'INVALID_STATE',
      /before expiry/,
    );
  });

  it('a notice given long enough ago ends the agreement at once; a draft ends at once', async () => {
    const { w, a, grant } = await inForce({ noticeDays: 5 });
    w.ledger.now = new Date(w.ledger.now.getTime() + 20 * DAY);
    const ended = await terminate(w, a.id, plusDays(w.today(), -6));
    expect(ended.state).to.equal('TERMINATED');
    expect((await w.getGrant(grant.id)).state).to.equal('TERMINATED');
  });

  it('a notice dated more than 7 days back, or before the agreement was in force, is refused: it would skip the notice period', async () => {
    const { w, a } = await inForce({ noticeDays: 30 });
    const inForceOn = w.today();
    w.ledger.now = new Date(w.ledger.now.getTime() + 40 * DAY);
    // Dated 40 days back (the day it came into force), a 30-day notice would end the agreement at once.
    await w.refused(
      () => terminate(w, a.id, plusDays(w.today(), -8)),
      'INVALID_ARGUMENT',
      new RegExp(
        `noticeDate ${plusDays(w.today(), -8)} is too far back: notice is recorded at most 7 days after it was given`,
      ),
    );
    await w.refused(() => terminate(w, a.id, inForceOn), 'INVALID_ARGUMENT');
    const noticed = await terminate(w, a.id, plusDays(w.today(), -7));
    expect(noticed.state).to.equal('IN_FORCE');
    expect(noticed.termination?.effectiveOn).to.equal(plusDays(w.today(), 23));

    // Nor before it was in force, even within the 7 days.
    const fresh = await inForce({ noticeDays: 30 });
    await fresh.w.refused(
      () => terminate(fresh.w, fresh.a.id, plusDays(fresh.w.today(), -1)),
      'INVALID_ARGUMENT',
      new RegExp(`\\(${fresh.w.today()} at the earliest\\)$`),
    );
  });

  it('the enterprise asks to renew before expiry; the body approves (renewed at once) or declines', async () => {
    const { w, a, grant } = await inForce();
    const until = plusDays(a.terms.validUntil, 180);
    const asked = await ask(w, a.id, until);
    expect(asked.renewalRequest).to.deep.equal({
      validUntil: until,
      requestedAt: w.ledger.now.toISOString(),
    });
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.RENEWAL_REQUESTED);
    await w.refused(() => w.invoke(IDS.transport, C.agreement, 'ApproveRenewalRequest', a.id), 'NOT_FOUND');
    await w.invoke(IDS.market, C.agreement, 'ApproveRenewalRequest', a.id);
    const renewed = await w.getAgreement(a.id);
    expect([
      renewed.terms.validUntil,
      renewed.renewalRequest,
      renewed.renewals.at(-1)?.validUntil,
    ]).to.deep.equal([until, undefined, until]);
    expect((await w.getGrant(grant.id)).validUntil).to.equal(until);
    await w.refused(() => w.invoke(IDS.market, C.agreement, 'ApproveRenewalRequest', a.id), 'INVALID_STATE');

    await ask(w, a.id, plusDays(until, 30));
    await w.refused(
      () => w.invoke(IDS.market, C.agreement, 'DeclineRenewalRequest', a.id, secret({ reason: '' })),
      'INVALID_ARGUMENT',
    );
    await w.invoke(
      IDS.market,
      C.agreement,
      'DeclineRenewalRequest',
      a.id,
      secret({ reason: '数据集将停止开放' }),
    );
    const declined = await w.getAgreement(a.id);
    expect([declined.terms.validUntil, declined.renewalRequest]).to.deep.equal([until, undefined]);
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.RENEWAL_DECLINED);

    await w.refused(() => ask(w, a.id, until), 'INVALID_ARGUMENT', /after the current end/);
    await w.refused(() => ask(w, a.id, '2099-01-01'), 'INVALID_ARGUMENT', /three years/);
    w.ledger.now = new Date(`${plusDays(until, 1)}T02:00:00Z`);
    await w.refused(() => ask(w, a.id, plusDays(until, 90)), 'INVALID_STATE', /before expiry/);
  });
});

describe('AgreementContract: the terms hash is salted', () => {
  /** Renews `a` (in force, valid until 2026-03-02) to 2027-03-02: proposed by Market, accepted by AA. */
  async function renewed(w: World, a: Agreement): Promise<Agreement> {
    w.ledger.now = new Date('2026-02-02T02:00:00Z');
    await w.invoke(IDS.market, C.agreement, 'ProposeRenewal', a.id, '2027-03-02');
    await w.asEnterprise(w.aa, C.agreement, 'AcceptRenewal', 'AcceptRenewal', {
      agreementId: a.id,
      validUntil: '2027-03-02',
    });
    return w.getAgreement(a.id);
  }

  /** `a` as drafted before the salt: its secret without one, its shell with the hash of the bare terms. */
  function asDraftedBeforeTheSalt(w: World, a: Agreement): void {
    const key = stateKey('agreement', a.id);
    const collection = w.ledger.collections.get('rdx-MarketMSP')!;
    const { termsSalt: _s, ...secret } = JSON.parse(collection.get(key)!.toString('utf8')) as Record<
      string,
      unknown
    >;
    const bytes = Buffer.from(canonicalJson(secret));
    collection.set(key, bytes);
    const shell = JSON.parse(w.ledger.state.get(key)!.toString('utf8')) as Record<string, unknown>;
    const unsalted = {
      ...shell,
      termsHash: sha(canonicalJson(a.terms)),
      sealedHash: sha(bytes.toString('utf8')),
    };
    w.ledger.state.set(key, Buffer.from(canonicalJson(unsalted)));
  }

  it('the hash covers the terms with a salt of the drafting transaction, kept with the terms by the owner', async () => {
    const w = await World.create();
    const a = await drafted(w);
    expect(Buffer.from(a.termsSalt ?? '', 'base64').length).to.be.at.least(16);
    expect(a.termsHash).to.equal(sha(canonicalJson({ ...a.terms, salt: a.termsSalt })));
    expect(termsHash(a.terms, a.termsSalt)).to.equal(a.termsHash);
    const kept = w.ledger.collections.get('rdx-MarketMSP')!.get(stateKey('agreement', a.id))!;
    expect((JSON.parse(kept.toString('utf8')) as AgreementSecret).termsSalt).to.equal(a.termsSalt);
    await w.signAsBody(IDS.market, a);
    expect((await w.signAsEnterprise(w.aa, a)).state).to.equal('IN_FORCE');
  });

  it('identical terms give different hashes', async () => {
    const [a, b] = [await drafted(await World.create()), await drafted(await World.create())];
    expect(b.terms).to.deep.equal(a.terms);
    expect(b.termsHash).not.to.equal(a.termsHash);
  });

  it('a renewal hashes the renewed terms with a fresh salt', async () => {
    const w = await World.create();
    const before = (await w.activeGrants(w.aa, 'app-1')).agreements[0]!;
    const after = await renewed(w, before);
    expect(after.termsSalt).to.be.a('string').and.not.equal(before.termsSalt);
    expect(after.termsHash).to.equal(sha(canonicalJson({ ...after.terms, salt: after.termsSalt })));
  });

  it('an agreement drafted before the salt keeps the hash of its bare terms: it is signed into force, and salted at renewal', async () => {
    const w = await World.create();
    asDraftedBeforeTheSalt(w, await drafted(w));
    const old = await w.getAgreement('app-1.MarketMSP');
    expect(old).not.to.have.property('termsSalt');
    expect(old.termsHash).to.equal(termsHash(old.terms, undefined));
    await w.refused(
      () => w.signAsBody(IDS.market, { ...old, termsHash: termsHash(old.terms, 'c2FsdA==') }),
      'INVALID_ARGUMENT',
    );
    await w.signAsBody(IDS.market, old);
    const inForce = await w.signAsEnterprise(w.aa, old);
    expect(inForce.state).to.equal('IN_FORCE');
    const after = await renewed(w, inForce);
    expect(after.termsHash).to.equal(termsHash(after.terms, after.termsSalt));
    expect(after.termsSalt).to.be.a('string');
  });
});

describe('AgreementContract: grant ids', () => {
  it('no application can name another’s grant: an application id with a dot is refused when filed', async () => {
    const w = await World.create();
    // Dataset ids may hold dots: app-1 on dataset v2.MarketMSP.market-entities has grant
    // app-1.MarketMSP.v2.MarketMSP.market-entities, which app-1.MarketMSP.v2 on market-entities would name too: filed
    // first, its agreement would have taken the grant id and app-1's could never enter into force.
    const dotted = `v2.MarketMSP.${MARKET_ENTITIES}`;
    await w.listDataset(IDS.market, { ...marketEntitiesInput(), id: dotted });
    // The world names a demand's endorsers by the datasets it knows: market entities brings Market's.
    const { grants } = await w.activeGrants(w.aa, 'app-1', [demand(MARKET_ENTITIES), demand(dotted)]);
    const first = grants.find((g) => g.datasetId === dotted)!;
    expect(first.id).to.equal('app-1.MarketMSP.v2.MarketMSP.market-entities');
    await w.grantDecision(IDS.bureau, 'SuspendGrant', first.id, 'resale of the data found', 'violation');

    await w.refused(
      () => w.submit(w.aaa, 'app-1.MarketMSP.v2', [demand(MARKET_ENTITIES)]),
      'INVALID_ARGUMENT',
      /id must be letters, digits, "_" or "-", without "\."/,
    );
    await w.submit(w.aaa, 'app-1_MarketMSP-v2', [demand(MARKET_ENTITIES)]);
    const kept = await w.getGrant(first.id);
    expect([kept.state, kept.creditCode, kept.datasetId]).to.deep.equal(['SUSPENDED', CODES.aa, dotted]);
  });
});
