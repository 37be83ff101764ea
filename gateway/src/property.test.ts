/**
 * Hostile HTTP input, property-based (fast-check), against the real app (testing/harness): random methods,
 * paths (route templates filled with hostile segments, and paths of no route), query strings, headers and
 * bodies, sent raw over a socket so nothing is normalised on the way. Whatever comes in:
 *
 *   - the gateway never answers 5xx (the fake ledger is up, so nothing may fail on the server's side);
 *   - every error is an RFC 9457 problem: application/problem+json, with type, title, a known code and the
 *     HTTP status in its body, and no stack trace.
 *
 * The seed is fixed so a failure reproduces; RDX_FC_SEED and RDX_FC_RUNS explore further.
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import http from 'node:http';
import fc from 'fast-check';
import { PROBLEMS } from './problem.js';
import { CODE, DS, GRANT } from './testing/fixtures.js';
import { startHarness, type Harness } from './testing/harness.js';

const SEED = Number(process.env.RDX_FC_SEED ?? 20_261_127);
const RUNS = Number(process.env.RDX_FC_RUNS ?? 300);

let h: Harness;
let tokens: string[] = [];

describe('hostile HTTP input (property-based)', () => {
  before(async () => {
    h = await startHarness({ peopleRows: 60 });
    h.ledger.applications.set('APP-1', { id: 'APP-1', creditCode: CODE.AA, state: 'RETURNED' });
    h.ledger.agreements.set('AGR-1', {
      id: 'AGR-1',
      terms: { creditCode: CODE.AA },
      termsHash: 'c'.repeat(64),
    });
    h.ledger.on('query:GetHistory', () => []);
    h.ledger.on('query:ListOverdue', () => []);
    h.ledger.on('query:ListApplications', () => ({ items: [], bookmark: '' }));
    h.clients.register('regulator-1', undefined, 'regulator');
    tokens = [
      h.tokenFor('A'),
      h.tokenFor('AA'),
      h.tokenFor('AAA'),
      h.tokens.issue('regulator-1', 'regulator').access_token,
      h.tokens.issue(CODE.AA).access_token.replace(/\.[^.]*$/, '.AAAA'),
      'eyJhbGciOiJub25lIn0.eyJzdWIiOiI5MTMzMTEwMk1BMjhBQTAwMDEifQ.',
    ];
  });
  after(() => h.close());

  interface Raw {
    method: string;
    path: string;
    headers: Record<string, string>;
    body?: Buffer;
  }

  interface Answer {
    status: number;
    headers: http.IncomingHttpHeaders;
    body: Buffer;
  }

  /** Sends a request exactly as given (no URL normalisation, any header), and reads the whole answer. */
  function send(req: Raw): Promise<Answer> {
    const { port } = new URL(h.base);
    return new Promise((resolve, reject) => {
      const r = http.request(
        {
          host: '127.0.0.1',
          port,
          method: req.method,
          path: req.path,
          headers: req.headers,
          timeout: 10_000,
          // A connection per request: a keep-alive socket the server closed must not count as its failure.
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      // A well-framed request: Node sends no framing for a GET/OPTIONS/DELETE body unless told its length, and
      // an unframed body is not HTTP (the parser's 400 is Node's, before the app: see hostile.e2e.test.ts).
      if (req.body !== undefined) r.setHeader('content-length', String(req.body.length));
      r.on('timeout', () => r.destroy(new Error('no answer within 10 s')));
      r.on('error', reject);
      r.end(req.body);
    });
  }

  const STACK = /\bat\s+(?:\S+\s+)?\(?(?:file:\/\/|node:|\/)\S*?:\d+:\d+|node:internal/;

  function checkAnswer(req: Raw, a: Answer): void {
    const where = `${req.method} ${req.path.slice(0, 200)} ${JSON.stringify(req.headers).slice(0, 200)} → ${a.status}`;
    expect(a.status, `${where}: a server error\n${a.body.toString('utf8').slice(0, 500)}`).to.be.at.least(
      100,
    );
    expect(a.status, `${where}: a server error\n${a.body.toString('utf8').slice(0, 500)}`).to.be.below(500);
    const text = a.body.toString('utf8');
    expect(text, `${where}: a stack trace`).not.to.match(STACK);
    if (a.status >= 400 && req.method !== 'HEAD') {
      // The token endpoint refuses as OAuth clients read it (RFC 6749 §5.2), its platform code beside `error`.
      const oauth = req.method === 'POST' && req.path.split('?')[0] === '/oauth/token';
      expect(String(a.headers['content-type']), `${where}: not a problem`).to.match(
        oauth ? /^application\/json/ : /^application\/problem\+json/,
      );
      const problem = JSON.parse(text) as Record<string, unknown>;
      if (oauth) {
        expect(problem.error, `${where}: no OAuth error`).to.be.a('string');
        expect(problem.error_description, `${where}: no OAuth error description`).to.be.a('string');
        expect(PROBLEMS, `${where}: unknown code ${String(problem.code)}`).to.have.property(
          problem.code as string,
        );
        expect(
          PROBLEMS[problem.code as keyof typeof PROBLEMS].status,
          `${where}: the code's status`,
        ).to.equal(a.status);
        return;
      }
      expect(problem.code, `${where}: unknown code ${String(problem.code)}`).to.be.a('string');
      expect(PROBLEMS, `${where}: unknown code ${String(problem.code)}`).to.have.property(
        problem.code as string,
      );
      expect(problem.status, `${where}: the body's status`).to.equal(a.status);
      expect(PROBLEMS[problem.code as keyof typeof PROBLEMS].status, `${where}: the code's status`).to.equal(
        a.status,
      );
      expect(typeof problem.type, where).to.equal('string');
      expect(typeof problem.title, where).to.equal('string');
    }
  }

  // ---- arbitraries -------------------------------------------------------------------------------------------

  const TEMPLATES = [
    '/healthz',
    '/readyz',
    '/openapi.json',
    '/oauth/token',
    '/.well-known/jwks.json',
    '/v1/datasets',
    '/v1/datasets/{id}/records',
    '/v1/datasets/{id}/aggregate',
    '/v1/open/datasets/{id}/download',
    '/v1/admin/datasets/{id}/versions/{id}',
    '/v1/applications',
    '/v1/applications/{id}',
    '/v1/applications/{id}/disputes',
    '/v1/agreements/{id}',
    '/v1/agreements/{id}/signature',
    '/v1/agreements/{id}/renewal',
    '/v1/agreements/{id}/termination',
    '/v1/usage-reports',
    '/v1/data-returns',
    '/v1/products',
    '/v1/security-issues',
    '/v1/grants',
    '/v1/public/recipients',
    '/v1/public/credit',
    '/v1/access-log',
    '/v1/audit/receipts/{id}',
    '/v1/audit/consistency',
    '/v1/regulator/dashboard',
    '/v1/regulator/timeline',
    '/v1/regulator/grants/{id}/stats',
    '/v1/regulator/anchors',
    '/v1/regulator/receipts/{id}',
    '/v1/regulator/search',
    '/console/',
    '/console/js/{id}',
    '/console/assets/{id}',
  ];

  const HOSTILE_SEGMENTS = [
    DS.PEOPLE,
    DS.OPEN,
    DS.CLOSED,
    DS.PENDING,
    GRANT.AA_PEOPLE,
    'APP-1',
    'AGR-1',
    'v1',
    '00000000-0000-0000-0000-000000000000',
    '..',
    '%2e%2e',
    '..%2f..%2fetc%2fpasswd',
    '%',
    '%zz',
    '%00',
    '%ff%fe',
    '%c0%af',
    '%E4%B8%AD%E6%96%87',
    '%0d%0aSet-Cookie:%20x=1',
    'a'.repeat(3000),
    '__proto__',
    'constructor',
    '%7B%7D',
    ';',
    '*',
  ];

  /** A path segment: known ids, traversal and bad escapes, or anything percent-encoded. */
  const segment = fc.oneof(
    fc.constantFrom(...HOSTILE_SEGMENTS),
    fc.string({ unit: 'binary', maxLength: 40 }).map((s) => encodeURIComponent(s)),
    fc.stringMatching(/^[A-Za-z0-9._~-]{1,30}$/),
  );

  const QUERY_KEYS = [
    'limit',
    'fields',
    'filter',
    'cursor',
    'before',
    'from',
    'to',
    'q',
    'grant',
    'enterprise',
    'dataset',
    'state',
    'page',
    '__proto__',
    'constructor[prototype][x]',
    'a[b]',
  ];
  const QUERY_VALUES = [
    '',
    '-1',
    '0',
    '1',
    '1.5',
    '1e309',
    'NaN',
    'Infinity',
    '0x10',
    '9'.repeat(30),
    '%',
    '%zz',
    'null',
    '[]',
    '{}',
    'uscc,name,id_number',
    'district:eq:莲都区',
    'age:gt:abc',
    'age:in:1|2|3',
    'x:y',
    ':::',
    'id_number:prefix:3311',
    'income:ge:1e400',
    'registered_on:lt:2020-13-45',
    'a'.repeat(5000),
    'eyJ4IjoxfQ',
    'AAAA',
  ];
  const queryValue = fc.oneof(fc.constantFrom(...QUERY_VALUES), fc.string({ unit: 'binary', maxLength: 30 }));
  const query = fc
    .array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 8 })), queryValue), {
      maxLength: 5,
    })
    .map((pairs) =>
      pairs.length === 0
        ? ''
        : `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`,
    );

  const path = fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.constantFrom(...TEMPLATES), fc.array(segment, { minLength: 2, maxLength: 2 }))
        .map(([t, [a, b]]) => t.replace('{id}', a!).replace('{id}', b!)),
    },
    { weight: 1, arbitrary: fc.array(segment, { maxLength: 6 }).map((s) => `/${s.join('/')}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '/',
        '//v1//datasets',
        '/v1/datasets/',
        '/V1/DATASETS',
        '/v1/datasets;x=1',
        '/v1/./grants',
        '/%2F%2Fevil.example/',
      ),
    },
  );

  const authorization = fc.oneof(
    fc.constant(undefined),
    fc.integer({ min: 0, max: 5 }).map((i) => `Bearer ${tokens[i]!}`),
    fc.constantFrom(
      'Bearer',
      'Bearer ',
      'bearer x.y.z',
      'Basic',
      'Basic !!!',
      'Basic Og==',
      `Basic ${Buffer.from(`${CODE.AA}:%zz`).toString('base64')}`,
      'Negotiate x',
      'Bearer ' + 'a'.repeat(8000),
    ),
    fc.string({ maxLength: 60 }),
  );

  const contentType = fc.oneof(
    fc.constant(undefined),
    fc.constantFrom(
      'application/json',
      'application/json; charset=utf-16',
      'application/json; charset=latin1',
      'application/x-www-form-urlencoded',
      'text/plain',
      'text/csv',
      'multipart/form-data; boundary=x',
      'application/problem+json',
      'application/merge-patch+json',
      '*/*',
      ';;;',
    ),
    fc.string({ maxLength: 30 }),
  );

  function deepJson(depth: number): string {
    return `${'['.repeat(depth)}${']'.repeat(depth)}`;
  }

  const body = fc.oneof(
    fc.constant(undefined),
    fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v))),
    fc.json().map((s) => Buffer.from(s)),
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
    fc
      .constantFrom(
        '{"request":',
        '{"__proto__":{"admin":true},"request":"{}","signature":"x"}',
        '{"constructor":{"prototype":{"x":1}}}',
        '{"grant_type":"client_credentials","client_assertion_type":"urn:ietf:params:oauth:client-assertion-type:jwt-bearer","client_assertion":"a.b.c"}',
        'grant_type=client_credentials&client_id=x&client_secret=y',
        'grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=e30.e30.',
        '{"groupBy":["district","age","x","y","z","w"],"measures":[{"op":"sum","item":"id_number"}]}',
        '{"groupBy":"district","measures":{"op":"count"}}',
        '{"groupBy":[{"toString":1}],"measures":[null,1,"x"]}',
        '{"request":"{\\"action\\":\\"SubmitApplication\\"}","signature":"' + 'A'.repeat(86) + '"}',
        deepJson(2000),
        `{"request":${JSON.stringify(`{"action":"SubmitApplication","body":${deepJson(3000)}}`)},"signature":"x"}`,
        'x'.repeat(40_000),
      )
      .map((s) => Buffer.from(s)),
  );

  const otherHeaders = fc.dictionary(
    fc.constantFrom(
      'accept',
      'accept-encoding',
      'content-encoding',
      'x-forwarded-for',
      'x-request-id',
      'origin',
      'range',
      'if-none-match',
      'expect',
      'cookie',
      'transfer-encoding-x',
    ),
    fc.oneof(
      fc.constantFrom(
        'gzip',
        'deflate',
        'br',
        'identity',
        '*/*',
        'bytes=0-1',
        '100-continue',
        'text/html',
        '1.2.3.4, 5.6.7.8',
      ),
      fc.stringMatching(/^[\x20-\x7e]{0,40}$/),
    ),
    { maxKeys: 3 },
  );

  const request: fc.Arbitrary<Raw> = fc
    .record({
      method: fc.constantFrom(
        'GET',
        'GET',
        'GET',
        'POST',
        'POST',
        'PUT',
        'DELETE',
        'PATCH',
        'OPTIONS',
        'HEAD',
      ),
      path,
      query,
      authorization,
      contentType,
      body,
      otherHeaders,
    })
    .map((r) => {
      const headers: Record<string, string> = { ...r.otherHeaders };
      // Only headers Node lets a client send: no control characters.
      if (r.authorization !== undefined && /^[\t\x20-\x7e]*$/.test(r.authorization))
        headers.authorization = r.authorization;
      if (r.contentType !== undefined && /^[\t\x20-\x7e]*$/.test(r.contentType))
        headers['content-type'] = r.contentType;
      delete headers.expect;
      return {
        method: r.method,
        path: `${r.path}${r.query}`,
        headers,
        body: r.method === 'GET' || r.method === 'HEAD' ? undefined : r.body,
      };
    })
    // Request heads stay under Node's 16 KB header limit: past it Node answers 431 itself, before the app (the
    // real gateway's answer to that is checked in test/src/e2e/hostile.e2e.test.ts).
    .filter((r) => r.path.length + JSON.stringify(r.headers).length < 12_000);

  // ---- the properties ---------------------------------------------------------------------------------------

  it('random methods, paths, queries, headers and bodies: never 5xx; every error a problem with a known code', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        checkAnswer(req, await send(req));
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    // The gateway is still healthy and still serves its data afterwards.
    expect((await h.get('/healthz')).status).to.equal(200);
    expect((await h.get(`/v1/datasets/${DS.PEOPLE}/records?limit=1`, { as: 'AA' })).status).to.equal(200);
  });

  it('known query parameters with hostile values on every data and audit route, for a granted caller', async () => {
    const routes = [
      `/v1/datasets/${DS.PEOPLE}/records`,
      `/v1/datasets/${DS.OPEN}/records`,
      '/v1/datasets',
      '/v1/access-log',
      '/v1/audit/consistency',
      '/v1/regulator/anchors',
      '/v1/regulator/search',
      '/v1/regulator/timeline',
      '/v1/regulator/dashboard',
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        query,
        fc.integer({ min: 0, max: 3 }),
        async (route, q, who) => {
          const req: Raw = {
            method: 'GET',
            path: `${route}${q}`,
            headers: { authorization: `Bearer ${tokens[who]!}` },
          };
          checkAnswer(req, await send(req));
        },
      ),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });

  it('an access-log page is capped: an out-of-range limit is refused, never unbounded', async () => {
    for (let i = 0; i < 12; i++) await h.get(`/v1/datasets/${DS.PEOPLE}/records?limit=1`, { as: 'AA' });
    for (const limit of ['1', '5', '500', '100000', '-1', '0', '0.5', '1e3', 'abc']) {
      const reply = await h.get(`/v1/access-log?limit=${limit}`, { as: 'AA' });
      if (reply.status === 200) {
        const data = (reply.body as { data: unknown[] }).data;
        expect(data.length, `limit=${limit} gave ${data.length}`).to.be.at.least(1);
        expect(data.length, `limit=${limit} gave ${data.length}`).to.be.at.most(Math.min(Number(limit), 500));
      } else expect(reply.status, `limit=${limit} → ${reply.status}`).to.equal(400);
    }
  });

  const aggregateBody = fc.record(
    {
      groupBy: fc.oneof(
        fc.jsonValue(),
        fc.array(fc.oneof(fc.constantFrom('district', 'age', 'name', 'id_number', 'x'), fc.jsonValue()), {
          maxLength: 7,
        }),
      ),
      measures: fc.oneof(
        fc.jsonValue(),
        fc.array(
          fc.record(
            {
              op: fc.oneof(fc.constantFrom('count', 'sum', 'avg', 'max'), fc.jsonValue()),
              item: fc.oneof(fc.constantFrom('age', 'income', 'phone', 'district'), fc.jsonValue()),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 11 },
        ),
      ),
      filter: fc.oneof(fc.jsonValue(), fc.constantFrom(...QUERY_VALUES)),
    },
    { requiredKeys: [] },
  );

  it('computed results: random groupBy, measures and filter, anonymous or granted, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        aggregateBody,
        fc.integer({ min: -1, max: 2 }),
        fc.constantFrom(DS.PEOPLE, DS.OPEN, DS.CLOSED, 'nope'),
        async (b, who, ds) => {
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (who >= 0) headers.authorization = `Bearer ${tokens[who]!}`;
          const req: Raw = {
            method: 'POST',
            path: `/v1/datasets/${ds}/aggregate`,
            headers,
            body: Buffer.from(JSON.stringify(b)),
          };
          checkAnswer(req, await send(req));
        },
      ),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  });

  it('computed results: a groupBy entry that cannot become a string is a 400, not a 500', async () => {
    const nested = `${'['.repeat(8000)}${']'.repeat(8000)}`;
    for (const body of [
      '{"groupBy":[{"toString":1}]}',
      '{"groupBy":[{"valueOf":{},"toString":{}}]}',
      `{"groupBy":${nested}}`,
    ]) {
      for (const token of [undefined, tokens[1]]) {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (token) headers.authorization = `Bearer ${token}`;
        const req: Raw = {
          method: 'POST',
          path: `/v1/datasets/${DS.PEOPLE}/aggregate`,
          headers,
          body: Buffer.from(body),
        };
        checkAnswer(req, await send(req));
      }
    }
  });

  /** Fills the audit log with `n` more records of the AA enterprise; returns the request id of the last. */
  async function fillAuditLog(n: number): Promise<string> {
    const ids = Array.from({ length: n }, () => crypto.randomUUID());
    await Promise.all(
      ids.map((requestId) =>
        h.audit.append({
          time: new Date().toISOString(),
          requestId,
          gatewayId: 'gw-test',
          clientId: CODE.AA,
          enterprise: CODE.AA,
          method: 'GET',
          path: `/v1/datasets/${DS.PEOPLE}/records`,
          datasetId: DS.PEOPLE,
          grantId: GRANT.AA_PEOPLE,
          decision: 'allow',
          reason: 'OK',
          items: ['record_id'],
          rowCount: 1,
          responseHash: 'a'.repeat(64),
          status: 200,
        }),
      ),
    );
    return ids[ids.length - 1]!;
  }

  /** Counts the leaf hashes the gateway reads from its audit log while `run` runs. */
  async function leafHashesRead(run: () => Promise<unknown>): Promise<number> {
    const original = h.audit.leafHashes.bind(h.audit);
    let read = 0;
    h.audit.leafHashes = (from: number, to: number) => {
      const hashes = original(from, to);
      read += hashes.length;
      return hashes;
    };
    try {
      await run();
    } finally {
      h.audit.leafHashes = original;
    }
    return read;
  }

  it('a receipt, and an anchor, cost O(log n) of the audit log, not O(n): no caller can make every request read the whole log', async () => {
    const last = await fillAuditLog(5000);
    await h.anchorNow();
    const n = h.audit.size();
    const bound = 4 * Math.ceil(Math.log2(n)) + 64;
    const forReceipt = await leafHashesRead(() => h.get(`/v1/audit/receipts/${last}`, { as: 'AA' }));
    await fillAuditLog(10);
    const forAnchor = await leafHashesRead(() => h.anchorNow());
    expect(forReceipt, `one receipt read ${forReceipt} leaf hashes of ${n}`).to.be.at.most(bound);
    expect(
      forAnchor,
      `one anchor of 10 new records read ${forAnchor} leaf hashes of ${n + 10}`,
    ).to.be.at.most(bound);
  });
});
