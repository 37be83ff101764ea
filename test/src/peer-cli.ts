/**
 * Fabric's own `peer` CLI for the end-to-end tests, as an org's admin would run it: with that admin's MSP and
 * TLS client certificate, against any org's peer — how a test proves what the ledger lets an insider do.
 */
import { address, nodesOf, peerAdminEnv, run, type FabricInstall } from '@rdx/network';
import { paths, topology } from './fabric-client.js';

const peerOf = (mspId: string) => nodesOf(topology, 'peer', mspId)[0]!;

/** The peer CLI as `asOrg`'s admin against `peerMsp`'s peer (TLS root of that peer's org). */
export function peerCli(
  install: FabricInstall,
  asOrg: string,
  peerMsp: string,
  args: string[],
): Promise<string> {
  const env = peerAdminEnv(install, paths, topology, peerOf(asOrg));
  const target = peerOf(peerMsp);
  const org = topology.orgs.find((o) => o.mspId === peerMsp)!;
  return run(install.bin.peer, args, {
    env: { ...env, CORE_PEER_ADDRESS: address(target), CORE_PEER_TLS_ROOTCERT_FILE: paths.caCert(org.short) },
    timeoutMs: 60_000,
  });
}

/** `peer chaincode query` of our chaincode on the channel, as `asOrg`'s admin against `peerMsp`'s peer. */
export function chaincodeQuery(
  install: FabricInstall,
  asOrg: string,
  peerMsp: string,
  args: string[],
): Promise<string> {
  return peerCli(install, asOrg, peerMsp, [
    'chaincode',
    'query',
    '-C',
    topology.channel,
    '-n',
    topology.chaincodeName,
    '-c',
    JSON.stringify({ Args: args }),
  ]);
}
