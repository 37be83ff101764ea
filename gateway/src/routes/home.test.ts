/** An enterprise's own applications, agreements and duties, each with its state and next step, and nobody else's. */
import { expect } from 'chai';
import { agreementNext, applicationNext } from '../home/next-step.js';
import { CODE } from '../testing/fixtures.js';
import { assertOk, assertProblem, startHarness, type Harness } from '../testing/harness.js';

type Listed = { id: string; state: string; next: { by: string; what: string; due?: string } };

describe("an enterprise's own business (GET /v1/applications, /v1/agreements, /v1/duties)", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    const app = (id: string, creditCode: string, state: string, extra: Record<string, unknown> = {}) =>
      h.ledger.applications.set(id, {
        id,
        creditCode,
        state,
        revision: 1,
        submittedAt: '2026-11-01T00:00:00Z',
        bodies: ['MarketMSP', 'TransportMSP'],
        ownerReviews: {},
        ...extra,
      });
    app('app-review', CODE.AA, 'OWNER_REVIEW', {
      ownerReviews: { MarketMSP: { decision: 'approve' } },
      deadline: { step: 'owner-review', due: '2026-12-10', rule: 'L11' },
    });
    app('app-ok', CODE.AA, 'APPROVED');
    app('app-theirs', CODE.AAA, 'APPROVED');
    h.ledger.agreements.set('app-ok.MarketMSP', {
      id: 'app-ok.MarketMSP',
      state: 'DRAFT',
      terms: { creditCode: CODE.AA, body: 'MarketMSP', validUntil: '2027-06-30' },
      bodySignature: { mspId: 'MarketMSP', certificateId: 'x', at: '2026-11-02T00:00:00Z', txId: 't' },
      grants: [],
    });
    // In force since 10:00 on 3 March 2026 (China time), with a return duty, its product not yet published.
    app('app-live', CODE.AA, 'APPROVED', { bodies: ['TransportMSP'] });
    h.ledger.agreements.set('app-live.TransportMSP', {
      id: 'app-live.TransportMSP',
      state: 'IN_FORCE',
      inForceAt: '2026-03-03T02:00:00.000Z',
      productDeadline: '2026-06-03',
      dataReturnDue: '2026-12-15',
      lastUsageReportAt: '2026-10-01T02:00:00.000Z',
      terms: { creditCode: CODE.AA, body: 'TransportMSP', validUntil: '2027-06-30', dataReturn: true },
      grants: [],
    });
    h.ledger.agreements.set('app-theirs.MarketMSP', {
      id: 'app-theirs.MarketMSP',
      state: 'IN_FORCE',
      terms: { creditCode: CODE.AAA, body: 'MarketMSP' },
      grants: [],
    });
  });
  after(() => h.close());

  it('lists its applications with who acts next, and none of another enterprise', async () => {
    const { data } = assertOk<{ data: Listed[] }>(await h.get('/v1/applications', { as: 'AA' }));
    expect(data.map((a) => [a.id, a.state, a.next.by])).to.have.deep.members([
      ['app-review', 'OWNER_REVIEW', 'bodies'],
      ['app-ok', 'APPROVED', 'bodies'],
      ['app-live', 'APPROVED', 'none'],
    ]);
    const review = data.find((a) => a.id === 'app-review')!;
    expect(review.next).to.deep.include({ due: '2026-12-10' });
    expect(review.next.what).to.include('TransportMSP').and.not.include('MarketMSP,');
    // Approved: the bodies that have not drafted theirs are named; once all are signed, no one waits on it.
    expect(data.find((a) => a.id === 'app-ok')!.next.what).to.match(/draft their agreements: TransportMSP$/);
    expect(data.find((a) => a.id === 'app-live')!.next.what).to.include('rdx agreements');
  });

  it('lists the agreements of its approved applications: one to sign, one the body has yet to draft', async () => {
    const { data } = assertOk<{ data: Listed[] }>(await h.get('/v1/agreements', { as: 'AA' }));
    expect(data.map((a) => [a.id, a.state, a.next.by])).to.deep.equal([
      ['app-ok.MarketMSP', 'DRAFT', 'you'],
      ['app-live.TransportMSP', 'IN_FORCE', 'you'],
      ['app-ok.TransportMSP', 'NOT_DRAFTED', 'bodies'],
    ]);
    const theirs = assertOk<{ data: Listed[] }>(await h.get('/v1/agreements', { as: 'AAA' })).data;
    expect(theirs.map((a) => a.id)).to.not.include('app-ok.MarketMSP');
  });

  it('lists what it owes under its agreements in force, soonest first, late ones marked; none of another’s', async () => {
    h.setNow('2026-11-30T02:00:00Z');
    const { data } = assertOk<{
      data: { agreementId: string; type: string; due: string; state: string; next: { what: string } }[];
    }>(await h.get('/v1/duties', { as: 'AA' }));
    h.setNow(undefined);
    // The product was due in June; the return on 15 December; the usage report a quarter after the last.
    expect(data.map((d) => [d.agreementId, d.type, d.due, d.state])).to.deep.equal([
      ['app-live.TransportMSP', 'product', '2026-06-03', 'overdue'],
      ['app-live.TransportMSP', 'data-return', '2026-12-15', 'due'],
      ['app-live.TransportMSP', 'usage-report', '2027-01-01', 'due'],
    ]);
    expect(data[0]?.next.what).to.match(/rdx report product/);
    const theirs = assertOk<{ data: { agreementId: string }[] }>(
      await h.get('/v1/duties', { as: 'AAA' }),
    ).data;
    expect(theirs.map((d) => d.agreementId)).to.not.include('app-live.TransportMSP');
  });

  it('refused without a token (401) and with a regulator’s (403)', async () => {
    assertProblem(await h.get('/v1/applications'), 401, 'TOKEN_MISSING');
    assertProblem(await h.get('/v1/agreements'), 401, 'TOKEN_MISSING');
    assertProblem(await h.get('/v1/duties'), 401, 'TOKEN_MISSING');
  });

  it('one enterprise over its rate on these routes is refused (429, Retry-After) while another is served', async () => {
    const limited = await startHarness({ callerRatePerSecond: 2 });
    try {
      const aa = limited.tokenFor('AA');
      const answers = [];
      for (const path of [
        '/v1/applications',
        '/v1/agreements',
        '/v1/duties',
        '/v1/access-log',
        '/v1/datasets',
      ])
        answers.push(await limited.get(path, { token: aa }));
      expect(answers.slice(0, 2).map((a) => a.status)).to.deep.equal([200, 200]);
      for (const a of answers.slice(2)) {
        assertProblem(a, 429, 'RATE_LIMITED');
        expect(a.headers.get('retry-after')).to.equal('1');
      }
      assertOk(await limited.get('/v1/applications', { as: 'AAA' }));
    } finally {
      await limited.close();
    }
  });

  it('the next step follows the state: return → you, draft → body then you, in force → your duties by their days', () => {
    expect(applicationNext({ state: 'RETURNED', bodies: [], ownerReviews: {} }).by).to.equal('you');
    expect(applicationNext({ state: 'REJECTED', bodies: [], ownerReviews: {} }).by).to.equal('none');
    const approved = { state: 'APPROVED' as const, bodies: ['MarketMSP'], ownerReviews: {} };
    expect(applicationNext(approved).what).to.match(/draft their agreements: MarketMSP$/);
    expect(applicationNext(approved, { drafted: [{ state: 'DRAFT' }], notDraftedBy: [] }).by).to.equal(
      'bodies',
    );
    expect(
      applicationNext(approved, {
        drafted: [{ state: 'TERMINATED' }, { state: 'IN_FORCE' }],
        notDraftedBy: [],
      }).by,
    ).to.equal('none');
    expect(agreementNext({ state: 'DRAFT' }).by).to.equal('bodies');
    expect(agreementNext({ state: 'IN_FORCE', productDeadline: '2027-02-01' })).to.deep.include({
      by: 'you',
      due: '2027-02-01',
    });
    expect(
      agreementNext({
        state: 'IN_FORCE',
        product: { name: 'p', address: 'a', publishedOn: 'd', at: 'x' },
        dataReturnDue: '2027-03-01',
      }),
    ).to.deep.include({ due: '2027-03-01' });
    expect(
      agreementNext({
        state: 'IN_FORCE',
        termination: { by: 'b', reason: 'r', noticeDate: 'd', effectiveOn: '2027-01-01', at: 'x' },
      }).by,
    ).to.equal('none');
    expect(agreementNext({ state: 'TERMINATED' }).by).to.equal('none');
  });
});
