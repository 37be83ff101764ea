import { expect } from 'chai';
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

describe('EnterpriseContract', () => {
  it('the bureau onboards an enterprise with its key and first rating, in one EnterpriseOnboarded event', async () => {
    const w = await World.create();
    const e = newcomer();
    await onboard(w, e);
    const stored = await w.call<Enterprise>(IDS.market, C.enterprise, 'GetEnterprise', e.code);
    expect(stored.creditCode).to.equal(CODES.spare);
    expect(stored.name).to.equal(e.name);
    expect(stored.publicKey).to.equal(e.key.publicKeyPem);
    expect(stored.rating.level).to.equal('AA');
    expect(stored.rating.validUntil).to.equal('2026-12-31');
    expect(stored.onboardedAt).to.equal(w.ledger.now.toISOString());
    expect(stored.updatedBy).to.deep.equal({ mspId: 'BureauMSP', role: 'bureau' });
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.ENTERPRISE_ONBOARDED);
    expect(w.ledger.lastEvent()?.payload.changes).to.deep.equal([
      { type: 'enterprise', id: CODES.spare, state: 'AA' },
    ]);
    // The key works at once: the enterprise can file an application.
    const app = await w.submit(e, 'app-new');
    expect(app.creditCode).to.equal(CODES.spare);
  });

  it('bureau reviewers are bureau staff and may onboard too', async () => {
    const w = await World.create();
    await w.invoke(IDS.bureauReviewer, C.enterprise, 'OnboardEnterprise', onboardJson(newcomer()));
    const stored = await w.call<Enterprise>(IDS.bureau, C.enterprise, 'GetEnterprise', CODES.spare);
    expect(stored.updatedBy).to.deep.equal({ mspId: 'BureauMSP', role: 'bureau' });
  });

  it('onboarding refuses an invalid credit code', async () => {
    const w = await World.create();
    for (const code of [INVALID_CODE, '91440300708461136', '91440300708461136TT', '9144030070846113IT', '']) {
      const e = { ...newcomer(), code };
      await w.refused(() => onboard(w, e), 'INVALID_ARGUMENT');
    }
  });

  it('onboarding refuses a key that is not an EC P-256 public key (RSA, P-384, Ed25519, garbage)', async () => {
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

  it('AA and AAA need MLPS level 2 or higher: level 1 is refused RATING_INSUFFICIENT; A is not held to it', async () => {
    const w = await World.create();
    const e = newcomer();
    for (const level of ['AA', 'AAA'] as const) {
      await w.refused(() => onboard(w, e, ratingInput(level, { mlpsLevel: 1 })), 'RATING_INSUFFICIENT');
    }
    await onboard(w, e, ratingInput('A', { mlpsLevel: 1 }));
    const stored = await w.call<Enterprise>(IDS.bureau, C.enterprise, 'GetEnterprise', e.code);
    expect(stored.rating.level).to.equal('A');
  });

  it('AA is refused RATING_INSUFFICIENT for an enterprise on a dishonest or abnormal-operation list', async () => {
    const w = await World.create();
    const e = newcomer();
    for (const creditStatus of ['dishonest', 'abnormal'] as const) {
      await w.refused(() => onboard(w, e, ratingInput('AA', { creditStatus })), 'RATING_INSUFFICIENT');
    }
    await onboard(w, e, ratingInput('A', { creditStatus: 'dishonest' }));
  });

  it('an enterprise is onboarded once; bad ratings and fields are refused', async () => {
    const w = await World.create();
    await w.refused(
      () =>
        w.invoke(
          IDS.bureau,
          C.enterprise,
          'OnboardEnterprise',
          onboardJson({ ...newcomer(), code: CODES.aa }),
        ),
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
    // What the ledger sets itself, or a misspelt field, is refused by name rather than dropped.
    for (const [bad, message] of [
      [
        { ...good, onboardedAt: '2020-01-01T00:00:00Z' },
        /^\[INVALID_ARGUMENT\] enterprise has an unknown field "onboardedAt": it takes creditCode, name, nature, publicKey and rating$/,
      ],
      [
        { ...good, rating: { ...good.rating, ratedAt: '2020-01-01T00:00:00Z' } },
        /^\[INVALID_ARGUMENT\] rating has an unknown field "ratedAt": it takes level, mlpsLevel, mlpsFiling, creditStatus, certificateHashes and validUntil$/,
      ],
    ] as const)
      await w.refused(
        () => w.invoke(IDS.bureau, C.enterprise, 'OnboardEnterprise', JSON.stringify(bad)),
        'INVALID_ARGUMENT',
        message,
      );
  });

  describe('natural persons (L10; annex 1 身份证号(个人填写))', () => {
    /** A person code as the bureau's SDK derives it from an ID-card number (client/src/sdk/person.ts). */
    const PERSON = 'P-3F9A0C12B7D45E68';

    function person(code = PERSON, name = '张**'): EnterpriseHandle {
      return { code, name, key: new EnterpriseKey() };
    }

    function personJson(p: EnterpriseHandle, rating = ratingInput('AA')): string {
      return JSON.stringify({
        ...enterpriseInput(p.code, p.name, p.key.publicKeyPem, rating),
        nature: 'natural-person',
      });
    }

    it('a person is onboarded under a person code with a masked name, and goes the whole way to an active grant', async () => {
      const w = await World.create();
      const p = person();
      await w.invoke(IDS.bureau, C.enterprise, 'OnboardEnterprise', personJson(p));
      const stored = await w.call<Enterprise>(IDS.market, C.enterprise, 'GetEnterprise', PERSON);
      expect([stored.creditCode, stored.name, stored.nature]).to.deep.equal([
        PERSON,
        '张**',
        'natural-person',
      ]);
      const { grants } = await w.activeGrants(p, 'app-person');
      expect(grants.map((g) => [g.creditCode, g.state])).to.deep.equal([[PERSON, 'ACTIVE']]);
      // One person, one code: the same person (the same ID-card number, so the same code) is not onboarded twice.
      await w.refused(
        () => w.invoke(IDS.bureau, C.enterprise, 'OnboardEnterprise', personJson(person())),
        'ALREADY_EXISTS',
      );
    });

    it('a person is held to the same rating rules: A may not apply for restricted data, AA needs MLPS level 2', async () => {
      const w = await World.create();
      const a = person('P-00000000000000A1');
      await w.invoke(IDS.bureau, C.enterprise, 'OnboardEnterprise', personJson(a, ratingInput('A')));
      await w.refused(() => w.submit(a, 'app-a'), 'RATING_INSUFFICIENT');
      await w.refused(
        () =>
          w.invoke(
            IDS.bureau,
            C.enterprise,
            'OnboardEnterprise',
            personJson(person('P-00000000000000B2'), { ...ratingInput('AA'), mlpsLevel: 1 }),
          ),
        'RATING_INSUFFICIENT',
      );
      // Rated up, the person applies like any enterprise.
      await w.invoke(IDS.bureau, C.enterprise, 'RateEnterprise', a.code, JSON.stringify(ratingInput('AA')));
      expect((await w.submit(a, 'app-a')).creditCode).to.equal(a.code);
    });

    it('refused: a person under a credit code, an organisation under a person code, a name in clear, an ID number', async () => {
      const w = await World.create();
      const org = newcomer();
      const cases: [string, RegExp][] = [
        [personJson({ ...person(), code: org.code }), /onboarded under a person code/],
        [onboardJson({ ...org, code: PERSON }), /is a person code/],
        [personJson(person(PERSON, '张三')), /masked/],
        [personJson(person(PERSON, '张')), /masked/],
        [personJson(person(PERSON, '**')), /masked/],
        [personJson(person(PERSON, '110101199003074258')), /masked/],
        [personJson(person('P-3f9a0c12b7d45e68')), /person code is P- and 16 capital hex digits/],
        [personJson(person('P-3F9A0C12B7D45E6')), /18/],
      ];
      for (const [json, message] of cases) {
        await w.refused(
          () => w.invoke(IDS.bureau, C.enterprise, 'OnboardEnterprise', json),
          'INVALID_ARGUMENT',
          message,
        );
      }
      await w.refused(() => w.call(IDS.market, C.enterprise, 'GetEnterprise', PERSON), 'NOT_FOUND');
    });
  });

  it('only the bureau may onboard, rate and change keys: everyone else is FORBIDDEN', async () => {
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

  it('rating again: the bureau may raise A to AA, after which the enterprise may apply for restricted data', async () => {
    const w = await World.create();
    await w.refused(() => w.submit(w.a, 'app-a'), 'RATING_INSUFFICIENT');
    const result = await w.rate(w.a, 'AA');
    expect(result.suspendedGrants).to.deep.equal([]);
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.ENTERPRISE_RATED);
    expect(w.ledger.lastEvent()?.payload.changes).to.deep.equal([
      { type: 'enterprise', id: CODES.a, state: 'AA' },
    ]);
    const app = await w.submit(w.a, 'app-a');
    expect(app.state).to.equal('FORMAL_REVIEW');
  });

  it('a downgrade leaves the grants of a body that left the platform alone: it needs no endorsement of that body', async () => {
    const w = await World.create();
    const { grants } = await w.activeGrants(w.aa, 'app-aa', [
      demand(MARKET_ENTITIES),
      demand(TRANSPORT_VEHICLES),
    ]);
    const transports = grants.find((g) => g.body === 'TransportMSP')!;
    await w.invoke(IDS.bureau, C.platform, 'RemoveBody', 'TransportMSP');
    const result = await w.rate(w.aa, 'A');
    expect(result.suspendedGrants).to.deep.equal(grants.filter((g) => g !== transports).map((g) => g.id));
    expect(w.ledger.lastEndorsement?.orgs, 'who had to endorse').to.deep.equal(['BureauMSP', 'MarketMSP']);
    expect((await w.getGrant(transports.id)).state, 'served no more anyway').to.equal('ACTIVE');
  });

  it('a new rating is held to the same conditions, and names an existing enterprise', async () => {
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

  it('a downgrade to A suspends every ACTIVE grant of the enterprise in the same transaction, listed in one event', async () => {
    const w = await World.create();
    const { grants } = await w.activeGrants(w.aa, 'app-aa', [
      demand(MARKET_ENTITIES),
      demand(TRANSPORT_VEHICLES),
    ]);
    expect(grants.length).to.equal(2);
    const other = await w.activeGrants(w.aaa, 'app-aaa');
    const eventsBefore = w.ledger.events.length;

    const result = await w.rate(w.aa, 'A');

    const ids = grants.map((g) => g.id).sort();
    expect([...result.suspendedGrants].sort()).to.deep.equal(ids);
    expect(w.ledger.events.length, 'one transaction, one event').to.equal(eventsBefore + 1);
    const event = w.ledger.lastEvent();
    expect(event?.name).to.equal(EVENTS.ENTERPRISE_RATED);
    expect(event?.payload.changes).to.deep.equal([
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
      expect(g.state).to.equal('SUSPENDED');
      expect(g.reason?.code).to.equal('rating');
      expect(g.updatedBy).to.deep.equal({ mspId: 'BureauMSP', role: 'bureau' });
    }
    // Another enterprise's grant is untouched.
    expect((await w.getGrant(other.grants[0]!.id)).state).to.equal('ACTIVE');
  });

  it('a downgrade does not touch a grant that is already suspended, and a downgrade to AA suspends nothing', async () => {
    const w = await World.create();
    const { grants } = await w.activeGrants(w.aaa, 'app-aaa', [
      demand(MARKET_ENTITIES),
      demand(TRANSPORT_VEHICLES),
    ]);
    const [market, transport] = grants as [Grant, Grant];
    await w.grantDecision(IDS.market, 'SuspendGrant', market.id, 'found reselling the data', 'violation');

    const toAA = await w.rate(w.aaa, 'AA');
    expect(toAA.suspendedGrants).to.deep.equal([]);
    expect((await w.getGrant(transport.id)).state).to.equal('ACTIVE');

    const toA = await w.rate(w.aaa, 'A');
    expect(toA.suspendedGrants).to.deep.equal([transport.id]);
    const kept = await w.getGrant(market.id);
    expect(kept.state).to.equal('SUSPENDED');
    expect(kept.reason?.code, 'the earlier reason stays').to.equal('violation');
  });

  it('ExpireRating is refused while the rating is valid (China time) and accepted after, suspending the grants', async () => {
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
      IDS.clerk,
      C.enterprise,
      'ExpireRating',
      CODES.aa,
    );
    expect(result.enterprise.rating.expired).to.equal(true);
    expect(result.suspendedGrants).to.deep.equal([grant.id]);
    const event = w.ledger.lastEvent();
    expect(event?.name).to.equal(EVENTS.RATING_EXPIRED);
    expect(event?.payload.changes).to.deep.equal([
      { type: 'enterprise', id: CODES.aa, state: 'EXPIRED' },
      { type: 'grant', id: grant.id, state: 'SUSPENDED', enterprise: CODES.aa, dataset: MARKET_ENTITIES },
    ]);
    const suspended = await w.getGrant(grant.id);
    expect(suspended.state).to.equal('SUSPENDED');
    expect(suspended.reason?.code).to.equal('rating');

    await w.refused(() => w.invoke(IDS.bureau, C.enterprise, 'ExpireRating', CODES.aa), 'INVALID_STATE');
    await w.refused(() => w.submit(w.aa, 'app-late'), 'RATING_INSUFFICIENT');
  });

  it('ExpireRating: only the clerk service or the bureau; the enterprise must exist', async () => {
    const w = await World.create();
    w.setChinaTime('2027-01-04');
    const others = [
      IDS.market,
      IDS.regulator,
      IDS.gateway,
      IDS.bureauNoRole,
      IDS.marketGatewayRole,
      IDS.stranger,
    ];
    for (const who of others) {
      await w.refused(() => w.invoke(who, C.enterprise, 'ExpireRating', CODES.aa), 'FORBIDDEN');
    }
    await w.refused(() => w.invoke(IDS.bureau, C.enterprise, 'ExpireRating', CODES.spare), 'NOT_FOUND');
    await w.invoke(IDS.bureau, C.enterprise, 'ExpireRating', CODES.aa);
  });

  it('after ChangeEnterpriseKey, requests signed with the old key fail BAD_SIGNATURE and the new key works', async () => {
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
    expect(changed.publicKey).to.equal(newKey.publicKeyPem);
    expect(changed.rating.level, 'the rating is kept').to.equal('AA');
    expect(w.ledger.lastEvent()?.name).to.equal(EVENTS.ENTERPRISE_KEY_CHANGED);

    // Signed with the old key before the change, brought after it.
    await w.refused(
      () => w.invoke(IDS.gateway, C.application, 'SubmitApplication', signedBefore),
      'BAD_SIGNATURE',
    );
    // Signed with the old key after the change.
    await w.refused(() => w.submit({ ...w.aa, key: oldKey }, 'app-old'), 'BAD_SIGNATURE');
    const app = await w.submit({ ...w.aa, key: newKey }, 'app-new');
    expect(app.creditCode).to.equal(CODES.aa);
  });

  it('ChangeEnterpriseKey refuses keys other than EC P-256 and unknown enterprises', async () => {
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

  it('enterprises are read by the bureau, regulators, the gateway and bodies, not by strangers', async () => {
    const w = await World.create();
    for (const who of [IDS.bureau, IDS.regulator, IDS.gateway, IDS.market, IDS.transport]) {
      const e = await w.call<Enterprise>(who, C.enterprise, 'GetEnterprise', CODES.aaa);
      expect(e.rating.level).to.equal('AAA');
    }
    for (const who of [IDS.stranger, IDS.marketGatewayRole, IDS.bureauNoRole]) {
      await w.refused(() => w.invoke(who, C.enterprise, 'GetEnterprise', CODES.aaa), 'FORBIDDEN');
    }
    await w.refused(() => w.invoke(IDS.bureau, C.enterprise, 'GetEnterprise', CODES.spare), 'NOT_FOUND');
  });
});
