/** What every network step needs, built once per command. */
import type { NetworkConfig } from './config.js';
import type { FabricInstall } from './binaries/fabric-binaries.js';
import { Paths } from './paths.js';
import type { Topology } from './topology.js';
import { buildTopology } from './topology.js';

export interface NetworkContext {
  config: NetworkConfig;
  paths: Paths;
  topology: Topology;
  install: FabricInstall;
  /** Progress for people: one line per step. */
  log: (line: string) => void;
}

export function topologyFor(config: NetworkConfig): Topology {
  return buildTopology({
    basePort: config.basePort,
    host: config.host,
    hosts: config.orgHosts,
    gatewayHost: config.orgHosts.BureauMSP ?? config.host,
    gatewayPort: config.gatewayPort,
    clerkPort: config.clerkPort,
    gatewayMetricsPort: config.gatewayMetricsPort,
    joining: config.joiningBodies,
    consensus: config.consensus,
  });
}

export function pathsFor(config: NetworkConfig): Paths {
  return new Paths(config.home, config.repoRoot);
}
