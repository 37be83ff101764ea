/**
 * Running child processes: one-shot commands with their output, and long-lived daemons with a log file and a
 * pid file each, so `npm stop` and `npm run status` work from another shell.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { Paths } from './paths.js';

export class CommandError extends Error {
  override name = 'CommandError';
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
  }
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Kill the command after this long; every Fabric CLI call gets a deadline. */
  timeoutMs?: number;
  /** Bytes to send on stdin. */
  input?: string;
  /** Secrets the command may print (a CA echoing a password): replaced by *** before an error shows output. */
  redact?: string[];
}

/** Runs a command to completion; throws CommandError with the tail of its output when it fails. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      env: opts.env ?? process.env,
      cwd: opts.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new CommandError(`${path.basename(cmd)}: ${err.message}`, redact(out, opts.redact)));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else {
        out = redact(out, opts.redact);
        const why = signal ? `killed by ${signal}` : `exit code ${code}`;
        // Fabric's CLIs print the error first and their usage after it: keep the error in view.
        const errorLine = out.split('\n').find((l) => /^(Error|error):/.test(l.trim()));
        const shown = tail(out, 25);
        const head = errorLine && !shown.includes(errorLine) ? `${errorLine.trim()}\n…\n` : '';
        reject(
          new CommandError(`${path.basename(cmd)} ${args[0] ?? ''} failed (${why}):\n${head}${shown}`, out),
        );
      }
    });
    // A command that exits before reading its input closes the pipe: that is its exit code's business, not a crash.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

function redact(text: string, secrets: string[] = []): string {
  return secrets.filter((s) => s.length > 0).reduce((t, s) => t.split(s).join('***'), text);
}

export function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export function logTail(paths: Paths, name: string, lines = 15): string {
  try {
    return tail(fs.readFileSync(paths.log(name), 'utf8'), lines);
  } catch {
    return '(no log)';
  }
}

/** Why this process may start no more daemons (a start interrupted, stopping what it started), once it is so. */
let launchesRefused: string | undefined;

/**
 * From now on {@link startDaemon} refuses, with `reason`: an interrupted start stops what it started while its
 * own steps are still on their way, and one of them would otherwise launch a node after the stop went past it.
 */
export function refuseLaunches(reason: string): void {
  launchesRefused = reason;
}

/** Starts a long-lived process detached from this one, output appended to its log, pid recorded. */
export function startDaemon(
  paths: Paths,
  name: string,
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd?: string,
): number {
  if (launchesRefused !== undefined) throw new PlatformError(`${name} not started: ${launchesRefused}`);
  fs.mkdirSync(path.dirname(paths.log(name)), { recursive: true });
  fs.mkdirSync(paths.runDir(), { recursive: true });
  const log = fs.openSync(paths.log(name), 'a');
  fs.writeSync(log, `\n==== ${new Date().toISOString()} starting ${name}: ${cmd} ${args.join(' ')}\n`);
  const child = spawn(cmd, args, { env, cwd, detached: true, stdio: ['ignore', log, log] });
  fs.closeSync(log);
  if (child.pid === undefined) throw new Error(`could not start ${name} (${cmd})`);
  writePid(paths, name, child.pid);
  child.unref();
  return child.pid;
}

/**
 * Records `pid` as `name`'s: its pid file, and beside it what tells that process from a later one given the same
 * pid (after a reboot, or once pids wrap): its start, in clock ticks since boot, and the boot's id.
 */
export function writePid(paths: Paths, name: string, pid: number): void {
  fs.mkdirSync(paths.runDir(), { recursive: true });
  fs.writeFileSync(paths.pid(name), String(pid));
  recordStart(paths, name, pid);
}

/**
 * Records `pid` as `name`'s unless a pid file of `name` is there already (whoever made it first, of several at once,
 * wins): the file appears whole or not at all (a link of a written one), so no one reads it half written.
 * @returns whether this call made it.
 */
export function claimPid(paths: Paths, name: string, pid: number): boolean {
  fs.mkdirSync(paths.runDir(), { recursive: true });
  const written = `${paths.pid(name)}.${pid}`;
  fs.writeFileSync(written, String(pid));
  try {
    fs.linkSync(written, paths.pid(name));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    fs.rmSync(written, { force: true });
  }
  recordStart(paths, name, pid);
  return true;
}

/**
 * Records the start of `name`'s process `pid` where its pid file has none (written by a release before starts were
 * kept): called once a start has found that process running as this release launches it, so it is the platform's.
 */
export function keepStart(paths: Paths, name: string, pid: number): void {
  if (!hasOwnStart(paths, name)) recordStart(paths, name, pid);
}

function recordStart(paths: Paths, name: string, pid: number): void {
  const started = processStart(pid);
  if (started) fs.writeFileSync(startedFile(paths, name), started);
}

function hasOwnStart(paths: Paths, name: string): boolean {
  try {
    return fs.statSync(startedFile(paths, name)).mtimeMs >= fs.statSync(paths.pid(name)).mtimeMs;
  } catch {
    return false;
  }
}

function startedFile(paths: Paths, name: string): string {
  return `${paths.pid(name).slice(0, -'.pid'.length)}.started`;
}

/** A process's start in clock ticks since boot (/proc/<pid>/stat, field 22) and the boot's id; none without procfs. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields from the third on follow the command's name, which may hold spaces and parentheses.
    const starttime = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[22 - 3];
    const boot = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return starttime ? `${starttime} ${boot}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether `pid`, alive, is the process the pid file of `name` was written for: a pid file left from before a reboot
 * or from a process long gone may name another process now, which is none of the platform's to wait for or stop.
 * A pid file without its start, or written after it (by a release before starts were kept), is taken at its word.
 */
function isRecordedProcess(paths: Paths, name: string, pid: number): boolean {
  if (!hasOwnStart(paths, name)) return true;
  let recorded: string;
  try {
    recorded = fs.readFileSync(startedFile(paths, name), 'utf8').trim();
  } catch {
    return true;
  }
  const now = processStart(pid);
  return now === undefined || now === recorded;
}

export function readPid(paths: Paths, name: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(paths.pid(name), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed daemon whose parent has not reaped it yet still answers signal 0: it is a zombie, not alive.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no procfs: trust the signal
  }
}

/** The pid of `name`'s process if it runs: alive, and the very process its pid file was written for. */
export function runningPid(paths: Paths, name: string): number | undefined {
  const pid = readPid(paths, name);
  return isAlive(pid) && isRecordedProcess(paths, name, pid!) ? pid : undefined;
}

/** SIGTERM, then SIGKILL after `graceMs`; removes the pid file. Resolves once the process is gone. */
export async function stopDaemon(paths: Paths, name: string, graceMs = 10_000): Promise<boolean> {
  // A pid that names another process now (its pid file is stale) is not signalled: only the file goes.
  const pid = runningPid(paths, name);
  let stopped = false;
  if (pid !== undefined) {
    signal(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (isAlive(pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(pid)) signal(pid, 'SIGKILL');
    while (isAlive(pid)) await sleep(50);
    stopped = true;
  }
  removePid(paths, name);
  return stopped;
}

/** Forgets `name`'s process: its pid file and its start. */
export function removePid(paths: Paths, name: string): void {
  fs.rmSync(paths.pid(name), { force: true });
  fs.rmSync(startedFile(paths, name), { force: true });
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    // Daemons lead their own process group (detached), so the group gets the signal too.
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      /* already gone */
    }
  }
}

/**
 * `work`, started now and awaited later: should it fail before then, the failure waits for that await instead of
 * ending the process as an unhandled rejection.
 */
export function awaitedLater<T>(work: Promise<T>): Promise<T> {
  work.catch(() => {});
  return work;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * GET http://host:port/healthz → true on 200: a CA's operations endpoint (a peer's or an orderer's is TLS:
 * operations.ts).
 */
export function healthz(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: '/healthz', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** True when something accepts TCP connections on host:port. */
export function tcpOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: timeoutMs });
    socket.on('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', () => resolve(false));
  });
}

/** How long a port may stay taken after its process stopped before it counts as another program's. */
const PORT_RELEASE_MS = 10_000;

/**
 * Whether another program holds `port` on `host`: still taken {@link PORT_RELEASE_MS} on. A process just stopped
 * may hold it a moment longer: its main thread can be gone (a zombie, as `isAlive` counts it) while its other
 * threads, which share its open sockets, are still exiting — a gateway restarted at once found its own port "in
 * use" so (CI, 2026-12-06).
 */
export async function portHeld(host: string, port: number, releaseMs = PORT_RELEASE_MS): Promise<boolean> {
  const deadline = Date.now() + releaseMs;
  while (await tcpOpen(host, port, 500)) {
    if (Date.now() >= deadline) return true;
    await sleep(200);
  }
  return false;
}

/**
 * Refuses a service's port another program holds ({@link portHeld}), naming the service and the setting that moves
 * it.
 * @throws PlatformError
 */
export async function refuseHeldPort(
  at: { host: string; port: number },
  needs: string,
  setting: string,
): Promise<void> {
  if (!(await portHeld(at.host, at.port))) return;
  const others = listenerUids(at.port).filter((uid) => uid !== process.getuid?.());
  // Another user's process on the port answers in the service's place: a gateway's callers on this host would
  // send it their client secrets and tokens (found by a review: a local user bound the gateway's port while the
  // supervisor restarted it). Said as such, not as a port merely in use.
  if (others.length > 0)
    throw new PlatformError(
      `Port ${at.port} on ${at.host}, needed by ${needs}, is held by another user's process (uid ${others.join(', ')}): it answers in ${needs}'s place, and what callers send there goes to it. Find it (ss -ltnp 'sport = :${at.port}'), have it stopped, and check who ran it; or set ${setting}.`,
    );
  throw new PlatformError(
    `Port ${at.port} on ${at.host}, needed by ${needs}, is in use. Free it or set ${setting}.`,
  );
}

/** The users (uids) whose sockets listen on TCP `port`, on any address (Linux: /proc/net/tcp and tcp6). */
export function listenerUids(port: number): number[] {
  const uids = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue; // not Linux, or no IPv6
    }
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid …; 0A is LISTEN.
      const [, local, , state, , , , uid] = line.trim().split(/\s+/);
      if (state !== '0A' || local === undefined || uid === undefined) continue;
      if (parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port) uids.add(Number(uid));
    }
  }
  return [...uids];
}

export interface WaitOptions {
  what: string;
  timeoutMs: number;
  /** The process being waited on: if it dies, stop waiting and say so with its log. */
  processName?: string;
  paths?: Paths;
  /**
   * The pause between checks. A start waits on each of its processes in turn, and each pause that runs past
   * the moment a process came up is added to the start: 50 ms suits a TCP connect or a local GET; a check
   * that runs a command asks for more.
   */
  pollMs?: number;
}

/** Polls `check` until true. Fails early when the watched process dies, never hangs past the deadline. */
export async function waitUntil(check: () => Promise<boolean>, opts: WaitOptions): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (await check()) return;
    if (opts.processName && opts.paths && !runningPid(opts.paths, opts.processName)) {
      throw new Error(
        `${opts.what}: process ${opts.processName} exited. Its log (${opts.paths.log(opts.processName)}) ends:\n` +
          logTail(opts.paths, opts.processName),
      );
    }
    if (Date.now() > deadline) {
      const log =
        opts.processName && opts.paths ? `\nLog tail:\n${logTail(opts.paths, opts.processName)}` : '';
      throw new Error(`${opts.what}: not ready after ${opts.timeoutMs / 1000}s${log}`);
    }
    await sleep(opts.pollMs ?? 50);
  }
}

/** A failure of the platform tooling that a person can act on; its message says what to do. */
export class PlatformError extends Error {
  override name = 'PlatformError';
}

/** The HTTP status of a GET (with `headers`), or undefined when nothing answers in time. */
export function httpStatus(
  url: string,
  timeoutMs = 3000,
  headers: Record<string, string> = {},
): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = (url.startsWith('https:') ? https : http).get(url, { timeout: timeoutMs, headers }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}
