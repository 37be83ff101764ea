/**
 * `npm start | stop | status | reset | deploy` (see the README). The attached `start` supervises the
 * chaincode servers and the gateway and stops everything on Ctrl-C or SIGTERM; `start --detach` hands that
 * job to a background supervisor and returns once everything is ready.
 */
import fs from 'node:fs';
import {
  commandForThisNetwork,
  loadConfig,
  startForThisNetwork,
  ConfigError,
  type NetworkConfig,
} from '../config.js';
import { usePrivateUmask } from '../home-permissions.js';
import { ensureFabricBinaries, FabricBinariesError } from '../binaries/fabric-binaries.js';
import type { NetworkContext } from '../context.js';
import { pathsFor, topologyFor } from '../context.js';
import { deployChaincode } from '../chaincode-deploy.js';
import { isLocalOrg, OrgDefinitionError } from '../consortium/org-definition.js';
import { down, gatewayUrl, up, PlatformError, processNames, requireOwnHome } from '../platform.js';
import { gatewayRootCertificate, gatewayServesHttps } from '../platform-paths.js';
import { refuseLaunches, runningPid, startDaemon, stopDaemon, CommandError } from '../proc.js';
import { printStatus } from './status.js';
import { recordSupervisorCode, replaceOutdatedSupervisor, SUPERVISOR, supervise } from './supervise.js';
import { codeId } from '../code-id.js';
import { consortiumCommand } from './consortium.js';
import { markStart, markStop, stopUnderWay } from '../under-way.js';
import { TopologyError } from '../topology.js';
import { checkCommandLine, USAGE, UsageError, type CommandLine } from './arguments.js';

async function context(config: NetworkConfig = loadConfig()): Promise<NetworkContext> {
  const paths = pathsFor(config);
  const install = await ensureFabricBinaries(config, (l) => console.log(l));
  return { config, paths, topology: topologyFor(config), install, log: (l) => console.log(l) };
}

async function start(line: CommandLine): Promise<void> {
  const config = loadConfig();
  const paths = pathsFor(config);
  requireOwnHome(paths.home);
  const unmark = await markStart(paths, (l) => console.log(l));
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signal === 'SIGTERM' && stopUnderWay(paths)) endedByStop();
    else interrupt(config, signal, unmark);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  let attached: (() => Promise<void>) | undefined;
  try {
    attached = await startMarked(config, line);
  } finally {
    // Interrupted, the handlers stay: a second Ctrl-C must not cut short the stopping of what was started.
    if (!interrupting) {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      unmark();
    }
  }
  if (attached) {
    console.log('Attached: Ctrl-C stops everything.');
    await attached();
  }
}

/** Set once a start is interrupted: its stopping of what it started, which ends the process. */
let interrupting: Promise<void> | undefined;

/**
 * Ctrl-C (or a SIGTERM that no stop sent) during a start: it stops what it started, as `npm stop` would, and
 * exits 130. It left every node running without a supervisor, though the README promised Ctrl-C stops it all
 * (found by a review, 2026-12-07). Its own steps still on their way launch nothing more (`refuseLaunches`).
 * Where a supervisor already ran the platform (a start that found it up and checks it), that one keeps it.
 */
function interrupt(config: NetworkConfig, signal: NodeJS.Signals, unmark: () => void): void {
  if (interrupting) return; // a second Ctrl-C: the stop goes on
  const paths = pathsFor(config);
  const why = signal === 'SIGINT' ? 'interrupted (Ctrl-C)' : `ended (${signal})`;
  refuseLaunches(`the start was ${why}`);
  const supervisor = runningPid(paths, SUPERVISOR);
  console.error(
    supervisor !== undefined
      ? `\nrdx: start ${why}; the platform stays up under its supervisor (pid ${supervisor}).`
      : `\nrdx: start ${why}: stopping what it started. The ledger is kept: the next ${startForThisNetwork()} goes on from here.`,
  );
  const ctx = { config, paths, topology: topologyFor(config) } as NetworkContext;
  interrupting = (supervisor !== undefined ? Promise.resolve([]) : down(ctx))
    .then(
      (stopped) => {
        if (stopped.length) console.error(`Stopped ${stopped.join(', ')}.`);
      },
      (err: unknown) => console.error(`rdx: stopping: ${err instanceof Error ? err.message : String(err)}`),
    )
    .finally(() => {
      unmark();
      process.exit(130);
    });
}

/** A stop made while a start works ends it (under-way.ts): the start says so, and leaves the rest to that stop. */
function endedByStop(): void {
  console.error(
    `\nrdx: a stop (${commandForThisNetwork('npm stop')}) ended this start; that stop stops what it had started.`,
  );
  process.exit(143);
}

/**
 * The start under its mark: everything up, and a supervisor running in the background (--detach) or already. For
 * an attached start, returns the supervising it goes on to, once the mark is gone.
 */
async function startMarked(
  config: NetworkConfig,
  line: CommandLine,
): Promise<(() => Promise<void>) | undefined> {
  const ctx = await context(config);
  // The code this process loaded: a rebuild while it runs (the start takes a while) is the next start's to see.
  const code = codeId(ctx.config.repoRoot, 'network');
  const org = line.option('--org');
  const orgs = org?.split(',');
  for (const o of orgs ?? []) {
    if (!ctx.topology.orgs.some((x) => x.mspId === o))
      throw new PlatformError(
        `--org ${o}: unknown org; one of ${ctx.topology.orgs.map((x) => x.mspId).join(', ')}`,
      );
  }
  if (runningPid(ctx.paths, SUPERVISOR)) {
    console.log(
      `RDX is already running (${commandForThisNetwork('npm run status')} shows it; ${commandForThisNetwork('npm stop')} stops it). Checking that all is up…`,
    );
  }
  await up(ctx, { orgs, withGateway: true, demo: !line.has('--no-demo') });
  await replaceOutdatedSupervisor(ctx, code);
  printWhere(ctx);
  const running = runningPid(ctx.paths, SUPERVISOR);
  if (running !== undefined) {
    // One supervisor at a time: it alone is what `npm stop` stops.
    console.log(
      `Running in the background, supervised by pid ${running}. Stop with: ${commandForThisNetwork('npm stop')}`,
    );
    return undefined;
  }
  if (line.has('--detach')) {
    const pid = startDaemon(
      ctx.paths,
      SUPERVISOR,
      process.execPath,
      [process.argv[1]!, 'supervise', ...(org ? ['--org', org] : [])],
      process.env,
    );
    recordSupervisorCode(ctx, pid, code);
    console.log(`Running in the background. Stop with: ${commandForThisNetwork('npm stop')}`);
    return undefined;
  }
  return () => supervise(ctx, org, code);
}

function printWhere(ctx: NetworkContext): void {
  const url = gatewayUrl(ctx);
  console.log('');
  console.log(`RDX is up.`);
  console.log(
    `  API gateway        ${url}   (API description: ${url}/openapi.json, readiness: ${url}/readyz)`,
  );
  console.log(
    `  Console            ${url}/console/   (regulator, enterprise, opening body and public views)`,
  );
  if (gatewayServesHttps(ctx))
    console.log(
      fs.existsSync(gatewayRootCertificate(ctx))
        ? `  HTTPS root         ${gatewayRootCertificate(ctx)}   (callers trust it: RDX_GATEWAY_CA for rdx, gatewayCa in the SDK, curl --cacert)`
        : "  HTTPS root         not on this host yet: import the bureau's definition (rdx-network org import <file> --fingerprint BureauMSP=<…>), which carries it",
    );
  console.log(`  Demo credentials   ${ctx.paths.home}/demo/enterprises.json, regulators.json, bodies.json`);
  console.log(
    `  CLI                npx rdx --help   (identities: npx rdx identities)` +
      // rdx reaches http://127.0.0.1:3000 unless told otherwise: a walk-through on other ports failed at its first call.
      (url === 'http://127.0.0.1:3000' ? '' : `; for this gateway: export RDX_GATEWAY_URL=${url}`),
  );
  console.log(
    `  Ledger             channel ${ctx.topology.channel}, chaincode ${ctx.topology.chaincodeName}; data and logs in ${ctx.paths.home}`,
  );
  console.log(`  Every process, port and block height: ${commandForThisNetwork('npm run status')}`);
}

async function stop(): Promise<void> {
  const config = loadConfig();
  const paths = pathsFor(config);
  const { unmark, endedStart } = await markStop(paths);
  try {
    if (endedStart !== undefined) console.log(`Ended the start under way (pid ${endedStart}).`);
    // The supervisor stops its children itself; whatever is left (or a crashed supervisor's children) goes next.
    const supervised = await stopDaemon(paths, SUPERVISOR, 60_000);
    const ctx = { config, paths, topology: topologyFor(config) } as NetworkContext;
    const stopped = await down(ctx);
    if (supervised) console.log('Stopped RDX: the supervisor stopped every process it ran.');
    if (stopped.length) console.log(`Stopped ${stopped.join(', ')}.`);
    if (!supervised && !stopped.length) console.log('Nothing was running.');
    console.log(
      `Ledger data is kept; ${startForThisNetwork()} resumes, ${commandForThisNetwork('npm run reset')} wipes it.`,
    );
  } finally {
    unmark();
  }
}

async function reset(): Promise<void> {
  const config = loadConfig();
  const paths = pathsFor(config);
  const ctx = { config, paths, topology: topologyFor(config) } as NetworkContext;
  const { unmark, endedStart } = await markStop(paths);
  try {
    if (endedStart !== undefined) console.log(`Ended the start under way (pid ${endedStart}).`);
    await stopDaemon(paths, SUPERVISOR, 60_000);
    await down(ctx);
    fs.rmSync(paths.home, { recursive: true, force: true });
  } finally {
    unmark(); // the home is gone with its mark, unless removing it failed
  }
  console.log(`Removed ${paths.home}: ledgers, crypto, logs. The next npm start creates a new network.`);
}

async function main(): Promise<void> {
  // Before anything is created: what this process and every process it starts writes is the owner's only.
  usePrivateUmask();
  // Checked before anything runs: a mistyped or unknown option does nothing rather than the command without it.
  const line = checkCommandLine(process.argv.slice(2));
  // A command of two words (`channel sign`) is one of the consortium's groups.
  switch (line.command.includes(' ') ? 'consortium' : line.command) {
    case 'help':
      console.log(USAGE);
      return;
    case 'start':
      return start(line);
    case 'stop':
      return stop();
    case 'reset':
      return reset();
    case 'status':
      return printStatus(await context());
    case 'deploy': {
      const ctx = await context();
      // As a start does: the bureau's host commits what enough approved; another org's host only approves.
      // (Approving alone, as this once did everywhere, restarted the chaincode servers with a package the
      // channel did not run yet: every transaction then failed until someone committed.)
      const bureau = ctx.topology.orgs.find((o) => o.mspId === 'BureauMSP');
      const commit = bureau !== undefined && isLocalOrg(ctx.paths, bureau);
      const result = await deployChaincode(ctx, { commit });
      const pending = result.waitingFor.length ? ` Not approved yet by ${result.waitingFor.join(', ')}.` : '';
      console.log(
        !result.changed
          ? `Chaincode ${result.label} is already deployed (sequence ${result.sequence}).`
          : result.committed
            ? `Deployed ${result.label} as sequence ${result.sequence}.${pending}`
            : `Approved ${result.label} (sequence ${result.sequence}) here; the bureau commits it once a majority of members approved, the bureau among them.${pending}`,
      );
      return;
    }
    case 'binaries': {
      // Finds or builds the Fabric binaries only: CI runs it as a stage of its own to time the build.
      const config = loadConfig();
      const install = await ensureFabricBinaries(config, (l) => console.log(l));
      for (const [name, file] of Object.entries(install.bin)) console.log(`  ${name.padEnd(17)} ${file}`);
      console.log(`  config            ${install.configDir}`);
      return;
    }
    case 'consortium':
      return consortiumCommand(await context(), line);
    case 'supervise':
      return supervise(await context(), line.option('--org'));
    case 'processes':
      console.log(processNames({ topology: topologyFor(loadConfig()) } as NetworkContext).join('\n'));
      return;
    default:
      throw new UsageError(`unknown command: ${line.command}`);
  }
}

main().catch((err: unknown) => {
  // An interrupted start's steps fail as it stops what it started (a launch refused, a tool killed by the same
  // Ctrl-C): that stop ends the process, and says why.
  if (interrupting) return;
  if (err instanceof UsageError) {
    console.error(`rdx-network: ${err.message}\n${USAGE}`);
    process.exitCode = 1;
    return;
  }
  const known =
    err instanceof ConfigError ||
    err instanceof FabricBinariesError ||
    err instanceof PlatformError ||
    err instanceof TopologyError ||
    err instanceof OrgDefinitionError;
  if (known || err instanceof CommandError || err instanceof Error) console.error(`\nrdx: ${err.message}`);
  else console.error(err);
  if (!known) {
    let logs = '.rdx/logs/';
    try {
      logs = `${pathsFor(loadConfig()).home}/logs/`;
    } catch {
      /* the configuration itself is what failed: the default home is the best hint */
    }
    console.error(
      `Logs of every process are in ${logs}. If an earlier run was cut short, try ${commandForThisNetwork('npm stop')}, then ${startForThisNetwork()}.`,
    );
  }
  process.exitCode = known ? 1 : 2;
});
