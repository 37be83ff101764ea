/**
 * Channel `opendata` without a system channel: configtxgen writes the genesis block (anchor peers included),
 * each orderer joins it through its admin endpoint (osnadmin), each peer joins with `peer channel join`.
 * Every step checks first, so a rerun after an interruption finishes what is missing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ordererAdminPair } from './ca.js';
import type { NetworkContext } from './context.js';
import { writeConfigtx, PROFILE } from './configtx.js';
import { address, peerAdminEnv } from './node-env.js';
import { run, sleep } from './proc.js';
import type { NodeSpec } from './topology.js';
import { adminAddress, foundingOrgs, nodesOf, orgOf } from './topology.js';
import { nodeMetrics } from './operations.js';

export async function createGenesisBlock(ctx: NetworkContext): Promise<string> {
  const block = ctx.paths.genesisBlock(ctx.topology.channel);
  if (fs.existsSync(block)) return block;
  const unknown = foundingOrgs(ctx.topology).filter((o) => !fs.existsSync(ctx.paths.caCert(o.short)));
  if (unknown.length)
    throw new Error(
      `the channel's founding organizations must be known here first: import the definitions of ${unknown.map((o) => o.mspId).join(', ')} (rdx-network org import <file> --fingerprint <MSP>=<fingerprint its administrators gave>)`,
    );
  const cfgDir = writeConfigtx(ctx.paths, ctx.topology, {
    batchTimeout: ctx.config.batchTimeout,
    maxMessageCount: 100,
  });
  await run(
    ctx.install.bin.configtxgen,
    ['-profile', PROFILE, '-outputBlock', `${block}.tmp`, '-channelID', ctx.topology.channel],
    { env: { PATH: process.env.PATH, FABRIC_CFG_PATH: cfgDir } },
  );
  fs.renameSync(`${block}.tmp`, block);
  return block;
}

/**
 * osnadmin arguments authenticating as the orderer org's admin, with its pair from the org's orderer admin CA:
 * the only client certificates an orderer's admin endpoint takes. The endpoint's own certificate is the
 * orderer's, from the org's CA.
 */
function osnadminArgs(ctx: NetworkContext, orderer: NodeSpec): string[] {
  const org = orgOf(ctx.topology, orderer.mspId);
  const pair = ordererAdminPair(ctx.paths, org);
  return [
    '-o',
    adminAddress(orderer),
    '--ca-file',
    ctx.paths.caCert(org.short),
    '--client-cert',
    path.join(pair, 'server.crt'),
    '--client-key',
    path.join(pair, 'server.key'),
  ];
}

export interface OrdererChannelInfo {
  name: string;
  status: string;
  consensusRelation: string;
  height: number;
}

export async function ordererChannelInfo(
  ctx: NetworkContext,
  orderer: NodeSpec,
): Promise<OrdererChannelInfo | undefined> {
  try {
    const out = await run(
      ctx.install.bin.osnadmin,
      ['channel', 'list', '--channelID', ctx.topology.channel, ...osnadminArgs(ctx, orderer)],
      { timeoutMs: 10_000 },
    );
    // osnadmin prints "Status: <http status>" then the JSON body; a 404 body is {"error": "..."}.
    if (!/Status: 200\b/.test(out)) return undefined;
    return JSON.parse(out.slice(out.indexOf('{'))) as OrdererChannelInfo;
  } catch {
    return undefined;
  }
}

/** Joins `orderers` (this host's) to the channel through their admin endpoints. */
export async function joinOrderers(
  ctx: NetworkContext,
  block: string,
  orderers = nodesOf(ctx.topology, 'orderer'),
): Promise<void> {
  // All at once: a consenter that joins starts its chain at once, and under SmartBFT one that joined seconds
  // before the others reaches them only after its first refused messages.
  await Promise.all(
    orderers.map(async (orderer) => {
      if (await ordererChannelInfo(ctx, orderer)) return;
      ctx.log(`  ${orderer.name} joins ${ctx.topology.channel}`);
      await run(
        ctx.install.bin.osnadmin,
        [
          'channel',
          'join',
          '--channelID',
          ctx.topology.channel,
          '--config-block',
          block,
          ...osnadminArgs(ctx, orderer),
        ],
        { timeoutMs: 30_000 },
      );
    }),
  );
}

export async function peerHeight(ctx: NetworkContext, peer: NodeSpec): Promise<number | undefined> {
  try {
    const out = await run(ctx.install.bin.peer, ['channel', 'getinfo', '-c', ctx.topology.channel], {
      env: peerAdminEnv(ctx.install, ctx.paths, ctx.topology, peer),
      timeoutMs: 10_000,
    });
    const match = /"height":(\d+)/.exec(out);
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** Joins the peers (of `onlyOrg`) not on the channel yet to it from `block`; returns those it joined. */
export async function joinPeers(ctx: NetworkContext, block: string, onlyOrg?: string): Promise<NodeSpec[]> {
  const joined: NodeSpec[] = [];
  for (const peer of nodesOf(ctx.topology, 'peer', onlyOrg)) {
    const env = peerAdminEnv(ctx.install, ctx.paths, ctx.topology, peer);
    const list = await run(ctx.install.bin.peer, ['channel', 'list'], { env, timeoutMs: 15_000 });
    if (list.split('\n').some((l) => l.trim() === ctx.topology.channel)) continue;
    ctx.log(`  ${peer.name} (${address(peer)}) joins ${ctx.topology.channel}`);
    await run(ctx.install.bin.peer, ['channel', 'join', '-b', block], { env, timeoutMs: 30_000 });
    joined.push(peer);
  }
  return joined;
}

/** True when the orderer's Prometheus metrics say it leads the channel's Raft cluster. */
export async function isRaftLeader(ctx: NetworkContext, orderer: NodeSpec): Promise<boolean> {
  const text = await nodeMetrics(ctx.paths, ctx.topology, orderer);
  return !!text?.includes(`consensus_etcdraft_is_leader{channel="${ctx.topology.channel}"} 1`);
}

/**
 * Waits until the Raft cluster `orderer` belongs to has a leader and `orderer` has heard from one since it started
 * (its `leader_changes` counter starts at 0 with the process). Until then a restarted orderer refuses to deliver
 * blocks (SERVICE_UNAVAILABLE), and while no orderer leads every submission is refused. Asks the orderers of
 * `orderer`'s org only: Raft's consenters are all the ordering org's, on its host. False if it gives up.
 */
export async function waitRaftLeaderKnown(
  ctx: NetworkContext,
  orderer: NodeSpec,
  timeoutMs = 60_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const changes = new RegExp(
    `^consensus_etcdraft_leader_changes\\{channel="${ctx.topology.channel}"\\} (\\d+)$`,
    'm',
  );
  for (;;) {
    const seen = Number(changes.exec((await nodeMetrics(ctx.paths, ctx.topology, orderer)) ?? '')?.[1] ?? 0);
    const led =
      seen > 0 &&
      (
        await Promise.all(nodesOf(ctx.topology, 'orderer', orderer.mspId).map((o) => isRaftLeader(ctx, o)))
      ).some(Boolean);
    if (led) return true;
    if (Date.now() > deadline) return false;
    await sleep(250);
  }
}

/** The channel's block height on one orderer, from its metrics; undefined if it does not answer. */
export async function ordererHeight(ctx: NetworkContext, orderer: NodeSpec): Promise<number | undefined> {
  const match = new RegExp(
    `^ledger_blockchain_height\\{channel="${ctx.topology.channel}"\\} (\\d+)$`,
    'm',
  ).exec((await nodeMetrics(ctx.paths, ctx.topology, orderer)) ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * Waits until `orderer` holds every block the other reachable orderers hold. A restarted SmartBFT consenter
 * misses the rounds ordered while the others' connections to it were being re-established, and catches up only
 * at its next sync; until then it cannot vouch for the latest decision, and were it the next leader when the
 * current one fails, the view change would not complete. Returns the heights seen when it gives up.
 */
export async function waitOrdererCaughtUp(
  ctx: NetworkContext,
  orderer: NodeSpec,
  timeoutMs = 60_000,
): Promise<{ caughtUp: boolean; heights: Record<string, number | undefined> }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const orderers = nodesOf(ctx.topology, 'orderer');
    const heights = Object.fromEntries(
      await Promise.all(orderers.map(async (o) => [o.name, await ordererHeight(ctx, o)] as const)),
    );
    const own = heights[orderer.name];
    const highest = Math.max(...Object.values(heights).map((h) => h ?? 0));
    if (own !== undefined && own >= highest) return { caughtUp: true, heights };
    if (Date.now() > deadline) return { caughtUp: false, heights };
    await sleep(500);
  }
}

/**
 * Waits until every running orderer is an active consenter and the Raft cluster has a leader: before that,
 * every submission is refused with "no Raft leader".
 */
export async function waitChannelReady(ctx: NetworkContext, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const orderers = nodesOf(ctx.topology, 'orderer');
  for (;;) {
    const infos = await Promise.all(orderers.map((o) => ordererChannelInfo(ctx, o)));
    const active = infos.every((i) => i?.status === 'active' && i.consensusRelation === 'consenter');
    // SmartBFT has a leader from the first view on; Raft elects one, whose metric says so.
    const led =
      ctx.topology.consensus === 'bft' ||
      (await Promise.all(orderers.map((o) => isRaftLeader(ctx, o)))).some(Boolean);
    if (active && led) return;
    if (Date.now() > deadline) {
      throw new Error(
        `channel ${ctx.topology.channel} has no active ${ctx.topology.consensus === 'bft' ? 'BFT consenters' : 'Raft leader'} after ${timeoutMs / 1000}s: ${JSON.stringify(infos)}`,
      );
    }
    await sleep(250);
  }
}

/** How many other peers this peer knows on the channel, from its gossip metrics; undefined if unreachable. */
async function knownPeers(ctx: NetworkContext, peer: NodeSpec): Promise<number | undefined> {
  const text = await nodeMetrics(ctx.paths, ctx.topology, peer);
  if (text === undefined) return undefined;
  const match = new RegExp(
    `gossip_membership_total_peers_known\\{channel="${ctx.topology.channel}"\\} (\\d+)`,
  ).exec(text);
  return match ? Number(match[1]) : 0;
}

/**
 * Waits until `peer` knows `others` other peers of the channel through gossip (service discovery finds an
 * endorser of another org only then). Gives up quietly after the timeout: a member whose peer is not up yet
 * must not hold up the others.
 */
export async function waitPeerKnows(
  ctx: NetworkContext,
  peer: NodeSpec,
  others: number,
  timeoutMs = 60_000,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (((await knownPeers(ctx, peer)) ?? 0) >= others) return true;
    await sleep(250);
  }
  return false;
}

/**
 * Waits until every peer knows every other peer through gossip. Until then service discovery cannot find
 * endorsers in the other orgs, and a submission fails with "no combination of peers".
 */
export async function waitGossip(ctx: NetworkContext, timeoutMs = 60_000): Promise<void> {
  const founders = new Set(foundingOrgs(ctx.topology).map((o) => o.mspId));
  const peers = nodesOf(ctx.topology, 'peer').filter((p) => founders.has(p.mspId));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const known = await Promise.all(peers.map((p) => knownPeers(ctx, p)));
    if (known.every((k) => k === peers.length - 1)) return;
    if (Date.now() > deadline) {
      const detail = peers.map((p, i) => `${p.name} knows ${known[i] ?? '?'}`).join(', ');
      throw new Error(
        `gossip has not converged after ${timeoutMs / 1000}s (${detail} of ${peers.length - 1} others)`,
      );
    }
    await sleep(250);
  }
}
