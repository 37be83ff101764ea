/**
 * A restarted consenter brought level with the others: by `certs renew` before the next one restarts, by `start`
 * when it relaunched a consenter while others kept running.
 *
 * Raft: it is waited for until the cluster has a leader again and it has heard from it. Measured on 2026-12-06
 * (`certs renew --org OrdererMSP`, four times): with each orderer waited for only until its height matched, the
 * renewal returned with no orderer leading for about 2 s more (every `is_leader` 0), and a `certs revoke` run right
 * after it once failed to read the channel's block (SERVICE_UNAVAILABLE).
 *
 * SmartBFT: the other consenters' streams to a restarted consenter break when it restarts, and each is opened
 * again only by the next message sent on it: the first round after the restart can lose their votes to it
 * (`Failed sending to 4: EOF` in their logs), and it then waits in that round. SmartBFT
 * syncs a follower when the leader's heartbeat shows it behind, which an idle leader's does not: its heartbeat
 * names the round it proposed last, the one the consenter waits in. Measured on 2026-12-06 (`certs renew` of
 * Transport under BFT, three times): once it stayed behind for more than a minute, and a transaction sent
 * through it waited out its peer's 30 s before another orderer's blocks reached that peer.
 *
 * So after the restart this host's prober records a probe every 2 s, without waiting for its commit (a peer may be
 * reading blocks from the consenter that waits), at least three times (the first round reopens the streams; from
 * two rounds ahead SmartBFT syncs at once), and for as long as the consenter is behind, up to a minute.
 */
import { randomUUID } from 'node:crypto';
import { ordererChannelInfo, waitOrdererCaughtUp, waitRaftLeaderKnown } from './channel.js';
import { isLocalOrg } from './consortium/org-definition.js';
import type { NetworkContext } from './context.js';
import { connectAs } from './ledger-client.js';
import { sleep } from './proc.js';
import { nodesOf, peerOrgs, type NodeSpec } from './topology.js';

const ROUNDS = 3;
const EVERY_MS = 2_000;

export async function levelConsenter(
  ctx: NetworkContext,
  orderer: NodeSpec,
  timeoutMs = 60_000,
): Promise<{ caughtUp: boolean; heights: Record<string, number | undefined> }> {
  if (ctx.topology.consensus !== 'bft') {
    const deadline = Date.now() + timeoutMs;
    // Going on would restart the next orderer with this one out of the cluster: two of three down, no quorum.
    if (!(await waitRaftLeaderKnown(ctx, orderer, timeoutMs)))
      throw new Error(
        `${orderer.name} has heard from no Raft leader ${timeoutMs / 1000} s after its restart: stopped before restarting another orderer, which would leave the channel without a quorum. See its log (${ctx.paths.log(orderer.name)}); once it follows a leader, run the command again`,
      );
    return waitOrdererCaughtUp(ctx, orderer, Math.max(0, deadline - Date.now()));
  }
  const prober = peerOrgs(ctx.topology).find((o) => isLocalOrg(ctx.paths, o));
  if (!prober) return waitOrdererCaughtUp(ctx, orderer, timeoutMs);
  const connection = connectAs(ctx.paths, ctx.topology, prober.mspId, 'prober');
  const deadline = Date.now() + timeoutMs;
  try {
    for (let round = 1; ; round++) {
      const level = await waitOrdererCaughtUp(ctx, orderer, 0);
      if ((level.caughtUp && round > ROUNDS) || Date.now() > deadline) return level;
      await connection
        .contract('system')
        .submitAsync('RecordProbe', {
          arguments: [`level-${orderer.name.replace(/\./g, '-')}-${randomUUID()}`, 'consenter restarted'],
        })
        .catch((err: unknown) => ctx.log(`  a probe to bring ${orderer.name} level failed: ${String(err)}`));
      await sleep(EVERY_MS);
    }
  } finally {
    connection.close();
  }
}

/**
 * Of the SmartBFT consenters this start `launched`, those that rejoin consenters which kept running (on this host,
 * or on others'): each then misses its first round as after `certs renew`. One that joins the channel now, or a
 * restart of every consenter at once (the single-host network's), has no round to miss. Measured on 2026-12-06:
 * Transport's consenter killed and started again by `npm start`, then three transactions, eight times: once the
 * second of them took 8.6 s instead of 0.5.
 */
export async function restartedAlone(ctx: NetworkContext, launched: NodeSpec[]): Promise<NodeSpec[]> {
  if (ctx.topology.consensus !== 'bft') return [];
  const names = new Set(launched.map((n) => n.name));
  if (nodesOf(ctx.topology, 'orderer').every((o) => names.has(o.name))) return [];
  const onChannel = await Promise.all(launched.map((o) => ordererChannelInfo(ctx, o)));
  return launched.filter((_, i) => onChannel[i]);
}

/** {@link levelConsenter} for each of `orderers` in turn, saying which stays behind. */
export async function levelEach(ctx: NetworkContext, orderers: NodeSpec[]): Promise<void> {
  for (const orderer of orderers) {
    const { caughtUp, heights } = await levelConsenter(ctx, orderer);
    if (!caughtUp)
      ctx.log(`  ${orderer.name} has not caught up with the other orderers yet: ${JSON.stringify(heights)}`);
  }
}
