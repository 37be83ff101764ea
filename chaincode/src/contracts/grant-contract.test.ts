import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IDS, type Identity } from '../testing/fake-ledger';
import { C, CODES, MARKET_ENTITIES, TRANSPORT_VEHICLES, World, demand } from '../testing/world';
import { EVENTS } from '../lib/events';
import type { Page } from '../lib/listing';
import type { Grant } from '../models/grant';

/** The AA enterprise's ACTIVE grant on market-entities. */
async function marketGrant(w: World): Promise<Grant> {
  return (await w.activeGrants(w.aa, 'app-1')).grants[0]!;
}

const suspend = (w: World, who: Identity, id: string, why = 'violation', note = 'found reselling data') =>
  w.call<Grant>(who, C.grant, 'SuspendGrant', id, why, note);

test('the owning body suspends a grant: SUSPENDED with its reason, one GrantSuspended event', async () => {
  const w = await World.create();
  const g = await marketGrant(w);
  const suspended = await suspend(w, IDS.market, g.id);
  assert.equal(suspended.state, 'SUSPENDED');
  assert.deepEqual(suspended.reason, {
    code: 'violation',
    note: 'found reselling data',
    at: w.ledger.now.toISOString(),
  });
  assert.deepEqual(suspended.updatedBy, { mspId: 'MarketMSP', role: 'body' });
  assert.equal(w.ledger.lastEvent()?.name, EVENTS.GRANT_SUSPENDED);
  assert.deepEqual(w.ledger.lastEvent()?.payload.changes, [
    { type: 'grant', id: g.id, state: 'SUSPENDED', enterprise: CODES.aa, dataset: MARKET_ENTITIES },
  ]);
  assert.deepEqual(await w.getGrant(g.id), suspended);
  await w.refused(() => suspend(w, IDS.market, g.id), 'INVALID_STATE');
});

test('the bureau may suspend any grant', async () => {
  const w = await World.create();
  const g = await marketGrant(w);
  const suspended = await suspend(w, IDS.bureau, g.id, 'rectification', 'audit log gaps found');
  assert.equal(suspended.state, 'SUSPENDED');
  assert.deepEqual(suspended.updatedBy, { mspId: 'BureauMSP', role: 'bureau' });
});

test('suspension denials: another body, regulator, gateway; bad reason code; no note; unknown grant', async () => {
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
    await w.refused(() => suspend(w, who, g.id), 'FORBIDDEN');
  }
  await w.refused(() => suspend(w, IDS.market, g.id, 'dislike'), 'INVALID_ARGUMENT');
  await w.refused(() => suspend(w, IDS.market, g.id, 'violation', ''), 'INVALID_ARGUMENT');
  await w.refused(() => suspend(w, IDS.market, g.id, 'violation', 'call 13812345678'), 'INVALID_ARGUMENT');
  await w.refused(() => suspend(w, IDS.market, 'no-such-grant'), 'NOT_FOUND');
  assert.equal((await w.getGrant(g.id)).state, 'ACTIVE');
});

test('only the owning body restores a suspended grant', async () => {
  const w = await World.create();
  const g = await marketGrant(w);
  await w.refused(() => w.invoke(IDS.market, C.grant, 'RestoreGrant', g.id, ''), 'INVALID_STATE');
  await suspend(w, IDS.bureau, g.id);
  for (const who of [IDS.bureau, IDS.transport, IDS.regulator, IDS.gateway, IDS.stranger]) {
    await w.refused(() => w.invoke(who, C.grant, 'RestoreGrant', g.id, 'rectified'), 'FORBIDDEN');
  }
  const restored = await w.call<Grant>(IDS.market, C.grant, 'RestoreGrant', g.id, 'rectified');
  assert.equal(restored.state, 'ACTIVE');
  assert.equal(restored.reason, undefined);
  assert.equal(w.ledger.lastEvent()?.name, EVENTS.GRANT_RESTORED);
  assert.deepEqual(w.ledger.lastEvent()?.payload.changes, [
    { type: 'grant', id: g.id, state: 'ACTIVE', enterprise: CODES.aa, dataset: MARKET_ENTITIES },
  ]);
});

test('a revoked grant cannot be restored (INVALID_STATE)', async () => {
  const w = await World.create();
  const g = await marketGrant(w);
  await suspend(w, IDS.market, g.id);
  await w.invoke(IDS.market, C.grant, 'WithdrawGrant', g.id, 'repeated violations');
  await w.refused(() => w.invoke(IDS.market, C.grant, 'RestoreGrant', g.id, 'rectified'), 'INVALID_STATE');
});

test('restoring is refused while the enterprise is rated A, and allowed once it is AA again', async () => {
  const w = await World.create();
  const g = await marketGrant(w);
  await w.rate(w.aa, 'A');
  assert.equal((await w.getGrant(g.id)).state, 'SUSPENDED');
  await w.refused(
    () => w.invoke(IDS.market, C.grant, 'RestoreGrant', g.id, 'rectified'),
    'RATING_INSUFFICIENT',
  );
  await w.rate(w.aa, 'AA');
  assert.equal((await w.getGrant(g.id)).state, 'SUSPENDED', 'a new rating does not restore by itself');
  const restored = await w.call<Grant>(IDS.market, C.grant, 'RestoreGrant', g.id, 'rectified');
  assert.equal(restored.state, 'ACTIVE');
});

test('restoring is refused once the grant’s validity has passed', async () => {
  const w = await World.create();
  const g = await marketGrant(w);
  await suspend(w, IDS.market, g.id);
  w.ledger.now = new Date('2026-03-03T02:00:00Z');
  await w.refused(() => w.invoke(IDS.market, C.grant, 'RestoreGrant', g.id, 'rectified'), 'INVALID_STATE');
});

test('only the owning body withdraws a grant (REVOKED), with a reason; a revoked grant stays revoked', async () => {
  const w = await World.create();
  const g = await marketGrant(w);
  for (const who of [IDS.bureau, IDS.transport, IDS.regulator, IDS.gateway]) {
    await w.refused(() => w.invoke(who, C.grant, 'WithdrawGrant', g.id, 'repeated violations'), 'FORBIDDEN');
  }
  await w.refused(() => w.invoke(IDS.market, C.grant, 'WithdrawGrant', g.id, ''), 'INVALID_ARGUMENT');
  const revoked = await w.call<Grant>(IDS.market, C.grant, 'WithdrawGrant', g.id, 'repeated violations');
  assert.equal(revoked.state, 'REVOKED');
  assert.equal(revoked.reason?.code, 'withdrawn');
  assert.equal(w.ledger.lastEvent()?.name, EVENTS.GRANT_WITHDRAWN);
  await w.refused(() => w.invoke(IDS.market, C.grant, 'WithdrawGrant', g.id, 'once more'), 'INVALID_STATE');
  await w.refused(() => suspend(w, IDS.market, g.id), 'INVALID_STATE');
  await w.refused(
    () => w.invoke(IDS.market, C.grant, 'TerminateGrant', g.id, 'and terminate'),
    'INVALID_STATE',
  );
});

test('the owning body or the bureau terminates a grant (from ACTIVE or SUSPENDED); it is final', async () => {
  const w = await World.create();
  const { grants } = await w.activeGrants(w.aa, 'app-1', [demand(MARKET_ENTITIES)]);
  const other = (await w.activeGrants(w.aaa, 'app-2')).grants[0]!;
  for (const who of [IDS.transport, IDS.regulator, IDS.gateway, IDS.stranger]) {
    await w.refused(
      () => w.invoke(who, C.grant, 'TerminateGrant', grants[0]!.id, 'violation not fixed'),
      'FORBIDDEN',
    );
  }
  await w.refused(
    () => w.invoke(IDS.market, C.grant, 'TerminateGrant', grants[0]!.id, ''),
    'INVALID_ARGUMENT',
  );
  const byOwner = await w.call<Grant>(
    IDS.market,
    C.grant,
    'TerminateGrant',
    grants[0]!.id,
    'violation not fixed',
  );
  assert.equal(byOwner.state, 'TERMINATED');
  assert.equal(byOwner.reason?.code, 'terminated');
  assert.equal(w.ledger.lastEvent()?.name, EVENTS.GRANT_TERMINATED);

  await suspend(w, IDS.market, other.id);
  const byBureau = await w.call<Grant>(
    IDS.bureau,
    C.grant,
    'TerminateGrant',
    other.id,
    'violation not fixed',
  );
  assert.equal(byBureau.state, 'TERMINATED');
  await w.refused(
    () => w.invoke(IDS.market, C.grant, 'RestoreGrant', other.id, 'rectified'),
    'INVALID_STATE',
  );
  await w.refused(() => w.invoke(IDS.bureau, C.grant, 'TerminateGrant', other.id, 'again'), 'INVALID_STATE');
});

test('a grant expires only after its validUntil (China time), by the owner, the bureau or the gateway', async () => {
  const w = await World.create();
  const g = await marketGrant(w);
  assert.equal(g.validUntil, '2026-03-02');
  w.setChinaTime('2026-03-02', '23:59');
  await w.refused(() => w.invoke(IDS.gateway, C.grant, 'ExpireGrant', g.id), 'INVALID_STATE');
  w.setChinaTime('2026-03-03', '00:01');
  for (const who of [IDS.transport, IDS.regulator, IDS.marketGatewayRole, IDS.stranger]) {
    await w.refused(() => w.invoke(who, C.grant, 'ExpireGrant', g.id), 'FORBIDDEN');
  }
  const expired = await w.call<Grant>(IDS.gateway, C.grant, 'ExpireGrant', g.id);
  assert.equal(expired.state, 'EXPIRED');
  assert.deepEqual(expired.reason, {
    code: 'expired',
    note: 'validity ended 2026-03-02',
    at: w.ledger.now.toISOString(),
  });
  assert.equal(w.ledger.lastEvent()?.name, EVENTS.GRANT_EXPIRED);
  await w.refused(() => w.invoke(IDS.market, C.grant, 'ExpireGrant', g.id), 'INVALID_STATE');
});

test('the owner may expire a grant too, and a suspended grant expires (here by the bureau)', async () => {
  const w = await World.create();
  const active = await marketGrant(w);
  const suspended = (await w.activeGrants(w.aaa, 'app-2')).grants[0]!;
  await suspend(w, IDS.market, suspended.id);
  w.ledger.now = new Date('2026-03-04T02:00:00Z');
  assert.equal((await w.call<Grant>(IDS.market, C.grant, 'ExpireGrant', active.id)).state, 'EXPIRED');
  assert.equal((await w.call<Grant>(IDS.bureau, C.grant, 'ExpireGrant', suspended.id)).state, 'EXPIRED');
});

test('grants are read by the bureau, regulators, the gateway and the owning body only', async () => {
  const w = await World.create();
  const g = await marketGrant(w);
  for (const who of [IDS.bureau, IDS.regulator, IDS.gateway, IDS.market]) {
    assert.equal((await w.call<Grant>(who, C.grant, 'GetGrant', g.id)).id, g.id);
  }
  for (const who of [IDS.transport, IDS.stranger, IDS.marketGatewayRole]) {
    await w.refused(() => w.invoke(who, C.grant, 'GetGrant', g.id), 'FORBIDDEN');
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
    assert.ok(pages.length <= 10, 'paging ends');
  } while (bookmark);
  return pages;
}

test('ListGrants pages: pageSize 1 returns one grant and a bookmark that gets the next page', async () => {
  const w = await World.create();
  const grants = await threeGrants(w);
  const first = await w.call<Page<Grant>>(IDS.bureau, C.grant, 'ListGrants', '{}', '1', '');
  assert.equal(first.items.length, 1);
  assert.notEqual(first.bookmark, '');
  const second = await w.call<Page<Grant>>(IDS.bureau, C.grant, 'ListGrants', '{}', '1', first.bookmark);
  assert.equal(second.items.length, 1);
  assert.notEqual(second.items[0]!.id, first.items[0]!.id);

  const pages = await allPages(w, IDS.bureau, {}, 1);
  const ids = pages.flatMap((p) => p.items.map((g) => g.id));
  assert.deepEqual([...ids].sort(), grants.map((g) => g.id).sort());
  assert.equal(new Set(ids).size, ids.length, 'no grant is listed twice');
  assert.equal(pages[pages.length - 1]!.bookmark, '');

  const big = await w.call<Page<Grant>>(IDS.regulator, C.grant, 'ListGrants', '', '', '');
  assert.equal(big.items.length, 3);
  assert.equal(big.bookmark, '');
});

test('ListGrants filters by state, enterprise and dataset', async () => {
  const w = await World.create();
  const grants = await threeGrants(w);
  await suspend(w, IDS.market, grants[0]!.id);
  const list = async (filter: object) =>
    (await w.call<Page<Grant>>(IDS.gateway, C.grant, 'ListGrants', JSON.stringify(filter), '50', '')).items
      .map((g) => g.id)
      .sort();
  assert.deepEqual(await list({ state: 'SUSPENDED' }), [grants[0]!.id]);
  assert.deepEqual(await list({ state: 'ACTIVE' }), [grants[1]!.id, grants[2]!.id].sort());
  assert.deepEqual(await list({ enterprise: CODES.aaa }), [grants[2]!.id]);
  assert.deepEqual(await list({ dataset: TRANSPORT_VEHICLES }), [grants[1]!.id]);
  assert.deepEqual(await list({ body: 'MarketMSP' }), [grants[0]!.id, grants[2]!.id].sort());
  await w.refused(
    () => w.invoke(IDS.bureau, C.grant, 'ListGrants', '{"state":"LOST"}', '10', ''),
    'INVALID_ARGUMENT',
  );
  await w.refused(() => w.invoke(IDS.bureau, C.grant, 'ListGrants', '{}', '0', ''), 'INVALID_ARGUMENT');
  await w.refused(() => w.invoke(IDS.bureau, C.grant, 'ListGrants', '{}', '201', ''), 'INVALID_ARGUMENT');
  await w.refused(() => w.invoke(IDS.stranger, C.grant, 'ListGrants', '{}', '10', ''), 'FORBIDDEN');
});

test('a body sees only its own grants, whatever filter it passes', async () => {
  const w = await World.create();
  const grants = await threeGrants(w);
  const ids = async (who: Identity, filter: object) =>
    (await allPages(w, who, filter, 50)).flatMap((p) => p.items.map((g) => g.id)).sort();
  assert.deepEqual(await ids(IDS.market, {}), [grants[0]!.id, grants[2]!.id].sort());
  assert.deepEqual(await ids(IDS.transport, {}), [grants[1]!.id]);
  assert.deepEqual(await ids(IDS.market, { body: 'TransportMSP' }), []);
  assert.deepEqual(await ids(IDS.market, { dataset: TRANSPORT_VEHICLES }), []);
  assert.deepEqual(await ids(IDS.transport, { enterprise: CODES.aa }), [grants[1]!.id]);
});

test('a body paging its grants gets its own grant on the first page', async () => {
  const w = await World.create();
  const grants = await threeGrants(w);
  const page = await w.call<Page<Grant>>(IDS.transport, C.grant, 'ListGrants', '{}', '1', '');
  assert.deepEqual(
    page.items.map((g) => g.id),
    [grants[1]!.id],
  );
});
