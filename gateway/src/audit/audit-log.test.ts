/**
 * The audit log's tests on both backends: the shared behaviour suite (audit-log.suite.ts) on SQLite and on
 * PostgreSQL (a throwaway cluster, see testing/postgres.ts; skipped, saying so, where PostgreSQL is not
 * installed), then what only PostgreSQL has.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { withCleanup, type Defer } from '../testing/cleanup.js';
import { testPostgres, uniqueNamespace } from '../testing/postgres.js';
import { AuditLog } from './audit-log.js';
import { AuditWriteError } from './audit-record.js';
import { auditLogSuite, entry, type AuditBackend } from './audit-log.suite.js';
import { PgAuditLog } from './pg-audit-log.js';

/** The process the crash tests SIGKILL mid-stream, on either backend. */
const CRASH_CHILD = fileURLToPath(new URL('./audit-log-crash-child.js', import.meta.url));

const sqlite: AuditBackend = {
  name: 'sqlite',
  unavailable: () => Promise.resolve(undefined),
  place(defer) {
    const dir = mkdtempSync(join(tmpdir(), 'rdx-audit-'));
    defer(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'audit.sqlite');
    /** Runs `fn` on another connection to the file. */
    const other = (fn: (db: DatabaseSync) => void): Promise<void> => {
      const db = new DatabaseSync(file);
      try {
        fn(db);
      } finally {
        db.close();
      }
      return Promise.resolve();
    };
    return Promise.resolve({
      open: (opts) => Promise.resolve(AuditLog.open(file, opts)),
      update: (seq, change) =>
        other((db) => {
          if (change.rowCount !== undefined)
            db.prepare('UPDATE audit_records SET row_count = ? WHERE seq = ?').run(change.rowCount, seq);
          if (change.hash !== undefined)
            db.prepare('UPDATE audit_records SET hash = ? WHERE seq = ?').run(change.hash, seq);
        }),
      deleteFrom: (seq) => other((db) => db.prepare('DELETE FROM audit_records WHERE seq >= ?').run(seq)),
      holdWriteLock: () => {
        // Another connection holding the write lock makes the log's BEGIN IMMEDIATE fail.
        const db = new DatabaseSync(file);
        db.exec('BEGIN IMMEDIATE');
        return Promise.resolve(() => {
          db.exec('ROLLBACK');
          db.close();
          return Promise.resolve();
        });
      },
      spawnAppender: () =>
        spawn(process.execPath, [CRASH_CHILD, file], { stdio: ['ignore', 'pipe', 'inherit'] }),
    });
  },
};

// Started while the file loads, so that the test files of one process share one server (see testPostgres).
const server = await testPostgres();

/** Why the PostgreSQL tests cannot run here, if they cannot; rejects when PostgreSQL would not start. */
function pgUnavailable(): Promise<string | undefined> {
  return server.error ? Promise.reject(server.error) : Promise.resolve(server.skip);
}

const postgres: AuditBackend = {
  name: 'postgres',
  unavailable: pgUnavailable,
  place() {
    const url = server.url!;
    const namespace = uniqueNamespace('audit');
    /** Runs `sql` on another connection, with the namespace as $1. */
    const other = async (sql: string, ...params: unknown[]): Promise<void> => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(sql, [namespace, ...params]);
      } finally {
        await client.end();
      }
    };
    return Promise.resolve({
      open: (opts) => PgAuditLog.open(url, { ...opts, namespace }),
      update: async (seq, change) => {
        if (change.rowCount !== undefined)
          await other(
            'UPDATE rdx_audit_records SET row_count = $3 WHERE log = $1 AND seq = $2',
            seq,
            change.rowCount,
          );
        if (change.hash !== undefined)
          await other('UPDATE rdx_audit_records SET hash = $3 WHERE log = $1 AND seq = $2', seq, change.hash);
      },
      deleteFrom: (seq) => other('DELETE FROM rdx_audit_records WHERE log = $1 AND seq >= $2', seq),
      holdWriteLock: async () => {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query('BEGIN');
        await client.query('SELECT 1 FROM rdx_audit_logs WHERE log = $1 FOR UPDATE', [namespace]);
        return async () => {
          await client.query('ROLLBACK');
          await client.end();
        };
      },
      spawnAppender: () =>
        spawn(process.execPath, [CRASH_CHILD, url, namespace], { stdio: ['ignore', 'pipe', 'inherit'] }),
    });
  },
};

// ---- PostgreSQL only

/** Polls until `sql` (run by `admin`) returns a row, and returns its first column. */
async function waitFor(admin: pg.Client, sql: string, params: unknown[] = []): Promise<unknown> {
  for (let i = 0; i < 500; i++) {
    const { rows } = await admin.query(sql, params);
    const row = rows[0] as Record<string, unknown> | undefined;
    if (row !== undefined) return Object.values(row)[0];
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for: ${sql}`);
}

/**
 * Until a commit waits for the synchronous standby. Whether one does is decided by shared state the checkpointer
 * updates when it reloads the configuration, some time after pg_reload_conf() and after this session's own
 * current_setting() changed; so a probe commits (into `table`, made before the standby was named) until it is
 * seen waiting for the standby, and is then cancelled out of its wait (its commit is durable already).
 */
async function untilCommitsWaitForStandby(admin: pg.Client, url: string, table: string): Promise<void> {
  const probe = new pg.Client({ connectionString: url });
  await probe.connect();
  await probe.query('SET synchronous_commit = on');
  const { rows } = await probe.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const pid = rows[0]!.pid;
  try {
    for (let i = 0; i < 100; i++) {
      let done = false;
      const insert = probe.query(`INSERT INTO ${table} VALUES (now())`).then(() => (done = true));
      while (!done) {
        const waiting = await admin.query(WRITER_WAITING_PID, [pid, 'SyncRep']);
        if (waiting.rows.length) {
          await admin.query('SELECT pg_cancel_backend($1)', [pid]);
          await insert;
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('commits never waited for the synchronous standby');
  } finally {
    await probe.end();
  }
}

/**
 * Skips a test that changes the server's settings (`what`) when the tests run on a database that is not theirs
 * alone (RDX_TEST_DATABASE_URL).
 */
function needsOwnServer(testContext: Mocha.Context, what: string): void {
  if (!process.env.RDX_TEST_DATABASE_URL) return;
  console.log(`      skipped: needs a server of its own (it changes ${what})`);
  testContext.skip();
}

/** A superuser connection of its own, closed after the test. */
async function adminClient(defer: Defer, url: string): Promise<pg.Client> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  defer(() => admin.end());
  return admin;
}

/**
 * Names a synchronous standby that never answers, until every commit with synchronous_commit on waits for it
 * (wait event SyncRep) after flushing its WAL. Returns the function that takes the standby away again (also
 * called after the test).
 */
async function unansweredStandby(defer: Defer, admin: pg.Client, url: string): Promise<() => Promise<void>> {
  const reset = async (): Promise<void> => {
    await admin.query('ALTER SYSTEM RESET synchronous_standby_names');
    await admin.query('SELECT pg_reload_conf()');
  };
  defer(reset);
  const probeTable = `rdx_test_syncrep_probe_${process.pid}`;
  await admin.query(`CREATE TABLE IF NOT EXISTS ${probeTable} (at timestamptz)`);
  await admin.query("ALTER SYSTEM SET synchronous_standby_names = 'rdx_test_nobody'");
  await admin.query('SELECT pg_reload_conf()');
  await untilCommitsWaitForStandby(admin, url, probeTable);
  return reset;
}

const WRITER_WAITING_PID = 'SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event = $2';

/** The backend of the log's connection that is waiting in `waitEvent` while writing. */
const WRITER_WAITING = `SELECT pid FROM pg_stat_activity
  WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event = $1`;

/** A PostgreSQL-only test, skipped like the suite's when PostgreSQL is not available. */
function pgTest(
  name: string,
  fn: (defer: Defer, url: string, testContext: Mocha.Context) => Promise<void>,
): void {
  it(`[postgres] ${name}`, async function () {
    const why = await pgUnavailable();
    if (why !== undefined) {
      console.log(`      skipped: ${why}`);
      this.skip();
    }
    await withCleanup((defer) => fn(defer, server.url!, this));
  });
}

describe('audit log', () => {
  after(() => server.stop?.());

  auditLogSuite(sqlite);
  auditLogSuite(postgres);

  describe('SQLite only', () => {
    for (const [what, file, undo] of [
      ['its file deleted', 'audit.sqlite', 'deleted'],
      ['its write-ahead log deleted', 'audit.sqlite-wal', 'deleted'],
      ['its file replaced by another', 'audit.sqlite', 'replaced'],
    ] as const) {
      it(`${what} while it runs: the next append fails, naming it, and nothing more is written`, () =>
        withCleanup(async (defer) => {
          const dir = mkdtempSync(join(tmpdir(), 'rdx-audit-'));
          defer(() => rmSync(dir, { recursive: true, force: true }));
          const log = AuditLog.open(join(dir, 'audit.sqlite'));
          defer(() => log.close());
          await log.append(entry(0));
          // SQLite writes on through the descriptor it holds: without the check, this append succeeded into a file
          // no one would ever read again.
          if (undo === 'deleted') unlinkSync(join(dir, file));
          else {
            copyFileSync(join(dir, file), join(dir, 'copy'));
            renameSync(join(dir, 'copy'), join(dir, file));
          }
          const failed = await log.append(entry(1)).then(
            () => undefined,
            (err: unknown) => err,
          );
          expect(failed).to.be.instanceOf(AuditWriteError);
          expect((failed as Error).message).to.include(`${join(dir, file)} is not the file`);
          expect((failed as Error).message).to.include(`(${undo} while it ran)`);
          expect(log.failing()?.error).to.include(file);
          expect(log.failing()?.lasting, 'until a restart').to.equal(true);
          // And so on for every later one.
          await expect(log.append(entry(2))).to.be.rejectedWith(AuditWriteError);
        }));
    }
  });

  describe('PostgreSQL only', () => {
    pgTest(
      'a connection lost mid-transaction fails only that batch; the log reconnects and carries on',
      async (defer, url) => {
        const log = await PgAuditLog.open(url, { namespace: uniqueNamespace('audit-conn') });
        defer(() => log.close());
        const first = await log.append(entry(0));
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        defer(() => admin.end());
        // The batch's INSERT waits behind a lock; its connection is cut while it waits. (Another connection holds
        // the lock: within a transaction, pg_stat_activity would not show the wait.)
        const locker = new pg.Client({ connectionString: url });
        await locker.connect();
        defer(() => locker.end());
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE rdx_audit_records IN SHARE MODE');
        const pending = Promise.allSettled([1, 2].map((i) => log.append(entry(i))));
        const pid = await waitFor(
          admin,
          `${WRITER_WAITING} AND query LIKE '%INSERT INTO rdx_audit_records%'`,
          ['relation'],
        );
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        await locker.query('ROLLBACK');
        const results = await pending;
        expect(results.map((r) => r.status)).to.deep.equal(['rejected', 'rejected']);
        expect(log.size()).to.equal(1);
        expect(log.stats().failedCommits).to.equal(1);
        const after = await log.append(entry(1));
        expect(after.seq).to.equal(1);
        expect(after.prevHash).to.equal(first.hash);
        expect(await log.verifyChain()).to.deep.equal({ ok: true });
      },
    );

    pgTest(
      'a COMMIT that loses its connection is resolved by asking the database, not guessed',
      async (defer, url, testContext) => {
        needsOwnServer(testContext, 'synchronous_standby_names');
        const log = await PgAuditLog.open(url, { namespace: uniqueNamespace('audit-commit') });
        defer(() => log.close());
        await log.append(entry(0));
        const admin = await adminClient(defer, url);
        // With a synchronous standby that never answers, COMMIT is durable locally but waits; the connection is cut
        // during that wait, so the client gets an error for a transaction that did commit.
        const noStandby = await unansweredStandby(defer, admin, url);
        const pending = log.append(entry(1));
        const pid = await waitFor(admin, WRITER_WAITING, ['SyncRep']);
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        const record = await pending;
        await noStandby();
        expect(record.seq).to.equal(1);
        expect(log.size()).to.equal(2);
        expect(log.stats().failedCommits).to.equal(0);
        expect((await log.bySeq(1))?.hash).to.equal(record.hash);
        expect((await log.append(entry(2))).seq).to.equal(2);
        expect(await log.verifyChain()).to.deep.equal({ ok: true });
      },
    );

    pgTest(
      'a database whose default is synchronous_commit = off: a batch is still acknowledged only after its WAL is flushed',
      async (defer, url, testContext) => {
        needsOwnServer(testContext, 'database and server settings');
        const admin = await adminClient(defer, url);
        const { rows } = await admin.query<{ db: string }>('SELECT current_database() AS db');
        const database = pg.escapeIdentifier(rows[0]!.db);
        await admin.query(`ALTER DATABASE ${database} SET synchronous_commit = off`);
        defer(() => admin.query(`ALTER DATABASE ${database} RESET synchronous_commit`));
        const log = await PgAuditLog.open(url, { namespace: uniqueNamespace('audit-async-default') });
        defer(() => log.close());
        await log.append(entry(0));
        // A commit with synchronous_commit on flushes its WAL and then waits for the standby (SyncRep); one with it
        // off returns at once. The log's connections start with it off.
        const noStandby = await unansweredStandby(defer, admin, url);
        const pending = log.append(entry(1));
        const pid = await waitFor(admin, WRITER_WAITING, ['SyncRep']);
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        expect((await pending).seq).to.equal(1);
        await noStandby();
        expect(await log.verifyChain()).to.deep.equal({ ok: true });
      },
    );

    pgTest(
      'two gateways writing under one log name: the second writer’s batch is refused, the chain not forked',
      async (defer, url) => {
        const namespace = uniqueNamespace('audit-two-writers');
        const first = await PgAuditLog.open(url, { namespace });
        defer(() => first.close());
        await first.append(entry(0));
        const second = await PgAuditLog.open(url, { namespace });
        defer(() => second.close());
        expect((await second.append(entry(1))).seq).to.equal(1);
        await expect(first.append(entry(2))).to.be.rejectedWith(/changed by another writer/);
        expect(await first.get('req-2')).to.equal(undefined);
        expect(await second.verifyChain()).to.deep.equal({ ok: true });
      },
    );

    pgTest(
      'the tables are created once and shared: logs opened together each get their own',
      async (defer, url) => {
        // Opened together, as gateways starting at the same time would.
        const logs = await Promise.all(
          [1, 2, 3].map((i) => PgAuditLog.open(url, { namespace: uniqueNamespace(`audit-race-${i}`) })),
        );
        defer(() => Promise.all(logs.map((l) => l.close())));
        const records = await Promise.all(logs.map((l) => l.append(entry(0))));
        expect(records.map((r) => r.seq)).to.deep.equal([0, 0, 0]);
        await expect(PgAuditLog.open(url, { namespace: 'bad name' })).to.be.rejectedWith(TypeError);
        await expect(
          PgAuditLog.open(url.replace(/\/rdx$/, '/no_such_database'), { namespace: 'x' }),
        ).to.be.rejectedWith(/no_such_database/);
      },
    );

    pgTest('NUL, which PostgreSQL text cannot hold, is refused on its own', async (defer, url) => {
      const log = await PgAuditLog.open(url, { namespace: uniqueNamespace('audit-nul') });
      defer(() => log.close());
      const results = await Promise.allSettled([
        log.append(entry(0)),
        log.append(entry(1, { path: '/v1/a\0b' })),
        log.append(entry(2)),
      ]);
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value.seq : 'rejected'))).to.deep.equal([
        0,
        'rejected',
        1,
      ]);
      expect(await log.get('req\0')).to.equal(undefined);
      expect(await log.verifyChain()).to.deep.equal({ ok: true });
    });
  });
});
