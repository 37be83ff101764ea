/**
 * The tests' throwaway PostgreSQL: every user of the host reaches 127.0.0.1, so its superuser takes a password
 * only this process knows (with trust authentication any local user was superuser, and through
 * `COPY … TO PROGRAM` ran commands as `postgres`).
 */
import { expect } from 'chai';
import pg from 'pg';
import { testPostgres } from './postgres.js';

// Started while the file loads, so that the test files of one process share one server (see testPostgres).
const server = await testPostgres();

describe('the tests’ throwaway PostgreSQL', () => {
  after(() => server.stop?.());

  it('takes its superuser only with the password of its URL', async function () {
    if (!server.url) return this.skip();
    if (process.env.RDX_TEST_DATABASE_URL) return this.skip(); // a database given, not started here
    const url = new URL(server.url);
    expect(url.password, 'a password in the URL').to.match(/^[0-9a-f]{48}$/);
    const ok = new pg.Client({ connectionString: server.url });
    await ok.connect();
    await ok.end();
    for (const password of ['', 'postgres', 'wrong']) {
      const guessed = new URL(server.url);
      guessed.password = password;
      const client = new pg.Client({ connectionString: guessed.toString(), password });
      const refused = await client.connect().then(
        () => undefined,
        (err: Error & { code?: string }) => err,
      );
      await client.end().catch(() => undefined);
      expect(refused, `password ${JSON.stringify(password)}`).to.be.instanceOf(Error);
    }
  });
});
