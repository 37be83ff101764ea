import { expect } from 'chai';
import { DatabaseSync } from 'node:sqlite';
import { StatementCache } from './statement-cache.js';

describe('prepared statements by SQL text', () => {
  const db = new DatabaseSync(':memory:');
  db.exec('CREATE TABLE t (n INTEGER)');
  db.exec('INSERT INTO t VALUES (1), (2), (3)');

  it('a query shape is prepared once and answers with the values bound each time', () => {
    const cache = new StatementCache(db);
    const sql = 'SELECT n FROM t WHERE n > ? ORDER BY n';
    const first = cache.get(sql);
    expect(cache.get(sql)).to.equal(first);
    expect(cache.get(sql).all(1)).to.deep.equal([{ n: 2 }, { n: 3 }]);
    expect(cache.get(sql).all(2)).to.deep.equal([{ n: 3 }]);
  });

  it('holds at most its bound, dropping the least recently used shape', () => {
    const cache = new StatementCache(db, { max: 2 });
    const a = cache.get('SELECT 1 AS n');
    const b = cache.get('SELECT 2 AS n');
    expect(cache.get('SELECT 1 AS n')).to.equal(a); // a is now the most recent
    cache.get('SELECT 3 AS n'); // evicts b
    expect(cache.size).to.equal(2);
    expect(cache.get('SELECT 1 AS n')).to.equal(a);
    expect(cache.get('SELECT 2 AS n')).to.not.equal(b);
  });

  it('answers rows as arrays of the selected columns when asked to, and by column name otherwise', () => {
    const sql = 'SELECT n, n * 10 AS tens FROM t WHERE n > ? ORDER BY n';
    expect(new StatementCache(db, { returnArrays: true }).get(sql).all(1)).to.deep.equal([
      [2, 20],
      [3, 30],
    ]);
    expect(new StatementCache(db).get(sql).all(2)).to.deep.equal([{ n: 3, tens: 30 }]);
  });
});
