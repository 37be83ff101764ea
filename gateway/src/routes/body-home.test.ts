/**
 * An opening body's home and console accounts: its admin makes accounts with its Fabric identity, a person logs
 * in with one and reads the body's business — and nothing of another body's, nor anything an enterprise or a
 * regulator reads; removing the account ends its token at once.
 */
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { CODE, GRANT } from '../testing/fixtures.js';
import {
  AUDIENCE,
  assertOAuthError,
  assertOk,
  assertProblem,
  DATASET_OWNERS,
  ISSUER,
  regulatorLogin,
  secretLogin,
  startHarness,
  type Harness,
} from '../testing/harness.js';
import { testOrg } from '../testing/test-ca.js';
import { reviewsAndDuties } from './body-home.js';

const ACCOUNTS = '/v1/admin/console-accounts';

describe("an opening body's console accounts and home (GET /v1/admin/home)", () => {
  let h: Harness;
  const [civil, epb] = [DATASET_OWNERS[0], DATASET_OWNERS[1]];
  const admin = (org: string) => testOrg(org).identity('admin');

  const login = (clientId: string, secret: string) => secretLogin(h, clientId, secret);
  /** A new console account of `org`, logged in: its id and token. */
  async function account(org: string, name = '张三'): Promise<{ clientId: string; token: string }> {
    const made = assertOk<{ clientId: string; secret: string; org: string }>(
      await h.signedCall('POST', ACCOUNTS, admin(org), { name }),
      201,
    );
    expect(made.org).to.equal(org);
    const token = assertOk<{ access_token: string }>(await login(made.clientId, made.secret)).access_token;
    return { clientId: made.clientId, token };
  }

  before(async () => {
    h = await startHarness();
    // Civil's grant on its residents' data, live; another of its grants revoked (not live).
    const grant = { ...h.view.grants.get(GRANT.AA_PEOPLE)!, body: civil };
    h.view.putGrant(grant);
    h.view.putGrant({ ...grant, id: 'g-civil-revoked', state: 'REVOKED' });
    h.ledger.on('query:ListOverdue', () => [
      {
        type: 'application',
        id: 'APP-LATE',
        step: 'owner-review',
        due: '2026-11-20',
        workingDaysOverdue: 6,
        party: civil,
      },
      {
        type: 'catalogue-review',
        id: `${civil}.2025`,
        step: 'catalogue-review',
        due: '2025-12-31',
        party: civil,
      },
      { type: 'application', id: 'APP-EPB', step: 'owner-review', due: '2026-11-21', party: epb },
    ]);
    // Reports under its agreements: an incident and a return of Civil's, a usage report (in the reconciliation
    // instead), and Environment's incident.
    const duty = (id: string, kind: string, body: string, at: string, detail = {}) => ({
      id,
      kind,
      agreementId: `agr-${body}`,
      creditCode: CODE.AA,
      body,
      at,
      detail,
    });
    h.ledger.duties.push(
      duty('d-old', 'data-return', civil, '2026-10-01T02:00:00.000Z'),
      duty('d-new', 'security-issue', civil, '2026-11-29T02:00:00.000Z', { severity: 'high' }),
      duty('d-usage', 'usage-report', civil, '2026-11-28T02:00:00.000Z'),
      duty('d-epb', 'security-issue', epb, '2026-11-29T03:00:00.000Z', { severity: 'low' }),
    );
    // Complaints about Civil's data: one late, one due far ahead, one resolved; and one about Environment's.
    const complaint = (id: string, body: string, due: string, state = 'OPEN') => ({
      id,
      body,
      datasetId: 'ls-residents',
      grantId: GRANT.AA_PEOPLE,
      category: 'quality',
      filedThrough: 'public',
      state,
      filedAt: '2026-11-01T02:00:00.000Z',
      deadline: { step: 'complaint', due },
      suspendedOnFiling: false,
    });
    for (const c of [
      complaint('c-ahead', civil, '2999-01-04'),
      complaint('c-late', civil, '2020-01-10'),
      complaint('c-done', civil, '2020-01-10', 'RESOLVED'),
      complaint('c-epb', epb, '2999-01-04'),
    ])
      h.ledger.complaints.set(c.id, c);
    h.ledger.on('query:ListReviewsDueSoon', () => [
      {
        type: 'application',
        id: 'APP-SOON',
        step: 'owner-review',
        due: '2026-12-02',
        workingDaysLeft: 2,
        party: civil,
      },
      {
        type: 'application',
        id: 'APP-FORMAL',
        step: 'formal-review',
        due: '2026-12-01',
        workingDaysLeft: 1,
        party: 'BureauMSP',
      },
    ]);
  });
  after(() => h.close());

  it("the body's admin makes an account; its token says whose body it is, and reads the body's home", async () => {
    const { clientId, token } = await account(civil);
    expect(clientId).to.match(/^ls-civil-[0-9a-f]{12}$/);
    const claims = jwt.verify(token, h.keys.current().publicKey, {
      audience: AUDIENCE,
      issuer: ISSUER,
    }) as jwt.JwtPayload;
    expect([claims.sub, claims.role, claims.org]).to.deep.equal([clientId, 'body', civil]);

    const home = assertOk<{
      body: string;
      via: string;
      reviews: { applicationId: string; workingDaysLeft?: number; workingDaysOverdue?: number }[];
      overdue: { type: string; party: string }[];
      datasets: { id: string; liveGrants: number; version: string | null }[];
      reports: { id: string; kind: string; severity?: string; enterprise: string | null }[];
      grants: { id: string; state: string }[];
      complaints: { id: string; overdue: boolean; due: string; enterprise: string | null }[];
      complaintsMore: boolean;
    }>(await h.get('/v1/admin/home', { token }));
    expect([home.body, home.via]).to.deep.equal([civil, 'console']);
    // Its reviews, the late one first; not Environment's, not the bureau's.
    expect(
      home.reviews.map((r) => [r.applicationId, r.workingDaysOverdue ?? -r.workingDaysLeft!]),
    ).to.deep.equal([
      ['APP-LATE', 6],
      ['APP-SOON', -2],
    ]);
    expect(home.overdue.map((i) => i.type)).to.deep.equal(['catalogue-review']);
    expect(home.datasets.map((d) => [d.id, d.liveGrants, d.version])).to.deep.equal([
      ['ls-residents', 1, 'v1'],
    ]);
    expect(home.grants.map((g) => g.id)).to.deep.equal([GRANT.AA_PEOPLE]);
    // Its incident and return reports, newest first, with the enterprise's name; not Environment's.
    expect(home.reports.map((r) => [r.id, r.kind, r.severity])).to.deep.equal([
      ['d-new', 'security-issue', 'high'],
      ['d-old', 'data-return', undefined],
    ]);
    expect(home.reports[0]?.enterprise).to.be.a('string');
    // Its open complaints, the late one first and marked; not the resolved one, not Environment's.
    expect(home.complaints.map((c) => [c.id, c.overdue])).to.deep.equal([
      ['c-late', true],
      ['c-ahead', false],
    ]);
    expect(home.complaints[0]!.enterprise, 'the holder of the grant complained about').to.be.a('string');
    expect(home.complaintsMore, 'every open complaint is listed').to.equal(false);

    // The same home signed by a reviewer.
    const signed = assertOk<{ body: string; via: string }>(
      await h.signedGet('/v1/admin/home', testOrg(civil).identity('reviewer')),
    );
    expect([signed.body, signed.via]).to.deep.equal([civil, 'signature']);
  });

  it("another body's account sees its own home only, and none of the first body's grants or accounts", async () => {
    const { token } = await account(epb, '李四');
    const home = assertOk<{
      body: string;
      grants: unknown[];
      datasets: { id: string }[];
      reviews: { applicationId: string }[];
      reports: { id: string }[];
      complaints: { id: string }[];
    }>(await h.get('/v1/admin/home', { token }));
    expect(home.body).to.equal(epb);
    expect(home.complaints.map((c) => c.id)).to.deep.equal(['c-epb']);
    expect(home.grants).to.deep.equal([]);
    expect(home.datasets.map((d) => d.id)).to.deep.equal(['ls-air-quality']);
    expect(home.reviews.map((r) => r.applicationId)).to.deep.equal(['APP-EPB']);
    expect(home.reports.map((r) => r.id)).to.deep.equal(['d-epb']);
    assertProblem(await h.get(`/v1/admin/grants/${GRANT.AA_PEOPLE}/stats`, { token }), 404, 'NOT_FOUND');
    const listed = assertOk<{ data: { org: string }[] }>(await h.signedGet(ACCOUNTS, admin(epb)));
    expect(listed.data.every((a) => a.org === epb)).to.equal(true);
  });

  it("an account reads the body's inbox, usage and reconciliation, and marks notifications read", async () => {
    const { token } = await account(civil);
    h.notifications.record(7, [
      {
        id: 'ntf-civil',
        kind: 'demand.received',
        title: '收到数据需求 demand received',
        recipient: `body:${civil}`,
        subject: { type: 'application', id: 'APP-SOON' },
        txId: 't7',
        block: 7,
        at: '2026-11-30T00:00:00Z',
      },
    ]);
    const inbox = assertOk<{ data: { id: string }[]; unread: number }>(
      await h.get('/v1/admin/inbox?unread=true', { token }),
    );
    expect(inbox.data.map((n) => n.id)).to.include('ntf-civil');
    expect(assertOk<{ unread: number }>(await h.get('/v1/admin/home', { token })).unread).to.equal(
      inbox.unread,
    );
    assertOk(await h.post('/v1/admin/inbox/read', { token, json: { ids: ['ntf-civil'] } }));
    expect(
      assertOk<{ data: { id: string }[] }>(await h.get('/v1/admin/inbox?unread=true', { token })).data.map(
        (n) => n.id,
      ),
    ).to.not.include('ntf-civil');
    assertOk(await h.get(`/v1/admin/grants/${GRANT.AA_PEOPLE}/stats?days=7`, { token }));
    expect(
      assertOk<{ body: string }>(await h.get('/v1/admin/usage-reconciliation', { token })).body,
    ).to.equal(civil);
    const unknown = assertProblem(
      await h.get('/v1/admin/usage-reconciliation?agreement=x', { token }),
      400,
      'BAD_REQUEST',
    );
    expect(unknown.detail).to.match(
      /^unknown parameter "agreement": GET \/v1\/admin\/usage-reconciliation takes no parameters$/,
    );
  });

  it('an account changes nothing: webhooks, dataset loads and accounts need the Fabric identity', async () => {
    const { token } = await account(civil);
    assertProblem(
      await h.post('/v1/admin/webhooks', { token, json: { url: 'https://example.org/h' } }),
      401,
      'TOKEN_MISSING',
    );
    assertProblem(await h.get('/v1/admin/webhooks', { token }), 401, 'TOKEN_MISSING');
    assertProblem(await h.post(ACCOUNTS, { token, json: { name: 'x' } }), 401, 'TOKEN_MISSING');
    assertProblem(
      await h.call('PUT', '/v1/admin/datasets/ls-residents/versions/v1', { token, body: 'x' }),
      401,
      'TOKEN_MISSING',
    );
  });

  it("an account's token opens no enterprise or regulator route, and their tokens open no body route", async () => {
    const { token } = await account(civil);
    assertProblem(await h.get('/v1/grants', { token }), 403, 'FORBIDDEN');
    assertProblem(await h.get('/v1/inbox', { token }), 403, 'FORBIDDEN');
    assertProblem(await h.get('/v1/regulator/dashboard', { token }), 403, 'FORBIDDEN');
    for (const other of [h.tokenFor('AA'), await regulatorLogin(h, 'inspector')]) {
      assertProblem(await h.get('/v1/admin/home', { token: other }), 403, 'FORBIDDEN');
      assertProblem(await h.get('/v1/admin/inbox', { token: other }), 403, 'FORBIDDEN');
    }
    assertProblem(await h.get('/v1/admin/home'), 401, 'TOKEN_MISSING');
    assertProblem(await h.get('/v1/admin/home', { token: 'not-a-jwt' }), 401, 'TOKEN_INVALID');
  });

  it("a console account's name is refused (400 naming it) with a terminal escape, a direction override or nothing visible, as the ledger refuses such text", async () => {
    const names = () =>
      h
        .signedGet(ACCOUNTS, testOrg(civil).identity('reviewer'))
        .then((r) => assertOk<{ data: { name: string }[] }>(r).data.map((a) => a.name));
    const before = await names();
    for (const name of [
      'esc\x1b[2J\x1b[31mred',
      '王五\u202e六赵',
      'x\u009b31m',
      'x\u0000',
      '\u200b\u200b\u3000',
      'x\ud800',
      'Alice\r\nMarketMSP admin',
      'tab\there',
    ]) {
      const refused = assertProblem(
        await h.signedCall('POST', ACCOUNTS, admin(civil), { name }),
        400,
        'BAD_REQUEST',
      );
      expect(refused.detail, JSON.stringify(name)).to.match(/^name /);
    }
    expect(await names(), 'no account made').to.deep.equal(before);
    // Right-to-left names keep their isolates: text, as the ledger takes it.
    const uyghur = '\u2067ئەخمەت\u2069 (艾合买提)';
    const made = assertOk<{ name: string }>(
      await h.signedCall('POST', ACCOUNTS, admin(civil), { name: uyghur }),
      201,
    );
    expect(made.name).to.equal(uyghur);
  });

  it("only the body's admin makes and removes accounts; a removed account's token and secret stop at once", async () => {
    for (const role of ['reviewer', 'probe'])
      assertProblem(
        await h.signedCall('POST', ACCOUNTS, testOrg(civil).identity(role), { name: 'x' }),
        403,
        'FORBIDDEN',
      );
    assertProblem(await h.signedCall('POST', ACCOUNTS, admin(civil), { name: '' }), 400, 'BAD_REQUEST');
    assertProblem(
      await h.signedCall('POST', ACCOUNTS, admin(civil), { name: 'x'.repeat(65) }),
      400,
      'BAD_REQUEST',
    );
    assertProblem(await h.call('POST', ACCOUNTS, { json: { name: 'x' } }), 401, 'TOKEN_MISSING');
    const asAdmin = await h.signedCall('POST', ACCOUNTS, admin(civil), { name: 'x', role: 'admin' });
    assertProblem(asAdmin, 400, 'BAD_REQUEST');
    expect((asAdmin.body as { detail: string }).detail).to.equal(
      'unknown field "role": a console account takes name',
    );
    assertProblem(await h.signedCall('POST', ACCOUNTS, admin(civil), ['x']), 400, 'BAD_REQUEST');

    const made = assertOk<{ clientId: string; secret: string }>(
      await h.signedCall('POST', ACCOUNTS, admin(civil), { name: '王五' }),
      201,
    );
    const token = assertOk<{ access_token: string }>(await login(made.clientId, made.secret)).access_token;
    const listed = assertOk<{ data: Record<string, unknown>[] }>(
      await h.signedGet(ACCOUNTS, testOrg(civil).identity('reviewer')),
    );
    const mine = listed.data.find((a) => a.clientId === made.clientId);
    expect(mine?.name).to.equal('王五');
    expect(JSON.stringify(listed), 'never a secret').to.not.include(made.secret);

    // Environment's admin cannot remove Civil's account.
    assertProblem(await h.signedCall('DELETE', `${ACCOUNTS}/${made.clientId}`, admin(epb)), 404, 'NOT_FOUND');
    assertOk(await h.get('/v1/admin/home', { token }));
    expect((await h.signedCall('DELETE', `${ACCOUNTS}/${made.clientId}`, admin(civil))).status).to.equal(204);
    assertProblem(await h.get('/v1/admin/home', { token }), 401, 'TOKEN_INVALID');
    assertOAuthError(await login(made.clientId, made.secret), 401, 'INVALID_CLIENT');
  });

  it('a body the bureau removed from the platform: its staff’s signatures and its accounts’ tokens and secrets open nothing', async () => {
    const made = assertOk<{ clientId: string; secret: string }>(
      await h.signedCall('POST', ACCOUNTS, admin(epb), { name: '赵六' }),
      201,
    );
    const token = assertOk<{ access_token: string }>(await login(made.clientId, made.secret)).access_token;
    assertOk(await h.get('/v1/admin/home', { token }));
    // Its CA's certificates still verify and the token is still this gateway's: what stops them is the ledger.
    h.view.setBodies([{ mspId: epb, removedAt: '2026-11-30T00:00:00.000Z' }]);
    try {
      const removed = new RegExp(`^${epb} was removed from the platform by the bureau`);
      for (const reply of [
        await h.get('/v1/admin/home', { token }),
        await h.signedGet('/v1/admin/home', testOrg(epb).identity('reviewer')),
        await h.signedGet(ACCOUNTS, admin(epb)),
        await h.signedCall('POST', ACCOUNTS, admin(epb), { name: '钱七' }),
      ]) {
        assertProblem(reply, 403, 'FORBIDDEN');
        expect((reply.body as { detail: string }).detail).to.match(removed);
      }
      assertOAuthError(await login(made.clientId, made.secret), 401, 'INVALID_CLIENT');
      // Another body is not touched.
      assertOk(await h.signedGet('/v1/admin/home', admin(civil)));
    } finally {
      h.view.setBodies([]);
    }
  });

  it('a body with more open complaints than its desk lists is told so, and sees the ones due soonest', async () => {
    const { token } = await account(civil, '孙八');
    const ahead = h.ledger.complaints.get('c-ahead')!;
    const backlog = Array.from({ length: 200 }, (_, i) => `c-backlog-${String(i).padStart(3, '0')}`);
    for (const id of backlog)
      h.ledger.complaints.set(id, { ...ahead, id, deadline: { step: 'complaint', due: '2998-01-04' } });
    try {
      const home = assertOk<{ complaints: { id: string }[]; complaintsMore: boolean }>(
        await h.get('/v1/admin/home', { token }),
      );
      expect(home.complaintsMore, 'more are open than listed').to.equal(true);
      expect(home.complaints).to.have.length(200);
      expect(home.complaints[0]!.id, 'the late one still first').to.equal('c-late');
      expect(home.complaints.map((c) => c.id)).not.to.include('c-ahead');
    } finally {
      for (const id of backlog) h.ledger.complaints.delete(id);
    }
  });

  it('reviews and duties: a body gets what it owes, soonest first, from both ledger lists', () => {
    const owed = reviewsAndDuties(
      'B',
      [
        {
          type: 'application',
          id: 'A2',
          step: 'owner-review',
          due: '2026-01-02',
          party: 'B',
          workingDaysOverdue: 1,
        },
        { type: 'complaint', id: 'C1', step: 'complaint-handling', due: '2026-01-01', party: 'B' },
        { type: 'application', id: 'A9', step: 'owner-review', due: '2026-01-01', party: 'X' },
      ],
      [
        {
          type: 'application',
          id: 'A1',
          step: 'owner-review',
          due: '2026-01-03',
          workingDaysLeft: 0,
          party: 'B',
        },
      ],
    );
    expect(owed.reviews.map((r) => r.applicationId)).to.deep.equal(['A2', 'A1']);
    expect(owed.overdue.map((i) => i.id)).to.deep.equal(['C1']);
  });
});
