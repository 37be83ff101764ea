/**
 * Regulator endpoints and the console: only a regulator's token opens /v1/regulator/* (401 without a token,
 * 403 for an enterprise's), a regulator's token opens no enterprise endpoint, regulators log in with their
 * client secret, and the answers fit the OpenAPI document. Runs the real app on port 0 (testing/harness).
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { CONSOLE_ROOT } from '../console/static.js';
import type { HistoryEntry } from '../regulator/timeline.js';
import { refusal } from '../testing/fake-ledger.js';
import { CODE, DS, GRANT } from '../testing/fixtures.js';
import {
  AUDIENCE,
  ISSUER,
  assertOAuthError,
  assertOk,
  assertProblem,
  startHarness,
  type Harness,
} from '../testing/harness.js';
import { checkExchange, documentedOperations, findOperation } from '../testing/openapi-check.js';
import { regulatorRepresentativeRun } from '../testing/regulator-run.js';

let h: Harness;
let regulatorSecret: string;

const ENDPOINTS = [
  '/v1/regulator/dashboard',
  `/v1/regulator/timeline?grant=${GRANT.AAA_PEOPLE}`,
  `/v1/regulator/grants/${GRANT.AA_PEOPLE}/stats`,
  '/v1/regulator/anchors',
  '/v1/regulator/search?q=ls-residents',
  '/v1/regulator/receipts/00000000-0000-0000-0000-000000000000',
  '/v1/regulator/usage-reconciliation',
];

const by = (mspId: string, role: string): { mspId: string; role: string } => ({ mspId, role });
const tx = (n: number): string => n.toString(16).padStart(64, '0');

/** Ledger histories (newest first, as query:GetHistory answers) of one grant's chain of objects. */
const HISTORIES: Record<string, HistoryEntry[]> = {
  [`grant/${GRANT.AAA_PEOPLE}`]: [
    {
      txId: tx(6),
      time: '2025-02-01T00:00:00.000Z',
      isDelete: false,
      by: by('MarketMSP', 'body'),
      value: {
        id: GRANT.AAA_PEOPLE,
        agreementId: 'AGR-9',
        creditCode: CODE.AAA,
        datasetId: DS.PEOPLE,
        state: 'SUSPENDED',
        validUntil: '2026-12-31',
        reason: { code: 'complaint', note: '投诉核实中', at: '2025-02-01T00:00:00.000Z' },
      },
    },
    {
      txId: tx(5),
      time: '2025-01-10T00:00:05.000Z',
      isDelete: false,
      by: by('BureauMSP', 'gateway'),
      value: {
        id: GRANT.AAA_PEOPLE,
        agreementId: 'AGR-9',
        creditCode: CODE.AAA,
        datasetId: DS.PEOPLE,
        state: 'ACTIVE',
        validUntil: '2026-12-31',
      },
    },
  ],
  'agreement/AGR-9': [
    {
      txId: tx(5),
      time: '2025-01-10T00:00:05.000Z',
      isDelete: false,
      by: by('BureauMSP', 'gateway'),
      value: {
        id: 'AGR-9',
        state: 'IN_FORCE',
        applicationId: 'APP-9',
        creditCode: CODE.AAA,
        body: 'MarketMSP',
        bodySignature: { mspId: 'MarketMSP' },
        enterpriseSigned: { at: '2025-01-10T00:00:05.000Z' },
        grants: [GRANT.AAA_PEOPLE],
      },
    },
    {
      txId: tx(4),
      time: '2025-01-10T00:00:04.000Z',
      isDelete: false,
      by: by('MarketMSP', 'body'),
      value: {
        id: 'AGR-9',
        state: 'SIGNED_BY_BODY',
        applicationId: 'APP-9',
        creditCode: CODE.AAA,
        body: 'MarketMSP',
        bodySignature: { mspId: 'MarketMSP' },
      },
    },
    {
      txId: tx(3),
      time: '2025-01-10T00:00:03.000Z',
      isDelete: false,
      by: by('MarketMSP', 'body'),
      value: {
        id: 'AGR-9',
        state: 'DRAFTED',
        applicationId: 'APP-9',
        creditCode: CODE.AAA,
        body: 'MarketMSP',
        datasetIds: [DS.PEOPLE],
      },
    },
  ],
  'application/APP-9': [
    {
      txId: tx(2),
      time: '2025-01-05T00:00:00.000Z',
      isDelete: false,
      by: by('BureauMSP', 'bureau'),
      value: {
        id: 'APP-9',
        creditCode: CODE.AAA,
        state: 'OWNER_REVIEW',
        revision: 1,
        formalReview: { decision: 'accepted' },
        ownerReviews: {},
      },
    },
    {
      txId: tx(1),
      time: '2025-01-01T00:00:00.000Z',
      isDelete: false,
      by: by('BureauMSP', 'gateway'),
      value: {
        id: 'APP-9',
        creditCode: CODE.AAA,
        state: 'FORMAL_REVIEW',
        revision: 1,
        bodies: ['MarketMSP'],
        ownerReviews: {},
      },
    },
  ],
};

describe('regulator endpoints and the console', () => {
  before(async () => {
    h = await startHarness();
    regulatorSecret = h.clients.register('regulator', undefined, 'regulator');
    h.ledger.on('query:GetHistory', ([type = '', id = '']) => {
      const found = HISTORIES[`${type}/${id}`];
      if (!found) throw refusal('NOT_FOUND', `no history of ${type} ${id}`);
      return found;
    });
    h.ledger.refuseWith(
      'query:ListOverdue',
      'FORBIDDEN',
      'only the bureau or a regulator may list overdue items',
    );
    h.ledger.on('query:ListApplications', () => ({
      items: [
        { id: 'APP-LATE', creditCode: CODE.AA, deadline: { step: 'formal-review', due: '2020-01-01' } },
      ],
      bookmark: '',
    }));
  });
  after(() => h.close());

  async function regulatorToken(): Promise<string> {
    const reply = await h.post('/oauth/token', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'regulator',
        client_secret: regulatorSecret,
      }).toString(),
    });
    return assertOk<{ access_token: string }>(reply).access_token;
  }

  it('a regulator logs in with its client secret and gets a token with role regulator', async () => {
    const token = await regulatorToken();
    const claims = jwt.verify(token, h.keys.current().publicKey, {
      algorithms: ['ES256'],
      audience: AUDIENCE,
      issuer: ISSUER,
    }) as jwt.JwtPayload;
    expect(claims.sub).to.equal('regulator');
    expect(claims.role).to.equal('regulator');
    // HTTP Basic works too.
    const basic = await h.post('/oauth/token', {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`regulator:${regulatorSecret}`).toString('base64')}`,
      },
      body: 'grant_type=client_credentials',
    });
    assertOk(basic);
    const wrong = await h.post('/oauth/token', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: 'regulator',
        client_secret: 'wrong',
      }).toString(),
    });
    assertOAuthError(wrong, 401, 'INVALID_CLIENT');
    const grantType = await h.post('/oauth/token', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: 'regulator',
        client_secret: regulatorSecret,
      }).toString(),
    });
    assertOAuthError(grantType, 400, 'UNSUPPORTED_GRANT_TYPE');
  });

  it('enterprises still log in as before and their tokens carry role enterprise', async () => {
    const reply = await h.post('/oauth/token', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: CODE.AA,
        client_secret: h.secrets.get(CODE.AA) ?? '',
      }).toString(),
    });
    const token = assertOk<{ access_token: string }>(reply).access_token;
    expect((jwt.decode(token) as jwt.JwtPayload).role).to.equal('enterprise');
    assertOk(await h.get('/v1/grants', { token }));
    // A regulator's secret is no enterprise's: the registry keeps roles apart.
    expect(h.clients.verify('regulator', regulatorSecret)).to.equal(false);
    expect(h.clients.verify('regulator', regulatorSecret, 'regulator')).to.equal(true);
    expect(h.clients.verify(CODE.AA, h.secrets.get(CODE.AA) ?? '', 'regulator')).to.equal(false);
  });

  it('without a token every regulator endpoint answers 401', async () => {
    for (const url of ENDPOINTS) assertProblem(await h.get(url), 401, 'TOKEN_MISSING');
    assertProblem(await h.get('/v1/regulator/dashboard', { token: 'not-a-jwt' }), 401, 'TOKEN_INVALID');
  });

  it("an enterprise's token is refused by every regulator endpoint with 403 FORBIDDEN", async () => {
    for (const rating of ['A', 'AA', 'AAA'] as const)
      for (const url of ENDPOINTS) {
        const body = assertProblem(await h.get(url, { as: rating }), 403, 'FORBIDDEN');
        expect(String(body.detail)).to.match(/regulator/);
      }
    // So is a token from before roles existed (no role claim): it is an enterprise's.
    const key = h.keys.current();
    const legacy = jwt.sign({}, key.privateKey, {
      algorithm: 'ES256',
      keyid: key.kid,
      issuer: ISSUER,
      audience: AUDIENCE,
      subject: CODE.AA,
      expiresIn: 300,
      notBefore: 0,
      jwtid: crypto.randomUUID(),
    });
    assertProblem(await h.get('/v1/regulator/dashboard', { token: legacy }), 403, 'FORBIDDEN');
    assertOk(await h.get('/v1/grants', { token: legacy }));
  });

  it("a regulator's token reads no enterprise endpoint: 403, so a client that renews on 401 does not loop", async () => {
    const token = await regulatorToken();
    const before = h.audit.size();
    for (const url of [
      '/v1/grants',
      '/v1/access-log',
      '/v1/datasets',
      `/v1/datasets/${DS.PEOPLE}/records`,
      '/v1/audit/receipts/00000000-0000-0000-0000-000000000000',
      '/v1/applications/APP-1',
    ])
      assertProblem(await h.get(url, { token }), 403, 'FORBIDDEN');
    assertProblem(await h.post(`/v1/datasets/${DS.PEOPLE}/aggregate`, { token, json: {} }), 403, 'FORBIDDEN');
    // The refused data requests are in the audit log like any other denial.
    expect(h.audit.size()).to.be.above(before);
  });

  it('a regulator token opens every regulator endpoint', async () => {
    const token = await regulatorToken();
    // Some traffic to count and anchor.
    const aa = h.tokenFor('AA');
    const allowed = await h.get(`/v1/datasets/${DS.PEOPLE}/records?limit=2`, { token: aa });
    assertOk(allowed);
    await h.get(`/v1/datasets/${DS.PEOPLE}/records?fields=income`, { token: aa });
    await h.anchorNow();

    const dash = assertOk<{
      grants: { total: number; byState: Record<string, number>; recent: unknown[] };
      access: { allow: number; deny: number; hours: unknown[] };
      anchoring: { lastAnchor: { txId: string } | null; lagRecords: number };
      overdue: { source: string; items: { id: string }[] };
    }>(await h.get('/v1/regulator/dashboard', { token }));
    expect(dash.grants.total).to.equal(4);
    expect(dash.grants.byState.SUSPENDED).to.equal(1);
    expect(dash.access.hours.length).to.equal(24);
    expect(dash.access.allow).to.be.at.least(1);
    expect(dash.access.deny).to.be.at.least(1);
    expect(dash.anchoring.lastAnchor?.txId).to.be.a('string').and.not.equal('');
    expect(dash.anchoring.lagRecords).to.equal(0);
    // The ledger refuses ListOverdue to the gateway's identity: open applications past their deadline instead.
    expect(dash.overdue.source).to.equal('applications');
    expect(dash.overdue.items.some((i) => i.id === 'APP-LATE')).to.equal(true);

    const stats = assertOk<{
      allow: number;
      deny: number;
      days: { day: string; allow: number; deny: number }[];
    }>(await h.get(`/v1/regulator/grants/${GRANT.AA_PEOPLE}/stats?days=7`, { token }));
    expect(stats.days.length).to.equal(7);
    expect(stats.allow).to.be.at.least(1);
    expect(stats.deny).to.be.at.least(1);
    assertProblem(await h.get('/v1/regulator/grants/nope/stats', { token }), 404, 'NOT_FOUND');
    assertProblem(
      await h.get(`/v1/regulator/grants/${GRANT.AA_PEOPLE}/stats?days=0`, { token }),
      400,
      'QUERY_INVALID',
    );

    const anchors = assertOk<{ data: { sequence: number; txId: string; ledger: string }[] }>(
      await h.get('/v1/regulator/anchors', { token }),
    );
    expect(anchors.data.length).to.be.at.least(1);
    expect(anchors.data.every((a) => a.ledger === 'match' && a.txId)).to.equal(true);

    const receipt = assertOk<{ status: string; record: { requestId: string } }>(
      await h.get(`/v1/regulator/receipts/${allowed.requestId}`, { token }),
    );
    expect(receipt.status).to.equal('anchored');
    expect(receipt.record.requestId).to.equal(allowed.requestId);

    const search = async (q: string): Promise<{ kind: string; id: string; link: string }[]> =>
      assertOk<{ data: { kind: string; id: string; link: string }[] }>(
        await h.get(`/v1/regulator/search?q=${encodeURIComponent(q)}`, { token }),
      ).data;
    expect(
      (await search(CODE.AA)).some(
        (r) => r.kind === 'enterprise' && r.link.includes(`enterprise=${CODE.AA}`),
      ),
    ).to.equal(true);
    expect((await search(DS.PEOPLE)).some((r) => r.kind === 'dataset')).to.equal(true);
    expect((await search(GRANT.AA_PEOPLE)).some((r) => r.kind === 'grant')).to.equal(true);
    expect((await search(anchors.data[0]!.txId)).some((r) => r.kind === 'anchor')).to.equal(true);
    expect((await search(allowed.requestId)).some((r) => r.kind === 'request')).to.equal(true);
    assertProblem(await h.get('/v1/regulator/search', { token }), 400, 'QUERY_INVALID');
  });

  it('complaints (Z21, Z35): every body’s or one’s, open ones soonest due first and marked when late, resolved after', async () => {
    const token = await regulatorToken();
    const shell = (id: string, body: string, due: string, state: string, filedAt: string) => ({
      id,
      body,
      datasetId: DS.PEOPLE,
      grantId: GRANT.AA_PEOPLE,
      category: 'error',
      state,
      filedAt,
      deadline: { step: 'complaint', due },
      suspendedOnFiling: true,
      ...(state === 'RESOLVED' ? { outcome: { decision: 'restore', note: '', at: filedAt } } : {}),
    });
    for (const c of [
      shell('c-r-old', 'MarketMSP', '2020-01-10', 'RESOLVED', '2020-01-01T01:00:00.000Z'),
      shell('c-ahead', 'MarketMSP', '2999-01-04', 'OPEN', '2026-11-01T01:00:00.000Z'),
      shell('c-late', 'TransportMSP', '2020-02-10', 'OPEN', '2020-02-01T01:00:00.000Z'),
      shell('c-r-new', 'MarketMSP', '2020-03-10', 'RESOLVED', '2020-03-01T01:00:00.000Z'),
    ])
      h.ledger.complaints.set(c.id, c);
    const list = async (q = '') =>
      assertOk<{ data: { id: string; overdue: boolean; outcome: string | null; suspendedGrants: number }[] }>(
        await h.get(`/v1/regulator/complaints${q}`, { token }),
      ).data;
    expect((await list()).map((c) => [c.id, c.overdue, c.outcome])).to.deep.equal([
      ['c-late', true, null],
      ['c-ahead', false, null],
      ['c-r-new', false, 'restore'],
      ['c-r-old', false, 'restore'],
    ]);
    expect((await list('?state=OPEN&body=MarketMSP')).map((c) => c.id)).to.deep.equal(['c-ahead']);
    expect(h.ledger.callsOf('complaint:ListComplaints').at(-1)!.args[0]).to.equal(
      JSON.stringify({ state: 'OPEN', body: 'MarketMSP' }),
    );
    expect((await list('?limit=1'))[0]!.suspendedGrants, 'suspended on filing: its one grant').to.equal(1);
    for (const q of ['?state=LOST', '?body=%20x', '?limit=0'])
      assertProblem(await h.get(`/v1/regulator/complaints${q}`, { token }), 400, 'BAD_REQUEST');
    for (const id of ['c-r-old', 'c-ahead', 'c-late', 'c-r-new']) h.ledger.complaints.delete(id);
  });

  it('a grant timeline runs application → reviews → agreement → grant → suspension, with tx ids and orgs', async () => {
    const token = await regulatorToken();
    const body = assertOk<{
      subject: { type: string; state: string };
      data: { kind: string; txId: string; org: string; detail: Record<string, unknown> }[];
    }>(await h.get(`/v1/regulator/timeline?grant=${GRANT.AAA_PEOPLE}`, { token }));
    expect(body.subject.type).to.equal('grant');
    expect(body.subject.state).to.equal('SUSPENDED');
    expect(body.data.map((e) => e.kind)).to.deep.equal([
      'application.submitted',
      'application.formal_review',
      'agreement.drafted',
      'agreement.signed_by_body',
      'agreement.signed_by_enterprise',
      'agreement.in_force',
      'grant.granted',
      'grant.suspended',
    ]);
    const suspended = body.data.at(-1)!;
    expect(suspended.txId).to.equal(tx(6));
    expect(suspended.org).to.equal('MarketMSP');
    expect(suspended.detail.reason).to.equal('complaint');
    assertProblem(await h.get('/v1/regulator/timeline?grant=nope', { token }), 404, 'NOT_FOUND');
    assertProblem(await h.get('/v1/regulator/timeline', { token }), 400, 'QUERY_INVALID');
    assertProblem(await h.get(`/v1/regulator/timeline?grant=x&dataset=y`, { token }), 400, 'QUERY_INVALID');
  });

  it('every regulator answer fits the OpenAPI document', () => {
    const mine = h.exchanges.filter(
      (ex) => ex.path.startsWith('/v1/regulator/') || ex.path === '/oauth/token',
    );
    expect(mine.length).to.be.above(20);
    expect(mine.flatMap((ex) => checkExchange(ex))).to.deep.equal([]);
  });

  it('the representative regulator run answers every regulator operation with a success, as documented', async () => {
    const g = await startHarness();
    try {
      const start = g.exchanges.length;
      await regulatorRepresentativeRun(g);
      const run = g.exchanges.slice(start);
      expect(run.flatMap((ex) => checkExchange(ex))).to.deep.equal([]);
      const ops = documentedOperations().filter((o) => o.template.startsWith('/v1/regulator/'));
      expect(ops.length).to.equal(10);
      for (const { method, template } of ops)
        expect(
          run.some(
            (ex) =>
              ex.method === method.toUpperCase() &&
              findOperation(ex.method, ex.path)?.template === template &&
              ex.status < 300,
          ),
          `${template} answered a success`,
        ).to.equal(true);
    } finally {
      await g.close();
    }
  });

  it('the console is served at /console with a policy that admits only its own files', async () => {
    const redirect = await h.get('/console');
    expect(redirect.status).to.equal(301);
    expect(redirect.headers.get('location')).to.equal('/console/');
    const page = await h.get('/console/');
    expect(page.status).to.equal(200);
    expect(page.contentType).to.match(/^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).to.match(/default-src 'self'/);
    expect(csp).to.match(/frame-ancestors 'none'/);
    expect(csp).not.to.match(/unsafe-inline|unsafe-eval/);
    expect(page.text).to.match(/<script type="module" src="\/console\/js\/main\.js"><\/script>/);
    const css = await h.get('/console/assets/console.css');
    expect(css.status).to.equal(200);
    expect(css.contentType).to.match(/^text\/css/);
    if (fs.existsSync(path.join(CONSOLE_ROOT, 'dist', 'main.js'))) {
      const js = await h.get('/console/js/main.js');
      expect(js.status).to.equal(200);
      expect(js.contentType).to.match(/javascript/);
    }
    assertProblem(await h.get('/console/js/../../package.json'), 404, 'NOT_FOUND');
    // The API keeps its own, stricter policy.
    expect((await h.get('/healthz')).headers.get('content-security-policy') ?? '').to.match(
      /default-src 'none'/,
    );
  });
});
