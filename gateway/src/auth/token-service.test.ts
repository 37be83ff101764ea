/**
 * Adversarial access tokens on GET /v1/datasets/{id}/records: every forgery and misuse is refused, and
 * every refusal is in the audit log as a deny with its reason.
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import jwt from 'jsonwebtoken';
import { CODE, DS } from '../testing/fixtures.js';
import {
  AUDIENCE,
  ISSUER,
  assertProblem,
  startHarness,
  type Harness,
  type Reply,
} from '../testing/harness.js';

let h: Harness;
describe('adversarial access tokens', () => {
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const RECORDS = `/v1/datasets/${DS.PEOPLE}/records?limit=5`;
  const b64 = (v: unknown): string =>
    Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
  const nowS = (): number => Math.floor(Date.now() / 1000);

  function claims(extra: Record<string, unknown> = {}): Record<string, unknown> {
    const now = nowS();
    return {
      sub: CODE.AA,
      iss: ISSUER,
      aud: AUDIENCE,
      iat: now,
      nbf: now,
      exp: now + 600,
      jti: crypto.randomUUID(),
      ...extra,
    };
  }

  /** Signed with the gateway's own current key: only the claims make it wrong. */
  function signedByGateway(payload: Record<string, unknown>): string {
    const key = h.keys.current();
    return jwt.sign(payload, key.privateKey, { algorithm: 'ES256', keyid: key.kid });
  }

  function hs256(secret: string | Buffer): string {
    const header = b64({ alg: 'HS256', typ: 'JWT', kid: h.keys.current().kid });
    const payload = b64(claims());
    const sig = crypto.createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
    return `${header}.${payload}.${sig}`;
  }

  /** Asserts the refusal and its audit record: a deny with the problem's code as reason and status. */
  function assertAuditedDeny(reply: Reply, status: number, code: string): void {
    const body = assertProblem(reply, status, code);
    expect(body.requestId).to.equal(reply.requestId);
    const record = h.auditOf(reply);
    expect(record.decision).to.equal('deny');
    expect(record.reason).to.equal(code);
    expect(record.status).to.equal(status);
    expect(record.rowCount).to.equal(0);
    expect(record.datasetId).to.equal(DS.PEOPLE);
    expect(record.path).to.equal(`/v1/datasets/${DS.PEOPLE}/records`);
    expect(reply.text, 'no data in a refusal').not.to.include('"data"');
  }

  it('the control: a genuine token of the AA enterprise is served', async () => {
    const reply = await h.get(RECORDS, { as: 'AA' });
    expect(reply.status, reply.text).to.equal(200);
    expect(h.auditOf(reply).decision).to.equal('allow');
  });

  it('no token, or another scheme than Bearer, is TOKEN_MISSING', async () => {
    assertAuditedDeny(await h.get(RECORDS), 401, 'TOKEN_MISSING');
    assertAuditedDeny(
      await h.get(RECORDS, { headers: { authorization: `Basic ${b64(`${CODE.AA}:x`)}` } }),
      401,
      'TOKEN_MISSING',
    );
    assertAuditedDeny(await h.get(RECORDS, { headers: { authorization: 'Bearer' } }), 401, 'TOKEN_MISSING');
  });

  it('alg none is refused', async () => {
    const kid = h.keys.current().kid;
    for (const alg of ['none', 'None', 'NONE']) {
      const token = `${b64({ alg, typ: 'JWT', kid })}.${b64(claims())}.`;
      assertAuditedDeny(await h.get(RECORDS, { token }), 401, 'TOKEN_INVALID');
    }
  });

  it('HS256 with the gateway’s public key (PEM or JWK text) as the HMAC secret is refused', async () => {
    const pem = h.keys.current().publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const jwks = (await h.get('/.well-known/jwks.json')).body as { keys: Record<string, unknown>[] };
    const jwk = jwks.keys.find((k) => k.kid === h.keys.current().kid);
    expect(jwk).not.to.equal(undefined);
    for (const secret of [
      pem,
      pem.trim(),
      JSON.stringify(jwk),
      h.keys.current().publicKey.export({ type: 'spki', format: 'der' }),
    ]) {
      assertAuditedDeny(await h.get(RECORDS, { token: hs256(secret) }), 401, 'TOKEN_INVALID');
    }
  });

  it('an expired token is refused', async () => {
    const now = nowS();
    const token = signedByGateway(claims({ iat: now - 1000, nbf: now - 1000, exp: now - 200 }));
    assertAuditedDeny(await h.get(RECORDS, { token }), 401, 'TOKEN_INVALID');
  });

  it('a token not valid yet (nbf in the future) is refused', async () => {
    const now = nowS();
    const token = signedByGateway(claims({ iat: now, nbf: now + 600, exp: now + 800 }));
    assertAuditedDeny(await h.get(RECORDS, { token }), 401, 'TOKEN_INVALID');
  });

  it('a token for another audience or from another issuer is refused', async () => {
    assertAuditedDeny(
      await h.get(RECORDS, { token: signedByGateway(claims({ aud: 'other-api' })) }),
      401,
      'TOKEN_INVALID',
    );
    assertAuditedDeny(
      await h.get(RECORDS, { token: signedByGateway(claims({ iss: 'http://evil.test' })) }),
      401,
      'TOKEN_INVALID',
    );
  });

  it('a token living longer than 15 minutes, or lacking exp or nbf, is refused', async () => {
    const now = nowS();
    assertAuditedDeny(
      await h.get(RECORDS, { token: signedByGateway(claims({ exp: now + 3600 })) }),
      401,
      'TOKEN_INVALID',
    );
    const noExp = claims();
    delete noExp.exp;
    assertAuditedDeny(await h.get(RECORDS, { token: signedByGateway(noExp) }), 401, 'TOKEN_INVALID');
    const noNbf = claims();
    delete noNbf.nbf;
    assertAuditedDeny(await h.get(RECORDS, { token: signedByGateway(noNbf) }), 401, 'TOKEN_INVALID');
  });

  it('a tampered payload (sub changed, signature kept) is refused', async () => {
    const genuine = h.tokenFor('A');
    const [header, payload, signature] = genuine.split('.');
    for (const part of [header, payload, signature]) expect(part).to.be.a('string').and.not.equal('');
    const changed = {
      ...(JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>),
      sub: CODE.AA,
    };
    assertAuditedDeny(
      await h.get(RECORDS, { token: `${header}.${b64(changed)}.${signature}` }),
      401,
      'TOKEN_INVALID',
    );
    // A flipped bit in the signature is refused too.
    const flipped = Buffer.from(signature!, 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    assertAuditedDeny(
      await h.get(RECORDS, { token: `${header}.${payload}.${flipped.toString('base64url')}` }),
      401,
      'TOKEN_INVALID',
    );
  });

  it('a token with an unknown kid, no kid, or signed by a stranger under the gateway’s kid is refused', async () => {
    const stranger = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const unknownKid = jwt.sign(claims(), stranger, { algorithm: 'ES256', keyid: 'k1' });
    const noKid = jwt.sign(claims(), h.keys.current().privateKey, { algorithm: 'ES256' });
    const pathKid = jwt.sign(claims(), stranger, { algorithm: 'ES256', keyid: '../keys/k1' });
    const borrowedKid = jwt.sign(claims(), stranger, { algorithm: 'ES256', keyid: h.keys.current().kid });
    for (const token of [unknownKid, noKid, pathKid, borrowedKid, 'garbage', 'a.b.c']) {
      assertAuditedDeny(await h.get(RECORDS, { token }), 401, 'TOKEN_INVALID');
    }
  });

  it('a still-valid token of an enterprise downgraded to A is refused RATING_INSUFFICIENT', async () => {
    const token = h.tokenFor('AA');
    expect((await h.get(RECORDS, { token })).status).to.equal(200);
    h.setRating('AA', 'A');
    try {
      assertAuditedDeny(await h.get(RECORDS, { token }), 403, 'RATING_INSUFFICIENT');
    } finally {
      h.setRating('AA', 'AA');
    }
    expect((await h.get(RECORDS, { token })).status, 'served again once rated AA').to.equal(200);
  });

  it('a token whose credit standing or rating validity has lapsed is refused RATING_INSUFFICIENT', async () => {
    const token = h.tokenFor('AA');
    h.setRating('AA', 'AA', { creditStatus: 'dishonest' });
    try {
      assertAuditedDeny(await h.get(RECORDS, { token }), 403, 'RATING_INSUFFICIENT');
    } finally {
      h.setRating('AA', 'AA', { creditStatus: 'good' });
    }
    h.setRating('AA', 'AA', { validUntil: '2020-12-31' });
    try {
      assertAuditedDeny(await h.get(RECORDS, { token }), 403, 'RATING_INSUFFICIENT');
    } finally {
      h.setRating('AA', 'AA', { validUntil: '2099-12-31' });
    }
  });

  it('a genuine token of a credit code that is not onboarded is ENTERPRISE_UNKNOWN', async () => {
    assertAuditedDeny(
      await h.get(RECORDS, { token: h.tokenFor('91331102MA28ZZ9999') }),
      403,
      'ENTERPRISE_UNKNOWN',
    );
  });
});
