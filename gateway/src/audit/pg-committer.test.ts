/**
 * The PostgreSQL audit log's writer thread on its own, on a real server (a throwaway cluster, see
 * testing/postgres.ts; skipped, saying so, where PostgreSQL is not installed). What the log does with its answers
 * is tested in audit-log.test.ts.
 */
import { expect } from 'chai';
import net from 'node:net';
import { testPostgres } from '../testing/postgres.js';
import { PgCommitFailed, PgCommitter } from './pg-committer.js';

// Started while the file loads, so that the test files of one process share one server (see testPostgres).
const server = await testPostgres();

const DIVIDE = {
  name: 'rdx_test_divide',
  text: 'SELECT $1::int / $2::int AS q FROM generate_series(1, $3::int)',
};

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('the PostgreSQL audit log’s writer thread', () => {
  after(() => server.stop?.());

  it('a database it cannot reach fails its start with the reason', async () => {
    const url = `postgres://postgres@127.0.0.1:${await closedPort()}/rdx`;
    await expect(PgCommitter.start({ connectionString: url, statement: DIVIDE })).to.be.rejectedWith(
      /ECONNREFUSED/,
    );
  });

  it('answers each run with the rows written, or the server’s refusal with its severity and code', async function () {
    if (server.url === undefined) {
      if (server.error) throw server.error;
      console.log(`      skipped: ${server.skip}`);
      this.skip();
    }
    const committer = await PgCommitter.start({ connectionString: server.url, statement: DIVIDE });
    try {
      expect(await committer.run([6, 3, 4])).to.equal(4);
      const refused = await committer.run([6, 0, 1]).catch((err: unknown) => err);
      expect(refused).to.be.instanceOf(PgCommitFailed);
      expect(refused).to.include({ severity: 'ERROR', code: '22012' }); // division_by_zero
      // A refused statement leaves the connection, and the statement prepared on it, in use.
      expect(await committer.run([1, 1, 2])).to.equal(2);
    } finally {
      await committer.close();
    }
    expect(committer.alive).to.equal(false);
    await expect(committer.run([1, 1, 1])).to.be.rejectedWith(/closed/);
  });
});
