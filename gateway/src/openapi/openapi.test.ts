/**
 * The OpenAPI document and the server cannot drift apart: every documented operation is served, every
 * route the app serves is documented, and every answer of a representative run (recorded by the harness)
 * has a listed status, a declared content type and a JSON body that fits the schema.
 */
import { expect } from 'chai';
import type { Express } from 'express';
import { createApp } from '../app.js';
import { OPENAPI } from './openapi.js';
import { CODE, DS, GRANT, sha256Hex } from '../testing/fixtures.js';
import { testOrg } from '../testing/test-ca.js';
import { startReceiver } from '../testing/webhook-receiver.js';
import {
  DATASET_OWNERS,
  ISSUER,
  assertProblem,
  startHarness,
  type Exchange,
  type Harness,
  type Reply,
} from '../testing/harness.js';
import { regulatorRepresentativeRun } from '../testing/regulator-run.js';
import { actionBody } from '../testing/fake-ledger.js';
import type { EnterpriseActionName } from '@rdx/chaincode';
import {
  checkExchange,
  documentedOperations,
  findOperation,
  resolveRef,
  validate,
} from '../testing/openapi-check.js';

/** A citizen's complaint as the public route takes it. */
const PUBLIC_COMPLAINT = {
  datasetId: DS.PEOPLE,
  category: 'quality',
  facts: '数据中的地址字段有大量缺失。',
  contact: 'citizen@example.org',
};

let h: Harness;
describe('the OpenAPI document and the server', () => {
  before(async () => {
    h = await startHarness({ fingerprintSecret: Buffer.alloc(32, 5) });
    seed(h);
  });
  after(() => h.close());

  function seed(g: Harness): void {
    g.ledger.applications.set('APP-1', { id: 'APP-1', creditCode: CODE.AA, state: 'SUBMITTED' });
    g.ledger.agreements.set('AGR-1', {
      id: 'AGR-1',
      terms: { creditCode: CODE.AA },
      termsHash: 'c'.repeat(64),
    });
    // An unconditional dataset with nothing loaded, and a version whose recorded bytes are not a valid file.
    g.view.putDataset({
      id: 'ls-empty',
      owner: 'LS-EPB',
      name: '空',
      openAttribute: 'unconditional',
      format: 'csv',
      updateFrequency: 'daily',
      items: [{ name: 'a', label: 'a', type: 'integer', personal: false }],
      versions: [
        {
          version: 'bad',
          contentHash: sha256Hex(BAD_FILE),
          rowCount: 1,
          loadedAt: '2025-01-01T00:00:00.000Z',
        },
      ],
    });
  }
  const BAD_FILE = 'b\r\nnot-an-integer\r\n';

  /** Express path `/a/:id` as an OpenAPI template `/a/{id}`. */
  const toTemplate = (p: string): string => p.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

  interface Layer {
    route?: { path: string; methods: Record<string, boolean> };
    handle?: { stack?: Layer[] };
  }

  /** The routes the app really serves, read from its router. */
  function servedRoutes(app: Express): { method: string; template: string }[] {
    const out: { method: string; template: string }[] = [];
    const walk = (stack: Layer[]): void => {
      for (const layer of stack) {
        if (layer.route)
          for (const [m, on] of Object.entries(layer.route.methods))
            if (on && m !== '_all') out.push({ method: m, template: toTemplate(layer.route.path) });
        if (layer.handle?.stack) walk(layer.handle.stack);
      }
    };
    walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
    return out;
  }

  /** Fills a path template with plausible values. */
  function concrete(template: string): string {
    return template
      .replace(
        '{id}',
        template.startsWith('/v1/datasets') || template.includes('/admin/') ? DS.PEOPLE : 'APP-1',
      )
      .replace('{version}', 'v1')
      .replace('{requestId}', '00000000-0000-0000-0000-000000000000');
  }

  const isGenericNotFound = (r: Reply): boolean =>
    r.status === 404 &&
    String((r.body as { detail?: unknown } | undefined)?.detail).startsWith('No route for');

  function mismatches(exchanges: readonly Exchange[]): string[] {
    return exchanges.filter((ex) => findOperation(ex.method, ex.path)).flatMap((ex) => checkExchange(ex));
  }

  it('the validator itself: it accepts what fits and names what does not', () => {
    const grant = { $ref: '#/components/schemas/Grant' };
    const good = {
      id: 'g',
      creditCode: 'c',
      datasetId: 'd',
      items: ['a'],
      state: 'ACTIVE',
      validFrom: 'x',
      validUntil: 'y',
      dailyQuota: 5,
    };
    expect(validate(grant, good)).to.deep.equal([]);
    expect(validate(grant, { ...good, dailyQuota: 1.5 })).to.deep.equal([
      '$.dailyQuota: expected integer, got number',
    ]);
    expect(validate(grant, { ...good, state: 'GONE' })).to.deep.equal([
      '$.state: "GONE" is not one of ["ACTIVE","SUSPENDED","REVOKED","TERMINATED","EXPIRED"]',
    ]);
    expect(validate(grant, { ...good, items: [1] })).to.deep.equal([
      '$.items[0]: expected string, got integer',
    ]);
    const missing: Record<string, unknown> = { ...good };
    delete missing.validUntil;
    expect(validate(grant, missing)).to.deep.equal(['$: required property validUntil is missing']);
    expect(validate({ type: ['string', 'null'] }, null)).to.deep.equal([]);
    expect(validate({ type: ['string', 'null'] }, 3).length).to.equal(1);
    expect(validate({ type: 'integer', maximum: 900 }, 901).length).to.equal(1);
    expect(() => resolveRef('#/components/schemas/Nope')).to.throw();
    const ex = {
      method: 'GET',
      path: '/v1/grants',
      contentType: 'application/json; charset=utf-8',
      body: Buffer.from('{"data":[{}]}'),
    };
    expect(checkExchange({ ...ex, status: 200 }).length, 'each missing Grant property is named').to.equal(8);
    expect(checkExchange({ ...ex, status: 418 })[0] ?? '').to.match(/status 418 is not listed/);
    expect(checkExchange({ ...ex, status: 200, contentType: 'text/html' })[0] ?? '').to.match(
      /content type text\/html/,
    );
    expect(checkExchange({ ...ex, method: 'DELETE', status: 200 })[0] ?? '').to.match(/no such operation/);
  });

  it('every documented operation is served (none answers the generic "No route for" 404)', async () => {
    const ops = documentedOperations();
    expect(ops.length, `${ops.length} operations`).to.be.at.least(29);
    for (const { method, template } of ops) {
      const reply = await h.call(method.toUpperCase(), concrete(template), {
        as: 'AA',
        ...(method === 'get' ? {} : { json: {} }),
      });
      expect(isGenericNotFound(reply), `${method.toUpperCase()} ${template} is not served`).to.equal(false);
    }
    // The check can tell: an undocumented path does get the generic 404.
    expect(isGenericNotFound(await h.get('/v1/not-a-route', { as: 'AA' }))).to.equal(true);
  });

  it('every route the app serves is in the document, and the document lists nothing more', () => {
    const served = servedRoutes(createApp(h.services));
    expect(served.length, `${served.length} routes found by introspection`).to.be.at.least(29);
    const key = (o: { method: string; template: string }): string =>
      `${o.method.toUpperCase()} ${o.template}`;
    const documented = new Set(documentedOperations().map(key));
    const undocumented = served.map(key).filter((k) => !documented.has(k));
    expect(undocumented, 'served but not documented').to.deep.equal([]);
    const servedKeys = new Set(served.map(key));
    expect(
      [...documented].filter((k) => !servedKeys.has(k)),
      'documented but not served',
    ).to.deep.equal([]);
  });

  it('one naming style: every field and parameter is camelCase, but for the names a standard fixes', () => {
    // RFC 6749 (token request, response and errors), RFC 7521/7523 (client assertions), RFC 8414 (discovery),
    // RFC 7009 (revocation).
    const standard = new Set([
      'token_type_hint',
      'revocation_endpoint',
      'grant_type',
      'client_id',
      'client_secret',
      'client_assertion_type',
      'client_assertion',
      'access_token',
      'token_type',
      'expires_in',
      'error_description',
      'token_endpoint',
      'jwks_uri',
      'grant_types_supported',
      'response_types_supported',
      'token_endpoint_auth_methods_supported',
      'token_endpoint_auth_signing_alg_values_supported',
      'service_documentation',
    ]);
    const names: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (!node || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      if (o.properties && typeof o.properties === 'object') names.push(...Object.keys(o.properties));
      // Header names keep HTTP's own style (X-Rdx-Signature); query and path parameters are ours.
      if (typeof o.name === 'string' && (o.in === 'query' || o.in === 'path')) names.push(o.name);
      Object.values(o).forEach(walk);
    };
    walk(OPENAPI);
    expect(names.length, 'fields found').to.be.at.least(200);
    const offStyle = [...new Set(names)].filter((n) => !/^[a-z][a-zA-Z0-9]*$/.test(n) && !standard.has(n));
    expect(offStyle, 'fields and parameters not in camelCase').to.deep.equal([]);
  });

  it('GET /openapi.json serves this document', async () => {
    const reply = await h.get('/openapi.json');
    expect(reply.status).to.equal(200);
    // As written, but naming the gateway that serves it.
    const served = { ...OPENAPI, servers: [{ url: ISSUER, description: 'this gateway' }] };
    expect(reply.body).to.deep.equal(JSON.parse(JSON.stringify(served)));
  });

  /** A run of representative requests: every operation's success and its usual refusals. */
  async function representativeRun(g: Harness): Promise<void> {
    const AA = g.tokenFor('AA');
    const signed = (action: EnterpriseActionName): { request: string; signature: string } =>
      g
        .signer('AA')
        .sign(action, actionBody(action, { id: 'APP-1', applicationId: 'APP-1', agreementId: 'AGR-1' }));
    const people = `/v1/datasets/${DS.PEOPLE}`;
    const grant = g.view.grants.get(GRANT.AA_PEOPLE)!;
    expect(grant).not.to.equal(undefined);

    // Operations.
    await g.get('/healthz');
    await g.get('/readyz');
    await g.get('/openapi.json');
    await g.get('/.well-known/oauth-authorization-server');
    g.view.following = false;
    await g.get('/readyz');
    await g.get(`${people}/records`, { token: AA });
    await g.post(`${people}/aggregate`, { token: AA, json: {} });
    g.view.following = true;

    // OAuth.
    const secret = g.secrets.get(CODE.AA) ?? '';
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    await g.post('/oauth/token', {
      headers: form,
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: CODE.AA,
        client_secret: secret,
      }).toString(),
    });
    await g.post('/oauth/token', { headers: form, body: 'grant_type=password' });
    await g.post('/oauth/token', {
      headers: form,
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: CODE.AA,
        client_secret: 'wrong',
      }).toString(),
    });
    // A token of its own ended by its holder, and no token at all.
    await g.post('/oauth/revoke', {
      headers: form,
      body: new URLSearchParams({ token: g.tokenFor('AAA') }).toString(),
    });
    await g.post('/oauth/revoke', { headers: form, body: '' });
    await g.get('/.well-known/jwks.json');

    // Data.
    await g.get('/v1/datasets', { token: AA });
    await g.get('/v1/datasets');
    await g.get(`${people}/records?limit=3`, { token: AA });
    const first = (await g.get(`${people}/records?limit=2&fields=record_id`, { token: AA })).body as {
      nextCursor: string;
    };
    await g.get(`${people}/records?limit=2&fields=record_id&cursor=${first.nextCursor}`, { token: AA });
    await g.get(`${people}/records?filter=record_id:eq:300`, { token: AA });
    await g.get(`/v1/datasets/${DS.OPEN}/records?limit=3`, { token: AA });
    await g.get(`${people}/records?filter=age:gt:old`, { token: AA });
    await g.get(`${people}/records`);
    await g.get(`${people}/records`, { as: 'A' });
    await g.get(`${people}/records?fields=income`, { token: AA });
    await g.get('/v1/datasets/nope/records', { token: AA });
    await g.get(`/v1/datasets/${DS.PENDING}/records`, { token: AA });
    g.anchorsBehind = true;
    await g.get(`${people}/records`, { token: AA });
    g.anchorsBehind = false;
    await g.post(`${people}/aggregate`, {
      token: AA,
      json: { groupBy: ['district'], measures: [{ op: 'count' }, { op: 'avg', item: 'age' }] },
    });
    await g.post(`${people}/aggregate`, { token: AA, json: { groupBy: ['phone'] } });
    await g.post(`${people}/aggregate`, { json: {} });
    await g.post(`${people}/aggregate`, { as: 'AAA', json: {} });
    await g.post(`/v1/datasets/${DS.PENDING}/aggregate`, { token: AA, json: {} });
    g.view.putGrant({ ...grant, dailyQuota: 0 });
    await g.get(`${people}/records`, { token: AA });
    await g.post(`${people}/aggregate`, { token: AA, json: {} });
    g.view.putGrant(grant);
    await g.get(`/v1/open/datasets/${DS.OPEN}/download`);
    await g.get(`/v1/open/datasets/${DS.PEOPLE}/download`);
    await g.get('/v1/open/datasets/nope/download');
    await g.get('/v1/open/datasets/ls-empty/download');
    await g.call('PUT', `/v1/admin/datasets/${DS.PENDING}/versions/v1`, { body: 'unsigned' });
    // A grant of a body the harness has roots for (the fixtures' grants are the bureau's).
    g.view.putGrant({ ...g.view.grants.get(GRANT.AA_PEOPLE)!, id: 'g-of-a-body', body: DATASET_OWNERS[0] });
    await g.signedGet('/v1/admin/grants/g-of-a-body/stats', testOrg(DATASET_OWNERS[0]).identity('admin'));
    await g.signedGet(`/v1/admin/grants/no-such-grant/stats`, testOrg(DATASET_OWNERS[0]).identity('admin'));
    await g.get('/v1/admin/usage-reconciliation');
    await g.signedGet('/v1/admin/usage-reconciliation', testOrg(DATASET_OWNERS[0]).identity('admin'));
    await g.signedGet('/v1/admin/usage-reconciliation', testOrg(DATASET_OWNERS[0]).identity(undefined));
    // A body's console accounts, and its home read with one.
    const bodyAdmin = testOrg(DATASET_OWNERS[0]).identity('admin');
    for (const list of ['query:ListReviewsDueSoon', 'query:ListOverdue'])
      if (!g.ledger.handlers.has(list)) g.ledger.on(list, () => []);
    const account = JSON.parse(
      (await g.signedCall('POST', '/v1/admin/console-accounts', bodyAdmin, { name: '张三' })).text,
    ) as { clientId: string; secret: string };
    await g.signedCall('POST', '/v1/admin/console-accounts', bodyAdmin, { name: '' });
    await g.signedGet('/v1/admin/console-accounts', bodyAdmin);
    const bodyToken = g.tokens.issue(account.clientId, 'body', DATASET_OWNERS[0]).access_token;
    await g.get('/v1/admin/home', { token: bodyToken });
    await g.get('/v1/admin/home', { token: AA });
    await g.get('/v1/admin/home');
    await g.get('/v1/admin/usage-reconciliation', { token: bodyToken });
    await g.signedCall('DELETE', `/v1/admin/console-accounts/${account.clientId}`, bodyAdmin);
    await g.signedCall('DELETE', `/v1/admin/console-accounts/${account.clientId}`, bodyAdmin);
    await g.get('/v1/admin/home', { token: bodyToken });
    // Notifications: an enterprise's and a body's inbox and webhooks, with a receiver that answers 204.
    g.notifications.record(1, [
      {
        id: 'ntf-aa',
        kind: 'grant.suspended',
        title: '授权已中止 grant suspended',
        recipient: `enterprise:${CODE.AA}`,
        subject: { type: 'grant', id: 'g', state: 'SUSPENDED' },
        txId: 't',
        block: 1,
        at: '2026-11-30T00:00:00Z',
      },
      {
        id: 'ntf-body',
        kind: 'demand.received',
        title: '收到数据需求',
        recipient: `body:${DATASET_OWNERS[0]}`,
        subject: { type: 'application', id: 'APP-1' },
        txId: 't',
        block: 1,
        at: '2026-11-30T00:00:00Z',
      },
    ]);
    const receiver = await startReceiver();
    const hookUrl = receiver.url;
    const staff = testOrg(DATASET_OWNERS[0]).identity('admin');
    try {
      await g.get('/v1/applications', { token: AA });
      await g.get('/v1/agreements', { token: AA });
      await g.get('/v1/agreements');
      await g.get('/v1/inbox', { token: AA });
      await g.get('/v1/inbox?limit=0', { token: AA });
      await g.post('/v1/inbox/read', { token: AA, json: { ids: ['ntf-aa'] } });
      await g.post('/v1/inbox/read', { token: AA, json: {} });
      const hook = (
        await g.post('/v1/webhooks', { token: AA, json: { url: hookUrl, kinds: ['grant.suspended'] } })
      ).body as { id: string };
      await g.post('/v1/webhooks', { token: AA, json: { url: 'http://10.1.1.1/' } });
      await g.get('/v1/webhooks', { token: AA });
      await g.post(`/v1/webhooks/${hook.id}/test`, { token: AA });
      await g.get(`/v1/webhooks/${hook.id}/deliveries`, { token: AA });
      await g.call('DELETE', `/v1/webhooks/${hook.id}`, { token: AA });
      await g.call('DELETE', `/v1/webhooks/${hook.id}`, { token: AA });
      await g.get('/v1/admin/inbox');
      await g.signedGet('/v1/admin/inbox', staff);
      await g.signedCall('POST', '/v1/admin/inbox/read', staff, { ids: ['ntf-body'] });
      const bodyHook = (await g.signedCall('POST', '/v1/admin/webhooks', staff, { url: hookUrl })).body as {
        id: string;
      };
      await g.signedGet('/v1/admin/webhooks', staff);
      await g.signedCall('POST', `/v1/admin/webhooks/${bodyHook.id}/test`, staff);
      await g.signedGet(`/v1/admin/webhooks/${bodyHook.id}/deliveries`, staff);
      await g.signedCall('DELETE', `/v1/admin/webhooks/${bodyHook.id}`, staff);
    } finally {
      await receiver.close();
    }
    await g.load(DS.PENDING, 'v1', 'not the recorded bytes');
    await g.load(DS.PENDING, 'v7', 'x');
    await g.load('ls-empty', 'bad', BAD_FILE);
    await g.load(DS.PENDING, 'v1', g.files.pendingV1);

    // Workflow.
    const writes: [string, string, EnterpriseActionName][] = [
      ['POST', '/v1/applications', 'SubmitApplication'],
      ['PUT', '/v1/applications/APP-1', 'ResubmitApplication'],
      ['POST', '/v1/applications/APP-1/disputes', 'DisputeReview'],
      ['POST', '/v1/agreements/AGR-1/signature', 'SignAgreement'],
      ['POST', '/v1/agreements/AGR-1/renewal', 'AcceptRenewal'],
      ['POST', '/v1/agreements/AGR-1/termination', 'TerminateAgreement'],
      ['POST', '/v1/agreements/AGR-1/renewal-request', 'RequestRenewal'],
      ['POST', '/v1/usage-reports', 'ReportUsage'],
      ['POST', '/v1/data-returns', 'ReturnData'],
      ['POST', '/v1/products', 'PublishProduct'],
      ['POST', '/v1/security-issues', 'ReportSecurityIssue'],
      ['POST', '/v1/complaints', 'FileComplaint'],
    ];
    for (const [method, path, action] of writes) {
      const body = signed(action);
      await g.call(method, path, { token: AA, json: body });
      await g.call(method, path, { token: AA, json: body });
      await g.call(method, path, {
        token: AA,
        // A placeholder changed after signing.
        json: { request: body.request.replace(' of ', ' 0f '), signature: body.signature },
      });
      await g.call(method, path, { token: AA, json: g.signer('AAA').sign(action, {}) });
      await g.call(method, path, { token: AA, json: {} });
      await g.call(method, path, { json: body });
    }
    g.ledger.refuseWith('duty:ReportUsage', undefined);
    await g.post('/v1/usage-reports', { token: AA, json: signed('ReportUsage') });
    g.ledger.refuseWith('duty:ReportUsage', 'INVALID_STATE');
    await g.post('/v1/usage-reports', { token: AA, json: signed('ReportUsage') });
    await g.get('/v1/applications/APP-1', { token: AA });
    await g.get('/v1/applications/APP-1');
    await g.get('/v1/applications/APP-404', { token: AA });
    await g.get('/v1/agreements/AGR-1', { token: AA });
    await g.get('/v1/agreements/AGR-1', { as: 'AAA' });
    await g.get('/v1/agreements/AGR-1');
    await g.get('/v1/grants', { token: AA });
    await g.get('/v1/grants');
    await g.get('/v1/duties', { token: AA });
    await g.get('/v1/duties');

    // Public.
    const filed = await g.post('/v1/public/complaints', { json: PUBLIC_COMPLAINT });
    const { id, receipt } = (JSON.parse(filed.text) as { data: { id: string; receipt: string } }).data;
    await g.get(`/v1/public/complaints/${id}`, { headers: { 'complaint-receipt': receipt } });
    await g.get(`/v1/public/complaints/${id}`, { headers: { 'complaint-receipt': 'a guess' } });
    await g.get(`/v1/public/complaints/${id}`);
    await g.post('/v1/public/complaints', { json: { ...PUBLIC_COMPLAINT, contact: 1 } });
    await g.get('/v1/public/recipients');
    await g.get('/v1/public/credit');
    await g.get('/v1/public/products');
    g.ledger.down = 'unreachable';
    await g.get('/v1/public/recipients');
    await g.get('/v1/public/credit');
    await g.get('/readyz');
    g.ledger.down = undefined;

    // Audit.
    const served = await g.get(`${people}/records?limit=1`, { token: AA });
    await g.get(`/v1/audit/receipts/${served.requestId}`, { token: AA });
    await g.anchorNow();
    const sizeA = g.audit.anchoredSize();
    await g.get(`/v1/audit/receipts/${served.requestId}`, { token: AA });
    await g.get(`/v1/audit/receipts/${served.requestId}`, { as: 'AAA' });
    await g.get(`/v1/audit/receipts/${served.requestId}/block`, { token: AA });
    await g.get(`/v1/audit/receipts/${served.requestId}/block`, { as: 'AAA' });
    await g.get(`/v1/audit/receipts/${served.requestId}`);
    await g.get(`${people}/records?limit=1`, { token: AA });
    await g.anchorNow();
    await g.get(`/v1/audit/consistency?from=${sizeA}&to=${g.audit.anchoredSize()}`);
    await g.get('/v1/audit/consistency?from=0&to=1');
    await g.get('/v1/access-log', { token: AA });
    await g.get('/v1/access-log?limit=2', { token: AA });
    await g.get('/v1/access-log');
    await regulatorRepresentativeRun(g);
  }

  it('every answer of a representative run matches the document: status listed, content type declared, body fits', async () => {
    const start = h.exchanges.length;
    await representativeRun(h);
    const run = h.exchanges.slice(start);
    expect(run.length, `${run.length} answers`).to.be.above(100);
    expect(mismatches(run)).to.deep.equal([]);

    // The run is representative: every documented operation answered at least once with a success.
    for (const { method, template } of documentedOperations()) {
      const ok = run.some(
        (ex) =>
          ex.method === method.toUpperCase() &&
          findOperation(ex.method, ex.path)?.template === template &&
          ex.status >= 200 &&
          ex.status < 300,
      );
      expect(ok, `${method.toUpperCase()} ${template} answered a success`).to.equal(true);
    }
    // … and the usual refusals of each family.
    const statuses = new Set(run.map((ex) => ex.status));
    for (const s of [200, 201, 202, 400, 401, 403, 404, 409, 429, 503])
      expect(statuses, `a ${s} was checked`).to.include(s);
  });

  /** Runs `act` on a fresh harness and returns what the document says about its answers. */
  async function drift(
    act: (g: Harness) => Promise<Reply>,
    expect: { status: number; code: string },
  ): Promise<string[]> {
    const g = await startHarness();
    try {
      seed(g);
      const start = g.exchanges.length;
      assertProblem(await act(g), expect.status, expect.code);
      return mismatches(g.exchanges.slice(start));
    } finally {
      await g.close();
    }
  }

  it('computed results of an unknown dataset: the 404 sent is documented', async () => {
    expect(
      await drift((g) => g.post('/v1/datasets/nope/aggregate', { as: 'AA', json: {} }), {
        status: 404,
        code: 'NOT_FOUND',
      }),
    ).to.deep.equal([]);
  });

  it('a ledger write the chaincode refuses NOT_FOUND: the 404 sent is documented', async () => {
    const mismatch = await drift(
      (g) => {
        g.ledger.refuseWith('application:ResubmitApplication', 'NOT_FOUND');
        return g.call('PUT', '/v1/applications/APP-NONE', {
          as: 'AA',
          json: g.signer('AA').sign('ResubmitApplication', { id: 'APP-NONE' }),
        });
      },
      { status: 404, code: 'NOT_FOUND' },
    );
    expect(mismatch).to.deep.equal([]);
  });

  it('a ledger write over the body limit: the 413 sent is documented', async () => {
    const mismatch = await drift(
      (g) =>
        g.post('/v1/applications', { as: 'AA', json: { request: 'x'.repeat(64 * 1024), signature: '' } }),
      { status: 413, code: 'PAYLOAD_TOO_LARGE' },
    );
    expect(mismatch).to.deep.equal([]);
  });

  it('reading one’s application while the ledger is unreachable: the 503 sent is documented', async () => {
    const mismatch = await drift(
      (g) => {
        g.ledger.down = 'unreachable';
        return g.get('/v1/applications/APP-1', { as: 'AA' });
      },
      { status: 503, code: 'LEDGER_UNAVAILABLE' },
    );
    expect(mismatch).to.deep.equal([]);
  });
});
