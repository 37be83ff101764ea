import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { diskFull } from '../store/disk-full.js';
import { testPostgres } from '../testing/postgres.js';
import { PgReplayStore, SqliteReplayStore, type ReplayStore } from './replay-store.js';

// Started while the file loads, so that the test files of one process share one server (see testPostgres).
const server = await testPostgres();

describe('used client assertions', () => {
  const later = (): number => Date.now() + 300_000;
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-replay-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  after(() => server.stop?.());

  async function onceOnly(a: ReplayStore, b: ReplayStore): Promise<void> {
    expect(await a.use('91331100MA2AAAAA0X', 'jti-1', later())).to.equal(true);
    expect(await a.use('91331100MA2AAAAA0X', 'jti-1', later()), 'the same store').to.equal(false);
    expect(await b.use('91331100MA2AAAAA0X', 'jti-1', later()), 'the other gateway').to.equal(false);
    expect(await b.use('91331100MA2BBBBB0X', 'jti-1', later()), 'another client, same jti').to.equal(true);
    // An expired entry is dropped (its assertion is refused as expired anyway), so the table does not grow.
    expect(await a.use('91331100MA2AAAAA0X', 'jti-old', Date.now() - 1)).to.equal(true);
    expect(await b.use('91331100MA2AAAAA0X', 'jti-old', later())).to.equal(true);
  }

  it('SQLite: used once, and still used after a restart', async () => {
    const file = path.join(dir, 'assertions.db');
    const first = SqliteReplayStore.open(file);
    expect(await first.use('91331100MA2AAAAA0X', 'jti-r', later())).to.equal(true);
    await first.close();
    const restarted = SqliteReplayStore.open(file);
    try {
      expect(await restarted.use('91331100MA2AAAAA0X', 'jti-r', later())).to.equal(false);
      await onceOnly(restarted, restarted);
    } finally {
      await restarted.close();
    }
  });

  it('SQLite: on a full disk an assertion is refused with the disk’s error, and taken once there is room', async () => {
    const store = SqliteReplayStore.open(path.join(dir, 'assertions.db'));
    // A file that may not grow, as on a full disk: SQLite then rolls the transaction back by itself.
    const db = (store as unknown as { db: DatabaseSync }).db;
    db.exec(
      `PRAGMA max_page_count = ${(db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count}`,
    );
    try {
      let failure: unknown;
      for (let i = 0; i < 1000 && failure === undefined; i++)
        try {
          await store.use('91331100MA2AAAAA0X', `jti-${i}-${'x'.repeat(500)}`, later());
        } catch (err) {
          failure = err;
        }
      expect((failure as Error | undefined)?.message).to.equal('database or disk is full');
      expect(diskFull(failure)).to.equal(true);
      db.exec('PRAGMA max_page_count = 1073741823');
      expect(await store.use('91331100MA2AAAAA0X', 'jti-after', later())).to.equal(true);
    } finally {
      await store.close();
    }
  });

  it('SQLite: a file made anew where the gateway served before keeps that instant, across restarts', async () => {
    const file = path.join(dir, 'assertions.db');
    const fresh = SqliteReplayStore.open(file, () => 1_000, false);
    expect(fresh.lostBefore, 'a new gateway has lost nothing').to.equal(undefined);
    await fresh.close();
    expect(SqliteReplayStore.open(file, () => 2_000, true).lostBefore, 'nor once its file is there').to.equal(
      undefined,
    );
    fs.rmSync(file);
    const remade = SqliteReplayStore.open(file, () => 3_000, true);
    expect(remade.lostBefore).to.equal(3_000);
    await remade.close();
    // A restart inside the window does not forget it.
    const restarted = SqliteReplayStore.open(file, () => 4_000, true);
    expect(restarted.lostBefore).to.equal(3_000);
    await restarted.close();
    // An empty file (made, then a crash before its tables) is a store made anew too.
    fs.rmSync(file);
    fs.writeFileSync(file, '');
    const empty = SqliteReplayStore.open(file, () => 5_000, true);
    expect(empty.lostBefore).to.equal(5_000);
    await empty.close();
  });

  it('SQLite: a file that went back in time (its write-ahead log cut, or a copy put back) is lost from then on', async () => {
    const file = path.join(dir, 'assertions.db');
    const copies = ['', '-wal'].map((suffix) => ({
      from: file + suffix,
      to: path.join(dir, `copy${suffix}`),
    }));
    const store = SqliteReplayStore.open(file, () => 1_000, false);
    expect(store.lostBefore, 'a store that knows its history').to.equal(undefined);
    expect(await store.use('91331100MA2AAAAA0X', 'jti-kept', later())).to.equal(true);
    // The files as they stand now, while the store is open: its last write is still in the write-ahead log.
    for (const c of copies) fs.copyFileSync(c.from, c.to);
    expect(await store.use('91331100MA2AAAAA0X', 'jti-dropped', later())).to.equal(true);
    await store.revoke('token-dropped', later());
    await store.close();
    // Put back as a disk that dropped the log's last frames would leave them.
    for (const c of copies) fs.copyFileSync(c.to, c.from);
    fs.rmSync(`${file}-shm`, { force: true });

    const reopened = SqliteReplayStore.open(file, () => 5_000, true);
    try {
      expect(await reopened.revokedTokens(), 'the revocation is gone from the file').to.deep.equal(new Map());
      expect(reopened.lostBefore, 'so callers refuse what it may have forgotten').to.equal(5_000);
      expect(await reopened.use('91331100MA2AAAAA0X', 'jti-kept', later()), 'what it kept').to.equal(false);
    } finally {
      await reopened.close();
    }
    // Counted on from the mark: a restart neither forgets the loss nor finds a new one.
    const restarted = SqliteReplayStore.open(file, () => 9_000, true);
    expect(restarted.lostBefore).to.equal(5_000);
    await restarted.close();
  });

  it('SQLite: a damaged mark counts as a loss; a store older than marks gets one', async () => {
    const file = path.join(dir, 'assertions.db');
    const store = SqliteReplayStore.open(file, () => 1_000, false);
    await store.use('91331100MA2AAAAA0X', 'jti-1', later());
    await store.close();
    fs.rmSync(`${file}.mark`);
    const unmarked = SqliteReplayStore.open(file, () => 2_000, true);
    expect(unmarked.lostBefore, 'no mark: nothing to compare with').to.equal(undefined);
    await unmarked.close();
    expect(fs.readFileSync(`${file}.mark`, 'utf8').trim()).to.match(/^0*1$/);
    expect(fs.statSync(`${file}.mark`).mode & 0o777).to.equal(0o600);
    fs.writeFileSync(`${file}.mark`, 'x\u0000\u0000 a damaged mark longer than a count\n');
    const damaged = SqliteReplayStore.open(file, () => 3_000, true);
    expect(damaged.lostBefore).to.equal(3_000);
    await damaged.close();
    const restarted = SqliteReplayStore.open(file, () => 4_000, true);
    expect(restarted.lostBefore, 'the mark is whole again').to.equal(3_000);
    await restarted.close();
  });

  it('PostgreSQL: an assertion used at one gateway is refused at another', async function () {
    if (!server.url) {
      if (server.error) throw server.error;
      console.log(`      (skipped: ${server.skip})`);
      return this.skip();
    }
    const a = await PgReplayStore.open(server.url);
    const b = await PgReplayStore.open(server.url);
    try {
      await onceOnly(a, b);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
