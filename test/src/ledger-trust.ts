/**
 * What an enterprise trusts to check an anchor's block without a Fabric identity (verifyAnchorBlock): the roots
 * the bureau publishes — of every org that runs orderers, and of every org that runs peers — and how many orderer
 * signatures the consensus needs (the Raft leader's, or f + 1 of the SmartBFT consenters). Read here from the
 * platform's home, as the bureau would publish them.
 */
import fs from 'node:fs';
import type { LedgerTrust } from '@rdx/client';
import { nodesOf } from '@rdx/network';
import { paths, topology } from './fabric-client.js';

export function ledgerTrust(): LedgerTrust {
  const root = (mspId: string): string =>
    fs.readFileSync(paths.caCert(topology.orgs.find((o) => o.mspId === mspId)!.short), 'utf8');
  const orderers = nodesOf(topology, 'orderer');
  const ordererOrgs = [...new Set(orderers.map((n) => n.mspId))];
  const peerOrgs = [...new Set(nodesOf(topology, 'peer').map((n) => n.mspId))];
  return {
    ordererRoots: ordererOrgs.map(root),
    minSignatures: topology.consensus === 'bft' ? Math.floor((orderers.length - 1) / 3) + 1 : 1,
    peerRoots: Object.fromEntries(peerOrgs.map((m) => [m, root(m)])),
    channel: topology.channel,
    chaincode: topology.chaincodeName,
  };
}
