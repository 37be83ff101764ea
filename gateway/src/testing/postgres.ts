/**
 * A throwaway PostgreSQL server for tests, so the stores' tests run on PostgreSQL as well as on SQLite.
 *
 * It uses the server binaries of Debian's `postgresql` package (`/usr/lib/postgresql/<major>/bin`, else
 * `initdb` and `pg_ctl` on PATH, or the folder `RDX_POSTGRES_BIN`): a new cluster in a fresh temp folder, owned
 * by the `postgres` user when the tests run as root (PostgreSQL refuses to run as root, so `initdb` and `pg_ctl`
 * then run through `runuser -u postgres --`), its superuser's password random (every user of the host reaches
 * 127.0.0.1: with trust authentication any of them was superuser, and ran commands as `postgres` with
 * `COPY … TO PROGRAM`), listening on 127.0.0.1 on a free port and on a socket in the temp folder. It is stopped
 * and deleted when the tests end; a watchdog process does it if the test process dies first. With `RDX_TEST_DATABASE_URL` set, that database is used instead and no server
 * is started.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const execFileAsync = promisify(execFile);

/** A running server: `url` reaches its database `rdx` as superuser `postgres`, its password in it. */
export interface PostgresServer {
  url: string;
  /** Stops the server and deletes its folder; idempotent. */
  stop(): Promise<void>;
  /**
   * Freezes every process of the server (SIGSTOP), as a hung host looks from its clients: connections stay open,
   * nothing answers; `false` thaws it (SIGCONT). A frozen server is thawed before it is stopped.
   */
  freeze(on: boolean): void;
}

/** What the PostgreSQL variant of a test runs on: a server, or why there is none here. */
export type TestPostgres =
  | { url: string; stop(): Promise<void>; skip?: undefined; error?: undefined }
  | { skip: string; url?: undefined; stop?: undefined; error?: undefined }
  | { error: Error; url?: undefined; stop?: undefined; skip?: undefined };

/** The folder holding `initdb`, `pg_ctl` and `postgres`, or why none was found. */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): { bin: string } | { missing: string } {
  const has = (dir: string): boolean =>
    ['initdb', 'pg_ctl', 'postgres'].every((tool) => fs.existsSync(path.join(dir, tool)));
  if (env.RDX_POSTGRES_BIN) {
    return has(env.RDX_POSTGRES_BIN)
      ? { bin: env.RDX_POSTGRES_BIN }
      : { missing: `RDX_POSTGRES_BIN=${env.RDX_POSTGRES_BIN} has no initdb, pg_ctl and postgres` };
  }
  const debian = '/usr/lib/postgresql';
  const majors = fs.existsSync(debian)
    ? fs
        .readdirSync(debian)
        .filter((v) => /^\d+(\.\d+)?$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const dir of [
    ...majors.map((v) => path.join(debian, v, 'bin')),
    ...(env.PATH ?? '').split(path.delimiter).filter(Boolean),
  ]) {
    if (has(dir)) return { bin: dir };
  }
  return {
    missing: `no initdb, pg_ctl and postgres under ${debian}/<major>/bin or on PATH (Debian: apt-get install -y postgresql)`,
  };
}

/** Starts a new cluster; see the module comment. */
export async function startPostgres(bin: string): Promise<PostgresServer> {
  const root = process.getuid?.() === 0;
  let owner: { uid: number; gid: number } | undefined;
  if (root) {
    const id = (flag: string): number =>
      Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout);
    owner = { uid: id('-u'), gid: id('-g') };
    if (!Number.isInteger(owner.uid) || owner.uid <= 0)
      throw new Error(
        'running as root, PostgreSQL needs the user "postgres" (Debian\'s postgresql package makes it)',
      );
  }
  const dir = fs.mkdtempSync(path.join(root ? tempBaseFor('postgres') : os.tmpdir(), 'rdx-pg-'));
  const data = path.join(dir, 'data');
  const socketDir = path.join(dir, 'socket');
  const logFile = path.join(dir, 'postgres.log');
  fs.mkdirSync(socketDir);
  if (owner) for (const p of [dir, socketDir]) fs.chownSync(p, owner.uid, owner.gid);
  // pg_ctl hands -o to a shell: the folder must need no quoting.
  if (!/^[\w/.-]+$/.test(dir)) throw new Error(`temp folder ${dir} has characters pg_ctl cannot pass on`);
  const tool = (name: string): string => path.join(bin, name);
  /** Runs a server tool as the cluster's owner. */
  const asOwner = async (name: string, args: string[], timeout = 120_000): Promise<void> => {
    const [cmd, argv] = root
      ? ['runuser', ['-u', 'postgres', '--', tool(name), ...args]]
      : [tool(name), args];
    await execFileAsync(cmd, argv, { cwd: dir, timeout, encoding: 'utf8' });
  };
  const stopArgs = (mode: string): string[] => ['-D', data, '-m', mode, '-w', '-t', '60', 'stop'];

  let stopped = false;
  let watchdog: number | undefined;
  const removeFolder = (): void => fs.rmSync(dir, { recursive: true, force: true });
  const killWatchdog = (): void => {
    if (watchdog === undefined) return;
    try {
      process.kill(watchdog, 'SIGTERM');
    } catch {
      // Already gone.
    }
    watchdog = undefined;
  };
  // A test process that exits without stopping the server (a thrown error) still stops it.
  let frozen = false;
  const freeze = (on: boolean): void => {
    frozen = on;
    const postmaster = Number(fs.readFileSync(path.join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const children = spawnSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' })
      .stdout.split('\n')
      .filter(Boolean)
      .map(Number);
    for (const pid of [postmaster, ...children]) {
      try {
        process.kill(pid, on ? 'SIGSTOP' : 'SIGCONT');
      } catch {
        // Gone meanwhile (a backend that ended).
      }
    }
  };
  const thaw = (): void => {
    if (frozen) freeze(false);
  };
  const onExit = (): void => {
    if (stopped) return;
    stopped = true;
    thaw();
    const args = stopArgs('immediate');
    if (root)
      spawnSync('runuser', ['-u', 'postgres', '--', tool('pg_ctl'), ...args], { cwd: '/', stdio: 'ignore' });
    else spawnSync(tool('pg_ctl'), args, { cwd: '/', stdio: 'ignore' });
    removeFolder();
    killWatchdog();
  };
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    process.off('exit', onExit);
    thaw();
    try {
      await asOwner('pg_ctl', stopArgs('fast'), 90_000);
    } catch {
      await asOwner('pg_ctl', stopArgs('immediate'), 90_000).catch(() => undefined);
    }
    removeFolder();
    killWatchdog();
  };

  const password = crypto.randomBytes(24).toString('hex');
  try {
    // The password reaches initdb in a file only its owner reads, gone once the cluster is made.
    const pwfile = path.join(dir, 'pwfile');
    fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
    if (owner) fs.chownSync(pwfile, owner.uid, owner.gid);
    await asOwner('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      `--pwfile=${pwfile}`,
      '-A',
      'scram-sha-256',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    fs.rmSync(pwfile);
    process.on('exit', onExit);
    // If this process is killed outright, the watchdog (a shell polling its pid) stops the server.
    const child = spawn(
      'sh',
      [
        '-c',
        'while kill -0 "$1" 2>/dev/null; do sleep 1; done; ' +
          // A server the test froze (PostgresServer.freeze) is thawed first, or it never takes the stop.
          'pm=$(head -n 1 "$4/postmaster.pid" 2>/dev/null); if [ -n "$pm" ]; then kill -CONT "$pm"; pkill -CONT -P "$pm"; fi 2>/dev/null; ' +
          'if [ "$5" = 1 ]; then runuser -u postgres -- "$3" -D "$4" -m immediate -w stop; ' +
          'else "$3" -D "$4" -m immediate -w stop; fi >/dev/null 2>&1; rm -rf "$2"',
        'rdx-pg-watchdog',
        String(process.pid),
        dir,
        tool('pg_ctl'),
        data,
        root ? '1' : '0',
      ],
      { cwd: '/', detached: true, stdio: 'ignore' },
    );
    child.unref();
    watchdog = child.pid;

    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const settings = [
        'listen_addresses=127.0.0.1',
        `port=${port}`,
        `unix_socket_directories=${socketDir}`,
        'fsync=on',
        'synchronous_commit=on',
        'max_connections=60',
        'shared_buffers=32MB',
      ];
      try {
        await asOwner('pg_ctl', [
          '-D',
          data,
          '-l',
          logFile,
          '-w',
          '-t',
          '60',
          '-o',
          settings.map((s) => `-c ${s}`).join(' '),
          'start',
        ]);
        break;
      } catch (err) {
        // Another process may have taken the port between the probe and the start.
        if (attempt >= 3)
          throw new Error(`pg_ctl start failed: ${String(err)}\n${logTail(logFile)}`, { cause: err });
      }
    }
    const urlOf = (database: string): string =>
      `postgres://postgres:${password}@127.0.0.1:${port}/${database}`;
    const admin = new pg.Client({ connectionString: urlOf('postgres') });
    await admin.connect();
    try {
      await admin.query('CREATE DATABASE rdx');
    } finally {
      await admin.end();
    }
    return { url: urlOf('rdx'), stop, freeze };
  } catch (err) {
    await stop();
    throw err;
  }
}

let shared: Promise<TestPostgres> | undefined;
/** How many test files hold the shared server (see testPostgres). */
let holders = 0;

/**
 * The PostgreSQL this test process runs on, shared by its test files (Mocha loads them all into one process,
 * or several into each parallel worker): a new cluster, the database of `RDX_TEST_DATABASE_URL`, `skip` when
 * PostgreSQL is not installed, or `error` when it is but would not start (the tests fail with it rather than
 * pass silently). Each caller gets its own `stop` (call it in an `after` hook): the server stops when the
 * last holder lets go, and a later call starts a new one.
 */
export async function testPostgres(): Promise<TestPostgres> {
  holders++;
  const current = (shared ??= startShared());
  const server = await current;
  if (server.url === undefined) {
    holders--;
    return server;
  }
  let released = false;
  return {
    url: server.url,
    stop: async () => {
      if (released) return;
      released = true;
      if (--holders > 0) return;
      if (shared === current) shared = undefined;
      await server.stop();
    },
  };
}

async function startShared(): Promise<TestPostgres> {
  const url = process.env.RDX_TEST_DATABASE_URL;
  if (url) return { url, stop: () => Promise.resolve() };
  const found = findPostgresBin();
  if ('missing' in found) return { skip: `PostgreSQL not installed: ${found.missing}` };
  try {
    return await startPostgres(found.bin);
  } catch (err) {
    return { error: err instanceof Error ? err : new Error(String(err)) };
  }
}

/** A name no other test uses: the namespace of one test's log or store in the shared database. */
export function uniqueNamespace(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

/** The temp folder, when another user (the cluster's owner) can reach it; /tmp otherwise. */
function tempBaseFor(user: string): string {
  const base = os.tmpdir();
  for (let dir = base; ; dir = path.dirname(dir)) {
    // Every folder on the way must let others through (o+x).
    if ((fs.statSync(dir).mode & 0o001) === 0) {
      console.error(`${base} is not reachable by the user ${user}; the test cluster goes in /tmp`);
      return '/tmp';
    }
    if (path.dirname(dir) === dir) return base;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function logTail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no server log)';
  }
}
