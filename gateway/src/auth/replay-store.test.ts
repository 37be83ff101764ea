import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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
