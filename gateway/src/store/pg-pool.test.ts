/**
 * Statement names for PostgreSQL's prepared statements: in memory, and on a real server (a throwaway cluster,
 * see testing/postgres.ts; skipped, saying so, where PostgreSQL is not installed).
 */
import { expect } from 'chai';
import { testPostgres } from '../testing/postgres.js';
import { connectPool, StatementNames } from './pg-pool.js';

// Started while the file loads, so that the test files of one process share one server (see testPostgres).
const server = await testPostgres();

describe('names of prepared statements on PostgreSQL', () => {
  after(() => server.stop?.());

  it('one text keeps its name; past the bound the least recently used is dropped, and never renamed to another', () => {
    const names = new StatementNames('s', 2);
    const a = names.of('SELECT 1');
    const b = names.of('SELECT 2');
    expect(names.of('SELECT 1')).to.equal(a); // now the most recent
    const c = names.of('SELECT 3'); // drops SELECT 2
    expect(names.of('SELECT 1')).to.equal(a);
    const b2 = names.of('SELECT 2');
    expect(new Set([a, b, c, b2]).size, 'a dropped text comes back under a name never given before').to.equal(
      4,
    );
  });

  it('shapes coming and going on one connection each answer their own rows, none refused', async function () {
    if (server.url === undefined) {
      if (server.error) throw server.error;
      console.log(`      skipped: ${server.skip}`);
      this.skip();
    }
    // One connection: it keeps every statement prepared on it, so a name given to a second text would be
    // refused by the driver ("Prepared statements must be unique") or answer the first text's rows.
    const pool = await connectPool(server.url, 1);
    try {
      const names = new StatementNames('t', 2);
      const shapes = [1, 2, 3].map(
        (k) => `SELECT n * ${k} AS v FROM generate_series(1, 3) AS n WHERE n > $1 ORDER BY n`,
      );
      for (let round = 0; round < 3; round++) {
        for (const [k, text] of shapes.entries()) {
          const { rows } = await pool.query({ name: names.of(text), text, values: [1] });
          expect(rows.map((r: { v: number }) => r.v)).to.deep.equal([2 * (k + 1), 3 * (k + 1)]);
        }
      }
    } finally {
      await pool.end();
    }
  });
});
