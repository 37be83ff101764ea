import { expect } from 'chai';
import { DatabaseSync } from 'node:sqlite';
import { diskFull } from './disk-full.js';
import { immediateTransaction } from './sqlite-transaction.js';

describe('a write transaction on SQLite', () => {
  let db: DatabaseSync;
  const count = (): number => Number(db.prepare('SELECT count(*) AS n FROM t').get()!.n);
  beforeEach(() => {
    db = new DatabaseSync(':memory:');
    db.exec('CREATE TABLE t (s TEXT)');
  });
  afterEach(() => db.close());

  it("commits the work's writes and returns what it returned", () => {
    const returned = immediateTransaction(db, () => {
      db.exec("INSERT INTO t VALUES ('a'), ('b')");
      return 'done';
    });
    expect(returned).to.equal('done');
    expect(db.isTransaction).to.equal(false);
    expect(count()).to.equal(2);
  });

  it("keeps none of a failed work's writes and throws its error", () => {
    const failure = new Error('the work failed');
    expect(() =>
      immediateTransaction(db, () => {
        db.exec("INSERT INTO t VALUES ('a')");
        throw failure;
      }),
    ).to.throw(failure);
    expect(db.isTransaction).to.equal(false);
    expect(count()).to.equal(0);
  });

  it('a full disk, rolled back by SQLite itself, is reported as a full disk', () => {
    db.exec(`PRAGMA max_page_count = ${Number(db.prepare('PRAGMA page_count').get()!.page_count)}`);
    let failure: unknown;
    try {
      immediateTransaction(db, () => {
        for (let i = 0; i < 1000; i++) db.prepare('INSERT INTO t VALUES (?)').run('x'.repeat(500));
      });
    } catch (err) {
      failure = err;
    }
    expect(diskFull(failure), String(failure)).to.equal(true);
    expect(db.isTransaction).to.equal(false);
    db.exec('PRAGMA max_page_count = 1073741823');
    immediateTransaction(db, () => db.exec("INSERT INTO t VALUES ('after')"));
    expect(count()).to.equal(1);
  });

  it("a ROLLBACK that fails too is not reported in place of the work's error", () => {
    // A connection whose ROLLBACK fails (an I/O error, say) with the transaction still open.
    const connection = {
      isTransaction: false,
      exec(sql: string): void {
        if (sql === 'BEGIN IMMEDIATE') this.isTransaction = true;
        if (sql === 'ROLLBACK') throw new Error('disk I/O error');
      },
    };
    const failure = new Error('the work failed');
    expect(() =>
      immediateTransaction(connection as unknown as DatabaseSync, () => {
        throw failure;
      }),
    ).to.throw(failure);
  });
});
