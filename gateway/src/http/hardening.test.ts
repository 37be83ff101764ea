/**
 * The HTTP surface: body limits, malformed bodies, unknown routes, security headers on every answer, no
 * stack trace or internal message in any body, readiness and metrics.
 */
import { expect } from 'chai';
import { DS } from '../testing/fixtures.js';
import {
  assertOAuthError,
  assertOk,
  assertProblem,
  startHarness,
  type Exchange,
  type Harness,
} from '../testing/harness.js';
import { withConsoleErrorSilenced } from '../testing/quiet.js';

let h: Harness;
describe('the HTTP surface', () => {
  before(async () => {
    h = await startHarness({ bodyLimit: '32kb' });
  });
  after(() => h.close());

  const STACK =
    /\bat\s+(?:\S+\s+)?\(?(?:file:\/\/|node:|\/|[A-Za-z]:\\)\S*?(?:\.[cm]?[jt]s)?:\d+:\d+|node:internal|\.(?:js|ts):\d+:\d+/;

  const CACHEABLE: Record<string, string> = {
    '/.well-known/jwks.json': 'public, max-age=60',
    '/.well-known/oauth-authorization-server': 'public, max-age=300',
    '/openapi.json': 'public, max-age=300',
    '/v1/public/recipients': 'public, max-age=60',
    '/v1/public/credit': 'public, max-age=60',
  };

  function assertSecurityHeaders(ex: Exchange): void {
    const where = `${ex.method} ${ex.url} → ${ex.status}`;
    const header = (name: string): string => String(ex.headers[name] ?? '');
    expect(header('x-content-type-options'), where).to.equal('nosniff');
    expect(header('x-frame-options'), where).to.equal('DENY');
    expect(header('content-security-policy'), where).to.match(/default-src 'none'/);
    expect(header('content-security-policy'), where).to.match(/frame-ancestors 'none'/);
    expect(header('referrer-policy'), where).to.equal('no-referrer');
    expect(header('x-request-id'), where).to.match(/^[0-9a-f-]{36}$/);
    expect(ex.headers['x-powered-by'], where).to.equal(undefined);
    // Public documents and lists are cached briefly (their ETag lets a client revalidate); everything else,
    // every answer that concerns a caller, is no-store.
    const cached = CACHEABLE[ex.path];
    if (cached && ex.status === 200) expect(header('cache-control'), where).to.equal(cached);
    else expect(header('cache-control'), where).to.equal('no-store');
  }

  it('a JSON body over the limit is 413 PAYLOAD_TOO_LARGE', async () => {
    const big = { request: 'x'.repeat(40 * 1024), signature: 'y' };
    assertProblem(await h.post('/v1/applications', { as: 'AA', json: big }), 413, 'PAYLOAD_TOO_LARGE');
    // A stranger's body is not read at all: its token is checked first (http/authenticate.ts tokenFirst), on
    // the signed actions, the computed result and the inbox alike, whatever the body is.
    assertProblem(await h.post('/v1/usage-reports', { json: big }), 401, 'TOKEN_MISSING');
    for (const path of [`/v1/datasets/${DS.PEOPLE}/aggregate`, '/v1/inbox/read', '/v1/webhooks']) {
      assertProblem(await h.post(path, { json: big }), 401, 'TOKEN_MISSING');
      assertProblem(
        await h.call('POST', path, {
          headers: { 'content-type': 'application/json' },
          body: '{"groupBy": [',
        }),
        401,
        'TOKEN_MISSING',
      );
    }
    // An organization's routes likewise: its staff's signature (or a console account's token) before the body.
    for (const path of ['/v1/admin/inbox/read', '/v1/admin/webhooks', '/v1/admin/console-accounts']) {
      const refused = await h.post(path, { json: big });
      expect(refused.status, path).to.equal(401);
    }
    assertProblem(
      await h.post(`/v1/datasets/${DS.PEOPLE}/aggregate`, {
        as: 'AA',
        json: { groupBy: ['x'.repeat(20 * 1024)] },
      }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    assertOAuthError(
      await h.post('/oauth/token', {
        json: { grant_type: 'client_credentials', client_secret: 'x'.repeat(20 * 1024) },
      }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    // Just under the limit is read (and refused for what it says, not its size).
    assertProblem(
      await h.post('/v1/applications', {
        as: 'AA',
        json: { request: 'x'.repeat(30 * 1024), signature: 'y' },
      }),
      400,
      'BAD_REQUEST',
    );
  });

  it('malformed JSON is 400 BAD_REQUEST', async () => {
    const headers = { 'content-type': 'application/json' };
    for (const body of ['{"request":', '{request: 1}', '[1,2', "{'a':1}", '\u0000']) {
      assertProblem(await h.post('/v1/applications', { as: 'AA', body, headers }), 400, 'BAD_REQUEST');
      assertProblem(
        await h.post(`/v1/datasets/${DS.PEOPLE}/aggregate`, { as: 'AA', body, headers }),
        400,
        'BAD_REQUEST',
      );
      assertOAuthError(await h.post('/oauth/token', { body, headers }), 400, 'BAD_REQUEST');
    }
  });

  it('an unknown path is a 404 problem, matched exactly: no other case, no trailing slash', async () => {
    for (const [method, path] of [
      ['GET', '/v2/datasets'],
      ['GET', '/v1/datasets/ls-residents/records/1'],
      ['GET', '/.env'],
      ['GET', '/../../etc/passwd'],
      ['GET', '/V1/datasets'],
      ['GET', '/v1/datasets/'],
      ['GET', '/v1/Datasets'],
      ['POST', '/OAUTH/token'],
    ] as const) {
      const reply = await h.call(method, path, { as: 'AA' });
      assertProblem(reply, 404, 'NOT_FOUND');
    }
  });

  it('a known path asked with another method is 405 with the methods it takes in Allow', async () => {
    for (const [method, path, allow] of [
      ['DELETE', '/v1/grants', 'GET, HEAD'],
      ['POST', '/v1/grants', 'GET, HEAD'],
      ['GET', '/oauth/token', 'POST'],
      ['GET', '/v1/admin/datasets/ls-residents/versions/v1', 'PUT'],
      ['PATCH', `/v1/datasets/${DS.PEOPLE}/records`, 'GET, HEAD'],
    ] as const) {
      const reply = await h.call(method, path, { as: 'AA' });
      assertProblem(reply, 405, 'METHOD_NOT_ALLOWED');
      expect(reply.headers.get('allow'), `${method} ${path}`).to.equal(allow);
    }
  });

  it('an aggregate whose body is not JSON is 415, not an aggregate of the whole dataset', async () => {
    for (const [type, body] of [
      ['text/plain', '{"groupBy":["district"]}'],
      ['application/x-www-form-urlencoded', 'groupBy=district'],
    ] as const) {
      const reply = await h.post(`/v1/datasets/${DS.PEOPLE}/aggregate`, {
        as: 'AA',
        body,
        headers: { 'content-type': type },
      });
      assertProblem(reply, 415, 'UNSUPPORTED_MEDIA_TYPE');
      // Nothing was computed, so nothing was served: its record is a refusal.
      expect(h.auditOf(reply)).to.include({ decision: 'deny', rowCount: 0 });
    }
    // JSON, and no body at all (a count of the dataset), are still answered.
    assertOk(
      await h.post(`/v1/datasets/${DS.PEOPLE}/aggregate`, { as: 'AA', json: { groupBy: ['district'] } }),
    );
  });

  it('an internal error is a 500 INTERNAL without stack trace or internal message, and is logged', async () => {
    await withConsoleErrorSilenced(async (logged) => {
      h.ledger.on('query:ListCreditEvaluations', () => {
        throw new Error('pg connection to 10.0.0.7 failed: password authentication for user rdx_admin');
      });
      try {
        const reply = await h.get('/v1/public/credit');
        assertProblem(reply, 500, 'INTERNAL');
        expect(reply.text).not.to.match(STACK);
        expect(reply.text, 'no internal detail').not.to.include('10.0.0.7');
        expect(reply.text, 'no internal detail').not.to.include('rdx_admin');
        expect(reply.text).not.to.match(/"stack"|Error:/);
        expect(logged.calls, 'the operator sees it in the log').to.equal(1);
      } finally {
        h.ledger.on('query:ListCreditEvaluations', () => h.ledger.creditEvaluations);
      }
      expect((await h.get('/v1/public/credit')).status).to.equal(200);
    });
  });

  it('readiness: ready, not following, anchoring behind, ledger unreachable', async () => {
    const ready = assertOk<{ status: string; ledger: { blockHeight: number } }>(await h.get('/readyz'));
    expect(ready.status).to.equal('ready');
    expect(typeof ready.ledger.blockHeight).to.equal('number');
    h.view.following = false;
    h.view.lastError = '14 UNAVAILABLE: connect ECONNREFUSED 10.0.3.7:7051';
    try {
      const notFollowed = await h.get('/readyz');
      assertProblem(notFollowed, 503, 'LEDGER_NOT_FOLLOWED');
      // Anyone may ask: the ledger's error text, with its internal peers and ports, stays in the gateway's log.
      expect(notFollowed.text).not.to.include('10.0.3.7');
    } finally {
      h.view.following = true;
      h.view.lastError = undefined;
    }
    h.anchorsBehind = true;
    try {
      assertProblem(await h.get('/readyz'), 503, 'AUDIT_BEHIND');
    } finally {
      h.anchorsBehind = false;
    }
    h.ledger.down = 'connect ECONNREFUSED 127.0.0.1:7051';
    try {
      const unavailable = await h.get('/readyz');
      assertProblem(unavailable, 503, 'LEDGER_UNAVAILABLE');
      expect(unavailable.text).not.to.include('7051');
    } finally {
      h.ledger.down = undefined;
    }
    expect((await h.get('/healthz')).status, 'liveness does not depend on the ledger').to.equal(200);
  });

  it('every answer of this run carried the security headers, unique request ids, and no stack trace', async () => {
    // A sample of every kind of answer, on top of what the tests above produced.
    await h.get('/healthz');
    await h.get('/openapi.json');
    await h.get('/.well-known/jwks.json');
    await h.get('/.well-known/oauth-authorization-server');
    await h.get('/v1/public/recipients');
    await h.get(`/v1/open/datasets/${DS.OPEN}/download`);
    await h.get(`/v1/datasets/${DS.PEOPLE}/records?limit=2`, { as: 'AA' });
    await h.get(`/v1/datasets/${DS.PEOPLE}/records`);
    await h.call('PUT', `/v1/admin/datasets/${DS.PENDING}/versions/v1`, { body: 'nope' });
    await h.get('/nowhere');
    expect(h.exchanges.length, `${h.exchanges.length} answers recorded`).to.be.above(40);
    const ids = new Set<string>();
    for (const ex of h.exchanges) {
      assertSecurityHeaders(ex);
      ids.add(String(ex.headers['x-request-id']));
      expect(ex.body.toString('utf8'), `${ex.method} ${ex.url}`).not.to.match(STACK);
      if (ex.path === '/oauth/token' && ex.method === 'POST' && ex.status >= 400) {
        const error = JSON.parse(ex.body.toString('utf8')) as { error: string };
        expect(error.error, `${ex.method} ${ex.url}: an RFC 6749 error`).to.be.a('string');
      } else if (/problem\+json/.test(ex.contentType)) {
        const problem = JSON.parse(ex.body.toString('utf8')) as { status: number; code: string };
        expect(problem.status, `${ex.method} ${ex.url}: body status = HTTP status`).to.equal(ex.status);
      } else if (ex.status >= 400)
        expect.fail(`${ex.method} ${ex.url} → ${ex.status} is not a problem (${ex.contentType})`);
    }
    expect(ids.size, 'request ids are unique').to.equal(h.exchanges.length);
  });

  it('the stack-trace detector itself recognises a Node stack trace', () => {
    const err = new Error('x');
    expect(String(err.stack)).to.match(STACK);
    expect('{"detail":"look at this"}').not.to.match(STACK);
  });
});
