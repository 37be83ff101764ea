/**
 * The one description of the RDX demo network. Every process's environment, every certificate request,
 * the channel configuration and the port table printed by `npm run status` are generated from it.
 * Nothing here assumes loopback: each node has a host, and an org can be started on its own machine.
 */
import { defaultMetricsPort } from '@rdx/gateway';

export type NodeKind = 'ca' | 'orderer' | 'peer' | 'chaincode';

/** A Fabric CA user or node identity enrolled at start. `role` becomes the `role` certificate attribute. */
export interface IdentitySpec {
  name: string;
  type: 'admin' | 'client' | 'peer' | 'orderer';
  role?: 'admin' | 'gateway' | 'regulator' | 'reviewer' | 'probe' | 'clerk';
}

export interface NodeSpec {
  /** Unique process name, also the log and pid file name, e.g. `peer0.bureau`. */
  name: string;
  kind: NodeKind;
  mspId: string;
  host: string;
  /** Main listening port (gRPC for peers and orderers, HTTPS for CAs, gRPC for chaincode servers). */
  port: number;
  /** Operations endpoint (`/healthz`); chaincode servers have none. */
  opsPort?: number;
  /** Orderer admin (channel participation) port. */
  adminPort?: number;
  /** Peer's own chaincode listener; unused with chaincode-as-a-service but must not collide. */
  chaincodePort?: number;
}

export interface OrgSpec {
  mspId: string;
  /** Short lower-case name used in folder and host names. */
  short: string;
  /** Name shown to people (Chinese term first, SPEC §6). */
  displayName: string;
  kind: 'orderer' | 'peer';
  identities: IdentitySpec[];
  /**
   * An opening body that is in the address book but not in the channel's genesis block: it joins a running
   * network through a channel configuration update signed by the members (see consortium/).
   */
  joinsLater?: boolean;
}

/** How the orderers agree: Raft (crash faults; the bureau runs them) or BFT (one malicious orderer of four). */
export type Consensus = 'raft' | 'bft';

export interface Topology {
  channel: string;
  chaincodeName: string;
  consensus: Consensus;
  orgs: OrgSpec[];
  nodes: NodeSpec[];
  /** The gateway's API on its host's address, and its metrics' port (3020 by default) on that host's loopback. */
  gateway: { host: string; port: number; metricsPort: number };
  /**
   * The clerk service's operations endpoint (/healthz, /readyz, /status, /metrics), on the gateway's host and on
   * its loopback address only: it answers without authentication and is read by the bureau's own tooling there.
   */
  clerk: { host: string; port: number };
}

export const CHANNEL = 'opendata';
export const CHAINCODE = 'rdx';

/** The identities every opening body enrolls. */
function bodyIdentities(): IdentitySpec[] {
  return [
    { name: 'peer0', type: 'peer' },
    { name: 'admin', type: 'admin', role: 'admin' },
    { name: 'reviewer', type: 'client', role: 'reviewer' },
    // Writes ledger probes (system:RecordProbe) for the tooling's health checks and the tests, nothing else.
    { name: 'prober', type: 'client', role: 'probe' },
  ];
}

/** An opening body that joins the running network later (e.g. 卫健委). */
export interface JoiningBody {
  mspId: string;
  short: string;
  displayName: string;
}

const ORGS: OrgSpec[] = [
  {
    mspId: 'OrdererMSP',
    short: 'orderer',
    displayName: '排序服务 OrdererOrg',
    kind: 'orderer',
    identities: [
      { name: 'orderer1', type: 'orderer' },
      { name: 'orderer2', type: 'orderer' },
      { name: 'orderer3', type: 'orderer' },
      { name: 'admin', type: 'admin', role: 'admin' },
    ],
  },
  {
    mspId: 'BureauMSP',
    short: 'bureau',
    displayName: '丽水市大数据发展管理局 Bureau',
    kind: 'peer',
    identities: [
      { name: 'peer0', type: 'peer' },
      { name: 'admin', type: 'admin', role: 'admin' },
      { name: 'gateway', type: 'client', role: 'gateway' },
      { name: 'regulator', type: 'client', role: 'regulator' },
      { name: 'reviewer', type: 'client', role: 'reviewer' },
      // Marks what time makes due (expired grants and ratings), nothing else: the clerk service's identity.
      { name: 'clerk', type: 'client', role: 'clerk' },
      // Writes ledger probes (system:RecordProbe) for the tooling's health checks and the tests, nothing else.
      { name: 'prober', type: 'client', role: 'probe' },
    ],
  },
  {
    mspId: 'MarketMSP',
    short: 'market',
    displayName: '市场监督管理局 Market',
    kind: 'peer',
    identities: bodyIdentities(),
  },
  {
    mspId: 'TransportMSP',
    short: 'transport',
    displayName: '交通运输局 Transport',
    kind: 'peer',
    identities: bodyIdentities(),
  },
];

export interface TopologyOptions {
  /** First port of the block the network uses; every node gets ten ports from it, in topology order. */
  basePort: number;
  /** Host of every node unless `hosts` names one for its org. */
  host: string;
  /** Per-org host, keyed by MSP ID, for a network spread over machines. */
  hosts?: Record<string, string>;
  gatewayHost: string;
  gatewayPort: number;
  /**
   * The clerk's operations port; default the gateway's port + 10 (the bench's gateways use + 1 to + 9, the tests'
   * + 8 to + 13, and all of those their metrics' at + 20 from their own).
   */
  clerkPort?: number;
  /** The gateway's metrics port; default the gateway's own default, its port + 20. */
  gatewayMetricsPort?: number;
  /** Opening bodies that join later, after the founding ones (their ports follow, so no founder's moves). */
  joining?: JoiningBody[];
  /**
   * `bft`: four orderers, two the bureau's (OrdererMSP) and one of each founding body, agreeing by SmartBFT
   * (one fault of any kind tolerated, and neither the bureau's two nor the bodies' two can order alone).
   * Default `raft`: the bureau's three orderers.
   */
  consensus?: Consensus;
}

/** The founding orgs for a consensus: under BFT the bureau runs two orderers and each founding body one. */
function foundingFor(consensus: Consensus): OrgSpec[] {
  if (consensus === 'raft') return ORGS;
  return ORGS.map((org) =>
    org.kind === 'orderer'
      ? { ...org, identities: org.identities.filter((i) => i.name !== 'orderer3') }
      : org.mspId === 'BureauMSP'
        ? org
        : { ...org, identities: [...org.identities, { name: 'orderer0', type: 'orderer' as const }] },
  );
}

/** Builds the topology; pure, so tests and every command see the same ports and names. */
export function buildTopology(opts: TopologyOptions): Topology {
  const nodes: NodeSpec[] = [];
  let slot = 0;
  const next = (): number => opts.basePort + 10 * slot++;
  const consensus = opts.consensus ?? 'raft';
  const orgs: OrgSpec[] = [
    ...foundingFor(consensus),
    ...(opts.joining ?? []).map((b) => ({
      ...b,
      kind: 'peer' as const,
      identities: bodyIdentities(),
      joinsLater: true,
    })),
  ];
  for (const org of orgs) {
    const host = opts.hosts?.[org.mspId] ?? opts.host;
    const caPort = next();
    nodes.push({
      name: `ca.${org.short}`,
      kind: 'ca',
      mspId: org.mspId,
      host,
      port: caPort,
      opsPort: caPort + 1,
    });
    for (const id of org.identities) {
      if (id.type !== 'orderer' && id.type !== 'peer') continue;
      const p = next();
      const name = `${id.name}.${org.short}`;
      if (id.type === 'orderer') {
        nodes.push({
          name,
          kind: 'orderer',
          mspId: org.mspId,
          host,
          port: p,
          adminPort: p + 1,
          opsPort: p + 2,
        });
      } else {
        nodes.push({
          name,
          kind: 'peer',
          mspId: org.mspId,
          host,
          port: p,
          chaincodePort: p + 1,
          opsPort: p + 2,
        });
      }
    }
    if (org.kind === 'peer') {
      nodes.push({ name: `chaincode.${org.short}`, kind: 'chaincode', mspId: org.mspId, host, port: next() });
    }
  }
  const gateway = {
    host: opts.gatewayHost,
    port: opts.gatewayPort,
    metricsPort: opts.gatewayMetricsPort ?? defaultMetricsPort(opts.gatewayPort),
  };
  const clerk = { host: OPS_HOST, port: opts.clerkPort ?? opts.gatewayPort + 10 };
  refuseSharedPorts(nodes, [
    ['RDX_GATEWAY_PORT', gateway.port],
    ['RDX_GATEWAY_METRICS_PORT', gateway.metricsPort],
    ['RDX_CLERK_PORT', clerk.port],
  ]);
  return { channel: CHANNEL, chaincodeName: CHAINCODE, consensus, orgs, nodes, gateway, clerk };
}

/**
 * Refuses a service port that a node (or another service) takes: it was found only when the gateway would not
 * listen, half a minute into a start, with every node already up (RDX_GATEWAY_PORT inside RDX_BASE_PORT's block).
 * @throws TopologyError naming the setting, the port and who has it.
 */
function refuseSharedPorts(nodes: NodeSpec[], services: [string, number][]): void {
  const taken = new Map<number, string>();
  for (const n of nodes)
    for (const [port, what] of [
      [n.port, n.name],
      [n.opsPort, `${n.name}'s operations endpoint`],
      [n.adminPort, `${n.name}'s admin endpoint`],
      [n.chaincodePort, `${n.name}'s chaincode endpoint`],
    ] as const)
      if (port !== undefined) taken.set(port, what);
  for (const [setting, port] of services) {
    // 0: a free port the service picks itself.
    if (port === 0) continue;
    const holder = taken.get(port);
    if (holder !== undefined)
      throw new TopologyError(
        `${setting}=${port} is ${holder}'s port (RDX_BASE_PORT gives the nodes ${Math.min(...taken.keys())}–${Math.max(...taken.keys())}): choose a port outside that block`,
      );
    taken.set(port, setting);
  }
}

/** A topology whose ports collide: the settings that made it must change. */
export class TopologyError extends Error {
  override name = 'TopologyError';
}

/**
 * Where every node's operations endpoint listens: its host's loopback address, which only the org's own tooling on
 * that host calls (readiness, heights, the Raft leader, gossip). Every user of the host reaches loopback too, so a
 * peer's and an orderer's serve `/metrics` and `PUT /logspec` (the node's log level) over TLS to a client pair of
 * the org's TLS CA alone (operations.ts).
 */
export const OPS_HOST = '127.0.0.1';

/** `127.0.0.1:<opsPort>`: a node's operations endpoint, as its host's own tooling reaches it. */
export function opsAddress(node: NodeSpec): string {
  return `${OPS_HOST}:${node.opsPort}`;
}

/**
 * `127.0.0.1:<adminPort>`: an orderer's admin endpoint (channel participation), on its host's loopback address too.
 * It joins the orderer to a channel or removes it from one, for a client certificate of its org's orderer admin
 * CA alone (ca.ts PURPOSE_CAS): the org's own tooling on that host (osnadmin) holds the one it issued.
 */
export function adminAddress(node: NodeSpec): string {
  return `${OPS_HOST}:${node.adminPort}`;
}

/** The name of the org's identity with `role` (its admin, the bureau's gateway), if it has one. */
export function identityWithRole(org: OrgSpec, role: NonNullable<IdentitySpec['role']>): string | undefined {
  return org.identities.find((id) => id.role === role)?.name;
}

export function orgOf(topology: Topology, mspId: string): OrgSpec {
  const org = topology.orgs.find((o) => o.mspId === mspId);
  if (!org)
    throw new TopologyError(`unknown org ${mspId}; one of ${topology.orgs.map((o) => o.mspId).join(', ')}`);
  return org;
}

export function nodesOf(topology: Topology, kind: NodeKind, mspId?: string): NodeSpec[] {
  return topology.nodes.filter((n) => n.kind === kind && (mspId === undefined || n.mspId === mspId));
}

export function nodeNamed(topology: Topology, name: string): NodeSpec {
  const node = topology.nodes.find((n) => n.name === name);
  if (!node) throw new Error(`unknown node ${name}`);
  return node;
}

export function peerOrgs(topology: Topology): OrgSpec[] {
  return topology.orgs.filter((o) => o.kind === 'peer');
}

/** The orgs of the channel's genesis block. */
export function foundingOrgs(topology: Topology): OrgSpec[] {
  return topology.orgs.filter((o) => !o.joinsLater);
}
