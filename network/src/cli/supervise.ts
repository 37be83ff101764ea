/**
 * The supervisor: keeps the chaincode servers, the gateway and the clerk running (restarting one that dies, unless a
 * start is restarting it: launch.ts), reports peers and orderers that die, and on SIGTERM/SIGINT stops every process
 * of the platform in order.
 */
import type { NetworkContext } from '../context.js';
import { chaincodeRestarting } from '../chaincode-deploy.js';
import { CLERK_PROCESS, startClerk } from '../clerk-process.js';
import { down, startGateway, startProcess, GATEWAY_PROCESS } from '../platform.js';
import { restartUnderWay } from '../launch.js';
import { readPid, removePid, runningPid, sleep, writePid } from '../proc.js';
import { nodesOf } from '../topology.js';

/** The supervisor's process name: its pid file is how `npm stop` finds it. */
export const SUPERVISOR = 'supervisor';

/** `orgs`: the orgs this host runs (comma-separated `--org`), or every org on one machine. */
export async function supervise(ctx: NetworkContext, orgs?: string): Promise<void> {
  const here = (msp: string): boolean => !orgs || orgs.split(',').includes(msp);
  // Attached (`npm start` without --detach), this process is the supervisor: it takes the pid file a detached one
  // has, so `npm stop` stops it — and it everything — rather than stopping processes it would only restart.
  if (runningPid(ctx.paths, SUPERVISOR) === undefined) {
    writePid(ctx.paths, SUPERVISOR, process.pid);
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
