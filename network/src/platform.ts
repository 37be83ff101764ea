/**
 * Bringing the whole platform up and down, in dependency order: CAs → crypto → orderers → peers → channel →
 * chaincode → gateway. Each step is safe to repeat, so a run interrupted half way resumes where it stopped.
 */
import fs from 'node:fs';
import { writeFileAtomic } from '@rdx/client';
import { defaultMetricsPort, METRICS_HOST } from '@rdx/gateway';
import path from 'node:path';
import { caLaunch, startCa, enrollOrg } from './ca.js';
import {
  createGenesisBlock,
  joinOrderers,
  joinPeers,
  peerHeight,
  waitChannelReady,
  waitGossip,
  waitPeerKnows,
} from './channel.js';
import {
  channelMembers,
  fetchGenesisBlock,
  lastConfigBlockNumber,
  localAdminOrg,
} from './consortium/channel-config.js';
import { exportOrg, isLocalOrg } from './consortium/org-definition.js';
import { serviceLaunch, withOperatorSettings } from './operator-settings.js';
import { deployChaincode, startChaincodeServers, startEnrolledChaincodeServers } from './chaincode-deploy.js';
import { CLERK_PROCESS, startClerk } from './clerk-process.js';
import { makeOwnFolder, makePrivate } from './home-permissions.js';
import { setUpLedger } from './ledger-setup.js';
import { writeWallet } from './ledger-client.js';
import { seedDemo, demoDir } from './demo/demo-seed.js';
import {
  GATEWAY_ID,
  gatewayDataDir,
  gatewayMetricsHeaders,
  gatewayMetricsUrl,
  gatewayRootCertificate,
  gatewayServesHttps,
  gatewayUrl,
} from './platform-paths.js';
import { trustGatewayRoot } from './gateway-trust.js';

export { gatewayDataDir, gatewayMetricsHeaders, gatewayMetricsUrl, gatewayRootCertificate, gatewayUrl };
import type { NetworkContext } from './context.js';
import { NODE_SETTINGS_NOT_COMPARED, ordererEnv, peerEnv } from './node-env.js';
import { nodeHealthy } from './operations.js';
import { ensureLaunched, startLaunch, type Launch } from './launch.js';
import { levelEach, restartedAlone } from './consenter-catch-up.js';
import {
  awaitedLater,
  httpStatus,
  PlatformError,
  portHeld,
  refuseHeldPort,
  stopDaemon,
  tcpOpen,
  waitUntil,
} from './proc.js';

export { httpStatus, PlatformError };
import { markPhase, readState, recordConsensus } from './state.js';
import type { NodeSpec } from './topology.js';
import { nodesOf, OPS_HOST, orgOf, peerOrgs } from './topology.js';

export const GATEWAY_PROCESS = 'gateway';

/**
 * Refuses to start a node whose port another program holds: that would hang or join the wrong network. A node
 * restarted at once (certificate renewal) may find its port still held for a moment by the process that just
 * stopped ({@link portHeld}).
 */
async function assertPortsFree(ctx: NetworkContext, node: NodeSpec): Promise<void> {
  const ports = [node.port, node.chaincodePort].map((port) => ({ host: node.host, port }));
  const onLoopback = [node.opsPort, node.adminPort].map((port) => ({ host: OPS_HOST, port }));
  for (const { host, port } of [...ports, ...onLoopback]) {
    if (port === undefined) continue;
    if (await portHeld(host, port)) {
      throw new PlatformError(
        `Port ${port} on ${host}, needed by ${node.name}, is already in use by another program. ` +
          `Stop that program, or choose another port block with RDX_BASE_PORT.`,
      );
    }
  }
}

/**
 * Ready means both: the operations endpoint answers /healthz, and the node's own port accepts connections
 * (the operations server comes up first; a `peer channel` call made in between is refused).
 */
/**
 * Up means serving. An orderer binds its main port early but serves it, and opens its admin port, only after
 * its consensus has started: a restarted BFT consenter first tries to sync from the others (SyncOnStart), and
 * osnadmin calls made before that are refused.
 */
function nodeReady(ctx: NetworkContext, node: NodeSpec): () => Promise<boolean> {
  return async () =>
    (await nodeHealthy(ctx.paths, ctx.topology, node)) &&
    (await tcpOpen(node.host, node.port)) &&
    (node.kind !== 'orderer' || (await tcpOpen(OPS_HOST, node.adminPort!)));
}

/** How a peer or an orderer is started: the binary, and its whole configuration in its environment. */
function nodeLaunch(ctx: NetworkContext, node: NodeSpec): Launch {
  const peer = node.kind === 'peer';
  return {
    name: node.name,
    cmd: peer ? ctx.install.bin.peer : ctx.install.bin.orderer,
    args: peer ? ['node', 'start'] : [],
    env: peer
      ? peerEnv(ctx.install, ctx.paths, ctx.topology, node)
      : ordererEnv(ctx.install, ctx.paths, ctx.topology, node),
    notCompared: NODE_SETTINGS_NOT_COMPARED,
  };
}

/** Starts a node unless it runs as this release would start it; true when this call launched it. */
async function startNode(ctx: NetworkContext, node: NodeSpec): Promise<boolean> {
  const launch = nodeLaunch(ctx, node);
  const started = await ensureLaunched(ctx.paths, launch, ctx.log, async () => {
    await assertPortsFree(ctx, node);
    fs.mkdirSync(ctx.paths.nodeData(node.name), { recursive: true });
    startLaunch(ctx.paths, launch);
  });
  await waitUntil(nodeReady(ctx, node), {
    what: started ? `${node.name} /healthz and port ${node.port}` : node.name,
    timeoutMs: 60_000,
    processName: node.name,
    paths: ctx.paths,
  });
  return started;
}

/**
 * An org on its own host: its CA started (initialised on first start), every identity enrolled, and its public
 * definition exported (`export/<MSP>.org.json`) for the other orgs to import. Its keys never leave this home.
 */
export async function initOrg(ctx: NetworkContext, mspId: string): Promise<string> {
  const ca = nodesOf(ctx.topology, 'ca', mspId)[0];
  if (!ca) throw new PlatformError(`${mspId} has no CA in the topology`);
  await startProcess(ctx, ca);
  await enrollOrg(ctx.install, ctx.paths, ctx.topology, orgOf(ctx.topology, mspId), ca);
  return exportOrg(ctx, mspId).file;
}

/** Waits until each of `peers` holds the channel's last config block (its height is past that block). */
async function waitPeersHaveConfig(ctx: NetworkContext, peers: NodeSpec[]): Promise<void> {
  const last = await lastConfigBlockNumber(ctx, localAdminOrg(ctx));
  await Promise.all(
    peers.map((peer) =>
      waitUntil(async () => ((await peerHeight(ctx, peer)) ?? 0) > last, {
        what: `${peer.name} catching up to the channel's configuration (block ${last})`,
        timeoutMs: 120_000,
        pollMs: 500, // each check runs `peer channel getinfo`
        processName: peer.name,
        paths: ctx.paths,
      }),
    ),
  );
}

/** The channel's first block, fetched from the orderers by this host's org (already a member). */
async function genesisFromOrderers(ctx: NetworkContext): Promise<string> {
  const block = ctx.paths.genesisBlock(ctx.topology.channel);
  if (fs.existsSync(block)) return block;
  fs.mkdirSync(path.dirname(block), { recursive: true });
  await fetchGenesisBlock(ctx, localAdminOrg(ctx), `${block}.tmp`);
  fs.renameSync(`${block}.tmp`, block);
  return block;
}

/** Starts one process of any kind that is not running (used by `up` and by the supervisor to restart). */
export async function startProcess(ctx: NetworkContext, node: NodeSpec): Promise<void> {
  if (node.kind === 'ca') {
    const org = orgOf(ctx.topology, node.mspId);
    // Nothing runs on a CA server but enrolments, none of them under way here: one running otherwise than this
    // release starts it (from before one of its purpose CAs) is restarted at once.
    await ensureLaunched(ctx.paths, caLaunch(ctx.install, ctx.paths, org, node), ctx.log, async () => {
      await assertPortsFree(ctx, node);
      await startCa(ctx.install, ctx.paths, org, node);
    });
  } else if (node.kind === 'chaincode') {
    await startChaincodeServers(ctx, false, node.mspId);
  } else {
    await startNode(ctx, node);
  }
}

function checkHalfFinished(ctx: NetworkContext): void {
  const state = readState(ctx.paths);
  if (state.phases.includes('crypto')) {
    for (const org of ctx.topology.orgs) {
      if (!fs.existsSync(ctx.paths.caCert(org.short))) {
        throw new PlatformError(
          `${ctx.paths.home} says crypto was created, but ${org.short}'s CA certificate is missing. ` +
            'The folder was changed by hand or an earlier run was cut short: run `npm run reset` and start again.',
        );
      }
    }
  }
}

export interface UpOptions {
  /**
   * Start only these orgs' nodes (a network spread over several hosts: each host starts its own orgs, from
   * its own home, which holds only their keys and the other orgs' public definitions).
   */
  orgs?: string[];
  withGateway: boolean;
  /** Seed the demo datasets, enterprises and grants where missing. */
  demo: boolean;
}

/**
 * Refuses a home another user could have made or could change (home-permissions.ts), asked again once this
 * process has made it: someone making it between the first question and `mkdir` is caught by the second.
 */
export function requireOwnHome(home: string): void {
  makeOwnFolder(
    home,
    (why) =>
      new PlatformError(
        `${home} is no place for the network's keys and secrets: ${why}. Set RDX_HOME to a folder of your own.`,
      ),
  );
}

export async function up(ctx: NetworkContext, opts: UpOptions): Promise<void> {
  requireOwnHome(ctx.paths.home);
  checkHalfFinished(ctx);
  const opened = makePrivate(ctx.paths.home);
  if (opened > 0) ctx.log(`Made ${opened} files and folders under ${ctx.paths.home} private to their owner`);
  const only = opts.orgs;
  const inScope = (n: NodeSpec): boolean => !only || only.includes(n.mspId);
  const whole = !only;
  const started = Date.now();
  const step = (what: string): void => ctx.log(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${what}`);

  recordConsensus(ctx.paths, ctx.topology.consensus);
  // On a restart the chaincode servers load the contract while the nodes start (awaited at their step).
  const serversStarting = awaitedLater(startEnrolledChaincodeServers(ctx));
  step('Certificate authorities');
  // On one machine every founding org is local; on its own host, an org (`--org`) and nothing else.
  const cas = nodesOf(ctx.topology, 'ca').filter((n) =>
    whole ? !orgOf(ctx.topology, n.mspId).joinsLater : inScope(n),
  );
  // Each org's CA, identities and files are its own: the orgs enrol at the same time.
  await Promise.all(cas.map((ca) => initOrg(ctx, ca.mspId)));
  if (whole) markPhase(ctx.paths, 'crypto');
  writeWallet(ctx.paths, ctx.topology);
  const local = (n: NodeSpec): boolean => inScope(n) && isLocalOrg(ctx.paths, orgOf(ctx.topology, n.mspId));

  const orderers = nodesOf(ctx.topology, 'orderer').filter(local);
  if (orderers.length) step(`Orderers (${ctx.topology.consensus === 'bft' ? 'BFT' : 'Raft'})`);
  const launched = await Promise.all(orderers.map((n) => startNode(ctx, n)));
  const toLevel = await restartedAlone(
    ctx,
    orderers.filter((_, i) => launched[i]),
  );
  const peers = nodesOf(ctx.topology, 'peer').filter(local);
  step('Peers');
  await Promise.all(peers.map((n) => startNode(ctx, n)));

  step(`Channel ${ctx.topology.channel}`);
  // The host of the ordering service creates the channel; every other host fetches its first block.
  const createsChannel = orderers.some((o) => o.mspId === 'OrdererMSP');
  const block = createsChannel ? await createGenesisBlock(ctx) : await genesisFromOrderers(ctx);
  if (orderers.length) await joinOrderers(ctx, block, orderers);
  // Each org's peer joins (or is found joined) by its own admin: the orgs at once.
  const orgsHere = [...new Set(peers.map((p) => p.mspId))];
  const joined = (await Promise.all(orgsHere.map((org) => joinPeers(ctx, block, org)))).flat();
  // Joined now from the first block, a peer knows the orgs added since only once it has their config block:
  // until then it refuses its own org's admin ("creator org unknown"), the chaincode approval below included.
  if (!createsChannel && joined.length) await waitPeersHaveConfig(ctx, joined);
  if (whole) markPhase(ctx.paths, 'channel');
  // A restarted Raft cluster elects its leader only after an election timeout (2.5–5 s), and peers learn of
  // each other through gossip (0–2 s; 5 s more when two peers dial each other at once). Neither holds up what
  // only reads: the chaincode servers, the chaincode and ledger checks (on a restart, usually all done), the
  // gateway. A write waits: a chaincode approval (the peer CLI names its endorsing peers) for the leader, a
  // transaction for the leader and for endorsers of other orgs found by discovery.
  const settledAt = async (wait: Promise<void>): Promise<string> => {
    await wait;
    return `${((Date.now() - started) / 1000).toFixed(1)}s`;
  };
  const ordering = orderers.length ? settledAt(waitChannelReady(ctx)) : Promise.resolve(undefined);
  const writable = awaitedLater(Promise.all([ordering, whole ? settledAt(waitGossip(ctx)) : undefined]));
  step('Chaincode servers');
  await serversStarting;
  await startChaincodeServers(ctx, false);
  const bureauHere = peers.some((p) => p.mspId === 'BureauMSP');
  step('Chaincode');
  // The bureau commits a definition a majority of the members approved, itself among them; every other org approves on its host.
  const deployed = await deployChaincode(ctx, { commit: bureauHere, writable: ordering });
  ctx.log(
    `  chaincode ${ctx.topology.chaincodeName} ${deployed.version} (sequence ${deployed.sequence})${deployed.changed ? '' : ', unchanged'}`,
  );
  if (!whole && bureauHere && deployed.committed) {
    step('Peers discover each other (gossip)');
    // The bureau's transactions need a body's peer: discovery must know the members' peers first.
    const others = (await channelMembers(ctx, 'peer')).length - 1;
    const bureauPeer = nodesOf(ctx.topology, 'peer', 'BureauMSP')[0]!;
    if (!(await waitPeerKnows(ctx, bureauPeer, others)))
      ctx.log(`  ${bureauPeer.name} does not know all ${others} other member peers yet; going on`);
  }
  if (bureauHere && deployed.committed) {
    step('Ledger set-up: opening bodies, working-day calendar, the gateway');
    await setUpLedger(ctx, writable);
  }
  const services = opts.withGateway && bureauHere && deployed.committed;
  const seeding = services && whole && opts.demo;
  let clerk: Promise<void> | undefined;
  let demo: Promise<unknown> | undefined;
  if (services) {
    step('Gateway; clerk service (marks expired grants and ratings on the day)');
    // The clerk's process starts beside the gateway's: until something falls due it only reads, and a round whose
    // write finds no leader yet is tried again in 5 s (clerk/src/service.ts).
    clerk = awaitedLater(startClerk(ctx));
    await startGateway(ctx);
    // The demo data is checked while the waits run out: its uploads need the gateway, its writes wait for both.
    if (seeding) {
      step('Demo data: datasets, enterprises A/AA/AAA, grants');
      demo = awaitedLater(
        seedDemo(ctx, writable).then(() =>
          ctx.log(`  demo enterprises and their client credentials: ${demoDir(ctx)}/enterprises.json`),
        ),
      );
    }
  }
  // What is left of the two waits (usually nothing on a restart: the steps above took longer).
  if (orderers.length || whole)
    step(
      `${ctx.topology.consensus === 'bft' ? 'BFT consenters active' : 'Raft leader elected'}; peers discover each other (gossip)`,
    );
  const [leaderAt, gossipAt] = await writable;
  if (leaderAt) ctx.log(`  ordering service ready at ${leaderAt}`);
  if (gossipAt) ctx.log(`  every peer knew the others at ${gossipAt}`);
  // Beside the services' last steps: probes that bring a consenter restarted alone level (consenter-catch-up.ts).
  const levelled = awaitedLater(levelEach(ctx, toLevel));
  if (services) {
    step(`Clerk service${seeding ? ' and demo data' : ''}`);
    await Promise.all([clerk, demo]);
  }
  if (toLevel.length)
    step(
      `${toLevel.map((n) => n.name).join(', ')}, restarted alone: brought level with the other consenters`,
    );
  await levelled;
  step('Ready');
}

/** Whether this home runs the platform's gateway: it holds the bureau, whose host runs it. */
export function runsGatewayHere(ctx: NetworkContext): boolean {
  return isLocalOrg(ctx.paths, orgOf(ctx.topology, 'BureauMSP'));
}

/**
 * The folder of the channel organizations' root certificates, `<MSPID>.pem`, and revocation lists, `<MSPID>.crl`,
 * that the gateway checks admin signatures against (the same roots the channel configuration holds). Rewritten
 * when a body joins, revokes or is imported: the gateway rereads it every 10 s.
 */
export function writeMspRoots(ctx: NetworkContext): string {
  const dir = path.join(gatewayDataDir(ctx), 'msp');
  // Owner-only whatever the caller's umask (a test starting another gateway runs with the shell's): every file
  // under the home is (home-permissions.ts), and the check of it says so.
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const owned = { mode: 0o600 };
  for (const org of peerOrgs(ctx.topology)) {
    if (!fs.existsSync(ctx.paths.caCert(org.short))) continue;
    // Whole or not at all: a running gateway may reread the folder while a joining body rewrites it.
    writeFileAtomic(
      path.join(dir, `${org.mspId}.pem`),
      fs.readFileSync(ctx.paths.caCert(org.short), 'utf8'),
      owned,
    );
    // The org's revocation list beside its root (certs revoke, org import): revoked admins sign nothing.
    const list = ctx.paths.orgRevocationList(org.short);
    if (fs.existsSync(list))
      writeFileAtomic(path.join(dir, `${org.mspId}.crl`), fs.readFileSync(list, 'utf8'), owned);
  }
  return dir;
}

/** Which gateway: its id, port and data folder (the platform's own is gw1 on the topology's port). */
export interface GatewayInstance {
  id: string;
  port: number;
  dataDir: string;
}

/** The environment a gateway process of the bureau runs with (its settings are gateway/src/config.ts). */
export function gatewayEnv(ctx: NetworkContext, instance?: GatewayInstance): NodeJS.ProcessEnv {
  return withOperatorSettings(gatewayOwnEnv(ctx, instance));
}

/** What the platform decides of a gateway's environment (identity, ports, folders), the operator's settings aside. */
function gatewayOwnEnv(ctx: NetworkContext, instance?: GatewayInstance): NodeJS.ProcessEnv {
  const gw = instance ?? { id: GATEWAY_ID, port: ctx.topology.gateway.port, dataDir: gatewayDataDir(ctx) };
  const bureau = orgOf(ctx.topology, 'BureauMSP');
  const peer = nodesOf(ctx.topology, 'peer', 'BureauMSP')[0]!;
  const msp = ctx.paths.identityMsp(bureau.short, 'gateway');
  const tlsDir = ctx.paths.identityTls(bureau.short, 'gateway');
  const httpsDir = ctx.paths.identityHttps(bureau.short, 'gateway');
  return {
    PATH: process.env.PATH,
    RDX_GATEWAY_HOST: ctx.topology.gateway.host,
    RDX_GATEWAY_PORT: String(gw.port),
    // The platform's from the topology (RDX_GATEWAY_METRICS_PORT reaches it there); another gateway's at the
    // default for its own port, never the operator's setting: the bench's and the tests' run beside the platform's.
    RDX_GATEWAY_METRICS_PORT: String(
      instance ? defaultMetricsPort(instance.port) : ctx.topology.gateway.metricsPort,
    ),
    RDX_GATEWAY_MSP_ID: bureau.mspId,
    RDX_GATEWAY_CERT: path.join(msp, 'signcerts', 'cert.pem'),
    RDX_GATEWAY_KEY: path.join(msp, 'keystore', 'key.pem'),
    RDX_GATEWAY_TLS_CERT: path.join(tlsDir, 'server.crt'),
    RDX_GATEWAY_TLS_KEY: path.join(tlsDir, 'server.key'),
    // Beyond loopback it serves HTTPS with its pair from the bureau's gateway CA, issued for the gateway's host.
    ...(gatewayServesHttps(ctx)
      ? {
          RDX_GATEWAY_HTTPS_CERT: path.join(httpsDir, 'server.crt'),
          RDX_GATEWAY_HTTPS_KEY: path.join(httpsDir, 'server.key'),
        }
      : {}),
    RDX_PEER_ENDPOINT: `${peer.host}:${peer.port}`,
    RDX_PEER_TLS_ROOT: ctx.paths.caCert(bureau.short),
    RDX_CHANNEL: ctx.topology.channel,
    RDX_CHAINCODE: ctx.topology.chaincodeName,
    RDX_GATEWAY_ID: gw.id,
    RDX_GATEWAY_DATA: gw.dataDir,
    RDX_MSP_DIR: writeMspRoots(ctx),
  };
}

export async function startGateway(ctx: NetworkContext): Promise<void> {
  const { host, port } = ctx.topology.gateway;
  const launch = serviceLaunch(GATEWAY_PROCESS, ctx.config.repoRoot, 'gateway', gatewayOwnEnv(ctx));
  await ensureLaunched(ctx.paths, launch, ctx.log, async () => {
    await refuseHeldPort({ host, port }, 'the gateway', 'RDX_GATEWAY_PORT');
    await refuseHeldPort(
      { host: METRICS_HOST, port: ctx.topology.gateway.metricsPort },
      "the gateway's metrics",
      'RDX_GATEWAY_METRICS_PORT',
    );
    startLaunch(ctx.paths, launch);
  });
  trustGatewayRoot(ctx);
  await waitUntil(async () => (await httpStatus(`${gatewayUrl(ctx)}/readyz`)) === 200, {
    what: 'gateway /readyz',
    timeoutMs: 60_000,
    processName: GATEWAY_PROCESS,
    paths: ctx.paths,
  });
}

/** Every process name in start order. Stopping goes in reverse. */
export function processNames(ctx: NetworkContext): string[] {
  const byKind = (k: NodeSpec['kind']): string[] => nodesOf(ctx.topology, k).map((n) => n.name);
  return [
    ...byKind('ca'),
    ...byKind('orderer'),
    ...byKind('peer'),
    ...byKind('chaincode'),
    GATEWAY_PROCESS,
    CLERK_PROCESS,
  ];
}

export async function down(ctx: NetworkContext): Promise<string[]> {
  const stopped: string[] = [];
  for (const name of processNames(ctx).reverse()) {
    if (await stopDaemon(ctx.paths, name)) stopped.push(name);
  }
  return stopped;
}
