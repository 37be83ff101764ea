/**
 * A database that stopped answering: requests that need it are refused at once with 503 STORE_UNAVAILABLE
 * rather than hung for the pool's minute, readiness says so, and the gateway serves again once it answers.
 * The database's answers are driven here; store/database-watch.test.ts watches a real one.
 */
import { expect } from 'chai';
import { DS } from '../testing/fixtures.js';
import { assertOk, assertProblem, secretLogin, startHarness, type Harness } from '../testing/harness.js';

describe('while the database does not answer', () => {
  let h: Harness;
  let silentFor: number | undefined;
  before(async () => {
    h = await startHarness({ database: { unansweredFor: () => silentFor } });
  });
  after(() => h.close());
  afterEach(() => (silentFor = undefined));

  const records = `/v1/datasets/${DS.PEOPLE}/records?limit=1`;

  it('data calls and token requests are refused at once with 503 STORE_UNAVAILABLE, naming how long', async () => {
    const secret = h.clients.register('silent-db-client', undefined, 'regulator');
    silentFor = 7_300;
    for (const reply of [
      await h.get(records, { as: 'AA' }),
      await secretLogin(h, 'silent-db-client', secret),
    ]) {
      assertProblem(reply, 503, 'STORE_UNAVAILABLE');
      expect(reply.headers.get('retry-after'), 'when to ask again').to.equal('10');
      expect(reply.text).to.include('has not answered for 7 s');
      expect(reply.text, 'no row leaves').not.to.include('"data"');
    }
    expect(await h.scrape()).to.match(/^rdx_database_answering 0$/m);

    silentFor = undefined;
    assertOk(await h.get(records, { as: 'AA' }));
    assertOk(await secretLogin(h, 'silent-db-client', secret));
    expect(await h.scrape()).to.match(/^rdx_database_answering 1$/m);
  });

  it('readiness is 503 STORE_UNAVAILABLE and says the database is not answering; liveness, the API description and the console stay served', async () => {
    const ready = assertOk<{ database: { answering: boolean } }>(await h.get('/readyz'));
    expect(ready.database).to.deep.equal({ answering: true });

    silentFor = 12_000;
    const notReady = await h.get('/readyz');
    assertProblem(notReady, 503, 'STORE_UNAVAILABLE');
    expect((notReady.body as { database: unknown }).database).to.deep.equal({ answering: false });
    for (const path of [
      '/healthz',
      '/openapi.json',
      '/console/',
      '/.well-known/jwks.json',
      '/.well-known/oauth-authorization-server',
    ])
      expect((await h.get(path)).status, path).to.equal(200);
  });

  it('a gateway whose stores need no database server (SQLite) says nothing of one', async () => {
    const g = await startHarness();
    try {
      const ready = assertOk<Record<string, unknown>>(await g.get('/readyz'));
      expect(ready).not.to.have.property('database');
      expect(await g.scrape()).not.to.include('rdx_database_answering');
    } finally {
      await g.close();
    }
  });
});
