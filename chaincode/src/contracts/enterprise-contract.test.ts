import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { EnterpriseKey, IDS, type Identity } from '../testing/fake-ledger';
import {
  C,
  CODES,
  INVALID_CODE,
  MARKET_ENTITIES,
  TRANSPORT_VEHICLES,
  World,
  demand,
  enterpriseInput,
  ratingInput,
  type EnterpriseHandle,
  type RatingInput,
} from '../testing/world';
import { EVENTS } from '../lib/events';
import type { Enterprise } from '../models/enterprise';
import type { Grant } from '../models/grant';

/** Everyone but the bureau's staff. */
const NOT_BUREAU: Identity[] = [
  IDS.market,
  IDS.transport,
  IDS.regulator,
  IDS.gateway,
  IDS.bureauNoRole,
  IDS.marketGatewayRole,
  IDS.stranger,
];

function newcomer(): EnterpriseHandle {
  return { code: CODES.spare, name: '杭州某数据科技有限公司', key: new EnterpriseKey() };
}

function onboardJson(e: EnterpriseHandle, rating = ratingInput('AA')): string {
  return JSON.stringify(enterpriseInput(e.code, e.name, e.key.publicKeyPem, rating));
}

/** The bureau onboards `e` with `rating`. */
function onboard(w: World, e: EnterpriseHandle, rating?: RatingInput): Promise<string> {
  return w.invoke(IDS.bureau, C.enterprise, 'OnboardEnterprise', onboardJson(e, rating));
}

function pem(type: 'rsa' | 'ec384' | 'ed25519'): string {
  const pair =
    type === 'rsa'
      ? crypto.generateKeyPairSync('rsa', { modulusLength: 2048 })
      : type === 'ec384'
        ? crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' })
        : crypto.generateKeyPairSync('ed25519');
  return pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

test('the bureau onboards an enterprise with its key and first rating, in one EnterpriseOnboarded event', async () => {
  const w = await World.create();
  const e = newcomer();
  await onboard(w, e);
  const stored = await w.call<Enterprise>(IDS.market, C.enterprise, 'GetEnterprise', e.code);
  assert.equal(stored.creditCode, CODES.spare);
  assert.equal(stored.name, e.name);
  assert.equal(stored.publicKey, e.key.publicKeyPem);
  assert.equal(stored.rating.level, 'AA');
  assert.equal(stored.rating.validUntil, '2026-12-31');
  assert.equal(stored.onboardedAt, w.ledger.now.toISOString());
  assert.deepEqual(stored.updatedBy, { mspId: 'BureauMSP', role: 'bureau' });
  assert.equal(w.ledger.lastEvent()?.name, EVENTS.ENTERPRISE_ONBOARDED);
  assert.deepEqual(w.ledger.lastEvent()?.payload.changes, [
    { type: 'enterprise', id: CODES.spare, state: 'AA' },
  ]);
  // The key works at once: the enterprise can file an application.
  const app = await w.submit(e, 'app-new');
  assert.equal(app.creditCode, CODES.spare);
});

test('bureau reviewers are bureau staff and may onboard too', async () => {
  const w = await World.create();
  await w.invoke(IDS.bureauReviewer, C.enterprise, 'OnboardEnterprise', onboardJson(newcomer()));
  const stored = await w.call<Enterprise>(IDS.bureau, C.enterprise, 'GetEnterprise', CODES.spare);
  assert.deepEqual(stored.updatedBy, { mspId: 'BureauMSP', role: 'bureau' });
});

test('onboarding refuses an invalid credit code', async () => {
  const w = await World.create();
  for (const code of [INVALID_CODE, '91440300708461136', '91440300708461136TT', '9144030070846113IT', '']) {
    const e = { ...newcomer(), code };
    await w.refused(() => onboard(w, e), 'INVALID_ARGUMENT');
  }
});

test('onboarding refuses a key that is not an EC P-256 public key (RSA, P-384, Ed25519, garbage)', async () => {
  const w = await World.create();
  const e = newcomer();
  for (const publicKey of [pem('rsa'), pem('ec384'), pem('ed25519'), 'not a key', '']) {
    const input = { ...enterpriseInput(e.code, e.name, publicKey, ratingInput('AA')) };
    await w.refused(
      () => w.invoke(IDS.bureau, C.enterprise, 'OnboardEnterprise', JSON.stringify(input)),
      'INVALID_ARGUMENT',
    );
  }
});

test('AA and AAA need MLPS level 2 or higher: level 1 is refused RATING_INSUFFICIENT; A is not held to it', async () => {
  const w = await World.create();
  const e = newcomer();
  for (const level of ['AA', 'AAA'] as const) {
    await w.refused(() => onboard(w, e, ratingInput(level, { mlpsLevel: 1 })), 'RATING_INSUFFICIENT');
  }
  await onboard(w, e, ratingInput('A', { mlpsLevel: 1 }));
  const stored = await w.call<Enterprise>(IDS.bureau, C.enterprise, 'GetEnterprise', e.code);
  assert.equal(stored.rating.level, 'A');
});

test('AA is refused RATING_INSUFFICIENT for an enterprise on a dishonest or abnormal-operation list', async () => {
  const w = await World.create();
  const e = newcomer();
  for (const creditStatus of ['dishonest', 'abnormal'] as const) {
    await w.refused(() => onboard(w, e, ratingInput('AA', { creditStatus })), 'RATING_INSUFFICIENT');
  }
  await onboard(w, e, ratingInput('A', { creditStatus: 'dishonest' }));
});

test('an enterprise is onboarded once; bad ratings and fields are refused', async () => {
  const w = await World.create();
  await w.refused(
    () =>
      w.invoke(IDS.bureau, C.enterprise, 'OnboardEnterprise', onboardJson({ ...newcomer(), code: CODES.aa })),
    'ALREADY_EXISTS',
  );
  const e = newcomer();
  const good = enterpriseInput(e.code, e.name, e.key.publicKeyPem, ratingInput('AA'));
  for (const bad of [
    { ...good, nature: 'alien' },
    { ...good, name: '' },
    { ...good, rating: { ...good.rating, level: 'AAAA' } },
    { ...good, rating: { ...good.rating, validUntil: '2026-02-30' } },
    { ...good, rating: { ...good.rating, mlpsLevel: 6 } },
    { ...good, rating: { ...good.rating, certificateHashes: ['not a hash'] } },
  ]) {
    await w.refused(
      () => w.invoke(IDS.bureau, C.enterprise, 'OnboardEnterprise', JSON.stringify(bad)),
      'INVALID_ARGUMENT',
    );
  }
  await w.refused(
    () => w.invoke(IDS.bureau, C.enterprise, 'OnboardEnterprise', '{not json'),
    'INVALID_ARGUMENT',
  );
});

test('only the bureau may onboard, rate and change keys: everyone else is FORBIDDEN', async () => {
  const w = await World.create();
  const e = newcomer();
  for (const who of NOT_BUREAU) {
    await w.refused(() => w.invoke(who, C.enterprise, 'OnboardEnterprise', onboardJson(e)), 'FORBIDDEN');
    await w.refused(
      () => w.invoke(who, C.enterprise, 'RateEnterprise', CODES.aa, JSON.stringify(ratingInput('A'))),
      'FORBIDDEN',
    );
    await w.refused(
      () => w.invoke(who, C.enterprise, 'ChangeEnterpriseKey', CODES.aa, new EnterpriseKey().publicKeyPem),
      'FORBIDDEN',
    );
  }
});

test('rating again: the bureau may raise A to AA, after which the enterprise may apply for restricted data', async () => {
  const w = await World.create();
  await w.refused(() => w.submit(w.a, 'app-a'), 'RATING_INSUFFICIENT');
  const result = await w.rate(w.a, 'AA');
  assert.deepEqual(result.suspendedGrants, []);
  assert.equal(w.ledger.lastEvent()?.name, EVENTS.ENTERPRISE_RATED);
  assert.deepEqual(w.ledger.lastEvent()?.payload.changes, [{ type: 'enterprise', id: CODES.a, state: 'AA' }]);
  const app = await w.submit(w.a, 'app-a');
  assert.equal(app.state, 'FORMAL_REVIEW');
});

test('a new rating is held to the same conditions, and names an existing enterprise', async () => {
  const w = await World.create();
  const rate = (code: string, rating: unknown) =>
    w.invoke(IDS.bureau, C.enterprise, 'RateEnterprise', code, JSON.stringify(rating));
  await w.refused(() => rate(CODES.aa, ratingInput('AAA', { mlpsLevel: 1 })), 'RATING_INSUFFICIENT');
  await w.refused(
    () => rate(CODES.aa, ratingInput('AA', { creditStatus: 'dishonest' })),
    'RATING_INSUFFICIENT',
  );
  await w.refused(() => rate(CODES.spare, ratingInput('AA')), 'NOT_FOUND');
  await w.refused(() => rate(INVALID_CODE, ratingInput('AA')), 'INVALID_ARGUMENT');
  await w.refused(() => rate(CODES.aa, { level: 'AA' }), 'INVALID_ARGUMENT');
});

test('a downgrade to A suspends every ACTIVE grant of the enterprise in the same transaction, listed in one event', async () => {
  const w = await World.create();
  const { grants } = await w.activeGrants(w.aa, 'app-aa', [
    demand(MARKET_ENTITIES),
    demand(TRANSPORT_VEHICLES),
  ]);
  assert.equal(grants.length, 2);
  const other = await w.activeGrants(w.aaa, 'app-aaa');
  const eventsBefore = w.ledger.events.length;

  const result = await w.rate(w.aa, 'A');

  const ids = grants.map((g) => g.id).sort();
  assert.deepEqual([...result.suspendedGrants].sort(), ids);
  assert.equal(w.ledger.events.length, eventsBefore + 1, 'one transaction, one event');
  const event = w.ledger.lastEvent();
  assert.equal(event?.name, EVENTS.ENTERPRISE_RATED);
  assert.deepEqual(event?.payload.changes, [
    { type: 'enterprise', id: CODES.aa, state: 'A' },
    ...ids.map((id) => ({
      type: 'grant',
      id,
      state: 'SUSPENDED',
      enterprise: CODES.aa,
      dataset: grants.find((g) => g.id === id)?.datasetId,
    })),
  ]);
  for (const id of ids) {
    const g = await w.getGrant(id);
    assert.equal(g.state, 'SUSPENDED');
    assert.equal(g.reason?.code, 'rating');
    assert.deepEqual(g.updatedBy, { mspId: 'BureauMSP', role: 'bureau' });
  }
  // Another enterprise's grant is untouched.
  assert.equal((await w.getGrant(other.grants[0]!.id)).state, 'ACTIVE');
});

test('a downgrade does not touch a grant that is already suspended, and a downgrade to AA suspends nothing', async () => {
  const w = await World.create();
  const { grants } = await w.activeGrants(w.aaa, 'app-aaa', [
    demand(MARKET_ENTITIES),
    demand(TRANSPORT_VEHICLES),
  ]);
  const [market, transport] = grants as [Grant, Grant];
  await w.invoke(IDS.market, C.grant, 'SuspendGrant', market.id, 'violation', 'found reselling the data');

  const toAA = await w.rate(w.aaa, 'AA');
  assert.deepEqual(toAA.suspendedGrants, []);
  assert.equal((await w.getGrant(transport.id)).state, 'ACTIVE');

  const toA = await w.rate(w.aaa, 'A');
  assert.deepEqual(toA.suspendedGrants, [transport.id]);
  const kept = await w.getGrant(market.id);
  assert.equal(kept.state, 'SUSPENDED');
  assert.equal(kept.reason?.code, 'violation', 'the earlier reason stays');
});

test('ExpireRating is refused while the rating is valid (China time) and accepted after, suspending the grants', async () => {
  const w = await World.create();
  await w.rate(w.aa, 'AA', { validUntil: '2025-09-30' });
  const { grants } = await w.activeGrants(w.aa, 'app-aa');
  const grant = grants[0]!;

  // The last day of validity, late in the evening China time (15:30 UTC).
  w.setChinaTime('2025-09-30', '23:30');
  await w.refused(() => w.invoke(IDS.bureau, C.enterprise, 'ExpireRating', CODES.aa), 'INVALID_STATE');

  // Just after midnight in China: 2025-09-30T16:30Z is already Oct 1.
  w.ledger.now = new Date('2025-09-30T16:30:00Z');
  const result = await w.call<{ enterprise: Enterprise; suspendedGrants: string[] }>(
    IDS.gateway,
    C.enterprise,
    'ExpireRating',
    CODES.aa,
  );
  assert.equal(result.enterprise.rating.expired, true);
  assert.deepEqual(result.suspendedGrants, [grant.id]);
  const event = w.ledger.lastEvent();
  assert.equal(event?.name, EVENTS.RATING_EXPIRED);
  assert.deepEqual(event?.payload.changes, [
    { type: 'enterprise', id: CODES.aa, state: 'EXPIRED' },
    { type: 'grant', id: grant.id, state: 'SUSPENDED', enterprise: CODES.aa, dataset: MARKET_ENTITIES },
  ]);
  const suspended = await w.getGrant(grant.id);
  assert.equal(suspended.state, 'SUSPENDED');
  assert.equal(suspended.reason?.code, 'rating');

  await w.refused(() => w.invoke(IDS.bureau, C.enterprise, 'ExpireRating', CODES.aa), 'INVALID_STATE');
  await w.refused(() => w.submit(w.aa, 'app-late'), 'RATING_INSUFFICIENT');
});

test('ExpireRating: only the bureau or the gateway; the enterprise must exist', async () => {
  const w = await World.create();
  w.setChinaTime('2027-01-04');
  for (const who of [IDS.market, IDS.regulator, IDS.bureauNoRole, IDS.marketGatewayRole, IDS.stranger]) {
    await w.refused(() => w.invoke(who, C.enterprise, 'ExpireRating', CODES.aa), 'FORBIDDEN');
  }
  await w.refused(() => w.invoke(IDS.bureau, C.enterprise, 'ExpireRating', CODES.spare), 'NOT_FOUND');
  await w.invoke(IDS.bureau, C.enterprise, 'ExpireRating', CODES.aa);
});

test('after ChangeEnterpriseKey, requests signed with the old key fail BAD_SIGNATURE and the new key works', async () => {
  const w = await World.create();
  const oldKey = w.aa.key;
  const signedBefore = w.sign(w.aa, 'SubmitApplication', {});
  const newKey = new EnterpriseKey();
  const changed = await w.call<Enterprise>(
    IDS.bureau,
    C.enterprise,
    'ChangeEnterpriseKey',
    CODES.aa,
    newKey.publicKeyPem,
  );
  assert.equal(changed.publicKey, newKey.publicKeyPem);
  assert.equal(changed.rating.level, 'AA', 'the rating is kept');
  assert.equal(w.ledger.lastEvent()?.name, EVENTS.ENTERPRISE_KEY_CHANGED);

  // Signed with the old key before the change, brought after it.
  await w.refused(
    () => w.invoke(IDS.gateway, C.application, 'SubmitApplication', ...signedBefore),
    'BAD_SIGNATURE',
  );
  // Signed with the old key after the change.
  await w.refused(() => w.submit({ ...w.aa, key: oldKey }, 'app-old'), 'BAD_SIGNATURE');
  const app = await w.submit({ ...w.aa, key: newKey }, 'app-new');
  assert.equal(app.creditCode, CODES.aa);
});

test('ChangeEnterpriseKey refuses keys other than EC P-256 and unknown enterprises', async () => {
  const w = await World.create();
  for (const key of [pem('rsa'), pem('ec384'), 'garbage']) {
    await w.refused(
      () => w.invoke(IDS.bureau, C.enterprise, 'ChangeEnterpriseKey', CODES.aa, key),
      'INVALID_ARGUMENT',
    );
  }
  await w.refused(
    () =>
      w.invoke(
        IDS.bureau,
        C.enterprise,
        'ChangeEnterpriseKey',
        CODES.spare,
        new EnterpriseKey().publicKeyPem,
      ),
    'NOT_FOUND',
  );
  // The old key still works after the refusals.
  await w.submit(w.aa, 'app-1');
});

test('enterprises are read by the bureau, regulators, the gateway and bodies, not by strangers', async () => {
  const w = await World.create();
  for (const who of [IDS.bureau, IDS.regulator, IDS.gateway, IDS.market, IDS.transport]) {
    const e = await w.call<Enterprise>(who, C.enterprise, 'GetEnterprise', CODES.aaa);
    assert.equal(e.rating.level, 'AAA');
  }
  for (const who of [IDS.stranger, IDS.marketGatewayRole, IDS.bureauNoRole]) {
    await w.refused(() => w.invoke(who, C.enterprise, 'GetEnterprise', CODES.aaa), 'FORBIDDEN');
  }
  await w.refused(() => w.invoke(IDS.bureau, C.enterprise, 'GetEnterprise', CODES.spare), 'NOT_FOUND');
});
