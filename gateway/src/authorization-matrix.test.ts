/**
 * Who may call which route, as ONE table: every API route × (anonymous, enterprise A, AA, AAA, a regulator, a
 * console account of an opening body) → the status and problem code each gets. Each caller sends its own natural
 * request: its own Bearer token, its own client credentials at /oauth/token, requests signed with its own key on
 * the signed routes.
 *
 * Behind the relayed routes the fake ledger answers as the chaincode does for ownership and rating (its own table
 * is chaincode/src/contracts/authorization-matrix.test.ts), so the table also shows those refusals reach the
 * caller with their code. The table must cover every route the app serves.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import { createApp } from './app.js';
import { refusal } from './testing/fake-ledger.js';
import { ENTERPRISE_ACTION_FUNCTIONS } from '@rdx/chaincode';
import { CODE, DS, GRANT, type Rating } from './testing/fixtures.js';
import {
  assertOAuthError,
  assertProblem,
  DATASET_OWNERS,
  startHarness,
  type CallOptions,
  type Harness,
  type Reply,
} from './testing/harness.js';

/** Anonymous, the three fixture enterprises, a regulator, and a console account of an opening body. */
type Caller = 'anon' | Rating | 'reg' | 'body';
const CALLERS: Caller[] = ['anon', 'A', 'AA', 'AAA', 'reg', 'body'];

/** Cell codes of the table: a status, and for errors the problem code. */
const CELL: Record<string, [number, string?]> = {
  '200': [200],
  '201': [201],
  '401M': [401, 'TOKEN_MISSING'],
  '401C': [401, 'INVALID_CLIENT'],
  '403R': [403, 'RATING_INSUFFICIENT'],
  '403G': [403, 'GRANT_NOT_ACTIVE'],
  '403F': [403, 'FORBIDDEN'],
  '403D': [403, 'DOWNLOAD_FORBIDDEN'],
  '404': [404, 'NOT_FOUND'],
};

const RID = '{rid}';
const ZERO_RID = '00000000-0000-0000-0000-000000000000';

/**
 * THE TABLE: route template, the concrete request, and per caller (anon A AA AAA reg) the answer.
 * Signed routes (marked with an action) carry a request signed by the caller's own key (anon, reg and body: AA's).
 * A body's console account reads its body's home, inbox and usage; what a body changes needs its Fabric
 * identity's signature, which no Bearer token replaces (401M).
 */
// prettier-ignore
const MATRIX: [route: string, path: string, answers: string, signed?: [action: string, body: Record<string, unknown>]][] = [
  // route                                          request                                          anon  A     AA    AAA   reg   body
  ['GET /healthz',                                  '/healthz',                                      '200  200  200  200  200  200'],
  ['GET /readyz',                                   '/readyz',                                       '200  200  200  200  200  200'],
  ['GET /openapi.json',                             '/openapi.json',                                 '200  200  200  200  200  200'],
  ['POST /oauth/token',                             '/oauth/token',                                  '401C 200  200  200  200  200'],
  ['POST /oauth/revoke',                            '/oauth/revoke',                                 '200  200  200  200  200  200'],
  ['GET /.well-known/jwks.json',                    '/.well-known/jwks.json',                        '200  200  200  200  200  200'],
  ['GET /.well-known/oauth-authorization-server',   '/.well-known/oauth-authorization-server',       '200  200  200  200  200  200'],

  ['GET /v1/datasets',                              '/v1/datasets',                                  '401M 200  200  200  403F 403F'],
  ['GET /v1/datasets/:id/records',                  `/v1/datasets/${DS.PEOPLE}/records?limit=2`,     '401M 403R 200  403G 403F 403F'],
  ['POST /v1/datasets/:id/aggregate',               `/v1/datasets/${DS.PEOPLE}/aggregate`,           '401M 403R 200  403G 403F 403F'],
  ['GET /v1/open/datasets/:id/download',            `/v1/open/datasets/${DS.OPEN}/download`,         '200  200  200  200  200  200'],
  ['GET /v1/open/datasets/:id/download',            `/v1/open/datasets/${DS.PEOPLE}/download`,       '403D 403D 403D 403D 403D 403D'],
  ['PUT /v1/admin/datasets/:id/versions/:version',  `/v1/admin/datasets/${DS.PENDING}/versions/v1`,  '401M 401M 401M 401M 401M 401M'],
  ['GET /v1/admin/usage-reconciliation',            '/v1/admin/usage-reconciliation',                '401M 403F 403F 403F 403F 200'],
  ['GET /v1/admin/grants/:id/stats',                `/v1/admin/grants/${GRANT.AA_PEOPLE}/stats`,     '401M 403F 403F 403F 403F 404'],
  ['GET /v1/admin/home',                            '/v1/admin/home',                                '401M 403F 403F 403F 403F 200'],
  ['POST /v1/admin/console-accounts',               '/v1/admin/console-accounts',                    '401M 401M 401M 401M 401M 401M'],
  ['GET /v1/admin/console-accounts',                '/v1/admin/console-accounts',                    '401M 401M 401M 401M 401M 401M'],
  ['DELETE /v1/admin/console-accounts/:id',         '/v1/admin/console-accounts/ls-civil-0',         '401M 401M 401M 401M 401M 401M'],
  ['GET /v1/admin/inbox',                           '/v1/admin/inbox',                               '401M 403F 403F 403F 403F 200'],
  ['POST /v1/admin/inbox/read',                     '/v1/admin/inbox/read',                          '401M 403F 403F 403F 403F 200'],
  ['GET /v1/admin/webhooks',                        '/v1/admin/webhooks',                            '401M 401M 401M 401M 401M 401M'],
  ['POST /v1/admin/webhooks',                       '/v1/admin/webhooks',                            '401M 401M 401M 401M 401M 401M'],
  ['DELETE /v1/admin/webhooks/:id',                 '/v1/admin/webhooks/wh_none',                    '401M 401M 401M 401M 401M 401M'],
  ['POST /v1/admin/webhooks/:id/test',              '/v1/admin/webhooks/wh_none/test',               '401M 401M 401M 401M 401M 401M'],
  ['GET /v1/admin/webhooks/:id/deliveries',         '/v1/admin/webhooks/wh_none/deliveries',         '401M 401M 401M 401M 401M 401M'],

  ['POST /v1/applications',                         '/v1/applications',                              '401M 403R 201  201  403F 403F', ['SubmitApplication', { id: 'APP-NEW' }]],
  ['PUT /v1/applications/:id',                      '/v1/applications/APP-1',                        '401M 403R 200  403F 403F 403F', ['ResubmitApplication', { id: 'APP-1' }]],
  ['POST /v1/applications/:id/disputes',            '/v1/applications/APP-1/disputes',               '401M 403F 201  403F 403F 403F', ['DisputeReview', { applicationId: 'APP-1', body: 'MarketMSP', reason: '需求合理' }]],
  ['GET /v1/applications',                         '/v1/applications',                              '401M 200  200  200  403F 403F'],
  ['GET /v1/agreements',                           '/v1/agreements',                                '401M 200  200  200  403F 403F'],
  ['GET /v1/duties',                               '/v1/duties',                                    '401M 200  200  200  403F 403F'],
  ['GET /v1/applications/:id',                      '/v1/applications/APP-1',                        '401M 404  200  404  403F 403F'],
  ['GET /v1/agreements/:id',                        '/v1/agreements/AGR-1',                          '401M 404  200  404  403F 403F'],
  ['POST /v1/agreements/:id/signature',             '/v1/agreements/AGR-1/signature',                '401M 403F 200  403F 403F 403F', ['SignAgreement', { agreementId: 'AGR-1', termsHash: 'c'.repeat(64) }]],
  ['POST /v1/agreements/:id/renewal',               '/v1/agreements/AGR-1/renewal',                  '401M 403F 200  403F 403F 403F', ['AcceptRenewal', { agreementId: 'AGR-1', validUntil: '2027-03-02' }]],
  ['POST /v1/agreements/:id/renewal-request',       '/v1/agreements/AGR-1/renewal-request',          '401M 403F 200  403F 403F 403F', ['RequestRenewal', { agreementId: 'AGR-1', validUntil: '2027-06-30' }]],
  ['POST /v1/agreements/:id/termination',           '/v1/agreements/AGR-1/termination',              '401M 403F 200  403F 403F 403F', ['TerminateAgreement', { agreementId: 'AGR-1', reason: '业务调整', noticeDate: '2025-01-02' }]],
  ['POST /v1/usage-reports',                        '/v1/usage-reports',                             '401M 403F 201  403F 403F 403F', ['ReportUsage', { agreementId: 'AGR-1', period: '2025-Q1', callCount: 1 }]],
  ['POST /v1/data-returns',                         '/v1/data-returns',                              '401M 403F 201  403F 403F 403F', ['ReturnData', { agreementId: 'AGR-1', rowCount: 1 }]],
  ['POST /v1/products',                             '/v1/products',                                  '401M 403F 201  403F 403F 403F', ['PublishProduct', { agreementId: 'AGR-1', name: '产品' }]],
  ['POST /v1/security-issues',                      '/v1/security-issues',                           '401M 403F 201  403F 403F 403F', ['ReportSecurityIssue', { agreementId: 'AGR-1', severity: 'low' }]],
  ['POST /v1/complaints',                           '/v1/complaints',                                '401M 201  201  201  403F 403F', ['FileComplaint', { id: 'c-x', datasetId: DS.PEOPLE, category: 'quality', facts: '数据中的地址字段有大量缺失。' }]],
  ['GET /v1/grants',                                '/v1/grants',                                    '401M 200  200  200  403F 403F'],
  ['GET /v1/inbox',                                 '/v1/inbox',                                     '401M 200  200  200  403F 403F'],
  ['POST /v1/inbox/read',                           '/v1/inbox/read',                                '401M 200  200  200  403F 403F'],
  ['GET /v1/webhooks',                              '/v1/webhooks',                                  '401M 200  200  200  403F 403F'],
  ['POST /v1/webhooks',                             '/v1/webhooks',                                  '401M 201  201  201  403F 403F'],
  ['DELETE /v1/webhooks/:id',                       '/v1/webhooks/wh_none',                          '401M 404  404  404  403F 403F'],
  ['POST /v1/webhooks/:id/test',                    '/v1/webhooks/wh_none/test',                     '401M 404  404  404  403F 403F'],
  ['GET /v1/webhooks/:id/deliveries',               '/v1/webhooks/wh_none/deliveries',               '401M 404  404  404  403F 403F'],

  ['GET /v1/public/recipients',                     '/v1/public/recipients',                         '200  200  200  200  200  200'],
  ['GET /v1/public/credit',                         '/v1/public/credit',                             '200  200  200  200  200  200'],
  ['GET /v1/public/products',                       '/v1/public/products',                           '200  200  200  200  200  200'],
  ['POST /v1/public/complaints',                    '/v1/public/complaints',                         '201  201  201  201  201  201'],
  ['GET /v1/public/complaints/:id',                 '/v1/public/complaints/c-unknown',               '404  404  404  404  404  404'],

  ['GET /v1/access-log',                            '/v1/access-log',                                '401M 200  200  200  403F 403F'],
  ['GET /v1/audit/receipts/:requestId',             `/v1/audit/receipts/${RID}`,                     '401M 404  200  404  403F 403F'],
  ['GET /v1/audit/receipts/:requestId/block',       `/v1/audit/receipts/${RID}/block`,               '401M 404  200  404  403F 403F'],
  ['GET /v1/audit/consistency',                     '/v1/audit/consistency?from=1&to=1',             '200  200  200  200  200  200'],

  ['GET /v1/regulator/dashboard',                   '/v1/regulator/dashboard',                       '401M 403F 403F 403F 200  403F'],
  ['GET /v1/regulator/timeline',                    `/v1/regulator/timeline?grant=${GRANT.AA_PEOPLE}`, '401M 403F 403F 403F 200  403F'],
  ['GET /v1/regulator/grants/:id/stats',            `/v1/regulator/grants/${GRANT.AA_PEOPLE}/stats`, '401M 403F 403F 403F 200  403F'],
  ['GET /v1/regulator/usage-reconciliation',       '/v1/regulator/usage-reconciliation',            '401M 403F 403F 403F 200  403F'],
  ['GET /v1/regulator/misuse-signals',              '/v1/regulator/misuse-signals',                  '401M 403F 403F 403F 200  403F'],
  ['GET /v1/regulator/complaints',                  '/v1/regulator/complaints?state=OPEN',           '401M 403F 403F 403F 200  403F'],
  ['POST /v1/trace',                                '/v1/trace',                                     '401M 403F 403F 403F 200  200'],
  ['GET /v1/regulator/body-performance',            '/v1/regulator/body-performance?period=2025',    '401M 403F 403F 403F 200  403F'],
  ['GET /v1/regulator/anchors',                     '/v1/regulator/anchors',                         '401M 403F 403F 403F 200  403F'],
  ['GET /v1/regulator/receipts/:requestId',         `/v1/regulator/receipts/${RID}`,                 '401M 403F 403F 403F 200  403F'],
  ['GET /v1/regulator/receipts/:requestId',         `/v1/regulator/receipts/${ZERO_RID}`,            '401M 403F 403F 403F 404  403F'],
  ['GET /v1/regulator/search',                      `/v1/regulator/search?q=${DS.PEOPLE}`,           '401M 403F 403F 403F 200  403F'],
];

let h: Harness;
let regulatorSecret: string;
let bodyAccount: { clientId: string; secret: string };
/** An AA request whose record is anchored: the subject of the receipt rows. */
let rid = '';

/** Answers the relayed enterprise actions as the chaincode would for rating and ownership. */
function chaincodeLikeRefusals(g: Harness): void {
  const refuse = (code: string, why: string): never => {
    throw refusal(code, why);
  };
  for (const key of Object.keys(ENTERPRISE_ACTION_FUNCTIONS)) {
    const verified = g.ledger.handlers.get(key)!;
    expect(verified, `the fake ledger handles ${key}`).not.to.equal(undefined);
    g.ledger.on(key, (args, call) => {
      const result = verified(args, call) as { creditCode: string; body: Record<string, unknown> };
      const { creditCode, body } = result;
      const rating = g.view.enterprises.get(creditCode)?.rating.level;
      if (key === 'application:SubmitApplication' || key === 'application:ResubmitApplication')
        if (rating === 'A') refuse('RATING_INSUFFICIENT', `${creditCode} is rated A`);
      const appId = body.id ?? body.applicationId;
      if (key === 'application:ResubmitApplication' || key === 'application:DisputeReview')
        if (g.ledger.applications.get(String(appId))?.creditCode !== creditCode)
          refuse('FORBIDDEN', `application ${String(appId)} is not ${creditCode}'s`);
      if (typeof body.agreementId === 'string') {
        const terms = g.ledger.agreements.get(body.agreementId)?.terms as { creditCode?: string } | undefined;
        if (terms?.creditCode !== creditCode)
          refuse('FORBIDDEN', `agreement ${body.agreementId} is not ${creditCode}'s`);
      }
      return result;
    });
  }
}

describe('authorization matrix', () => {
  before(async () => {
    // Every route's answer to each caller, not the rates: the anonymous column alone makes hundreds of calls.
    h = await startHarness({ fingerprintSecret: Buffer.alloc(32, 9), anonymousRatePerSecond: 1_000_000 });
    h.ledger.applications.set('APP-1', { id: 'APP-1', creditCode: CODE.AA, state: 'RETURNED' });
    h.ledger.agreements.set('AGR-1', {
      id: 'AGR-1',
      terms: { creditCode: CODE.AA },
      termsHash: 'c'.repeat(64),
    });
    h.ledger.on('query:GetHistory', ([type = '', id = '']) => [
      {
        txId: 'f'.repeat(64),
        time: '2025-01-01T00:00:00.000Z',
        isDelete: false,
        by: { mspId: 'MarketMSP', role: 'body' },
        value: type === 'grant' ? (h.view.grants.get(id) ?? { id }) : { id },
      },
    ]);
    h.ledger.on('query:ListOverdue', () => []);
    h.ledger.on('query:ListApplications', () => ({ items: [], bookmark: '' }));
    chaincodeLikeRefusals(h);
    regulatorSecret = h.clients.register('regulator-1', undefined, 'regulator');
    bodyAccount = h.clients.addBodyAccount(DATASET_OWNERS[0], '张三');
    h.ledger.on('query:ListReviewsDueSoon', () => []);
    const first = await h.get(`/v1/datasets/${DS.PEOPLE}/records?limit=1`, { as: 'AA' });
    expect(first.status).to.equal(200);
    rid = first.requestId;
    await h.anchorNow();
  });
  after(() => h.close());

  function tokenOf(caller: Caller): string | undefined {
    if (caller === 'anon') return undefined;
    if (caller === 'reg') return h.tokens.issue('regulator-1', 'regulator').access_token;
    if (caller === 'body')
      return h.tokens.issue(bodyAccount.clientId, 'body', DATASET_OWNERS[0]).access_token;
    return h.tokenFor(caller);
  }

  /** The caller's own request for a row. */
  function requestOf(caller: Caller, route: string, signed?: [string, Record<string, unknown>]): CallOptions {
    if (route === 'POST /oauth/token') {
      const [id, secret] =
        caller === 'anon'
          ? ['', '']
          : caller === 'reg'
            ? ['regulator-1', regulatorSecret]
            : caller === 'body'
              ? [bodyAccount.clientId, bodyAccount.secret]
              : [CODE[caller], h.secrets.get(CODE[caller])!];
      const form = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: id,
        client_secret: secret,
      });
      return { body: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    }
    // Whoever holds a token may end it (a fresh one of its own: the rows after still use theirs); anyone may send
    // what is no token, answered alike (RFC 7009).
    if (route === 'POST /oauth/revoke')
      return {
        body: new URLSearchParams({ token: tokenOf(caller) ?? 'not-a-token' }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      };
    const token = tokenOf(caller);
    const opts: CallOptions = token ? { token } : {};
    if (signed) {
      const signer = h.signer(caller === 'anon' || caller === 'reg' || caller === 'body' ? 'AA' : caller);
      const [action, body] = signed;
      const uniqueBody = action === 'SubmitApplication' ? { ...body, id: `APP-NEW-${caller}` } : body;
      return { ...opts, json: signer.sign(action, uniqueBody) };
    }
    if (route === 'POST /v1/inbox/read' || route === 'POST /v1/admin/inbox/read')
      return { ...opts, json: { ids: ['ntf_none'] } };
    if (route === 'POST /v1/webhooks' || route === 'POST /v1/admin/webhooks')
      return { ...opts, json: { url: 'https://hooks.example.cn/rdx' } };
    // Anyone may complain (the token, if any, is not looked at); a complaint's state needs its receipt.
    if (route === 'POST /v1/public/complaints')
      return {
        ...opts,
        json: {
          datasetId: DS.PEOPLE,
          category: 'rights',
          facts: '数据侵犯了我的个人隐私。',
          contact: 'a@b.cn',
        },
      };
    if (route === 'POST /v1/trace')
      return { ...opts, body: 'income\r\n3037.5\r\n', headers: { 'content-type': 'text/csv' } };
    if (route === 'GET /v1/public/complaints/:id')
      return { ...opts, headers: { 'complaint-receipt': 'not the receipt' } };
    if (route === 'POST /v1/datasets/:id/aggregate')
      return { ...opts, json: { groupBy: ['district'], measures: [{ op: 'count' }] } };
    if (route === 'PUT /v1/admin/datasets/:id/versions/:version')
      return { ...opts, body: h.files.pendingV1, headers: { 'content-type': 'text/csv' } };
    return opts;
  }

  function check(reply: Reply, cell: string, where: string): void {
    const expected = CELL[cell]!;
    expect(expected, `unknown cell ${cell}`).not.to.equal(undefined);
    const [status, code] = expected;
    if (code) {
      try {
        // The token endpoint answers as OAuth clients read it (RFC 6749 §5.2), every other route as a problem.
        if (where.includes('/oauth/token')) assertOAuthError(reply, status, code);
        else assertProblem(reply, status, code);
      } catch (err) {
        expect.fail(`${where}: ${(err as Error).message}`);
      }
    } else
      expect(
        reply.status,
        `${where}: expected ${status}, got ${reply.status} ${reply.text.slice(0, 200)}`,
      ).to.equal(status);
  }

  describe('every route × anonymous, A, AA, AAA and a regulator: the answer of the table', () => {
    it('the table has one answer per caller on every row', () => {
      for (const [route, , answers] of MATRIX)
        expect(answers.trim().split(/\s+/).length, `${route}: one answer per caller`).to.equal(
          CALLERS.length,
        );
    });

    for (const [route, urlPath, answers, signed] of MATRIX) {
      const cells = answers.trim().split(/\s+/);
      const [method] = route.split(' ') as [string];
      it(`${route} (${urlPath})`, async () => {
        // The receipt rows need the request id of the before hook.
        const concrete = urlPath.replace(RID, rid);
        for (const [k, caller] of CALLERS.entries()) {
          const reply = await h.call(method, concrete, requestOf(caller, route, signed));
          check(reply, cells[k]!, `${method} ${concrete} as ${caller}`);
        }
      });
    }
  });

  interface Layer {
    route?: { path: string; methods: Record<string, boolean> };
    handle?: { stack?: Layer[] };
  }

  /** The routes the app serves, read from its router (as openapi.test.ts does). */
  function servedRoutes(app: Express): string[] {
    const out: string[] = [];
    const walk = (stack: Layer[]): void => {
      for (const layer of stack) {
        if (layer.route)
          for (const [m, on] of Object.entries(layer.route.methods))
            if (on && m !== '_all') out.push(`${m.toUpperCase()} ${layer.route.path}`);
        if (layer.handle?.stack) walk(layer.handle.stack);
      }
    };
    walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
    return [...new Set(out)].sort();
  }

  it('the table covers every route the app serves, and nothing it does not', () => {
    const served = servedRoutes(createApp(h.services));
    const inTable = [...new Set(MATRIX.map(([route]) => route))].sort();
    expect(inTable).to.deep.equal(served);
  });

  it('a signed request made with another enterprise’s key is refused, whoever’s token carries it', async () => {
    const body = h
      .signer('AAA')
      .sign('ReportUsage', { agreementId: 'AGR-1', period: '2025-Q1', callCount: 1 });
    assertProblem(await h.post('/v1/usage-reports', { as: 'AA', json: body }), 403, 'FORBIDDEN');
  });
});
