/**
 * Test support: a representative run of the regulator endpoints against a test harness — each operation's
 * success and its usual refusals (no token, an enterprise's token, bad queries) — for the OpenAPI check,
 * which wants every documented operation answered at least once with a success. Call it from a
 * representative run: `await regulatorRepresentativeRun(g)`.
 */
import { refusal } from './fake-ledger.js';
import type { Harness } from './harness.js';

/** Fake-ledger answers the regulator endpoints need, where the test has not set its own. */
function fakeLedgerAnswers(g: Harness): void {
  const grant = [...g.view.grants.values()][0];
  if (!g.ledger.handlers.has('query:GetHistory'))
    g.ledger.on('query:GetHistory', ([type = '', id = '']) => {
      if (type !== 'grant' || id !== grant?.id) throw refusal('NOT_FOUND', `${type} ${id} has no history`);
      return [
        {
          txId: 'f'.repeat(64),
          time: '2025-01-02T00:00:00.000Z',
          isDelete: false,
          by: { mspId: 'MarketMSP', role: 'body' },
          value: {
            ...grant,
            state: 'SUSPENDED',
            reason: { code: 'complaint', note: '核实中', at: '2025-01-02T00:00:00.000Z' },
          },
        },
        {
          txId: 'e'.repeat(64),
          time: '2025-01-01T00:00:00.000Z',
          isDelete: false,
          by: { mspId: 'BureauMSP', role: 'gateway' },
          value: { ...grant, state: 'ACTIVE' },
        },
      ];
    });
  if (!g.ledger.handlers.has('query:ListOverdue')) g.ledger.on('query:ListOverdue', () => []);
  if (!g.ledger.handlers.has('query:ListApplications'))
    g.ledger.on('query:ListApplications', () => ({ items: [], bookmark: '' }));
}

export async function regulatorRepresentativeRun(g: Harness): Promise<void> {
  fakeLedgerAnswers(g);
  const secret = g.clients.register('regulator-openapi', undefined, 'regulator');
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const login = await g.post('/oauth/token', {
    headers: form,
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: 'regulator-openapi',
      client_secret: secret,
    }).toString(),
  });
  await g.post('/oauth/token', {
    headers: form,
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: 'regulator-openapi',
      client_secret: 'wrong',
    }).toString(),
  });
  const token = (login.body as { access_token: string }).access_token;
  const grant = [...g.view.grants.values()][0]!;
  const served = await g.get(`/v1/datasets/${grant.datasetId}/records?limit=1`, {
    token: g.tokenFor(grant.creditCode),
  });
  await g.get(`/v1/regulator/receipts/${served.requestId}`, { token });
  await g.anchorNow();

  const operations = [
    '/v1/regulator/dashboard',
    `/v1/regulator/timeline?grant=${grant.id}`,
    `/v1/regulator/grants/${grant.id}/stats`,
    '/v1/regulator/anchors',
    `/v1/regulator/receipts/${served.requestId}`,
    `/v1/regulator/search?q=${grant.id}`,
    '/v1/regulator/usage-reconciliation',
    `/v1/regulator/body-performance?period=${new Date().getUTCFullYear()}`,
    `/v1/regulator/body-performance?period=${new Date().getUTCFullYear()}&format=csv`,
    `/v1/regulator/usage-reconciliation?agreement=${grant.agreementId}`,
    '/v1/regulator/misuse-signals?limit=10',
    '/v1/regulator/complaints?state=OPEN&body=LS-BUREAU',
  ];
  for (const url of operations) {
    await g.get(url, { token });
    await g.get(url);
    await g.get(url, { token: g.tokenFor(grant.creditCode) });
  }
  await g.get('/v1/regulator/misuse-signals?limit=0', { token });
  await g.get('/v1/regulator/complaints?state=LOST', { token });
  // A suspect file traced (an unmarked one here: no grant named), and what the trace refuses.
  const csv = { 'content-type': 'text/csv' };
  await g.post('/v1/trace', { token, body: 'income\r\n3037.5\r\n', headers: csv });
  await g.post('/v1/trace?format=pdf', { token, body: 'x', headers: csv });
  await g.post('/v1/trace?dataset=nope', { token, body: 'x', headers: csv });
  await g.post('/v1/trace', { body: 'x', headers: csv });
  await g.get('/v1/regulator/timeline', { token });
  await g.get('/v1/regulator/timeline?grant=nope', { token });
  await g.get('/v1/regulator/grants/nope/stats', { token });
  await g.get(`/v1/regulator/grants/${grant.id}/stats?days=0`, { token });
  await g.get('/v1/regulator/anchors?limit=0', { token });
  await g.get('/v1/regulator/receipts/00000000-0000-0000-0000-000000000000', { token });
  await g.get('/v1/regulator/search', { token });
  await g.get(`/v1/grants`, { token });
}
