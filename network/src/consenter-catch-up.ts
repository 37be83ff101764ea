/**
 * A restarted consenter brought level with the others before the next one restarts.
 *
 * Raft: it is waited for until the cluster has a leader again and it has heard from it. Measured on 2026-12-06
 * (`certs renew --org OrdererMSP`, four times): with each orderer waited for only until its height matched, the
 * renewal returned with no orderer leading for about 2 s more (every `is_leader` 0), and a `certs revoke` run right
 * after it once failed to read the channel's block (SERVICE_UNAVAILABLE).
 *
 * SmartBFT: a restarted consenter is brought level with the others. The other consenters' streams to it break when it
 * restarts, and each is opened again only by the next message sent on it: the first round after the restart can
 * lose their votes to it (`Failed sending to 4: EOF` in their logs), and it then waits in that round. SmartBFT
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
import { waitOrdererCaughtUp, waitRaftLeaderKnown } from './channel.js';
import { isLocalOrg } from './consortium/org-definition.js';
import type { NetworkContext } from './context.js';
import { connectAs } from './ledger-client.js';
import { sleep } from './proc.js';
import { peerOrgs, type NodeSpec } from './topology.js';

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
