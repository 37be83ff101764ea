/**
 * Hostile clients against the real gateway on the real network (issue 6):
 *
 *  - the still-valid token of an enterprise that was downgraded (its grants suspended) is refused;
 *  - oversized bodies get 413, deeply nested JSON gets 400, both as problems; a signed request with a field its
 *    action does not take gets 400, named;
 *  - slow clients — headers that never finish, a body that never finishes — are cut off by the server's
 *    timeouts (headersTimeout 10 s and requestTimeout 30 s in gateway/src/main.ts), and how long that takes
 *    is reported;
 *  - one address may hold 64 open connections (RDX_MAX_CONNECTIONS_PER_ADDRESS): more are reset on arrival,
 *    and every other client is served meanwhile;
 *  - the holder of an IPv6 /64, sending from a new address each time (from a network namespace), is one caller
 *    to the connection cap, the anonymous rate and the token endpoint's guard;
 *  - an identity that had its CA write an admin role's bytes into its certificate's subject is still what its CA
 *    made it on an admin route;
 *  - an org's admin, with Fabric's own `peer` CLI, cannot write terminal escapes or reordering marks into the
 *    ledger's text.
 */
import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import crypto, { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fabricAttributes, signAdminRequest } from '@rdx/client';
import { forgedAdminLocality } from '@rdx/client/testing/forged-subject';
import {
  ensureFabricBinaries,
  gatewayMetricsHeaders,
  gatewayMetricsUrl,
  gatewayUrl,
  ratingOf,
} from '@rdx/network';
import { defined } from '../expectations.js';
import { startGateway, stopGateway, type ExtraGateway } from '../extra-gateway.js';
import { config, paths, topology } from '../fabric-client.js';
import { eventually, getJson, tokenFor } from '../gateway-client-e2e.js';
import { Ipv6Link } from '../ipv6-link.js';
import { statusFrom } from '../request-from.js';
import { chaincodeInvoke, chaincodeQuery, cliFailure } from '../peer-cli.js';
import {
  applyAndGetGrants,
  datasetDefinition,
  demand,
  onboard,
  Parties,
  runId,
  submit,
  type TestEnterprise,
} from '../workflow.js';

const base = gatewayUrl({ topology });
/** The platform gateway's metrics, on its host's loopback (its API does not serve them). */
const metricsBase = gatewayMetricsUrl({ topology });
const { hostname, port } = new URL(base);
const DATASET = 'market-entities';

let p: Parties;
let aa: TestEnterprise;
let token: string;

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
  expect(r.status, JSON.stringify(r.body).slice(0, 300)).to.equal(status);
  expect(r.contentType).to.match(/^application\/problem\+json/);
  expect(r.body.code).to.equal(code);
  expect(r.body.status).to.equal(status);
}

/** The token endpoint refuses as OAuth clients read it: RFC 6749 §5.2 JSON, with the platform's code beside. */
function assertOAuthError(
  r: { status: number; contentType: string; body: Record<string, unknown> },
  status: number,
  code: string,
  error: string,
): void {
  expect(r.status, JSON.stringify(r.body).slice(0, 300)).to.equal(status);
  expect(r.contentType).to.match(/^application\/json/);
  expect(r.body.code).to.equal(code);
  expect(r.body.error).to.equal(error);
}

describe('hostile clients against the real gateway: stale tokens, oversized and nested bodies, slow and malformed requests', () => {
  /** An AA enterprise onboarded with a grant on DATASET, and a token the gateway serves it data with. */
  async function enterpriseWithGrant(appId: string): Promise<{ enterprise: TestEnterprise; token: string }> {
    const enterprise = await onboard(p, 'AA');
    await applyAndGetGrants(p, enterprise.signer, appId, [
      demand(DATASET, 'MarketMSP', ['uscc', 'entity_name']),
    ]);
    let issued = '';
    await eventually(
      async () => {
        issued = await tokenFor(base, enterprise.creditCode, enterprise.privateKeyPem).catch(() => '');
        return issued !== '' && (await records(issued)).status === 200;
      },
      20_000,
      'the gateway serves the new grant',
    );
    return { enterprise, token: issued };
  }

  before(async () => {
    p = new Parties();
    ({ enterprise: aa, token } = await enterpriseWithGrant(`hostile-${runId}`));
  });
  /** A second enterprise with a grant, for the tests after the first one's downgrade: made once, when first asked. */
  let second: ReturnType<typeof enterpriseWithGrant> | undefined;
  const secondEnterprise = (): ReturnType<typeof enterpriseWithGrant> =>
    (second ??= enterpriseWithGrant(`hostile-second-${runId}`));
  after(() => p.close());

  it('a signed request carrying a field its action does not take is refused, named, and nothing is recorded', async () => {
    // Signed with the enterprise's own key: the chaincode refuses the field, not the signature.
    const usage = {
      agreementId: `AGR-${runId}`,
      period: '2025-Q1',
      callCount: 1,
      reportHash: 'a'.repeat(64),
    };
    const misspelt = await post(
      '/v1/usage-reports',
      JSON.stringify(aa.signer.sign('ReportUsage', { ...usage, callCounts: 2 })),
    );
    assertProblem(misspelt, 400, 'INVALID_ARGUMENT');
    expect(misspelt.body.detail).to.match(
      /request\.body has an unknown field "callCounts": it takes agreementId, period, callCount and reportHash/,
    );
    // Beside the signed request, nothing travels unsigned: the gateway refuses it before the ledger sees it.
    const beside = await post(
      '/v1/usage-reports',
      JSON.stringify({ ...aa.signer.sign('ReportUsage', usage), note: 'x' }),
    );
    assertProblem(beside, 400, 'BAD_REQUEST');
    expect(beside.body.detail).to.equal('unknown field "note": a signed request takes request and signature');
  });

  it('a downgraded enterprise’s still-valid token is refused on replay', async () => {
    expect((await records(token)).status).to.equal(200);
    // The bureau downgrades it to A: its active grants are suspended in the same transaction.
    await submit(p.bureau, 'enterprise', 'RateEnterprise', aa.creditCode, JSON.stringify(ratingOf('A')));
    // The token it was issued before still verifies (it lives up to 15 minutes), but it opens nothing. The
    // suspended grant stops at once, from the block's event (GRANT_NOT_ACTIVE); the new rating is in the view once
    // the changed records have been read from the peer.
    await eventually(
      async () => {
        const answer = await records(token);
        if (answer.status !== 200) expect(answer.status).to.equal(403);
        return answer.body.code === 'RATING_INSUFFICIENT';
      },
      10_000,
      'the downgrade reaches the gateway',
    );
    for (let i = 0; i < 3; i++) {
      const replay = await records(token);
      expect(replay.status).to.equal(403);
      expect(replay.body.code).to.equal('RATING_INSUFFICIENT');
    }
    // A fresh token (an A enterprise may still log in, for unconditional data) does no better.
    const fresh = await tokenFor(base, aa.creditCode, aa.privateKeyPem);
    expect((await records(fresh)).body.code).to.equal('RATING_INSUFFICIENT');
    const aggregate = await post(
      `/v1/datasets/${DATASET}/aggregate`,
      JSON.stringify({ groupBy: ['district'] }),
    );
    assertProblem(aggregate, 403, 'RATING_INSUFFICIENT');
  });

  it('oversized bodies are refused with 413; without a token, with 401 before the body is read', async () => {
    const big = JSON.stringify({ request: 'x'.repeat(300 * 1024), signature: 'y' });
    assertProblem(await post('/v1/applications', big), 413, 'PAYLOAD_TOO_LARGE');
    for (const path of [
      '/v1/usage-reports',
      `/v1/datasets/${DATASET}/aggregate`,
      '/v1/inbox/read',
      '/v1/webhooks',
    ])
      assertProblem(await post(path, big, { authorization: '' }), 401, 'TOKEN_MISSING');
    assertProblem(
      await post(`/v1/datasets/${DATASET}/aggregate`, JSON.stringify({ groupBy: ['x'.repeat(20 * 1024)] })),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    assertOAuthError(
      await post(
        '/oauth/token',
        JSON.stringify({ grant_type: 'client_credentials', client_secret: 'x'.repeat(20_000) }),
      ),
      413,
      'PAYLOAD_TOO_LARGE',
      'invalid_request',
    );
    expect((await fetch(`${base}/healthz`)).status, 'the gateway is unharmed').to.equal(200);
  });

  it('deeply nested JSON bodies are refused with 400', async () => {
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
    expect(aggregate.status, `aggregate → ${aggregate.status}`).to.be.at.least(400).and.below(500);
    expect(aggregate.contentType).to.match(/^application\/problem\+json/);
    assertOAuthError(
      await post('/oauth/token', `{"grant_type":${nested(8000)}}`),
      400,
      'UNSUPPORTED_GRANT_TYPE',
      'unsupported_grant_type',
    );
    expect((await fetch(`${base}/healthz`)).status, 'the gateway is unharmed').to.equal(200);
  });

  it('a computed-results query whose groupBy nests deeply (16 KB) is refused with a 4xx, not a 5xx', async () => {
    const nested = `${'['.repeat(8000)}${']'.repeat(8000)}`;
    for (const body of [`{"groupBy":${nested}}`, '{"groupBy":[{"toString":1}]}']) {
      const r = await post(`/v1/datasets/${DATASET}/aggregate`, body, { authorization: '' });
      expect(r.status, `${r.status} ${String(r.body.code)}`)
        .to.be.at.least(400)
        .and.below(500);
    }
  });

  it('a signed request whose JSON nests deeply (40 KB) is refused with a 4xx, not a 5xx', async () => {
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
    expect(r.status, `${r.status} ${String(r.body.code)} ${String(r.body.detail)}`)
      .to.be.at.least(400)
      .and.below(500);
  });

  /** What a slow client saw: how long until the server closed the connection (Infinity: never), and its answer. */
  interface SlowClient {
    closedAfterMs: number;
    answer: string;
  }

  /** Opens a raw connection, writes `first`, then one more byte every second; resolves with when it closed. */
  function slowClient(first: string, drip: string, limitMs: number): Promise<SlowClient> {
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

  // How long the server took to cut each slow client off is measured once, then held to two bounds: the loose one
  // the gateway must always meet, and the configured timeouts, a test of their own so that missing them shows
  // on its own line.
  describe('slow clients are cut off: headers that never finish, and a body that never finishes', () => {
    let cut: { headers: SlowClient; body: SlowClient } | undefined;

    it('both are cut off, and the gateway still serves others', async () => {
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
      cut = { headers, body };
      console.log(
        `never-ending headers cut after ${headers.closedAfterMs} ms (${JSON.stringify(headers.answer.split('\r\n')[0] ?? '')}); ` +
          `never-ending body cut after ${body.closedAfterMs} ms (${JSON.stringify(body.answer.split('\r\n')[0] ?? '')})`,
      );
      expect(Number.isFinite(headers.closedAfterMs), 'a client whose headers never end is cut off').to.equal(
        true,
      );
      expect(Number.isFinite(body.closedAfterMs), 'a client whose body never ends is cut off').to.equal(true);
      // Node enforces both timeouts from a periodic check (connectionsCheckingInterval, 30 s by default), so a
      // cut-off may come up to that much after the timeout itself.
      expect(headers.closedAfterMs, `headers: ${headers.closedAfterMs} ms`).to.be.at.most(10_000 + 35_000);
      expect(body.closedAfterMs, `body: ${body.closedAfterMs} ms`).to.be.at.most(30_000 + 35_000);
      expect((await fetch(`${base}/healthz`)).status, 'the gateway still serves others').to.equal(200);
    });

    it('within the configured timeouts (headers 10 s, request 30 s, 2 s of slack)', () => {
      const { headers, body } = defined(cut, 'the slow clients were measured');
      expect(headers.closedAfterMs, `headers cut after ${headers.closedAfterMs} ms`).to.be.at.most(12_000);
      expect(body.closedAfterMs, `body cut after ${body.closedAfterMs} ms`).to.be.at.most(32_000);
    });
  });

  // A group of its own, so that it runs after the slow clients' group, as written.
  describe('requests the HTTP parser rejects (a malformed request line, a 32 KB header)', () => {
    it('are answered with a problem', async () => {
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
        expect(answer).to.match(/^HTTP\/1\.1 4\d\d /);
        expect(answer, answer.slice(0, 200)).to.match(/content-type: application\/problem\+json/i);
      }
    });
  });

  describe('one address holding many connections', () => {
    /** A connection from `localAddress` that asks for /healthz: the first answer's status line, or how it ended. */
    const connect = (localAddress: string): Promise<{ socket: net.Socket; answer: string }> =>
      new Promise((resolve) => {
        const socket = net.connect({ port: Number(port), host: hostname, localAddress });
        let data = '';
        socket.on('data', (d: Buffer) => {
          data += d.toString('latin1');
          if (data.includes('\r\n')) resolve({ socket, answer: data.slice(0, data.indexOf('\r\n')) });
        });
        socket.on('error', (err: NodeJS.ErrnoException) =>
          resolve({ socket, answer: err.code ?? String(err) }),
        );
        socket.on('close', () => resolve({ socket, answer: data || 'closed without an answer' }));
        socket.write(`GET /healthz HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`);
      });

    it('gets 64 connections; the 65th is held unread for a second, then reset, and others are still served', async () => {
      // An attacker's address of its own (all of 127/8 is loopback), so this test's other clients are not it.
      const held = await Promise.all(Array.from({ length: 64 }, () => connect('127.0.0.3')));
      try {
        // Each got an answer (200, or 429 once the address's anonymous rate is spent): all 64 are open.
        for (const h of held) expect(h.answer).to.match(/^HTTP\/1\.1 (200|429) /);
        const asked = Date.now();
        const extraAnswer = connect('127.0.0.3');
        // While it is held, every other address is served.
        expect((await fetch(`${base}/healthz`)).status).to.equal(200);
        const extra = await extraAnswer;
        expect(extra.answer, 'the 65th connection').to.be.oneOf([
          'ECONNRESET',
          'EPIPE',
          'closed without an answer',
        ]);
        // Held as long as a late refusal (RDX_RATE_REFUSAL_DELAY_MS): a flood cannot reconnect at once.
        expect(Date.now() - asked, 'held before its reset').to.be.at.least(900);
        // The refusal is counted for the operator.
        const metrics = await (
          await fetch(`${metricsBase}/metrics`, { headers: gatewayMetricsHeaders({ paths }) })
        ).text();
        const refused = /^rdx_connections_refused_total\{\} (\d+)$/m.exec(metrics)?.[1];
        expect(Number(refused ?? 0), 'rdx_connections_refused_total').to.be.at.least(1);
      } finally {
        for (const h of held) h.socket.destroy();
      }
      // Once they are closed, the address may connect again.
      await eventually(
        async () => {
          const again = await connect('127.0.0.3');
          again.socket.destroy();
          return /^HTTP\/1\.1 (200|429) /.test(again.answer);
        },
        5000,
        'the address connects again after closing its connections',
      );
    });
  });
  describe('one holder of an IPv6 /64 sending from a new address each time', () => {
    // Another gateway of the bureau, on the link's address: the platform's listens on loopback, which has one
    // IPv6 address. Small limits, refused at once, so that a handful of calls reaches each.
    let link: Ipv6Link | undefined;
    let gateway: ExtraGateway | undefined;
    let caller: ChildProcessByStdio<Writable, Readable, null> | undefined;
    let answers: AsyncIterator<string> | undefined;
    const gatewayPort = topology.gateway.port + 7;

    /** One order to the caller in the namespace (many-address-caller.ts), and its answers. */
    const order = async (o: object): Promise<unknown[]> => {
      caller!.stdin.write(`${JSON.stringify(o)}\n`);
      const line = await answers!.next();
      if (line.done) throw new Error('the caller in the namespace ended');
      return JSON.parse(line.value) as unknown[];
    };
    /** The status of one request from this host's address on another /64: a different subscriber. */
    const fromOtherNetwork = (method: string, path: string, form?: string): Promise<number | string> =>
      statusFrom({ host: link!.gateway, port: gatewayPort }, link!.otherCaller, { method, path, form });
    const answered = /^HTTP\/1\.1 (200|429) /;

    before(async function () {
      if (process.getuid?.() !== 0) this.skip(); // network namespaces need root
      link = await Ipv6Link.create('flood', 12);
      gateway = await startGateway(`gw-v6-${runId}`, gatewayPort, {
        RDX_GATEWAY_HOST: link.gateway,
        RDX_GATEWAY_PLAIN_HTTP: 'on',
        RDX_MAX_CONNECTIONS_PER_ADDRESS: '4',
        RDX_ANONYMOUS_RATE_PER_SECOND: '2',
        RDX_LOGIN_PER_ADDRESS_PER_MINUTE: '3',
        RDX_RATE_REFUSAL_DELAY_MS: '0',
      });
      const script = path.join(config.repoRoot, 'test', 'dist', 'many-address-caller.js');
      caller = spawn(
        'ip',
        ['netns', 'exec', link.ns, process.execPath, script, link.gateway, String(gatewayPort)],
        {
          stdio: ['pipe', 'pipe', 'inherit'],
        },
      );
      answers = readline.createInterface({ input: caller.stdout })[Symbol.asyncIterator]();
    });

    after(async () => {
      caller?.stdin.end();
      if (gateway) await stopGateway(gateway);
      await link?.remove();
    });

    it('holds four connections from all its addresses together: a fifth is reset, another network still connects', async () => {
      const first = (await order({ hold: link!.attackers.slice(0, 4) })) as string[];
      for (const a of first) expect(a, 'one of the first four connections').to.match(answered);
      // Each from an address of its own, the attacker's 2^64 it could go on with.
      const more = (await order({ hold: link!.attackers.slice(4, 8) })) as string[];
      for (const a of more)
        expect(a, 'a connection past four').to.be.oneOf(['ECONNRESET', 'EPIPE', 'closed without an answer']);
      expect(await fromOtherNetwork('GET', '/healthz')).to.equal(200);
      await order({ release: true });
    });

    it('shares one anonymous rate and one token-attempt budget between all its addresses; another network has its own', async () => {
      const calls = (await order({
        ask: { method: 'GET', path: '/healthz' },
        from: link!.attackers,
      })) as number[];
      expect(calls.filter((s) => s === 200).length, `statuses ${calls.join(' ')}`).to.be.at.most(3);
      expect(calls.filter((s) => s === 429).length, `statuses ${calls.join(' ')}`).to.be.at.least(9);
      expect(await fromOtherNetwork('GET', '/healthz')).to.equal(200);

      const login = 'grant_type=client_credentials&client_id=91330000NOBODY0000&client_secret=wrong';
      const attempts = (await order({
        ask: { method: 'POST', path: '/oauth/token', form: login },
        from: link!.attackers.slice(0, 8),
      })) as number[];
      expect(attempts.filter((s) => s === 401).length, `statuses ${attempts.join(' ')}`).to.be.at.most(3);
      expect(attempts.filter((s) => s === 429).length, `statuses ${attempts.join(' ')}`).to.be.at.least(5);
      expect(await fromOtherNetwork('POST', '/oauth/token', login)).to.equal(401);
    });
  });
  describe('one address flooding the token endpoint', () => {
    /**
     * A keep-alive connection from `localAddress` sending bogus logins one after another until `until`: the
     * status line and Retry-After of each answer it got.
     */
    const floodLogins = (
      localAddress: string,
      until: number,
    ): Promise<{ status: string; retryAfter?: string }[]> =>
      new Promise((resolve) => {
        const answers: { status: string; retryAfter?: string }[] = [];
        const body = 'grant_type=client_credentials&client_id=91331100FLOOD0000&client_secret=guess';
        const socket = net.connect({ port: Number(port), host: hostname, localAddress });
        const ask = (): void => {
          if (Date.now() >= until) return void socket.end();
          socket.write(
            `POST /oauth/token HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
          );
        };
        let data = '';
        socket.on('data', (d: Buffer) => {
          data += d.toString('latin1');
          for (let end = data.indexOf('\r\n\r\n'); end >= 0; end = data.indexOf('\r\n\r\n')) {
            const head = data.slice(0, end);
            const length = Number(/^content-length: (\d+)$/im.exec(head)?.[1] ?? 0);
            if (data.length < end + 4 + length) break;
            answers.push({ status: head.slice(9, 12), retryAfter: /^retry-after: (\d+)$/im.exec(head)?.[1] });
            data = data.slice(end + 4 + length);
            ask();
          }
        });
        socket.on('connect', ask);
        socket.on('error', () => resolve(answers));
        socket.on('close', () => resolve(answers));
      });

    it('waits a second before each refusal: 16 connections sending bogus secrets back to back get a few answers each, and data calls go on', async () => {
      // The suite's first enterprise was downgraded above.
      const { token: dataToken } = await secondEnterprise();
      // Its own address (127/8 is loopback): the guard's lockout of it touches no other test's client.
      const until = Date.now() + 4000;
      const flood = Promise.all(Array.from({ length: 16 }, () => floodLogins('127.0.0.4', until)));
      const data: number[] = [];
      // Five a second, well inside the grant's rate.
      for (; Date.now() < until - 500; await new Promise((r) => setTimeout(r, 200)))
        data.push((await records(dataToken)).status);
      const answers = await flood;
      expect(data.length, 'data calls during the flood').to.be.at.least(3);
      expect(
        data.every((s) => s === 200),
        `data call statuses ${data.join(',')}`,
      ).to.equal(true);
      const all = answers.flat();
      const refused = all.filter((a) => a.status === '429');
      expect(refused.length, 'refusals').to.be.at.least(16);
      for (const r of refused) expect(Number(r.retryAfter), 'Retry-After').to.be.at.least(1);
      expect(all.filter((a) => !['401', '429'].includes(a.status))).to.deep.equal([]);
      // Answered at once, a refusal comes back in about a millisecond: thousands in 4 s on each connection.
      // Held, a connection gets the answers to the few secrets the guard hashes before it locks the client id
      // and the address out, then one refusal a second.
      for (const each of answers) expect(each.length, 'answers on one connection in 4 s').to.be.at.most(12);
    });
  });

  describe('one connection pipelining thousands of requests without reading the answers', () => {
    /** A connection from `localAddress` that writes `count` requests for /healthz at once: the answers it got. */
    const pipelineFlood = (
      localAddress: string,
      count: number,
    ): Promise<{ answers: number; closed: boolean }> =>
      new Promise((resolve) => {
        const socket = net.connect({ port: Number(port), host: hostname, localAddress });
        let answers = 0;
        socket.on('data', (d: Buffer) => (answers += d.toString('latin1').split('HTTP/1.1 ').length - 1));
        socket.on('error', () => undefined);
        socket.on('close', () => resolve({ answers, closed: true }));
        socket.write(`GET /healthz HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`.repeat(count));
        // A gateway that kept the connection would answer it all, a refusal a second: give up after 10 s.
        setTimeout(() => {
          socket.destroy();
          resolve({ answers, closed: false });
        }, 10_000).unref();
      });

    it('is closed after at most a few answers, and every other client is served meanwhile', async () => {
      const { token: dataToken } = await secondEnterprise();
      // Node hands every request of a read to the app at once; held refusals (the anonymous rate's) never made
      // it stop reading: 8 such connections took the gateway from 170 MB to 1.4 GB and data calls to 5–9 s.
      const flood = Promise.all(Array.from({ length: 8 }, () => pipelineFlood('127.0.0.5', 2000)));
      const data: number[] = [];
      for (let i = 0; i < 5; i++) data.push((await records(dataToken)).status);
      const flooded = await flood;
      expect(data, 'data calls during the flood').to.deep.equal([200, 200, 200, 200, 200]);
      for (const f of flooded) {
        expect(f.closed, 'the gateway closed the flooding connection').to.equal(true);
        // The one request in hand, and those that may wait behind it (gateway/src/http/one-request-per-connection.ts).
        expect(f.answers, 'answers to 2000 requests').to.be.at.most(17);
      }
    });
  });

  describe('refused data calls are the enterprise’s, in its own access log', () => {
    it('a malformed or oversized computed-result body, and a repeated or overlong query parameter', async () => {
      const caller = await secondEnterprise();
      const { token } = caller;
      const aggregate = (body: string, type = 'application/json'): Promise<Response> =>
        fetch(`${base}/v1/datasets/${DATASET}/aggregate`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': type },
          body,
        });
      const refused = [
        await aggregate('{bad'),
        await aggregate('groupBy=district', 'application/x-www-form-urlencoded'),
        await aggregate(JSON.stringify({ filter: 'x'.repeat(20_000) })),
        await fetch(`${base}/v1/datasets/${DATASET}/records?limit=1&limit=2`, {
          headers: { authorization: `Bearer ${token}` },
        }),
        await fetch(`${base}/v1/datasets/${DATASET}/records?limit=1&x=${'a'.repeat(300)}`, {
          headers: { authorization: `Bearer ${token}` },
        }),
      ];
      expect(refused.map((r) => r.status)).to.deep.equal([400, 415, 413, 400, 400]);
      const ids = refused.map((r) => r.headers.get('x-request-id')!);
      const log = await getJson(`${base}/v1/access-log?limit=100`, token);
      const records = (
        log.body.data as { requestId: string; decision: string; enterprise?: string }[]
      ).filter((r) => ids.includes(r.requestId));
      expect(records.map((r) => r.requestId).sort(), 'each refusal in the enterprise’s log').to.deep.equal(
        [...ids].sort(),
      );
      for (const r of records)
        expect(r).to.include({ decision: 'deny', enterprise: caller.enterprise.creditCode });
    });
  });

  describe("an identity Market's CA enrolls writes an admin role into its own certificate's subject", () => {
    it('the CA issues it as asked, and the gateway still sees a reviewer: 403 on an admin route', async () => {
      const install = await ensureFabricBinaries(config, () => undefined);
      const ca = defined(
        topology.nodes.find((n) => n.kind === 'ca' && n.mspId === 'MarketMSP'),
        "Market's CA",
      );
      // The reviewer's own identity, copied: it asks its CA for a new certificate with a locality of its choosing
      // (Fabric CA keeps the requester's C, ST, L and O), holding the bytes of the attribute extension and an
      // admin role.
      const forged = forgedAdminLocality();
      const home = fs.mkdtempSync(path.join(paths.caClientHome('market'), '.forged-'));
      try {
        const msp = path.join(home, 'msp');
        fs.cpSync(paths.identityMsp('market', 'reviewer'), msp, { recursive: true });
        const file = path.join(home, 'fabric-ca-client-config.yaml');
        // The locality in the client's configuration (JSON is YAML): the command-line flag would read it as CSV.
        const caConfig = {
          url: `https://${ca.host}:${ca.port}`,
          tls: { certfiles: [paths.caCert('market')] },
          csr: { names: [{ L: forged }] },
        };
        fs.writeFileSync(file, JSON.stringify(caConfig), { mode: 0o600 });
        const reenrolled = spawnSync(
          install.bin['fabric-ca-client'],
          ['reenroll', '-c', file, '-M', msp, '--csr.keyrequest.reusekey'],
          { encoding: 'utf8', env: { PATH: process.env.PATH } },
        );
        expect(reenrolled.status, reenrolled.stderr).to.equal(0);
        const certificatePem = fs.readFileSync(path.join(msp, 'signcerts', 'cert.pem'), 'utf8');
        const cert = new X509Certificate(certificatePem);
        // The attack is in the certificate the CA signed: its subject carries the bytes, before the real extension.
        expect(cert.raw.indexOf(Buffer.from(forged, 'latin1'))).to.be.greaterThan(0);
        expect(fabricAttributes(cert).role).to.equal('reviewer');
        const reviewer = {
          certificatePem,
          privateKeyPem: fs.readFileSync(path.join(msp, 'keystore', 'key.pem'), 'utf8'),
        };
        // A plain HTTP client signing as that identity: making a console account is the body admin's.
        const body = JSON.stringify({ name: '冒名管理员' });
        const target = '/v1/admin/console-accounts';
        const answer = await fetch(`${base}${target}`, {
          method: 'POST',
          body,
          headers: {
            'content-type': 'application/json',
            ...signAdminRequest(reviewer, {
              method: 'POST',
              path: target,
              contentSha256: crypto.createHash('sha256').update(body).digest('hex'),
            }),
          },
        });
        expect(answer.status, await answer.clone().text()).to.equal(403);
        expect(((await answer.json()) as { code: string }).code).to.equal('FORBIDDEN');
      } finally {
        fs.rmSync(home, { recursive: true, force: true });
      }
    });
  });

  describe("Market's admin writes terminal escapes into a dataset's name with Fabric's own peer CLI", () => {
    it('both endorsing peers refuse it, naming the field and the character, and nothing is registered', async () => {
      const install = await ensureFabricBinaries(config, () => undefined);
      const register = (id: string, name: string): Promise<string> =>
        chaincodeInvoke(install, 'MarketMSP', ['catalog:RegisterDataset', datasetDefinition(id, name)], {
          endorsers: ['MarketMSP', 'BureauMSP'],
        });
      // Listed in a regulator's terminal, the first would move the cursor up and erase the line above; the second
      // sets the terminal's clipboard; the third makes the name read backwards from the override on.
      for (const [i, [name, at]] of [
        ['企业登记\u001b[1A\u001b[2K', 'U+001B at 4'],
        ['企业登记\u001b]52;c;cm0gLXJmIH4=\u0007', 'U+001B at 4'],
        ['企业\u202e记登', 'U+202E at 2'],
      ].entries()) {
        const id = `escaped-${i}-${runId}`;
        const said = await cliFailure(register(id, name!));
        expect(said, 'the invoke is refused').to.include('INVALID_ARGUMENT');
        expect(said).to.include(`name must not hold control characters (${at})`);
        const read = await cliFailure(
          chaincodeQuery(install, 'MarketMSP', 'MarketMSP', ['catalog:GetDataset', id]),
        );
        expect(read, 'nothing was registered').to.include('NOT_FOUND');
      }
    });
  });
});
