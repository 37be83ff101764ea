/**
 * POST /oauth/token and the JWKS: client secrets (Basic and body), private_key_jwt with the enterprise's
 * registered key, what is refused, and key rotation.
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import jwt from 'jsonwebtoken';
import { CODE, DS, UNKNOWN_CODE, type Rating } from '../testing/fixtures.js';
import { followRevokedTokens } from '../auth/revoked-tokens.js';
import { TokenError, TokenService } from '../auth/token-service.js';
import {
  AUDIENCE,
  ISSUER,
  assertOk,
  assertOAuthError,
  assertProblem,
  assertionLogin,
  regulatorLogin,
  startHarness,
  type Harness,
  type Reply,
} from '../testing/harness.js';
import { withConsoleErrorSilenced } from '../testing/quiet.js';

const TOKEN_ENDPOINT = `${ISSUER}/oauth/token`;

let h: Harness;
describe('POST /oauth/token and the JWKS', () => {
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  interface TokenAnswer {
    access_token: string;
    token_type: string;
    expires_in: number;
  }

  function form(params: Record<string, string>, basic?: { id: string; secret: string }): Promise<Reply> {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (basic) {
      const pair = `${encodeURIComponent(basic.id)}:${encodeURIComponent(basic.secret)}`;
      headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
    }
    return h.post('/oauth/token', { headers, body: new URLSearchParams(params).toString() });
  }

  function secretOf(rating: Rating): string {
    const secret = h.secrets.get(CODE[rating]);
    expect(secret).to.be.a('string').and.not.equal('');
    return secret!;
  }

  function assertion(
    rating: Rating,
    opts: { key?: string; jti?: string; claims?: Record<string, unknown>; sign?: jwt.SignOptions } = {},
  ): string {
    const code = CODE[rating];
    return jwt.sign({ ...opts.claims }, opts.key ?? h.enterpriseKeys[rating].privateKeyPem, {
      algorithm: 'ES256',
      issuer: code,
      subject: code,
      audience: TOKEN_ENDPOINT,
      expiresIn: 60,
      jwtid: opts.jti ?? crypto.randomUUID(),
      ...opts.sign,
    });
  }

  function withAssertion(a: string): Promise<Reply> {
    return assertionLogin(h, a);
  }

  /** Checks an issued token: ES256 by the current key, ≤ 15 minutes, right audience, issuer and subject. */
  function checkIssued(answer: TokenAnswer, code: string): jwt.JwtPayload {
    expect(answer.token_type).to.equal('Bearer');
    expect(answer.expires_in).to.be.above(0);
    expect(answer.expires_in).to.be.at.most(900);
    const decoded = jwt.decode(answer.access_token, { complete: true });
    expect(decoded).not.to.equal(null);
    expect(decoded!.payload).to.be.an('object');
    expect(decoded!.header.alg).to.equal('ES256');
    expect(decoded!.header.kid).to.equal(h.keys.current().kid);
    const claims = jwt.verify(answer.access_token, h.keys.current().publicKey, {
      algorithms: ['ES256'],
      audience: AUDIENCE,
      issuer: ISSUER,
    }) as jwt.JwtPayload;
    expect(claims.sub).to.equal(code);
    expect(claims.aud).to.equal(AUDIENCE);
    expect(claims.iss).to.equal(ISSUER);
    expect(claims.exp).to.be.a('number');
    expect(claims.iat).to.be.a('number');
    expect(claims.exp! - claims.iat!, 'lives at most 15 minutes').to.be.at.most(900);
    expect(claims.exp).to.be.above(Date.now() / 1000);
    expect(typeof claims.jti).to.equal('string');
    return claims;
  }

  it('a client secret in HTTP Basic gets an ES256 token of at most 15 minutes that the API accepts', async () => {
    const reply = await form({ grant_type: 'client_credentials' }, { id: CODE.AA, secret: secretOf('AA') });
    const answer = assertOk<TokenAnswer>(reply);
    checkIssued(answer, CODE.AA);
    const grants = await h.get('/v1/grants', { token: answer.access_token });
    expect(grants.status).to.equal(200);
  });

  it('a client secret in the form body, or in a JSON body, gets a token', async () => {
    const reply = await form({
      grant_type: 'client_credentials',
      client_id: CODE.AAA,
      client_secret: secretOf('AAA'),
    });
    checkIssued(assertOk<TokenAnswer>(reply), CODE.AAA);
    const json = await h.post('/oauth/token', {
      json: { grant_type: 'client_credentials', client_id: CODE.A, client_secret: secretOf('A') },
    });
    checkIssued(assertOk<TokenAnswer>(json), CODE.A);
  });

  it('a wrong secret, an unknown client, another client’s secret or no credentials answer 401 INVALID_CLIENT', async () => {
    const cases: Reply[] = [
      await form({ grant_type: 'client_credentials' }, { id: CODE.AA, secret: 'not-the-secret' }),
      await form({
        grant_type: 'client_credentials',
        client_id: CODE.AA,
        client_secret: `${secretOf('AA')}x`,
      }),
      await form({ grant_type: 'client_credentials' }, { id: UNKNOWN_CODE, secret: secretOf('AA') }),
      await form({ grant_type: 'client_credentials' }, { id: CODE.AAA, secret: secretOf('AA') }),
      await form({ grant_type: 'client_credentials' }),
      await form({ grant_type: 'client_credentials', client_id: CODE.AA }),
    ];
    for (const reply of cases) {
      const body = assertOAuthError(reply, 401, 'INVALID_CLIENT');
      expect(body.error).to.equal('invalid_client');
      expect(body).not.to.have.property('access_token');
    }
  });

  it('a registered client that is not an onboarded enterprise gets no token', async () => {
    const secret = h.clients.register(UNKNOWN_CODE);
    assertOAuthError(
      await form({ grant_type: 'client_credentials' }, { id: UNKNOWN_CODE, secret }),
      401,
      'INVALID_CLIENT',
    );
  });

  it('a grant type other than client_credentials answers 400 unsupported_grant_type; none at all, invalid_request', async () => {
    for (const grant_type of ['password', 'authorization_code', 'refresh_token']) {
      const body = assertOAuthError(
        await form({ grant_type, client_id: CODE.AA, client_secret: secretOf('AA') }),
        400,
        'UNSUPPORTED_GRANT_TYPE',
      );
      expect(body.error).to.equal('unsupported_grant_type');
    }
    for (const missing of [{}, { grant_type: '' }] as Record<string, string>[])
      expect(
        assertOAuthError(
          await form({ ...missing, client_id: CODE.AA, client_secret: secretOf('AA') }),
          400,
          'BAD_REQUEST',
        ).error,
      ).to.equal('invalid_request');
  });

  it('a body of another type, or a parameter given twice, is refused saying so, not as a missing grant_type', async () => {
    const params = `grant_type=client_credentials&client_id=${CODE.AA}&client_secret=${secretOf('AA')}`;
    const plain = assertOAuthError(
      await h.post('/oauth/token', { headers: { 'content-type': 'text/plain' }, body: params }),
      400,
      'BAD_REQUEST',
    );
    expect(plain.error_description).to.equal(
      'the body must be application/x-www-form-urlencoded (or application/json), not text/plain',
    );
    const twice = assertOAuthError(
      await h.post('/oauth/token', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&${params}`,
      }),
      400,
      'BAD_REQUEST',
    );
    expect(twice.error_description).to.equal('grant_type was given 2 times: give it once');
    // In JSON a list is no repetition but a grant type of the wrong kind, refused as such.
    assertOAuthError(
      await h.post('/oauth/token', { json: { grant_type: [['client_credentials']] } }),
      400,
      'UNSUPPORTED_GRANT_TYPE',
    );
  });

  it('private_key_jwt signed with the enterprise’s registered key gets a token for that enterprise', async () => {
    checkIssued(assertOk<TokenAnswer>(await withAssertion(assertion('AA'))), CODE.AA);
    // The issuer itself is an accepted audience too.
    checkIssued(
      assertOk<TokenAnswer>(await withAssertion(assertion('AAA', { sign: { audience: ISSUER } }))),
      CODE.AAA,
    );
  });

  it('a replayed client assertion is refused', async () => {
    const a = assertion('AA');
    checkIssued(assertOk<TokenAnswer>(await withAssertion(a)), CODE.AA);
    assertOAuthError(await withAssertion(a), 401, 'INVALID_CLIENT');
    // Another assertion with the same jti is the same request again.
    const jti = crypto.randomUUID();
    assertOk(await withAssertion(assertion('AA', { jti })));
    assertOAuthError(await withAssertion(assertion('AA', { jti })), 401, 'INVALID_CLIENT');
  });

  it('a client assertion signed with another key, or not as ES256, or not for this gateway, is refused', async () => {
    const stranger = crypto
      .generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    const refused = [
      assertion('AA', { key: stranger }),
      // AAA's key, claiming to be AA.
      assertion('AA', { key: h.enterpriseKeys.AAA.privateKeyPem }),
      assertion('AA', { sign: { audience: 'http://other.gateway/oauth/token' } }),
      assertion('AA', { sign: { expiresIn: 3600 } }),
      assertion('AA', { sign: { issuer: CODE.AAA } }),
      jwt.sign({}, 'a-shared-secret', {
        algorithm: 'HS256',
        issuer: CODE.AA,
        subject: CODE.AA,
        audience: TOKEN_ENDPOINT,
        expiresIn: 60,
        jwtid: 'h1',
      }),
      jwt.sign({ iat: Math.floor(Date.now() / 1000) - 600 }, h.enterpriseKeys.AA.privateKeyPem, {
        algorithm: 'ES256',
        issuer: CODE.AA,
        subject: CODE.AA,
        audience: TOKEN_ENDPOINT,
        expiresIn: 60,
        jwtid: 'old',
      }),
      'not-a-jwt',
    ];
    for (const a of refused) assertOAuthError(await withAssertion(a), 401, 'INVALID_CLIENT');
  });

  it('a client assertion whose claimed iat lies in the future cannot live longer than 300 s', async () => {
    const now = Math.floor(Date.now() / 1000);
    // Claims 100 s of life (exp − iat), but is valid from now until a year from now.
    const a = jwt.sign(
      { iat: now + 365 * 86400 - 100, exp: now + 365 * 86400 },
      h.enterpriseKeys.AA.privateKeyPem,
      {
        algorithm: 'ES256',
        issuer: CODE.AA,
        subject: CODE.AA,
        audience: TOKEN_ENDPOINT,
        jwtid: crypto.randomUUID(),
      },
    );
    assertOAuthError(await withAssertion(a), 401, 'INVALID_CLIENT');
  });

  it('malformed percent-encoding in Basic credentials is a 401, not a 500', async () => {
    await withConsoleErrorSilenced(async () => {
      const headers = {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('%E0%A4%A:secret').toString('base64')}`,
      };
      assertOAuthError(
        await h.post('/oauth/token', { headers, body: 'grant_type=client_credentials' }),
        401,
        'INVALID_CLIENT',
      );
    });
  });

  it('the JWKS publishes the signing key (public part only), and it verifies an issued token', async () => {
    const reply = await h.get('/.well-known/jwks.json');
    const jwks = assertOk<{ keys: (crypto.JsonWebKey & { kid: string; alg: string; use: string })[] }>(reply);
    const kid = h.keys.current().kid;
    const jwk = jwks.keys.find((k) => k.kid === kid);
    expect(jwk, 'the current key is listed').not.to.equal(undefined);
    expect(jwk!.alg).to.equal('ES256');
    expect(jwk!.use).to.equal('sig');
    expect(jwk!.kty).to.equal('EC');
    expect(jwk!.crv).to.equal('P-256');
    for (const k of jwks.keys) expect(k, 'no private key material').not.to.have.property('d');

    const token = assertOk<TokenAnswer>(
      await form({ grant_type: 'client_credentials' }, { id: CODE.AA, secret: secretOf('AA') }),
    ).access_token;
    const header = jwt.decode(token, { complete: true })?.header;
    const key = jwks.keys.find((k) => k.kid === header?.kid);
    expect(key).not.to.equal(undefined);
    const publicKey = crypto.createPublicKey({ key: key!, format: 'jwk' });
    const claims = jwt.verify(token, publicKey, {
      algorithms: ['ES256'],
      audience: AUDIENCE,
      issuer: ISSUER,
    }) as jwt.JwtPayload;
    expect(claims.sub).to.equal(CODE.AA);
    // And a token signed by anyone else does not verify with it.
    const other = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const forged = jwt.sign({ sub: CODE.AA }, other, {
      algorithm: 'ES256',
      audience: AUDIENCE,
      issuer: ISSUER,
      expiresIn: 60,
    });
    expect(() => jwt.verify(forged, publicKey, { algorithms: ['ES256'] })).to.throw();
  });

  it('after rotation old tokens still verify, new tokens carry the new kid, and the JWKS lists both', async () => {
    const oldKid = h.keys.current().kid;
    const oldToken = assertOk<TokenAnswer>(
      await form({ grant_type: 'client_credentials' }, { id: CODE.AA, secret: secretOf('AA') }),
    ).access_token;
    const rotated = h.keys.rotate();
    expect(rotated.kid).not.to.equal(oldKid);

    expect(
      (await h.get('/v1/grants', { token: oldToken })).status,
      'a token of the previous key still works',
    ).to.equal(200);
    const newToken = assertOk<TokenAnswer>(
      await form({ grant_type: 'client_credentials' }, { id: CODE.AA, secret: secretOf('AA') }),
    ).access_token;
    expect(jwt.decode(newToken, { complete: true })?.header.kid).to.equal(rotated.kid);
    expect((await h.get('/v1/grants', { token: newToken })).status).to.equal(200);

    const jwks = assertOk<{ keys: { kid: string }[] }>(await h.get('/.well-known/jwks.json'));
    expect(new Set(jwks.keys.map((k) => k.kid))).to.deep.equal(new Set([oldKid, rotated.kid]));

    // Once the old key is pruned its tokens are dead.
    h.keys.prune(0);
    assertProblem(await h.get('/v1/grants', { token: oldToken }), 401, 'TOKEN_INVALID');
    expect((await h.get('/v1/grants', { token: newToken })).status).to.equal(200);
  });
});

describe('POST /oauth/token at gateways whose clocks differ', () => {
  let g: Harness;
  before(async () => {
    g = await startHarness();
  });
  after(() => g.close());

  it('an assertion used is refused again after a gateway two minutes ahead cleared what it saw expire', async () => {
    const sign = (): string =>
      jwt.sign({}, g.enterpriseKeys.AA.privateKeyPem, {
        algorithm: 'ES256',
        issuer: CODE.AA,
        subject: CODE.AA,
        audience: TOKEN_ENDPOINT,
        expiresIn: 100,
        jwtid: crypto.randomUUID(),
      });
    const login = (a: string): Promise<Reply> => assertionLogin(g, a);
    const captured = sign();
    assertOk(await login(captured));
    // The store's clock two minutes ahead (as a sibling gateway's on the same database): any login there drops
    // the used assertions its clock says expired.
    g.setNow(new Date(Date.now() + 120_000));
    assertOk(await login(sign()));
    g.setNow(new Date());
    assertOAuthError(await login(captured), 401, 'INVALID_CLIENT');
  });
});

describe('POST /oauth/token after the record of used assertions was lost', () => {
  let g: Harness;
  before(async () => {
    g = await startHarness({ replaysLost: true });
  });
  after(() => g.close());

  const sign = (claims: Record<string, unknown>): string =>
    jwt.sign(
      { iss: CODE.AA, sub: CODE.AA, aud: TOKEN_ENDPOINT, jti: crypto.randomUUID(), ...claims },
      g.enterpriseKeys.AA.privateKeyPem,
      { algorithm: 'ES256' },
    );
  const withAssertion = (a: string): Promise<Reply> => assertionLogin(g, a);

  it('refuses an assertion that could have been used before; takes one issued or expiring after that', async () => {
    const lost = g.services.replays.lostBefore;
    if (lost === undefined) throw new Error('the store was not made anew');
    const lostSeconds = Math.floor(lost / 1000);
    // Made just before the loss, still live: it may have been used, and nothing here remembers it.
    const old = await withAssertion(sign({ iat: lostSeconds - 10, exp: lostSeconds + 110 }));
    expect(old.status).to.equal(401);
    expect(old.body).to.deep.include({ error: 'invalid_client' });
    expect(String((old.body as { error_description: string }).error_description)).to.match(
      /may have been used before .*, when this gateway's record of used assertions was made anew: make a new one \(with iat\)/,
    );
    // Once the second after the loss has begun: issued 5 s after it (the future an iat may be in), or expiring
    // its longest life after it.
    while (Math.floor(Date.now() / 1000) * 1000 < lost) await new Promise((r) => setTimeout(r, 50));
    const now = Math.floor(Date.now() / 1000);
    assertOk(await withAssertion(sign({ iat: now + 5, exp: now + 60 })));
    assertOk(await withAssertion(sign({ exp: now + 300 })));
  });

  it('refuses an access token issued before the loss: it may have been revoked, and nothing here remembers it', async () => {
    const lostSeconds = Math.floor(g.services.replays.lostBefore! / 1000);
    // Issued (signed with the gateway's own key) ten seconds before the record was made anew, still live.
    const iat = lostSeconds - 10;
    const before = jwt.sign(
      { role: 'enterprise', iat, nbf: iat, exp: iat + 900, jti: crypto.randomUUID() },
      g.keys.current().privateKey,
      {
        algorithm: 'ES256',
        keyid: g.keys.current().kid,
        issuer: ISSUER,
        audience: AUDIENCE,
        subject: CODE.AA,
      },
    );
    const refused = await g.get(`/v1/datasets/${DS.PEOPLE}/records?limit=1`, { token: before });
    assertProblem(refused, 401, 'TOKEN_INVALID');
    expect(refused.text).to.include("issued before the gateway's record of ended tokens was lost");
    // One issued since is served.
    assertOk(await g.get(`/v1/datasets/${DS.PEOPLE}/records?limit=1`, { token: g.tokenFor('AA') }));
  });
});

describe('POST /oauth/revoke: the holder of a token ends it (a console’s logout)', () => {
  let g: Harness;
  before(async () => {
    g = await startHarness();
  });
  after(() => g.close());

  const revoke = (token: string): Promise<Reply> =>
    g.post('/oauth/revoke', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
    });
  const records = `/v1/datasets/${DS.PEOPLE}/records?limit=1`;

  it('a revoked token is refused from then on, by name; a new one works', async () => {
    const token = g.tokenFor('AA');
    assertOk(await g.get(records, { token }));
    expect(assertOk<Record<string, never>>(await revoke(token))).to.deep.equal({});
    const refused = await g.get(records, { token });
    assertProblem(refused, 401, 'TOKEN_INVALID');
    expect(refused.text).to.include('revoked');
    assertOk(await g.get(records, { token: g.tokenFor('AA') }));
    // A regulator's too, on its own routes.
    const regulator = await regulatorLogin(g, 'regulator-leaving');
    assertOk(await g.get('/v1/regulator/misuse-signals', { token: regulator }));
    assertOk(await revoke(regulator));
    assertProblem(await g.get('/v1/regulator/misuse-signals', { token: regulator }), 401, 'TOKEN_INVALID');
  });

  it('a token that is not one, or one ended already, is answered alike (RFC 7009); no token is a 400', async () => {
    for (const token of ['not-a-token', g.tokenFor('AAA').slice(0, -4) + 'AAAA'])
      expect(assertOk<Record<string, never>>(await revoke(token))).to.deep.equal({});
    const token = g.tokenFor('AAA');
    assertOk(await revoke(token));
    assertOk(await revoke(token));
    assertOAuthError(
      await g.post('/oauth/revoke', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
      }),
      400,
      'BAD_REQUEST',
    );
  });

  it('a token given twice, or a body of another type, is refused saying so, not as a missing token', async () => {
    const twice = assertOAuthError(
      await g.post('/oauth/revoke', {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'token=a&token=b',
      }),
      400,
      'BAD_REQUEST',
    );
    expect(twice.error_description).to.equal('token was given 2 times: give it once');
    const plain = assertOAuthError(
      await g.post('/oauth/revoke', { headers: { 'content-type': 'text/plain' }, body: 'token=a' }),
      400,
      'BAD_REQUEST',
    );
    expect(plain.error_description).to.match(/^the body must be application\/x-www-form-urlencoded/);
  });

  it('a gateway that did not see the revocation learns it from the store they share (a sibling, a restart)', async () => {
    const token = g.tokenFor('AA');
    assertOk(await revoke(token));
    // Another gateway's token service on the same store and keys, made after the revocation.
    const sibling = new TokenService(g.keys, ISSUER, AUDIENCE, 900);
    const lines: string[] = [];
    const stop = await followRevokedTokens(sibling, g.services.replays, (line) => lines.push(line));
    try {
      expect(() => sibling.verify(token)).to.throw(TokenError, /revoked/);
      expect(sibling.verify(g.tokenFor('AA')).sub).to.equal(CODE.AA);
      expect(lines).to.deep.equal([]);
    } finally {
      stop();
    }
  });
});
