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
import { isAlive, readPid, removePid, runningPid, sleep, waitUntil, writePid } from '../proc.js';
import type { Paths } from '../paths.js';
import { nodesOf } from '../topology.js';

/** The supervisor's process name: its pid file is how `npm stop` finds it. */
export const SUPERVISOR = 'supervisor';

/** Beside its pid file: the digest of the code the supervisor runs (code-id.ts), written by the supervisor. */
function supervisorCodeFile(paths: Paths): string {
  return path.join(paths.runDir(), `${SUPERVISOR}.code`);
}

/**
 * Replaces a running supervisor whose code is not this build's (the repository updated and rebuilt while it ran,
 * or one of a release before, which records none): it would go on restarting a process that dies as its own
 * release did. It is sent SIGUSR2, on which this release's supervisor leaves without stopping anything (a
 * release's before dies of it, its default), and its pid file goes; the caller starts this build's.
 * @returns whether one was replaced.
 */
export async function replaceOutdatedSupervisor(ctx: NetworkContext): Promise<boolean> {
  const pid = runningPid(ctx.paths, SUPERVISOR);
  if (pid === undefined) return false;
  let recorded: string | undefined;
  try {
    recorded = fs.readFileSync(supervisorCodeFile(ctx.paths), 'utf8').trim();
  } catch {
    recorded = undefined;
  }
  if (recorded === codeId(ctx.config.repoRoot, 'network')) return false;
  ctx.log(`Replacing the supervisor (pid ${pid}): its code is not this build's.`);
  // The supervisor alone: what it runs at this moment (a peer CLI call) finishes.
  process.kill(pid, 'SIGUSR2');
  await waitUntil(() => Promise.resolve(!isAlive(pid)), {
    what: 'the supervisor to leave',
    timeoutMs: 10_000,
  });
  if (readPid(ctx.paths, SUPERVISOR) === pid) removePid(ctx.paths, SUPERVISOR);
  return true;
}

/** `orgs`: the orgs this host runs (comma-separated `--org`), or every org on one machine. */
export async function supervise(ctx: NetworkContext, orgs?: string): Promise<void> {
  const here = (msp: string): boolean => !orgs || orgs.split(',').includes(msp);
  // Attached (`npm start` without --detach), this process is the supervisor: it takes the pid file a detached one
  // has, so `npm stop` stops it — and it everything — rather than stopping processes it would only restart.
  if (runningPid(ctx.paths, SUPERVISOR) === undefined) {
    writePid(ctx.paths, SUPERVISOR, process.pid);
  }
  if (readPid(ctx.paths, SUPERVISOR) === process.pid) {
    fs.writeFileSync(supervisorCodeFile(ctx.paths), codeId(ctx.config.repoRoot, 'network'));
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
  // A start of another build replaces this supervisor ({@link replaceOutdatedSupervisor}): it leaves alone, and
  // every process it kept stays up for the new one.
  process.on('SIGUSR2', () => {
    if (stopping) return;
    stopping = true;
    console.log(
      `${new Date().toISOString()} replaced by the supervisor of another build; every process runs on`,
    );
    if (readPid(ctx.paths, SUPERVISOR) === process.pid) removePid(ctx.paths, SUPERVISOR);
    process.exit(0);
  });

  // On one machine: the founding orgs' nodes (a joining body starts on its own host).
  const ours = (n: { mspId: string }): boolean =>
    orgs ? here(n.mspId) : !ctx.topology.orgs.find((o) => o.mspId === n.mspId)?.joinsLater;
  const restartable = nodesOf(ctx.topology, 'chaincode').filter(ours);
  const watched = [...nodesOf(ctx.topology, 'orderer'), ...nodesOf(ctx.topology, 'peer')].filter(ours);
  const reported = new Set<string>();
  while (!stopping) {
    await sleep(1000);
    if (stopping) break;
    // A deploy restarting the chaincode servers starts them itself.
    for (const node of chaincodeRestarting(ctx) ? [] : restartable) {
      if (!runningPid(ctx.paths, node.name) && !restartUnderWay(ctx.paths, node.name)) {
        console.log(`${new Date().toISOString()} ${node.name} is down; restarting it`);
        await startProcess(ctx, node).catch((err: unknown) =>
          console.error(`restart of ${node.name} failed: ${String(err)}`),
        );
      }
    }
    if (
      here('BureauMSP') &&
      !runningPid(ctx.paths, GATEWAY_PROCESS) &&
      !restartUnderWay(ctx.paths, GATEWAY_PROCESS)
    ) {
      console.log(`${new Date().toISOString()} gateway is down; restarting it`);
      await startGateway(ctx).catch((err: unknown) =>
        console.error(`restart of gateway failed: ${String(err)}`),
      );
    }
    if (
      here('BureauMSP') &&
      !runningPid(ctx.paths, CLERK_PROCESS) &&
      !restartUnderWay(ctx.paths, CLERK_PROCESS)
    ) {
      console.log(`${new Date().toISOString()} clerk is down; restarting it`);
      await startClerk(ctx).catch((err: unknown) => console.error(`restart of clerk failed: ${String(err)}`));
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
