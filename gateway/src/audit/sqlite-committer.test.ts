/**
 * The audit log's writer thread: commits land in the file in order, a second writer's view of the chain is
 * refused, and a thread that dies fails what is waiting and everything after — never silently — while close()
 * still returns.
 */
import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Worker } from 'node:worker_threads';
import { AuditLog, GENESIS_HASH } from './audit-log.js';
import { chainRecords, normalizeEntry, type AuditRecord } from './audit-record.js';
import { AlreadyLogged, SqliteCommitter } from './sqlite-committer.js';
import { entry } from './audit-log.suite.js';

describe('the SQLite audit log’s writer thread', () => {
  let dir: string;
  let file: string;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-committer-'));
    file = path.join(dir, 'audit.db');
    await AuditLog.open(file).close(); // creates the schema
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const records = (
    from: number,
    prevHash: string,
    n: number,
    requestIdOf = (seq: number) => `w-${seq}`,
  ): AuditRecord[] =>
    chainRecords(
      Array.from({ length: n }, (_, i) =>
        normalizeEntry({
          time: new Date().toISOString(),
          requestId: requestIdOf(from + i),
          gatewayId: 'gw-w',
          method: 'GET',
          path: '/v1/datasets/d/records',
          decision: 'allow',
          reason: 'OK',
          items: ['district'],
          rowCount: 1,
          status: 200,
        }),
      ),
      from,
      prevHash,
    );
  const count = (): number =>
    Number(
      (new DatabaseSync(file).prepare('SELECT count(*) AS n FROM audit_records').get() as { n: number }).n,
    );

  it('commits batch after batch, each continuing the chain the file holds', async () => {
    const committer = new SqliteCommitter(file);
    const first = records(0, GENESIS_HASH, 3);
    await committer.commit(first, 0, GENESIS_HASH);
    await committer.commit(records(3, first[2]!.hash, 2), 3, first[2]!.hash);
    await committer.close();
    expect(count()).to.equal(5);
  });

  it('refuses a batch that does not continue the file’s chain, writing none of it', async () => {
    const committer = new SqliteCommitter(file);
    await committer.commit(records(0, GENESIS_HASH, 2), 0, GENESIS_HASH);
    // As a second writer would: it believes the chain is still empty.
    await expect(committer.commit(records(0, GENESIS_HASH, 2), 0, GENESIS_HASH)).to.be.rejectedWith(
      /changed by another writer/,
    );
    await committer.close();
    expect(count()).to.equal(2);
  });

  it('names the request ids of a failed batch that the file holds already, writing none of it', async () => {
    const committer = new SqliteCommitter(file);
    const first = records(0, GENESIS_HASH, 3);
    await committer.commit(first, 0, GENESIS_HASH);
    // Seq 3 to 5, the middle one with the request id of seq 1.
    const again = records(3, first[2]!.hash, 3, (seq) => (seq === 4 ? 'w-1' : `w-${seq}`));
    const refused: unknown = await committer.commit(again, 3, first[2]!.hash).then(
      () => undefined,
      (err: unknown) => err,
    );
    await committer.close();
    expect(refused).to.be.instanceOf(AlreadyLogged);
    expect((refused as AlreadyLogged).requestIds).to.deep.equal(['w-1']);
    expect(count()).to.equal(3);
  });

  it('an append answers the batch the writer has committed without waiting for the writer’s message', async () => {
    // Under load the writer's answer queues behind the turn's other I/O; a request reaching its append in that
    // turn settles the committed batch at once.
    const log = AuditLog.open(file);
    try {
      let answered = false;
      const first = log.append(entry(0)).then(() => (answered = true));
      await new Promise((resolve) => setImmediate(resolve)); // the batch goes to the writer thread
      // Without another turn of the event loop (so the writer's message cannot be handled): wait until the
      // record is in the file, then a little longer for the writer to note it as committed.
      const reader = new DatabaseSync(file, { readOnly: true });
      const committed = reader.prepare('SELECT count(*) AS n FROM audit_records');
      const deadline = Date.now() + 10_000;
      while (Number((committed.get() as { n: number }).n) === 0 && Date.now() < deadline);
      const settleBy = Date.now() + 20;
      while (Date.now() < settleBy);
      reader.close();
      const second = log.append(entry(1));
      for (let i = 0; i < 5; i++) await Promise.resolve(); // microtasks only
      expect(answered, 'the first append answered before the writer’s message').to.equal(true);
      await first;
      expect((await second).prevHash, 'the next record links to it').to.equal(log.get('req-0')?.hash);
    } finally {
      await log.close();
    }
  });

  it('a writer thread that dies fails the commit and every later one; close() still returns', async () => {
    const committer = new SqliteCommitter(file);
    await (committer as unknown as { worker: Worker }).worker.terminate();
    await expect(committer.commit(records(0, GENESIS_HASH, 1), 0, GENESIS_HASH)).to.be.rejectedWith(
      /writer thread exited/,
    );
    await committer.close();
    expect(count()).to.equal(0);
  });
});
