/**
 * Hostile clients against the real gateway on the real network (issue 6):
 *
 *  - the still-valid token of an enterprise that was downgraded (its grants suspended) is refused;
 *  - oversized bodies get 413, deeply nested JSON gets 400, both as problems;
 *  - slow clients — headers that never finish, a body that never finishes — are cut off by the server's
 *    timeouts (headersTimeout 10 s and requestTimeout 30 s in gateway/src/main.ts), and how long that takes
 *    is reported.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { gatewayUrl } from '@rdx/network';
import { topology } from '../fabric-client.js';
import { eventually, getJson, tokenFor } from '../gateway-client-e2e.js';
import {
  applyAndGetGrants,
  demand,
  onboard,
  Parties,
  runId,
  submit,
  type TestEnterprise,
} from '../workflow.js';

const base = gatewayUrl({ topology } as never);
const { hostname, port } = new URL(base);
const DATASET = 'market-entities';

let p: Parties;
let aa: TestEnterprise;
let token: string;

before(async () => {
  p = new Parties();
  aa = await onboard(p, 'AA');
  await applyAndGetGrants(p, aa.signer, `hostile-${runId}`, [
    demand(DATASET, 'MarketMSP', ['uscc', 'entity_name']),
  ]);
  await eventually(
    async () => {
      token = await tokenFor(base, aa.creditCode, aa.privateKeyPem).catch(() => '');
      return token !== '' && (await records(token)).status === 200;
    },
    20_000,
    'the gateway serves the new grant',
  );
});
after(() => p.close());

const records = (t: string): Promise<{ status: number; body: Record<string, unknown> }> =>
  getJson(`${base}/v1/datasets/${DATASET}/records?limit=1`, t);

async function post(
  path: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; contentType: string; body: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body,
  });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* not JSON: the assertions below say so */
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: parsed };
}

function assertProblem(
  r: { status: number; contentType: string; body: Record<string, unknown> },
  status: number,
  code: string,
): void {
  assert.equal(r.status, status, JSON.stringify(r.body).slice(0, 300));
  assert.match(r.contentType, /^application\/problem\+json/);
  assert.equal(r.body.code, code);
  assert.equal(r.body.status, status);
}

test('a downgraded enterprise’s still-valid token is refused on replay', async () => {
  assert.equal((await records(token)).status, 200);
  // The bureau downgrades it to A: its active grants are suspended in the same transaction.
  await submit(
    p.bureau,
    'enterprise',
    'RateEnterprise',
    aa.creditCode,
    JSON.stringify({
      level: 'A',
      mlpsLevel: 3,
      mlpsFiling: '33110099001-25001',
      creditStatus: 'good',
      validUntil: '2027-12-31',
    }),
  );
  // The token it was issued before still verifies (it lives up to 15 minutes), but it opens nothing.
  await eventually(
    async () => (await records(token)).status === 403,
    10_000,
    'the downgrade reaches the gateway',
  );
  for (let i = 0; i < 3; i++) {
    const replay = await records(token);
    assert.equal(replay.status, 403);
    assert.equal(replay.body.code, 'RATING_INSUFFICIENT');
  }
  // A fresh token (an A enterprise may still log in, for unconditional data) does no better.
  const fresh = await tokenFor(base, aa.creditCode, aa.privateKeyPem);
  assert.equal((await records(fresh)).body.code, 'RATING_INSUFFICIENT');
  const aggregate = await post(
    `/v1/datasets/${DATASET}/aggregate`,
    JSON.stringify({ groupBy: ['district'] }),
  );
  assertProblem(aggregate, 403, 'RATING_INSUFFICIENT');
});

test('oversized bodies are refused with 413, before authentication too', async () => {
  const big = JSON.stringify({ request: 'x'.repeat(300 * 1024), signature: 'y' });
  assertProblem(await post('/v1/applications', big), 413, 'PAYLOAD_TOO_LARGE');
  assertProblem(await post('/v1/usage-reports', big, { authorization: '' }), 413, 'PAYLOAD_TOO_LARGE');
  assertProblem(
    await post(`/v1/datasets/${DATASET}/aggregate`, JSON.stringify({ groupBy: ['x'.repeat(20 * 1024)] })),
    413,
    'PAYLOAD_TOO_LARGE',
  );
  assertProblem(
    await post(
      '/oauth/token',
      JSON.stringify({ grant_type: 'client_credentials', client_secret: 'x'.repeat(20_000) }),
    ),
    413,
    'PAYLOAD_TOO_LARGE',
  );
  assert.equal((await fetch(`${base}/healthz`)).status, 200, 'the gateway is unharmed');
});

test('deeply nested JSON bodies are refused with 400', async () => {
  const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
  // 100 000 levels in 200 KB, under the 256 KB limit of the signed routes; 8000 under the aggregate's 16 KB.
  assertProblem(await post('/v1/applications', nested(100_000)), 400, 'BAD_REQUEST');
  assertProblem(
    await post('/v1/applications', `{"request":${nested(100_000)},"signature":"x"}`),
    400,
    'BAD_REQUEST',
  );
  // A body that is a nested array, not an object: refused for what it is (this caller is rated A by now).
  const aggregate = await post(`/v1/datasets/${DATASET}/aggregate`, nested(8000));
  assert.ok(aggregate.status >= 400 && aggregate.status < 500, `aggregate → ${aggregate.status}`);
  assert.match(aggregate.contentType, /^application\/problem\+json/);
  assertProblem(await post('/oauth/token', `{"grant_type":${nested(8000)}}`), 400, 'UNSUPPORTED_GRANT_TYPE');
  assert.equal((await fetch(`${base}/healthz`)).status, 200, 'the gateway is unharmed');
});

test('a computed-results query whose groupBy nests deeply (16 KB) is refused with a 4xx, not a 5xx', async () => {
  const nested = `${'['.repeat(8000)}${']'.repeat(8000)}`;
  for (const body of [`{"groupBy":${nested}}`, '{"groupBy":[{"toString":1}]}']) {
    const r = await post(`/v1/datasets/${DATASET}/aggregate`, body, { authorization: '' });
    assert.ok(r.status >= 400 && r.status < 500, `${r.status} ${String(r.body.code)}`);
  }
});

test('a signed request whose JSON nests deeply (40 KB) is refused with a 4xx, not a 5xx', async () => {
  const fresh = await onboard(p, 'AA');
  const freshToken = await (async () => {
    let t = '';
    await eventually(
      async () => (t = await tokenFor(base, fresh.creditCode, fresh.privateKeyPem).catch(() => '')) !== '',
      15_000,
      'the gateway sees the enterprise',
    );
    return t;
  })();
  const request =
    `{"action":"SubmitApplication","creditCode":"${fresh.creditCode}","nonce":"nonce-${runId}-deep0001",` +
    `"signedAt":"${new Date().toISOString()}","body":{"x":${'['.repeat(20_000)}${']'.repeat(20_000)}}}`;
  const r = await post('/v1/applications', JSON.stringify({ request, signature: 'A'.repeat(86) }), {
    authorization: `Bearer ${freshToken}`,
  });
  assert.ok(r.status >= 400 && r.status < 500, `${r.status} ${String(r.body.code)} ${String(r.body.detail)}`);
});

/** Opens a raw connection, writes `first`, then one more byte every second; resolves with when it closed. */
function slowClient(
  first: string,
  drip: string,
  limitMs: number,
): Promise<{ closedAfterMs: number; answer: string }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(Number(port), hostname);
    let answer = '';
    let timer: NodeJS.Timeout | undefined;
    const done = (): void => {
      clearInterval(timer);
      clearTimeout(cap);
      resolve({ closedAfterMs: Date.now() - started, answer });
    };
    const cap = setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      resolve({ closedAfterMs: Infinity, answer });
    }, limitMs);
    socket.on('connect', () => {
      socket.write(first);
      timer = setInterval(() => {
        if (!socket.destroyed && socket.writable) socket.write(drip);
      }, 1000);
    });
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('close', done);
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // A reset after the server cut us off is how some cut-offs look.
      if (err.code === 'ECONNRESET' || err.code === 'EPIPE') return;
      clearInterval(timer);
      clearTimeout(cap);
      reject(err);
    });
  });
}

test('slow clients are cut off: headers that never finish, and a body that never finishes', async (t) => {
  const [headers, body] = await Promise.all([
    // Headers dripped one byte a second, never ending: headersTimeout is 10 s.
    slowClient(`GET /healthz HTTP/1.1\r\nHost: ${hostname}\r\nX-Slow: `, 'a', 70_000),
    // Complete headers, a body that never arrives in full: requestTimeout is 30 s.
    slowClient(
      `POST /oauth/token HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"grant_type":"`,
      'a',
      70_000,
    ),
  ]);
  t.diagnostic(
    `never-ending headers cut after ${headers.closedAfterMs} ms (${JSON.stringify(headers.answer.split('\r\n')[0] ?? '')}); ` +
      `never-ending body cut after ${body.closedAfterMs} ms (${JSON.stringify(body.answer.split('\r\n')[0] ?? '')})`,
  );
  assert.ok(Number.isFinite(headers.closedAfterMs), 'a client whose headers never end is cut off');
  assert.ok(Number.isFinite(body.closedAfterMs), 'a client whose body never ends is cut off');
  // Node enforces both timeouts from a periodic check (connectionsCheckingInterval, 30 s by default), so a
  // cut-off may come up to that much after the timeout itself.
  assert.ok(headers.closedAfterMs <= 10_000 + 35_000, `headers: ${headers.closedAfterMs} ms`);
  assert.ok(body.closedAfterMs <= 30_000 + 35_000, `body: ${body.closedAfterMs} ms`);
  await t.test('within the configured timeouts (headers 10 s, request 30 s, 2 s of slack)', () => {
    assert.ok(headers.closedAfterMs <= 12_000, `headers cut after ${headers.closedAfterMs} ms`);
    assert.ok(body.closedAfterMs <= 32_000, `body cut after ${body.closedAfterMs} ms`);
  });
  assert.equal((await fetch(`${base}/healthz`)).status, 200, 'the gateway still serves others');
});

test('requests the HTTP parser rejects (a malformed request line, a 32 KB header) are answered with a problem', async () => {
  const raw = (request: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const socket = net.connect(Number(port), hostname, () => socket.write(request));
      let answer = '';
      socket.on('data', (d: Buffer) => (answer += d.toString('utf8')));
      socket.on('close', () => resolve(answer));
      socket.on('error', reject);
      setTimeout(() => socket.destroy(), 5000);
    });
  for (const request of [
    'GARBAGE\r\n\r\n',
    `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(32 * 1024)}\r\n\r\n`,
  ]) {
    const answer = await raw(request);
    assert.match(answer, /^HTTP\/1\.1 4\d\d /);
    assert.match(answer, /content-type: application\/problem\+json/i, answer.slice(0, 200));
  }
});
