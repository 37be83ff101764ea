/**
 * Certificates expire: Fabric CA issues enrolment, TLS, the gateway's HTTPS and the orderer admins' certificates
 * for a year. `certs status` lists when each of this home's identities expires (and `npm run status` warns 30
 * days ahead); `certs renew --org <MSP>` re-enrols every identity of the org with the key it has (so nothing bound
 * to the key changes: a consenter's place in the channel — Raft and SmartBFT both match consenters by public key —
 * or the chaincode server's TLS identity), then restarts the org's nodes one at a time.
 */
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { purposePairCertificates, reenrollOrg, type PurposePairKind } from './ca.js';
import { isRaftLeader, waitOrdererCaughtUp, waitPeerKnows } from './channel.js';
import { levelEach } from './consenter-catch-up.js';
import { channelMembers } from './consortium/channel-config.js';
import type { NetworkContext } from './context.js';
import { refreshLocalPackage, waitPeerServesChaincode } from './chaincode-deploy.js';
import { isLocalOrg } from './consortium/org-definition.js';
import { setUpLedger } from './ledger-setup.js';
import { writeWallet } from './ledger-client.js';
import { CLERK_PROCESS, startClerk } from './clerk-process.js';
import { GATEWAY_PROCESS, startGateway, startProcess } from './platform.js';
import { whileRestarting } from './launch.js';
import { runningPid, stopDaemon } from './proc.js';
import { nodesOf, orgOf, type NodeSpec, type Topology } from './topology.js';
import type { Paths } from './paths.js';

/** Warn this many days before a certificate expires. */
export const WARN_DAYS = 30;

export interface Expiry {
  org: string;
  identity: string;
  kind: 'enrolment' | 'TLS' | PurposePairKind;
  notAfter: Date;
  daysLeft: number;
}

/** When every certificate of this home's identities expires (each kind above), soonest first. */
export function expiries(paths: Paths, topology: Topology, now = new Date()): Expiry[] {
  const out: Expiry[] = [];
  for (const org of topology.orgs.filter((o) => isLocalOrg(paths, o))) {
    const dir = path.join(paths.orgDir(org.short), 'identities');
    for (const identity of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
      for (const [kind, file] of [
        ['enrolment', path.join(paths.identityMsp(org.short, identity), 'signcerts', 'cert.pem')],
        ['TLS', path.join(paths.identityTls(org.short, identity), 'server.crt')],
        ...purposePairCertificates(paths, org.short, identity),
      ] as const) {
        if (!fs.existsSync(file)) continue;
        const notAfter = new Date(new X509Certificate(fs.readFileSync(file)).validTo);
        const daysLeft = Math.floor((notAfter.getTime() - now.getTime()) / 86_400_000);
        out.push({ org: org.mspId, identity, kind, notAfter, daysLeft });
      }
    }
  }
  return out.sort((a, b) => a.notAfter.getTime() - b.notAfter.getTime());
}

/** One line per certificate that expires within WARN_DAYS (or has), for `npm run status`. */
export function expiryWarnings(paths: Paths, topology: Topology, now = new Date()): string[] {
  return expiries(paths, topology, now)
    .filter((e) => e.daysLeft < WARN_DAYS)
    .map(
      (e) =>
        `${e.daysLeft < 0 ? 'EXPIRED' : `expires in ${e.daysLeft} days`}: ${e.kind} certificate of ${e.identity} (${e.org}), ${e.notAfter.toISOString().slice(0, 10)}: rdx-network certs renew --org ${e.org}`,
    );
}

/**
 * Renews every identity of `mspId` (same keys, new certificates), then brings each of its processes onto them
 * with a restart of its own: orderers one after the other (the others keep ordering), the peer, the chaincode
 * server (its package carries the peer's TLS certificate: reinstalled and approved again for the same
 * definition), and, for the bureau, the gateway, whose certificate the ledger registers for its anchors.
 */
export async function renewOrg(ctx: NetworkContext, mspId: string): Promise<number> {
  const org = orgOf(ctx.topology, mspId);
  if (!isLocalOrg(ctx.paths, org)) throw new Error(`${mspId} is not this home's: renew it on its own host`);
  const ca = nodesOf(ctx.topology, 'ca', mspId)[0]!;
  await startProcess(ctx, ca);
  const renewed = await reenrollOrg(ctx.install, ctx.paths, ctx.topology, org, ca);
  ctx.log(`  ${renewed} certificates of ${mspId} renewed`);
  writeWallet(ctx.paths, ctx.topology);
  const members = org.kind === 'peer' ? await channelMembers(ctx) : [];
  // One at a time: the next orderer, and the peer, restart only once this one orders with the others. The Raft
  // leader last, so that the cluster elects once (about 5 s without a leader), not at each restart it led.
  const orderers = await raftLeaderLast(ctx, nodesOf(ctx.topology, 'orderer', mspId));
  for (const node of [...orderers, ...nodesOf(ctx.topology, 'peer', mspId)])
    await restartNode(ctx, node, members.length);
  if (org.kind === 'peer') {
    await refreshLocalPackage(ctx, org);
    await waitPeerServesChaincode(ctx, org);
  }
  // Blocks ordered while a restarted consenter reconnected reach it at its next sync: the org is done when its
  // consenters hold every block again (see waitOrdererCaughtUp).
  for (const orderer of nodesOf(ctx.topology, 'orderer', mspId).filter((n) =>
    runningPid(ctx.paths, n.name),
  )) {
    const { caughtUp, heights } = await waitOrdererCaughtUp(ctx, orderer);
    if (!caughtUp)
      ctx.log(`  ${orderer.name} has not caught up with the other orderers yet: ${JSON.stringify(heights)}`);
  }
  if (mspId === 'BureauMSP') {
    await setUpLedger(ctx);
    await restartServices(ctx, [GATEWAY_PROCESS, CLERK_PROCESS]);
  }
  return renewed;
}

/** `orderers` with the one that leads their Raft cluster, if any, moved last (SmartBFT's as they are). */
async function raftLeaderLast(ctx: NetworkContext, orderers: NodeSpec[]): Promise<NodeSpec[]> {
  if (ctx.topology.consensus === 'bft') return orderers;
  const leads = await Promise.all(orderers.map((o) => isRaftLeader(ctx, o)));
  return [...orderers.filter((_, i) => !leads[i]), ...orderers.filter((_, i) => leads[i])];
}

/**
 * Restarts a running node onto the files it has now (certificates, revocation lists). A peer is waited for until
 * gossip knows the other `members` − 1 peers again, as it finds endorsers of other orgs only then; an orderer
 * until it follows a Raft leader and holds every block the others do (brought level: consenter-catch-up.ts).
 */
export async function restartNode(ctx: NetworkContext, node: NodeSpec, members: number): Promise<void> {
  if (!runningPid(ctx.paths, node.name)) return;
  ctx.log(`  restart ${node.name}`);
  await stopDaemon(ctx.paths, node.name);
  await startProcess(ctx, node);
  if (node.kind === 'peer' && !(await waitPeerKnows(ctx, node, members - 1)))
    ctx.log(`  ${node.name} does not know every member's peer yet`);
  if (node.kind === 'orderer') await levelEach(ctx, [node]);
}

/** Restarts the bureau's services among `names` that run; the supervisor leaves each to this restart. */
export async function restartServices(
  ctx: NetworkContext,
  names: readonly (typeof GATEWAY_PROCESS | typeof CLERK_PROCESS)[],
): Promise<void> {
  const starts = { [GATEWAY_PROCESS]: startGateway, [CLERK_PROCESS]: startClerk };
  for (const name of names) {
    if (!runningPid(ctx.paths, name)) continue;
    ctx.log(`  restart ${name}`);
    await whileRestarting(ctx.paths, name, async () => {
      await stopDaemon(ctx.paths, name);
      await starts[name](ctx);
    });
  }
}
