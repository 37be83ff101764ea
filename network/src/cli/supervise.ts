/**
 * The supervisor: keeps the chaincode servers, the gateway and the clerk running (restarting one that dies, unless a
 * start is restarting it: launch.ts), reports peers and orderers that die, and on SIGTERM/SIGINT stops every process
 * of the platform in order. On SIGUSR2 (a start of another build replacing it) it leaves alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { NetworkContext } from '../context.js';
import { codeId } from '../code-id.js';
import { chaincodeRestarting } from '../chaincode-deploy.js';
import { CLERK_PROCESS, startClerk } from '../clerk-process.js';
import { down, startGateway, startProcess, GATEWAY_PROCESS } from '../platform.js';
import { restartUnderWay } from '../launch.js';
import {
  isAlive,
  PlatformError,
  readPid,
  removePid,
  runningPid,
  sleep,
  waitUntil,
  writePid,
} from '../proc.js';
import { commandForThisNetwork } from '../config.js';
import type { Paths } from '../paths.js';
import { nodesOf } from '../topology.js';
import { RestartBackoff } from './restart-backoff.js';

/** The supervisor's process name: its pid file is how `npm stop` finds it. */
export const SUPERVISOR = 'supervisor';

/**
 * Beside its pid file: the supervisor's pid and the digest of its code (code-id.ts). Written by whoever writes its
 * pid file, at the same moment (the start that spawns a detached one, or the attached one itself), so a record is
 * never older than the process its pid file names.
 */
function supervisorCodeFile(paths: Paths): string {
  return path.join(paths.runDir(), `${SUPERVISOR}.code`);
}

/** Records that the supervisor `pid` runs the code of digest `code` (code-id.ts). */
export function recordSupervisorCode(ctx: NetworkContext, pid: number, code: string): void {
  fs.writeFileSync(supervisorCodeFile(ctx.paths), `${pid} ${code}\n`);
}

/**
 * Replaces a running supervisor whose code is not `code`, this build's as the calling start loaded it (the
 * repository updated and rebuilt while it ran, or one of a release before, which records none): it would go on
 * restarting a process that dies as its own release did. It is sent SIGUSR2, on which this release's supervisor
 * leaves without stopping anything (a release's before dies of it, its default), and its pid file goes; the caller
 * starts this build's. One that has not left within `leaveWithinMs` stops the start: it is stopping the platform
 * (`npm stop` under way, when it takes no SIGUSR2) or hangs, and killing it could cut a stop short.
 * @returns whether one was replaced.
 */
export async function replaceOutdatedSupervisor(
  ctx: NetworkContext,
  code: string,
  leaveWithinMs = 60_000,
): Promise<boolean> {
  const pid = runningPid(ctx.paths, SUPERVISOR);
  if (pid === undefined) return false;
  let recorded: string | undefined;
  try {
    recorded = fs.readFileSync(supervisorCodeFile(ctx.paths), 'utf8').trim();
  } catch {
    recorded = undefined;
  }
  if (recorded === `${pid} ${code}`) return false;
  ctx.log(`Replacing the supervisor (pid ${pid}): its code is not this build's.`);
  try {
    // The supervisor alone, not its process group: what it runs at this moment (a peer CLI call) finishes.
    process.kill(pid, 'SIGUSR2');
  } catch {
    /* gone already */
  }
  await waitUntil(() => Promise.resolve(!isAlive(pid)), {
    what: 'the supervisor to leave',
    timeoutMs: leaveWithinMs,
  }).catch(() => {
    throw new PlatformError(
      `The supervisor (pid ${pid}) did not leave within ${leaveWithinMs / 1000} s of being replaced: it is stopping ` +
        `the platform, or hangs. Run ${commandForThisNetwork('npm stop')}, then start again.`,
    );
  });
  if (readPid(ctx.paths, SUPERVISOR) === pid) removePid(ctx.paths, SUPERVISOR);
  return true;
}

/**
 * `orgs`: the orgs this host runs (comma-separated `--org`), or every org on one machine. `code`: the digest of the
 * code this process loaded, recorded if it takes the supervisor's pid file (an attached start).
 */
export async function supervise(ctx: NetworkContext, orgs?: string, code?: string): Promise<void> {
  const here = (msp: string): boolean => !orgs || orgs.split(',').includes(msp);
  // Attached (`npm start` without --detach), this process is the supervisor: it takes the pid file a detached one
  // has, so `npm stop` stops it — and it everything — rather than stopping processes it would only restart.
  if (runningPid(ctx.paths, SUPERVISOR) === undefined) {
    writePid(ctx.paths, SUPERVISOR, process.pid);
    recordSupervisorCode(ctx, process.pid, code ?? codeId(ctx.config.repoRoot, 'network'));
  }
  let stopping = false;
  const stopAll = (): void => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping RDX…');
    void down(ctx).then((stopped) => {
      console.log(`Stopped ${stopped.join(', ') || 'nothing'}.`);
      if (readPid(ctx.paths, SUPERVISOR) === process.pid) removePid(ctx.paths, SUPERVISOR);
      process.exit(0);
    });
  };
  process.on('SIGINT', stopAll);
  process.on('SIGTERM', stopAll);
  /** Leaves alone, saying `why`: every process it kept stays up (for the supervisor that replaces this one). */
  const leave = (why: string): void => {
    stopping = true;
    console.log(`${new Date().toISOString()} ${why}`);
    if (readPid(ctx.paths, SUPERVISOR) === process.pid) removePid(ctx.paths, SUPERVISOR);
    process.exit(0);
  };
  // A start of another build replaces this supervisor ({@link replaceOutdatedSupervisor}).
  process.on('SIGUSR2', () => {
    if (!stopping) leave('replaced by the supervisor of another build; every process runs on');
  });

  // On one machine: the founding orgs' nodes (a joining body starts on its own host).
  const ours = (n: { mspId: string }): boolean =>
    orgs ? here(n.mspId) : !ctx.topology.orgs.find((o) => o.mspId === n.mspId)?.joinsLater;
  const restartable = nodesOf(ctx.topology, 'chaincode').filter(ours);
  const watched = [...nodesOf(ctx.topology, 'orderer'), ...nodesOf(ctx.topology, 'peer')].filter(ours);
  const reported = new Set<string>();
  const backoff = new RestartBackoff();
  /** Restarts the process `name` if it is down (unless a start restarts it, or its restarts keep failing). */
  const restartIfDown = async (name: string, what: string, start: () => Promise<unknown>): Promise<void> => {
    if (runningPid(ctx.paths, name) || restartUnderWay(ctx.paths, name) || !backoff.due(name)) return;
    console.log(`${new Date().toISOString()} ${what} is down; restarting it`);
    await start().then(
      () => backoff.succeeded(name),
      (err: unknown) => {
        const { count, waitMs } = backoff.failed(name);
        console.error(
          `restart of ${what} failed (${count} in a row; the next in ${waitMs / 1000} s): ${String(err)}`,
        );
      },
    );
  };
  while (!stopping) {
    await sleep(1000);
    if (stopping) break;
    // Another supervisor took the pid file (two starts at once each started one): `npm stop` knows that one alone,
    // so this one leaves rather than restart what a stop stops.
    if (readPid(ctx.paths, SUPERVISOR) !== process.pid)
      leave('another supervisor runs (its pid file names it); leaving');
    // A deploy restarting the chaincode servers starts them itself.
    for (const node of chaincodeRestarting(ctx) ? [] : restartable)
      await restartIfDown(node.name, node.name, () => startProcess(ctx, node));
    if (here('BureauMSP')) {
      await restartIfDown(GATEWAY_PROCESS, 'gateway', () => startGateway(ctx));
      await restartIfDown(CLERK_PROCESS, 'clerk', () => startClerk(ctx));
    }
    for (const node of watched) {
      const alive = Boolean(runningPid(ctx.paths, node.name));
      if (!alive && !reported.has(node.name)) {
        console.log(`${new Date().toISOString()} ${node.name} is down (npm start brings it back)`);
        reported.add(node.name);
      } else if (alive) reported.delete(node.name);
    }
  }
}
