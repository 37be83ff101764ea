import { expect } from 'chai';
import { IDS, type Identity, secret } from '../testing/fake-ledger';
import {
  C,
  CODES,
  MARKET_ENTITIES,
  TRANSPORT_VEHICLES,
  World,
  demand,
  marketEntitiesInput,
  refusalFor,
} from '../testing/world';
import { EVENTS } from '../lib/events';
import type { Page } from '../lib/listing';
import type { Agreement } from '../models/agreement';
import type { Enterprise } from '../models/enterprise';
import type { Grant } from '../models/grant';

/** The AA enterprise's ACTIVE grant on market-entities. */
async function marketGrant(w: World): Promise<Grant> {
  return (await w.activeGrants(w.aa, 'app-1')).grants[0]!;
}

/** Suspends (the note as transient data) and reads the whole grant back, as the SDK does. */
const suspend = async (
  w: World,
  who: Identity,
  id: string,
  why = 'violation',
  note = 'found reselling data',
) => {
  const shell = await w.call<Grant>(who, C.grant, 'SuspendGrant', id, why, secret({ note }));
  expect(shell, 'the result holds no items, purpose or quota').not.to.have.any.keys(
    'items',
    'purpose',
    'dailyQuota',
  );
  expect(shell.reason?.note, 'nor the note').to.equal('');
  return w.getGrant(id);
};

describe('GrantContract', () => {
  it('the owning body suspends a grant: SUSPENDED with its reason, one GrantSuspended event', async () => {
    const w = await World.create();
    const g = await marketGrant(w);
    const suspended = await suspend(w, IDS.market, g.id);
    expect(suspended.state).to.equal('SUSPENDED');
    expect(suspended.reason).to.deep.equal({
      code: 'violation',
      note: 'found reselling data',
      at: w.ledger.now.toISOString(),
      by: 'MarketMSP',
    });
    expect(suspended.updatedBy).to.deep.equal({ mspId: 'MarketMSP', role: 'body' });
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.GRANT_SUSPENDED);
    expect(w.ledger.lastEvent()?.payload.changes).to.deep.equal([
      { type: 'grant', id: g.id, state: 'SUSPENDED', enterprise: CODES.aa, dataset: MARKET_ENTITIES },
    ]);
    expect(await w.getGrant(g.id)).to.deep.equal(suspended);
    await w.refused(() => suspend(w, IDS.market, g.id), 'INVALID_STATE');
  });

  it('the bureau may suspend any grant', async () => {
    const w = await World.create();
    const g = await marketGrant(w);
    const suspended = await suspend(w, IDS.bureau, g.id, 'rectification', 'audit log gaps found');
    expect(suspended.state).to.equal('SUSPENDED');
    expect(suspended.updatedBy).to.deep.equal({ mspId: 'BureauMSP', role: 'bureau' });
  });

  it('suspension denials: another body, regulator, gateway; bad reason code; no note; unknown grant', async () => {
    const w = await World.create();
    const g = await marketGrant(w);
    for (const who of [
      IDS.transport,
      IDS.regulator,
      IDS.gateway,
      IDS.marketGatewayRole,
      IDS.bureauNoRole,
      IDS.stranger,
    ]) {
      await w.refused(() => suspend(w, who, g.id), refusalFor(who));
    }
    await w.refused(() => suspend(w, IDS.market, g.id, 'dislike'), 'INVALID_ARGUMENT');
    await w.refused(() => suspend(w, IDS.market, g.id, 'violation', ''), 'INVALID_ARGUMENT');
    await w.refused(() => suspend(w, IDS.market, g.id, 'violation', 'call 13812345678'), 'INVALID_ARGUMENT');
    await w.refused(() => suspend(w, IDS.market, 'no-such-grant'), 'NOT_FOUND');
    expect((await w.getGrant(g.id)).state).to.equal('ACTIVE');
  });

  it('only the party that suspended a grant, or the bureau, restores it (Z39)', async () => {
    const w = await World.create();
    const g = await marketGrant(w);
    await w.refused(
      () => w.invoke(IDS.market, C.grant, 'RestoreGrant', g.id, secret({ note: '' })),
      'INVALID_STATE',
    );
    // Closed by the bureau for a violation: the owning body may not reopen it, the bureau may.
    await suspend(w, IDS.bureau, g.id);
    for (const who of [IDS.market, IDS.transport, IDS.regulator, IDS.gateway, IDS.clerk, IDS.stranger]) {
      await w.refused(
        () => w.invoke(who, C.grant, 'RestoreGrant', g.id, secret({ note: 'rectified' })),
        who === IDS.market ? 'FORBIDDEN' : refusalFor(who),
      );
    }
    const said = await w
      .invoke(IDS.market, C.grant, 'RestoreGrant', g.id, secret({ note: 'rectified' }))
      .catch((err: Error) => err.message);
    expect(said).to.match(/suspended by BureauMSP \(violation\): only BureauMSP may restore it/);
    expect((await w.grantDecision(IDS.bureau, 'RestoreGrant', g.id, 'rectified')).state).to.equal('ACTIVE');

    // Closed by the owning body: it restores it.
    await suspend(w, IDS.market, g.id);
    const restored = await w.grantDecision(IDS.market, 'RestoreGrant', g.id, 'rectified');
    expect(restored.state).to.equal('ACTIVE');
    expect(restored.reason).to.equal(undefined);
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.GRANT_RESTORED);
    expect(w.ledger.lastEvent()?.payload.changes).to.deep.equal([
      { type: 'grant', id: g.id, state: 'ACTIVE', enterprise: CODES.aa, dataset: MARKET_ENTITIES },
    ]);
  });

  it('Z39: whoever suspended for a violation sets the rectification date; past it the suspension is overdue', async () => {
    const w = await World.create();
    const g = await marketGrant(w);
    const rectify = (who: Identity, by: string) =>
      w.call<Grant>(who, C.grant, 'RequireRectification', g.id, by);
    await w.refused(() => rectify(IDS.market, '2025-03-20'), 'INVALID_STATE'); // not suspended
    await suspend(w, IDS.market, g.id);
    for (const who of [IDS.transport, IDS.regulator, IDS.gateway, IDS.clerk, IDS.marketReviewer]) {
      await w.refused(() => rectify(who, '2025-03-20'), refusalFor(who));
    }
    await w.refused(() => rectify(IDS.market, '2025-03-03'), 'INVALID_ARGUMENT'); // today
    await w.refused(() => rectify(IDS.market, '2026-03-04'), 'INVALID_ARGUMENT'); // over a year
    await w.refused(() => rectify(IDS.market, '2025-02-30'), 'INVALID_ARGUMENT');
    expect((await rectify(IDS.market, '2025-03-20')).reason?.rectifyBy).to.equal('2025-03-20');
    expect((await w.getGrant(g.id)).reason).to.deep.include({ code: 'violation', by: 'MarketMSP' });

    const overdue = () => w.call<{ type: string }[]>(IDS.bureau, C.query, 'ListOverdue');
    w.setChinaTime('2025-03-20', '23:00');
    expect(await overdue()).to.deep.equal([]);
    w.setChinaTime('2025-03-21', '09:00');
    expect(await overdue()).to.deep.equal([
      { type: 'rectification', id: g.id, step: 'rectification', due: '2025-03-20', party: 'MarketMSP' },
    ]);
    await w.grantDecision(IDS.market, 'RestoreGrant', g.id, '整改完成');
    expect(await overdue()).to.deep.equal([]);
  });

  it('a rectification is set by the bureau for its own suspension, and only for a violation or rectification', async () => {
    const w = await World.create();
    const g = await marketGrant(w);
    await suspend(w, IDS.bureau, g.id, 'rectification');
    await w.refused(
      () => w.invoke(IDS.market, C.grant, 'RequireRectification', g.id, '2025-03-20'),
      'FORBIDDEN',
    );
    await w.invoke(IDS.bureau, C.grant, 'RequireRectification', g.id, '2025-03-20');
    const other = (await w.activeGrants(w.aaa, 'app-2')).grants[0]!;
    await suspend(w, IDS.market, other.id, 'complaint');
    await w.refused(
      () => w.invoke(IDS.market, C.grant, 'RequireRectification', other.id, '2025-03-20'),
      'INVALID_STATE',
    );
  });

  it('a revoked grant cannot be restored (INVALID_STATE)', async () => {
    const w = await World.create();
    const g = await marketGrant(w);
    await suspend(w, IDS.market, g.id);
    await w.invoke(IDS.market, C.grant, 'WithdrawGrant', g.id, secret({ note: 'repeated violations' }));
    await w.refused(
      () => w.invoke(IDS.market, C.grant, 'RestoreGrant', g.id, secret({ note: 'rectified' })),
      'INVALID_STATE',
    );
  });

  it('restoring is refused while the enterprise is rated A, and allowed once it is AA again', async () => {
    const w = await World.create();
    const g = await marketGrant(w);
    await w.rate(w.aa, 'A');
    expect((await w.getGrant(g.id)).state).to.equal('SUSPENDED');
    await w.refused(
      () => w.invoke(IDS.market, C.grant, 'RestoreGrant', g.id, secret({ note: 'rectified' })),
      'RATING_INSUFFICIENT',
    );
    await w.rate(w.aa, 'AA');
    expect((await w.getGrant(g.id)).state, 'a new rating does not restore by itself').to.equal('SUSPENDED');
    const restored = await w.grantDecision(IDS.market, 'RestoreGrant', g.id, 'rectified');
    expect(restored.state).to.equal('ACTIVE');
  });

  it('restoring is refused once the grant’s validity has passed', async () => {
    const w = await World.create();
    const g = await marketGrant(w);
    await suspend(w, IDS.market, g.id);
    w.ledger.now = new Date('2026-03-03T02:00:00Z');
    await w.refused(
      () => w.invoke(IDS.market, C.grant, 'RestoreGrant', g.id, secret({ note: 'rectified' })),
      'INVALID_STATE',
    );
  });

  it('only the owning body withdraws a grant (REVOKED), with a reason; a revoked grant stays revoked', async () => {
    const w = await World.create();
    const g = await marketGrant(w);
    for (const who of [IDS.bureau, IDS.transport, IDS.regulator, IDS.gateway]) {
      await w.refused(
        () => w.invoke(who, C.grant, 'WithdrawGrant', g.id, secret({ note: 'repeated violations' })),
        refusalFor(who),
      );
    }
    await w.refused(
      () => w.invoke(IDS.market, C.grant, 'WithdrawGrant', g.id, secret({ note: '' })),
      'INVALID_ARGUMENT',
    );
    const revoked = await w.grantDecision(IDS.market, 'WithdrawGrant', g.id, 'repeated violations');
    expect(revoked.state).to.equal('REVOKED');
    expect(revoked.reason?.code).to.equal('withdrawn');
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.GRANT_WITHDRAWN);
    await w.refused(
      () => w.invoke(IDS.market, C.grant, 'WithdrawGrant', g.id, secret({ note: 'once more' })),
      'INVALID_STATE',
    );
    await w.refused(() => suspend(w, IDS.market, g.id), 'INVALID_STATE');
    await w.refused(
      () => w.invoke(IDS.market, C.grant, 'TerminateGrant', g.id, secret({ note: 'and terminate' })),
      'INVALID_STATE',
    );
  });

  it('the owning body or the bureau terminates a grant (from ACTIVE or SUSPENDED); it is final', async () => {
    const w = await World.create();
    const { grants } = await w.activeGrants(w.aa, 'app-1', [demand(MARKET_ENTITIES)]);
    const other = (await w.activeGrants(w.aaa, 'app-2')).grants[0]!;
    for (const who of [IDS.transport, IDS.regulator, IDS.gateway, IDS.stranger]) {
      await w.refused(
        () =>
          w.invoke(who, C.grant, 'TerminateGrant', grants[0]!.id, secret({ note: 'violation not fixed' })),
        refusalFor(who),
      );
    }
    await w.refused(
      () => w.invoke(IDS.market, C.grant, 'TerminateGrant', grants[0]!.id, secret({ note: '' })),
      'INVALID_ARGUMENT',
    );
    const byOwner = await w.grantDecision(IDS.market, 'TerminateGrant', grants[0]!.id, 'violation not fixed');
    expect(byOwner.state).to.equal('TERMINATED');
    expect(byOwner.reason?.code).to.equal('terminated');
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.GRANT_TERMINATED);
    // Z39: into the enterprise's credit file; the agreement, left without a live grant, ends with it.
    const enterprise = await w.call<Enterprise>(IDS.regulator, C.enterprise, 'GetEnterprise', CODES.aa);
    expect(enterprise.violations).to.deep.equal([
      {
        grantId: grants[0]!.id,
        agreementId: byOwner.agreementId,
        body: 'MarketMSP',
        at: w.ledger.now.toISOString(),
      },
    ]);
    const agreement = await w.call<Agreement>(
      IDS.regulator,
      C.agreement,
      'GetAgreement',
      byOwner.agreementId,
    );
    expect(agreement.state).to.equal('TERMINATED');
    expect(agreement.termination).to.deep.include({ by: 'MarketMSP', noticeDate: '2025-03-03' });
    expect(agreement.termination?.reason).to.equal(
      `grant ${grants[0]!.id} terminated (Z39): violation not fixed`,
    );
    expect(w.ledger.lastEvent()?.payload.changes.map((c) => c.type)).to.deep.equal([
      'grant',
      'enterprise',
      'agreement',
    ]);

    await suspend(w, IDS.market, other.id);
    const byBureau = await w.grantDecision(IDS.bureau, 'TerminateGrant', other.id, 'violation not fixed');
    expect(byBureau.state).to.equal('TERMINATED');
    await w.refused(
      () => w.invoke(IDS.market, C.grant, 'RestoreGrant', other.id, secret({ note: 'rectified' })),
      'INVALID_STATE',
    );
    await w.refused(
      () => w.invoke(IDS.bureau, C.grant, 'TerminateGrant', other.id, secret({ note: 'again' })),
      'INVALID_STATE',
    );
  });

  it('an agreement with another live grant stays in force when one of its grants is terminated', async () => {
    const w = await World.create();
    const licences = { ...marketEntitiesInput(), id: 'market-licences' };
    await w.listDataset(IDS.market, licences);
    const { grants } = await w.activeGrants(w.aa, 'app-1', [demand(MARKET_ENTITIES), demand(licences.id)]);
    expect(grants.map((g) => g.agreementId)).to.deep.equal(['app-1.MarketMSP', 'app-1.MarketMSP']);
    await w.grantDecision(IDS.market, 'TerminateGrant', grants[0]!.id, 'violation not fixed');
    const agreement = await w.call<Agreement>(IDS.regulator, C.agreement, 'GetAgreement', 'app-1.MarketMSP');
    expect(agreement.state).to.equal('IN_FORCE');
    await w.grantDecision(IDS.bureau, 'TerminateGrant', grants[1]!.id, 'second violation');
    const ended = await w.call<Agreement>(IDS.regulator, C.agreement, 'GetAgreement', 'app-1.MarketMSP');
    expect([ended.state, ended.termination?.by]).to.deep.equal(['TERMINATED', 'BureauMSP']);
    const enterprise = await w.call<Enterprise>(IDS.regulator, C.enterprise, 'GetEnterprise', CODES.aa);
    expect(enterprise.violations?.map((v) => v.grantId)).to.deep.equal(grants.map((g) => g.id));
  });

  it('a grant expires only after its validUntil (China time), by the clerk, the owner or the bureau', async () => {
    const w = await World.create();
    const g = await marketGrant(w);
    expect(g.validUntil).to.equal('2026-03-02');
    w.setChinaTime('2026-03-02', '23:59');
    await w.refused(() => w.invoke(IDS.clerk, C.grant, 'ExpireGrant', g.id), 'INVALID_STATE');
    w.setChinaTime('2026-03-03', '00:01');
    for (const who of [IDS.transport, IDS.regulator, IDS.gateway, IDS.marketGatewayRole, IDS.stranger]) {
      await w.refused(() => w.invoke(who, C.grant, 'ExpireGrant', g.id), refusalFor(who));
    }
    const expired = await w.call<Grant>(IDS.clerk, C.grant, 'ExpireGrant', g.id);
    expect(expired.state).to.equal('EXPIRED');
    expect(expired.reason).to.deep.equal({
      code: 'expired',
      note: 'validity ended 2026-03-02',
      at: w.ledger.now.toISOString(),
    });
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.GRANT_EXPIRED);
    await w.refused(() => w.invoke(IDS.market, C.grant, 'ExpireGrant', g.id), 'INVALID_STATE');
  });

  it('the owner may expire a grant too, and a suspended grant expires (here by the bureau)', async () => {
    const w = await World.create();
    const active = await marketGrant(w);
    const suspended = (await w.activeGrants(w.aaa, 'app-2')).grants[0]!;
    await suspend(w, IDS.market, suspended.id);
    w.ledger.now = new Date('2026-03-04T02:00:00Z');
    expect((await w.call<Grant>(IDS.market, C.grant, 'ExpireGrant', active.id)).state).to.equal('EXPIRED');
    expect((await w.call<Grant>(IDS.bureau, C.grant, 'ExpireGrant', suspended.id)).state).to.equal('EXPIRED');
  });

  it('grants are read by the bureau, regulators, the gateway and the owning body only', async () => {
    const w = await World.create();
    const g = await marketGrant(w);
    for (const who of [IDS.bureau, IDS.regulator, IDS.gateway, IDS.market]) {
      expect((await w.call<Grant>(who, C.grant, 'GetGrant', g.id)).id).to.equal(g.id);
    }
    for (const who of [IDS.transport, IDS.stranger, IDS.marketGatewayRole]) {
      await w.refused(() => w.invoke(who, C.grant, 'GetGrant', g.id), refusalFor(who));
    }
  });

  /** Three grants: AA on market and transport, AAA on market. */
  async function threeGrants(w: World): Promise<Grant[]> {
    const aa = await w.activeGrants(w.aa, 'app-1', [demand(MARKET_ENTITIES), demand(TRANSPORT_VEHICLES)]);
    const aaa = await w.activeGrants(w.aaa, 'app-2');
    return [...aa.grants, ...aaa.grants];
  }

  async function allPages(w: World, who: Identity, filter: object, pageSize: number): Promise<Page<Grant>[]> {
    const pages: Page<Grant>[] = [];
    let bookmark = '';
    do {
      const page = await w.call<Page<Grant>>(
        who,
        C.grant,
        'ListGrants',
        JSON.stringify(filter),
        String(pageSize),
        bookmark,
      );
      pages.push(page);
      bookmark = page.bookmark;
      expect(pages.length, 'paging ends').to.be.at.most(10);
    } while (bookmark);
    return pages;
  }

  it('ListGrants pages: pageSize 1 returns one grant and a bookmark that gets the next page', async () => {
    const w = await World.create();
    const grants = await threeGrants(w);
    const first = await w.call<Page<Grant>>(IDS.bureau, C.grant, 'ListGrants', '{}', '1', '');
    expect(first.items.length).to.equal(1);
    expect(first.bookmark).not.to.equal('');
    const second = await w.call<Page<Grant>>(IDS.bureau, C.grant, 'ListGrants', '{}', '1', first.bookmark);
    expect(second.items.length).to.equal(1);
    expect(second.items[0]!.id).not.to.equal(first.items[0]!.id);

    const pages = await allPages(w, IDS.bureau, {}, 1);
    const ids = pages.flatMap((p) => p.items.map((g) => g.id));
    expect([...ids].sort()).to.deep.equal(grants.map((g) => g.id).sort());
    expect(new Set(ids).size, 'no grant is listed twice').to.equal(ids.length);
    expect(pages[pages.length - 1]!.bookmark).to.equal('');

    const big = await w.call<Page<Grant>>(IDS.regulator, C.grant, 'ListGrants', '', '', '');
    expect(big.items.length).to.equal(3);
    expect(big.bookmark).to.equal('');
    // A misspelt filter would list every grant: refused, named.
    await w.refused(
      () => w.invoke(IDS.regulator, C.grant, 'ListGrants', JSON.stringify({ enterprize: CODES.aa }), '', ''),
      'INVALID_ARGUMENT',
      /filter has an unknown field "enterprize": it takes state, enterprise, dataset and body$/,
    );
  });

  it('ListGrants unfiltered, read by range, gives each whole grant as GetGrant does, at any page size', async () => {
    const w = await World.create();
    const grants = await threeGrants(w);
    // A note on one of them: the whole grant carries it from the body's collection.
    await suspend(w, IDS.market, grants[2]!.id);
    const one = await Promise.all(grants.map((g) => w.call<Grant>(IDS.gateway, C.grant, 'GetGrant', g.id)));
    const byId = (list: Grant[]) => [...list].sort((a, b) => a.id.localeCompare(b.id));
    for (const size of [1, 2, 3, 50]) {
      const pages = await allPages(w, IDS.gateway, {}, size);
      expect(byId(pages.flatMap((p) => p.items)), `pages of ${size}`).to.deep.equal(byId(one));
    }
    expect(one.every((g) => g.items.length > 0 && g.dailyQuota > 0)).to.equal(true);
  });

  it('ListGrants filters by state, enterprise and dataset', async () => {
    const w = await World.create();
    const grants = await threeGrants(w);
    await suspend(w, IDS.market, grants[0]!.id);
    const list = async (filter: object) =>
      (await w.call<Page<Grant>>(IDS.gateway, C.grant, 'ListGrants', JSON.stringify(filter), '50', '')).items
        .map((g) => g.id)
        .sort();
    expect(await list({ state: 'SUSPENDED' })).to.deep.equal([grants[0]!.id]);
    expect(await list({ state: 'ACTIVE' })).to.deep.equal([grants[1]!.id, grants[2]!.id].sort());
    expect(await list({ enterprise: CODES.aaa })).to.deep.equal([grants[2]!.id]);
    expect(await list({ dataset: TRANSPORT_VEHICLES })).to.deep.equal([grants[1]!.id]);
    expect(await list({ body: 'MarketMSP' })).to.deep.equal([grants[0]!.id, grants[2]!.id].sort());
    await w.refused(
      () => w.invoke(IDS.bureau, C.grant, 'ListGrants', '{"state":"LOST"}', '10', ''),
      'INVALID_ARGUMENT',
    );
    await w.refused(() => w.invoke(IDS.bureau, C.grant, 'ListGrants', '{}', '0', ''), 'INVALID_ARGUMENT');
    await w.refused(() => w.invoke(IDS.bureau, C.grant, 'ListGrants', '{}', '201', ''), 'INVALID_ARGUMENT');
    await w.refused(() => w.invoke(IDS.stranger, C.grant, 'ListGrants', '{}', '10', ''), 'FORBIDDEN');
  });

  it('a body sees only its own grants, whatever filter it passes', async () => {
    const w = await World.create();
    const grants = await threeGrants(w);
    const ids = async (who: Identity, filter: object) =>
      (await allPages(w, who, filter, 50)).flatMap((p) => p.items.map((g) => g.id)).sort();
    expect(await ids(IDS.market, {})).to.deep.equal([grants[0]!.id, grants[2]!.id].sort());
    expect(await ids(IDS.transport, {})).to.deep.equal([grants[1]!.id]);
    expect(await ids(IDS.market, { body: 'TransportMSP' })).to.deep.equal([]);
    expect(await ids(IDS.market, { dataset: TRANSPORT_VEHICLES })).to.deep.equal([]);
    expect(await ids(IDS.transport, { enterprise: CODES.aa })).to.deep.equal([grants[1]!.id]);
  });

  it('a body paging its grants gets its own grant on the first page', async () => {
    const w = await World.create();
    const grants = await threeGrants(w);
    const page = await w.call<Page<Grant>>(IDS.transport, C.grant, 'ListGrants', '{}', '1', '');
    expect(page.items.map((g) => g.id)).to.deep.equal([grants[1]!.id]);
  });
});
