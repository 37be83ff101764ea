/**
 * The enterprise's workflow through the gateway: signed requests relayed to the ledger (the fake ledger
 * checks signatures and nonces as the chaincode does), ledger refusals mapped to problems, and reads that
 * show only the caller's own objects.
 */
import { expect } from 'chai';
import { CODE, GRANT } from '../testing/fixtures.js';
import { assertOk, assertProblem, startHarness, type Harness } from '../testing/harness.js';
import { actionBody } from '../testing/fake-ledger.js';
import type { EnterpriseActionName } from '@rdx/chaincode';

let h: Harness;
describe('the enterprise workflow through the gateway', () => {
  before(async () => {
    h = await startHarness();
    h.ledger.applications.set('APP-AA-1', {
      id: 'APP-AA-1',
      creditCode: CODE.AA,
      state: 'SUBMITTED',
      datasetId: 'ls-residents',
    });
    h.ledger.applications.set('APP-AAA-1', {
      id: 'APP-AAA-1',
      creditCode: CODE.AAA,
      state: 'SUBMITTED',
      datasetId: 'ls-residents',
    });
    h.ledger.agreements.set('AGR-AA-1', {
      id: 'AGR-AA-1',
      terms: { creditCode: CODE.AA, datasetId: 'ls-residents' },
      termsHash: 'a'.repeat(64),
    });
    h.ledger.agreements.set('AGR-AAA-1', {
      id: 'AGR-AAA-1',
      terms: { creditCode: CODE.AAA, datasetId: 'ls-residents' },
      termsHash: 'b'.repeat(64),
    });
  });
  after(() => h.close());

  interface Route {
    method: 'POST' | 'PUT';
    path: string;
    key: string;
    action: EnterpriseActionName;
    status: number;
  }

  const ROUTES: Route[] = [
    {
      method: 'POST',
      path: '/v1/applications',
      key: 'application:SubmitApplication',
      action: 'SubmitApplication',
      status: 201,
    },
    {
      method: 'PUT',
      path: '/v1/applications/APP-AA-1',
      key: 'application:ResubmitApplication',
      action: 'ResubmitApplication',
      status: 200,
    },
    {
      method: 'POST',
      path: '/v1/applications/APP-AA-1/disputes',
      key: 'application:DisputeReview',
      action: 'DisputeReview',
      status: 201,
    },
    {
      method: 'POST',
      path: '/v1/agreements/AGR-AA-1/signature',
      key: 'agreement:SignAgreementAsEnterprise',
      action: 'SignAgreement',
      status: 200,
    },
    {
      method: 'POST',
      path: '/v1/agreements/AGR-AA-1/renewal',
      key: 'agreement:AcceptRenewal',
      action: 'AcceptRenewal',
      status: 200,
    },
    {
      method: 'POST',
      path: '/v1/agreements/AGR-AA-1/termination',
      key: 'agreement:TerminateAgreementAsEnterprise',
      action: 'TerminateAgreement',
      status: 200,
    },
    {
      method: 'POST',
      path: '/v1/usage-reports',
      key: 'duty:ReportUsage',
      action: 'ReportUsage',
      status: 201,
    },
    { method: 'POST', path: '/v1/data-returns', key: 'duty:ReturnData', action: 'ReturnData', status: 201 },
    {
      method: 'POST',
      path: '/v1/products',
      key: 'duty:PublishProduct',
      action: 'PublishProduct',
      status: 201,
    },
    {
      method: 'POST',
      path: '/v1/agreements/AGR-AA-1/renewal-request',
      key: 'agreement:RequestRenewal',
      action: 'RequestRenewal',
      status: 200,
    },
    {
      method: 'POST',
      path: '/v1/security-issues',
      key: 'duty:ReportSecurityIssue',
      action: 'ReportSecurityIssue',
      status: 201,
    },
  ];

  const submitApplication = ROUTES[0]!;

  it('every signed action is relayed as signed, as transient data, to its ledger function and answers with the result', async () => {
    for (const route of ROUTES) {
      // The signed body names the object in the URL, as the gateway requires, and has only fields its action takes.
      const content = actionBody(route.action, {
        id: 'APP-AA-1',
        applicationId: 'APP-AA-1',
        agreementId: 'AGR-AA-1',
      });
      const signed = h.signer('AA').sign(route.action, content);
      const before = h.ledger.callsOf(route.key).length;
      const reply = await h.call(route.method, route.path, { as: 'AA', json: signed });
      const body = assertOk<{
        data: { id: string; creditCode?: string; body?: unknown };
        txId: string;
        blockNumber: number;
      }>(reply, route.status);
      if (route.key.startsWith('duty:')) {
        // A duty record is public: the result is what the ledger returned.
        expect(body.data.creditCode).to.equal(CODE.AA);
        expect(body.data.body).to.deep.equal(content);
      } else {
        // A confidential object: the ledger's result is its shell; the gateway answers with it read back whole.
        expect(body.data.id).to.be.oneOf(['APP-AA-1', 'AGR-AA-1']);
      }
      expect(body.txId).to.match(/^tx\d+$/);
      expect(typeof body.blockNumber).to.equal('number');
      const calls = h.ledger.callsOf(route.key);
      expect(calls.length, `${route.key} called once`).to.equal(before + 1);
      const call = calls.at(-1)!;
      expect(
        call.args,
        'nothing of the request in the arguments (they are written to the block)',
      ).to.deep.equal([]);
      expect(call.transient.request, 'exactly the signed bytes').to.equal(signed.request);
      expect(call.transient.signature).to.equal(signed.signature);
      expect(Buffer.byteLength(call.transient.salt ?? '', 'latin1'), 'with a salt').to.be.at.least(16);
      expect(call.kind).to.equal('submit');
    }
  });

  it('a request signed for another credit code is 403 FORBIDDEN and never reaches the ledger', async () => {
    const before = h.ledger.calls.length;
    // AAA signs with its own key; the token is AA's.
    const reply = await h.post('/v1/applications', {
      as: 'AA',
      json: h.signer('AAA').sign('SubmitApplication', {}),
    });
    assertProblem(reply, 403, 'FORBIDDEN');
    // AA's key claiming to be AAA, with AA's token.
    assertProblem(
      await h.post('/v1/applications', {
        as: 'AA',
        json: h.signer('AA', CODE.AAA).sign('SubmitApplication', {}),
      }),
      403,
      'FORBIDDEN',
    );
    expect(h.ledger.calls.length).to.equal(before);
  });

  it('an action that does not fit the endpoint is 400, and so is a body that is not a signed request', async () => {
    const before = h.ledger.calls.length;
    assertProblem(
      await h.post('/v1/applications', { as: 'AA', json: h.signer('AA').sign('ReportUsage', {}) }),
      400,
      'BAD_REQUEST',
    );
    assertProblem(
      await h.post('/v1/agreements/AGR-AA-1/signature', {
        as: 'AA',
        json: h.signer('AA').sign('SignAgreementAsEnterprise', {}),
      }),
      400,
      'BAD_REQUEST',
    );
    assertProblem(await h.post('/v1/applications', { as: 'AA', json: {} }), 400, 'BAD_REQUEST');
    assertProblem(
      await h.post('/v1/applications', {
        as: 'AA',
        json: { request: { action: 'SubmitApplication' }, signature: 'x' },
      }),
      400,
      'BAD_REQUEST',
    );
    assertProblem(
      await h.post('/v1/applications', { as: 'AA', json: { request: 'not json', signature: 'x' } }),
      400,
      'BAD_REQUEST',
    );
    assertProblem(await h.post('/v1/applications', { as: 'AA', json: [] }), 400, 'BAD_REQUEST');
    // Valid JSON that is no envelope: on every relayed route, by the URL's object or not.
    for (const request of ['null', '5', '"x"', '[]', '{"action":"SubmitApplication","body":null}'])
      for (const url of [
        '/v1/applications',
        '/v1/applications/APP-1/disputes',
        '/v1/agreements/AGR-AA-1/signature',
      ]) {
        const refused = await h.post(url, { as: 'AA', json: { request, signature: 'x' } });
        assertProblem(refused, 400, 'BAD_REQUEST');
        expect((refused.body as { detail: string }).detail, `${url} ${request}`).to.match(
          /^request must be a JSON object/,
        );
      }
    // Beside the signed request, nothing travels unsigned.
    const extra = await h.post('/v1/applications', {
      as: 'AA',
      json: { ...h.signer('AA').sign('SubmitApplication', {}), onBehalfOf: 'x' },
    });
    assertProblem(extra, 400, 'BAD_REQUEST');
    expect((extra.body as { detail: string }).detail).to.equal(
      'unknown field "onBehalfOf": a signed request takes request and signature',
    );
    expect(h.ledger.calls.length).to.equal(before);
  });

  it('a signed body with a field its action does not take is 400 INVALID_ARGUMENT from the ledger, naming it', async () => {
    // Signed with the enterprise's own key, so only the ledger can refuse it (the real network's refusal is proven
    // in test/src/e2e/hostile.e2e.test.ts); a field outside the signed request the gateway refuses itself, above.
    const usage = actionBody('ReportUsage', { agreementId: 'AGR-AA-1' });
    const before = h.ledger.callsOf('duty:ReportUsage').length;
    const reply = await h.post('/v1/usage-reports', {
      as: 'AA',
      json: h.signer('AA').sign('ReportUsage', { ...usage, callCounts: 2 }),
    });
    assertProblem(reply, 400, 'INVALID_ARGUMENT');
    expect((reply.body as { detail: string }).detail).to.equal(
      'request.body has an unknown field "callCounts": it takes agreementId, period, callCount and reportHash',
    );
    expect(h.ledger.callsOf('duty:ReportUsage').length).to.equal(before + 1);
  });

  it('without a valid token nothing is relayed', async () => {
    const signed = h.signer('AA').sign('SubmitApplication', {});
    assertProblem(await h.post('/v1/applications', { json: signed }), 401, 'TOKEN_MISSING');
    assertProblem(await h.post('/v1/applications', { token: 'x.y.z', json: signed }), 401, 'TOKEN_INVALID');
    // The token is checked before the body is read: without one, a body that is not JSON, or one over the limit,
    // is a 401 too, not a 400 or 413 the gateway would have parsed or read it for.
    const notJson = { body: '{"form": not json', headers: { 'content-type': 'application/json' } };
    assertProblem(await h.post('/v1/applications', notJson), 401, 'TOKEN_MISSING');
    const over = { body: 'x'.repeat(2 * 1024 * 1024), headers: { 'content-type': 'application/json' } };
    assertProblem(await h.post('/v1/agreements/AGR-1/signature', over), 401, 'TOKEN_MISSING');
    assertProblem(
      await h.post('/v1/applications', { ...notJson, token: h.tokenFor('AA') }),
      400,
      'BAD_REQUEST',
    );
  });

  it('a signature the ledger does not accept is 403 BAD_SIGNATURE', async () => {
    const signed = h.signer('AA').sign('SubmitApplication', { id: 'APP-AA-9', form: { purpose: 'A' } });
    // The body is changed after signing: the chaincode's check fails.
    const envelope = JSON.parse(signed.request) as { body: Record<string, unknown> };
    envelope.body.form = { purpose: 'B' };
    assertProblem(
      await h.post('/v1/applications', {
        as: 'AA',
        json: { request: JSON.stringify(envelope), signature: signed.signature },
      }),
      403,
      'BAD_SIGNATURE',
    );
    assertProblem(
      await h.post('/v1/applications', { as: 'AA', json: { request: signed.request, signature: 'AAAA' } }),
      403,
      'BAD_SIGNATURE',
    );
  });

  it('a ledger refusal with code BAD_SIGNATURE is 403 BAD_SIGNATURE', async () => {
    const g = await startHarness();
    try {
      g.ledger.refuseWith(submitApplication.key, 'BAD_SIGNATURE');
      assertProblem(
        await g.post('/v1/applications', { as: 'AA', json: g.signer('AA').sign('SubmitApplication', {}) }),
        403,
        'BAD_SIGNATURE',
      );
    } finally {
      await g.close();
    }
  });

  it('a signed request used twice is 409 REPLAYED', async () => {
    const signed = h.signer('AA').sign('ReportUsage', { period: '2025-Q1' });
    assertOk(await h.post('/v1/usage-reports', { as: 'AA', json: signed }), 201);
    assertProblem(await h.post('/v1/usage-reports', { as: 'AA', json: signed }), 409, 'REPLAYED');
  });

  it('ledger refusals map by code; a refusal without a code is 503 LEDGER_UNAVAILABLE', async () => {
    const g = await startHarness();
    try {
      const cases: [string | undefined, number, string][] = [
        ['REPLAYED', 409, 'REPLAYED'],
        ['INVALID_STATE', 409, 'INVALID_STATE'],
        ['RATING_INSUFFICIENT', 403, 'RATING_INSUFFICIENT'],
        ['FORBIDDEN', 403, 'FORBIDDEN'],
        ['ALREADY_EXISTS', 409, 'ALREADY_EXISTS'],
        ['TX_INVALID', 409, 'INVALID_STATE'],
        ['CALENDAR_MISSING', 409, 'CALENDAR_MISSING'],
        ['ANCHOR_CHAIN_BROKEN', 409, 'ANCHOR_CHAIN_BROKEN'],
        [undefined, 503, 'LEDGER_UNAVAILABLE'],
      ];
      for (const [code, status, problem] of cases) {
        g.ledger.refuseWith(submitApplication.key, code);
        assertProblem(
          await g.post('/v1/applications', { as: 'AA', json: g.signer('AA').sign('SubmitApplication', {}) }),
          status,
          problem,
        );
      }
      g.ledger.down = 'connect ECONNREFUSED 127.0.0.1:7051';
      assertProblem(
        await g.post('/v1/usage-reports', { as: 'AA', json: g.signer('AA').sign('ReportUsage', {}) }),
        503,
        'LEDGER_UNAVAILABLE',
      );
    } finally {
      await g.close();
    }
  });

  it('GET /v1/applications/{id} shows the caller’s own application; another’s or a missing one is 404', async () => {
    const own = assertOk<{ data: { id: string } }>(await h.get('/v1/applications/APP-AA-1', { as: 'AA' }));
    expect(own.data.id).to.equal('APP-AA-1');
    const other = await h.get('/v1/applications/APP-AAA-1', { as: 'AA' });
    assertProblem(other, 404, 'NOT_FOUND');
    expect(other.text, 'nothing of the other enterprise').not.to.include(CODE.AAA);
    assertProblem(await h.get('/v1/applications/APP-NONE', { as: 'AA' }), 404, 'NOT_FOUND');
    assertProblem(await h.get('/v1/applications/APP-AA-1'), 401, 'TOKEN_MISSING');
  });

  it('GET /v1/agreements/{id} shows the caller’s own agreement; another enterprise’s is 404', async () => {
    const own = assertOk<{ data: { id: string; termsHash: string } }>(
      await h.get('/v1/agreements/AGR-AA-1', { as: 'AA' }),
    );
    expect(own.data.termsHash).to.equal('a'.repeat(64));
    const other = await h.get('/v1/agreements/AGR-AAA-1', { as: 'AA' });
    assertProblem(other, 404, 'NOT_FOUND');
    expect(other.text).not.to.include('b'.repeat(64));
    assertProblem(await h.get('/v1/agreements/AGR-NONE', { as: 'AA' }), 404, 'NOT_FOUND');
    expect((await h.get('/v1/agreements/AGR-AAA-1', { as: 'AAA' })).status).to.equal(200);
  });

  it('GET /v1/grants lists only the caller’s grants', async () => {
    const aa = assertOk<{ data: { id: string; creditCode: string }[] }>(
      await h.get('/v1/grants', { as: 'AA' }),
    );
    expect(aa.data.map((g) => g.id).sort()).to.deep.equal([GRANT.AA_PEOPLE, GRANT.AA_PENDING].sort());
    for (const g of aa.data) expect(g.creditCode).to.equal(CODE.AA);
    const aaa = assertOk<{ data: { id: string; state: string }[] }>(await h.get('/v1/grants', { as: 'AAA' }));
    expect(aaa.data.map((g) => [g.id, g.state])).to.deep.equal([[GRANT.AAA_PEOPLE, 'SUSPENDED']]);
    assertProblem(await h.get('/v1/grants'), 401, 'TOKEN_MISSING');
  });

  it('the public lists need no login; credit from a ledger without an answer is 503, recipients come from the view', async () => {
    const recipients = assertOk<{ data: { creditCode: string }[] }>(await h.get('/v1/public/recipients'));
    expect(recipients.data.length).to.equal(4);
    const credit = assertOk<{ data: unknown[] }>(await h.get('/v1/public/credit'));
    expect(credit.data.length).to.equal(1);
    const g = await startHarness();
    try {
      g.ledger.down = 'unreachable';
      assertProblem(await g.get('/v1/public/credit'), 503, 'LEDGER_UNAVAILABLE');
      // The recipients list is the gateway's view of the ledger, read before the ledger went away.
      expect(assertOk<{ data: unknown[] }>(await g.get('/v1/public/recipients')).data.length).to.equal(4);
    } finally {
      await g.close();
    }
  });

  it('a signed request for another object than the one in the URL is 400 and never reaches the ledger', async () => {
    const signed = h
      .signer('AA')
      .sign('SignAgreement', { agreementId: 'AGR-OTHER', termsHash: '0'.repeat(64) });
    const before = h.ledger.callsOf('agreement:SignAgreementAsEnterprise').length;
    assertProblem(
      await h.call('POST', '/v1/agreements/AGR-AA-1/signature', { as: 'AA', json: signed }),
      400,
      'BAD_REQUEST',
    );
    expect(h.ledger.callsOf('agreement:SignAgreementAsEnterprise').length).to.equal(before);
  });
});
