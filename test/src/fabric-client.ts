/**
 * Test helpers: the running network's configuration, and connections as any enrolled identity.
 */
import path from 'node:path';
import type { Contract } from '@hyperledger/fabric-gateway';
import {
  connectAs as connect,
  loadConfig,
  pathsFor,
  topologyFor,
  type LedgerConnection,
  type NetworkContext,
} from '@rdx/network';

export const config = loadConfig();
export const paths = pathsFor(config);
export const topology = topologyFor(config);
/** The network tooling's context for this checkout, logging nothing: for its helpers the tests call. */
export const networkContext = { config, paths, topology, log: () => undefined } as unknown as NetworkContext;

export interface Connection extends LedgerConnection {
  system: Contract;
}

/** Connects as `identity` of org `mspId` to that org's peer. */
export function connectAs(mspId: string, identity: string): Connection {
  const c = connect(paths, topology, mspId, identity);
  return { ...c, system: c.contract('system') };
}

export { decodeJson as decode } from '@rdx/network';

export const repoRoot = config.repoRoot;
export const networkCli = path.join(repoRoot, 'network', 'dist', 'cli', 'main.js');
