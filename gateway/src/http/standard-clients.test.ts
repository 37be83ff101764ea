/**
 * What off-the-shelf clients rely on: an OAuth client library finds the token endpoint by discovery and reads
 * its errors; HTTP semantics (challenges, compression, validators, CORS, HEAD) are as RFC 9110/6750 and the
 * Fetch standard describe them.
 */
import { expect } from 'chai';
import http from 'node:http';
import * as oauth from 'openid-client';
import { CODE, DS, sha256Hex } from '../testing/fixtures.js';
import {
  ISSUER,
  assertOAuthError,
  assertOk,
  assertProblem,
  decoded,
  sentAnswer,
  startHarness,
  type Harness,
  type SentAnswer,
} from '../testing/harness.js';

const PORTAL = 'https://portal.example.cn';

describe('standard clients and HTTP semantics', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ corsOrigins: [PORTAL] });
  });
  after(() => h.close());

  const secretOf = (code: string): string => h.secrets.get(code) ?? '';
  /** openid-client, told to reach the harness's issuer at the harness's address. */
  const discover = (clientId: string, secret: string): Promise<oauth.Configuration> =>
    oauth.discovery(new URL(ISSUER), clientId, secret, undefined, {
      algorithm: 'oauth2',
      execute: [oauth.allowInsecureRequests],
      [oauth.customFetch]: (url: string, options: RequestInit) => fetch(url.replace(ISSUER, h.base), options),
    });

  it('openid-client discovers the token endpoint and gets a token with a client secret', async () => {
    const config = await discover(CODE.AA, secretOf(CODE.AA));
    const meta = config.serverMetadata();
    expect(meta.token_endpoint).to.equal(`${ISSUER}/oauth/token`);
    expect(meta.jwks_uri).to.equal(`${ISSUER}/.well-known/jwks.json`);
    expect(meta.token_endpoint_auth_methods_supported).to.include('private_key_jwt');
    const tokens = await oauth.clientCredentialsGrant(config);
    expect(tokens.token_type.toLowerCase()).to.equal('bearer');
    assertOk(await h.get('/v1/grants', { token: tokens.access_token }));
  });

  it('openid-client reads a refusal of the token endpoint as invalid_client', async () => {
    const config = await discover(CODE.AA, 'not-the-secret');
    const err = await oauth.clientCredentialsGrant(config).then(
      () => expect.fail('a wrong secret got a token'),
      (e: unknown) => e as { error?: string; status?: number },
    );
    expect(err.error).to.equal('invalid_client');
    expect(err.status).to.equal(401);
  });

  it('a 401 at the token endpoint after HTTP Basic carries the Basic challenge', async () => {
    const reply = await h.post('/oauth/token', {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${CODE.AA}:wrong`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
    assertOAuthError(reply, 401, 'INVALID_CLIENT');
    expect(reply.headers.get('www-authenticate')).to.match(/^Basic realm="rdx"/);
  });

  it('one client authentication method per request, and a client_id must match the assertion', async () => {
    const basic = `Basic ${Buffer.from(`${CODE.AA}:${secretOf(CODE.AA)}`).toString('base64')}`;
    const twice = await h.post('/oauth/token', {
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: CODE.AA,
        client_secret: secretOf(CODE.AA),
      }).toString(),
    });
    expect(assertOAuthError(twice, 400, 'BAD_REQUEST').error_description).to.match(
      /one client authentication/,
    );
    // The client_id is compared before the assertion's signature is checked: any JWT naming AA shows it.
    const jwt = [
      { alg: 'ES256', typ: 'JWT' },
      { iss: CODE.AA, sub: CODE.AA },
    ]
      .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
      .concat('c2ln')
      .join('.');
    const mismatch = await h.post('/oauth/token', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: CODE.AAA,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: jwt,
      }).toString(),
    });
    assertOAuthError(mismatch, 401, 'INVALID_CLIENT');
  });

  it('every 401 of a protected route carries a Bearer challenge; a token of the other kind is 403', async () => {
    const none = await h.get('/v1/grants');
    assertProblem(none, 401, 'TOKEN_MISSING');
    expect(none.headers.get('www-authenticate')).to.equal('Bearer realm="rdx"');
    const bad = await h.get('/v1/grants', { token: 'not-a-jwt' });
    assertProblem(bad, 401, 'TOKEN_INVALID');
    expect(bad.headers.get('www-authenticate')).to.match(/^Bearer realm="rdx", error="invalid_token"/);
    const regulator = await h.get('/v1/regulator/dashboard', { token: h.tokenFor('AA') });
    assertProblem(regulator, 403, 'FORBIDDEN');
    expect(regulator.headers.get('www-authenticate')).to.equal(null);
  });

  it('a page worth compressing is sent whole, in the encoding the client prefers, and reads the same', async () => {
    const url = `${h.base}/v1/datasets/${DS.PEOPLE}/records?limit=50`;
    const headers = { authorization: `Bearer ${h.tokenFor('AA')}` };
    /** The bytes as sent. */
    const raw = async (
      encoding?: string,
    ): Promise<{ encoding: string | undefined; length: string | undefined; body: Buffer }> => {
      const got = await sentAnswer(url, {
        headers: encoding === undefined ? headers : { ...headers, 'accept-encoding': encoding },
      });
      return {
        encoding: got.headers['content-encoding'],
        length: got.headers['content-length'],
        body: got.body,
      };
    };
    const plain = await raw('identity');
    expect(plain.encoding).to.equal(undefined);
    const rows = (JSON.parse(plain.body.toString()) as { data: unknown[] }).data;
    // A client that names no encoding at all gets the same page as is, with its length.
    const unasked = await raw();
    expect([unasked.encoding, unasked.length]).to.deep.equal([undefined, String(unasked.body.length)]);
    expect((JSON.parse(unasked.body.toString()) as { data: unknown[] }).data).to.deep.equal(rows);
    // What Node's fetch sends (and so the SDK), what browsers send (of several alike, the first named is taken), and
    // preferences stated by weight.
    for (const [asked, encoding] of [
      ['gzip', 'gzip'],
      ['br', 'br'],
      ['gzip, deflate', 'gzip'],
      ['br, gzip, deflate', 'br'],
      ['gzip, deflate, br, zstd', 'gzip'],
      ['deflate', 'deflate'],
      ['gzip;q=0, br;q=0.5', 'br'],
      ['br;q=0.2, gzip;q=0.9', 'gzip'],
    ] as const) {
      const got = await raw(asked);
      expect(got.encoding, asked).to.equal(encoding);
      // Sent whole, with its length: the gateway compresses the finished page in one go, not as a stream.
      expect(got.length, asked).to.equal(String(got.body.length));
      expect(got.body.length).to.be.below(plain.body.length * 0.7);
      const page = decoded(got.body, encoding);
      expect((JSON.parse(page.toString()) as { data: unknown[] }).data).to.deep.equal(rows);
      // The audit log holds the hash of the page itself, which is what the client reads once it has decoded it.
      const { requestId } = JSON.parse(page.toString()) as { requestId: string };
      expect(h.audit.get(requestId)?.responseHash).to.equal(sha256Hex(page));
    }
    // A client that takes none of the three, or refuses them all, gets the page as is.
    for (const asked of ['compress', 'gzip;q=0, br;q=0, deflate;q=0']) {
      const got = await raw(asked);
      expect([got.encoding, got.length], asked).to.deep.equal([undefined, String(got.body.length)]);
      expect((JSON.parse(got.body.toString()) as { data: unknown[] }).data).to.deep.equal(rows);
    }
  });

  it('every other answer worth compressing goes compressed too: whole with its length, or streamed (a file)', async () => {
    const raw = (path: string, headers: Record<string, string>): Promise<SentAnswer> =>
      sentAnswer(`${h.base}${path}`, { headers });
    const as = { authorization: `Bearer ${h.tokenFor('AA')}` };
    // The catalogue is ended whole (res.json) and sent with its length. So is the OpenAPI document, but at over
    // 64 KB it is compressed on zlib's threads, its headers fixed first, so without a length. The console's
    // modules are streamed from disk.
    for (const [path, headers, sent] of [
      ['/v1/datasets', as, 'with its length'],
      ['/openapi.json', {}, 'chunked'],
      ['/console/js/api.js', {}, 'chunked'],
    ] as const) {
      const plain = await raw(path, { ...headers, 'accept-encoding': 'identity' });
      const got = await raw(path, { ...headers, 'accept-encoding': 'gzip, deflate, br' });
      // What a browser asks for. Of encodings named alike, the gateway takes the first for an answer it holds
      // whole; the compression middleware, for a file, takes br.
      const encoding = got.headers['content-encoding'];
      expect(encoding, path).to.equal(path.startsWith('/console/') ? 'br' : 'gzip');
      expect(got.body.length, path).to.be.below(plain.body.length * 0.7);
      expect(decoded(got.body, encoding!).equals(plain.body), path).to.equal(true);
      if (sent === 'chunked') expect(got.headers['transfer-encoding'], path).to.equal('chunked');
      else expect(got.headers['content-length'], path).to.equal(String(got.body.length));
    }
  });

  it('public lists and the document are cacheable and revalidate with their ETag (304)', async () => {
    for (const path of ['/v1/public/recipients', '/openapi.json']) {
      const first = await h.get(path);
      expect(first.headers.get('cache-control')).to.match(/^public, max-age=\d+$/);
      const etag = first.headers.get('etag');
      expect(etag, path).to.be.a('string');
      // fetch() adds `Cache-Control: no-cache` to a conditional request, as the Fetch standard says; a plain
      // HTTP client (curl, a proxy) does not.
      const status = await new Promise<number | undefined>((resolve, reject) =>
        http
          .get(`${h.base}${path}`, { headers: { 'if-none-match': etag! } }, (res) => {
            res.resume();
            resolve(res.statusCode);
          })
          .on('error', reject),
      );
      expect(status, path).to.equal(304);
    }
    // What concerns one caller is never stored by a cache.
    const own = await h.get('/v1/grants', { as: 'AA' });
    expect(own.headers.get('cache-control')).to.equal('no-store');
  });

  it('CORS: a configured origin is allowed, with a preflight answered; any other origin is not', async () => {
    const preflight = (origin: string): Promise<Response> =>
      fetch(`${h.base}/v1/datasets/${DS.PEOPLE}/aggregate`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type',
        },
      });
    const allowed = await preflight(PORTAL);
    expect(allowed.status).to.equal(204);
    expect(allowed.headers.get('access-control-allow-origin')).to.equal(PORTAL);
    expect(allowed.headers.get('access-control-allow-methods')).to.equal('POST');
    expect(allowed.headers.get('access-control-allow-headers')).to.match(/Authorization/);
    expect(allowed.headers.get('access-control-allow-credentials')).to.equal(null);
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).to.equal(null);
    const call = await h.get('/v1/grants', { as: 'AA', headers: { origin: PORTAL } });
    expect(call.headers.get('access-control-allow-origin')).to.equal(PORTAL);
    expect(call.headers.get('access-control-expose-headers')).to.match(/X-Request-Id/);
    expect(call.headers.get('vary')).to.match(/Origin/);
    const foreign = await h.get('/v1/grants', { as: 'AA', headers: { origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).to.equal(null);
  });

  it('a page goes out as JSON of its stated length, never stored by a cache', async () => {
    const page = await h.get(`/v1/datasets/${DS.PEOPLE}/records?limit=5`, {
      as: 'AA',
      headers: { 'accept-encoding': 'identity' },
    });
    expect(page.status).to.equal(200);
    expect(page.contentType).to.equal('application/json; charset=utf-8');
    expect(page.headers.get('content-length')).to.equal(String(page.bytes.length));
    expect(page.headers.get('cache-control')).to.equal('no-store');
    // Its id is a time-ordered UUID, and the audit log holds the hash of exactly these bytes under it.
    expect(page.requestId).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(h.audit.get(page.requestId)?.responseHash).to.equal(sha256Hex(page.bytes));
  });

  it('HEAD on a data route is audited as a HEAD that served no rows', async () => {
    const before = h.audit.size();
    const reply = await h.call('HEAD', `/v1/datasets/${DS.PEOPLE}/records?limit=5`, { as: 'AA' });
    expect(reply.status).to.equal(200);
    expect(reply.text).to.equal('');
    expect(reply.contentType).to.equal('application/json; charset=utf-8');
    const head = h.audit.bySeq(before);
    expect(head?.method).to.equal('HEAD');
    expect(head?.decision).to.equal('allow');
    expect(head?.rowCount).to.equal(0);
    // The same question as a GET is recorded with the rows it served.
    await h.get(`/v1/datasets/${DS.PEOPLE}/records?limit=5`, { as: 'AA' });
    const get = h.audit.bySeq(before + 1);
    expect(get?.method).to.equal('GET');
    expect(get?.rowCount).to.equal(5);
  });
});
