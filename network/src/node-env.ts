/**
 * Environment of every peer and orderer, generated from the topology. Fabric reads its own sampleconfig
 * (core.yaml, orderer.yaml) from FABRIC_CFG_PATH; these variables override what differs per node.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FabricInstall } from './binaries/fabric-binaries.js';
import type { Paths } from './paths.js';
import type { NodeSpec, Topology } from './topology.js';
import { SHELL_ONLY } from './launch.js';
import { adminAddress, nodesOf, opsAddress, orgOf } from './topology.js';

/** The identity a node runs as: `peer0` of `peer0.market`. */
export const identityName = (node: NodeSpec): string => node.name.split('.')[0]!;

export function address(node: NodeSpec, port = node.port): string {
  return `${node.host}:${port}`;
}

/**
 * RDX_PEER_TIME_WINDOW: how far a request's time may be from the peer's clock (`peer.authentication.timewindow`,
 * Fabric's default 15m when unset). Only the end-to-end run widens it, so that a test client whose clock runs
 * days ahead (test/src/clock-shift.ts) can act on a day that has not come; a deployment keeps the default.
 */
function peerTimeWindow(): Record<string, string> {
  const window = process.env.RDX_PEER_TIME_WINDOW;
  if (!window) return {};
  if (!/^\d+(m|h)$/.test(window))
    throw new Error(`RDX_PEER_TIME_WINDOW must look like 15m or 72h, got "${window}"`);
  return { CORE_PEER_AUTHENTICATION_TIMEWINDOW: window };
}

/**
 * What of a peer's or an orderer's environment a start does not compare with a running node's (launch.ts), so a
 * change of it alone restarts nothing: what the operator sets (RDX_FABRIC_LOGGING_SPEC, RDX_PEER_TIME_WINDOW) or
 * the shell gives (PATH, and where the binaries' configuration is kept, as for the binaries themselves); and the
 * client TLS roots, which grow as this home imports another org's definition while a node learns every channel
 * member's root from the channel's configuration anyway.
 */
export const NODE_SETTINGS_NOT_COMPARED: ReadonlySet<string> = new Set([
  ...SHELL_ONLY,
  'FABRIC_CFG_PATH',
  'FABRIC_LOGGING_SPEC',
  'CORE_PEER_AUTHENTICATION_TIMEWINDOW',
  'CORE_PEER_TLS_CLIENTROOTCAS_FILES',
  'ORDERER_GENERAL_TLS_CLIENTROOTCAS',
]);

/**
 * The settings that put a peer's (`CORE_OPERATIONS_TLS_*`) or an orderer's operations endpoint on TLS with the
 * node's own pair (`tls`, its TLS folder), taking clients of its org's TLS CA (operations.ts says why).
 */
function operationsTlsEnv(tls: string, node: NodeSpec): NodeJS.ProcessEnv {
  const [cert, key, root] = ['server.crt', 'server.key', 'ca.crt'].map((f) => path.join(tls, f)) as [
    string,
    string,
    string,
  ];
  // Not required at the TLS layer, so that /healthz answers a probe without a pair; /metrics and /logspec
  // require one all the same.
  return node.kind === 'peer'
    ? {
        CORE_OPERATIONS_TLS_ENABLED: 'true',
        CORE_OPERATIONS_TLS_CERT_FILE: cert,
        CORE_OPERATIONS_TLS_KEY_FILE: key,
        CORE_OPERATIONS_TLS_CLIENTAUTHREQUIRED: 'false',
        CORE_OPERATIONS_TLS_CLIENTROOTCAS_FILES: root,
      }
    : {
        ORDERER_OPERATIONS_TLS_ENABLED: 'true',
        ORDERER_OPERATIONS_TLS_CERTIFICATE: cert,
        ORDERER_OPERATIONS_TLS_PRIVATEKEY: key,
        ORDERER_OPERATIONS_TLS_CLIENTAUTHREQUIRED: 'false',
        ORDERER_OPERATIONS_TLS_CLIENTROOTCAS: `[${root}]`,
      };
}

export function peerEnv(
  install: FabricInstall,
  paths: Paths,
  topology: Topology,
  node: NodeSpec,
): NodeJS.ProcessEnv {
  const org = orgOf(topology, node.mspId);
  const tls = paths.identityTls(org.short, identityName(node));
  return {
    PATH: process.env.PATH,
    FABRIC_CFG_PATH: install.configDir,
    FABRIC_LOGGING_SPEC: process.env.RDX_FABRIC_LOGGING_SPEC || 'INFO',
    CORE_PEER_ID: node.name,
    CORE_PEER_LOCALMSPID: node.mspId,
    CORE_PEER_MSPCONFIGPATH: paths.identityMsp(org.short, identityName(node)),
    CORE_PEER_LISTENADDRESS: `${node.host}:${node.port}`,
    CORE_PEER_ADDRESS: address(node),
    CORE_PEER_CHAINCODELISTENADDRESS: `${node.host}:${node.chaincodePort}`,
    CORE_PEER_CHAINCODEADDRESS: `${node.host}:${node.chaincodePort}`,
    // Gossip: the external endpoint makes this peer known to other orgs, which service discovery needs.
    CORE_PEER_GOSSIP_BOOTSTRAP: address(node),
    CORE_PEER_GOSSIP_EXTERNALENDPOINT: address(node),
    // A peer reaches the other orgs' anchor peers as soon as it joins the channel; one that has not joined yet
    // refuses ("Could not acquire policy manager"), and gossip retries only after reconnectInterval (25 s by
    // default, gossip/discovery Connect): that wait was most of a first start. Retrying every second costs a
    // handshake per absent peer.
    CORE_PEER_GOSSIP_RECONNECTINTERVAL: '1s',
    // A restarted peer's first dial to another org's anchor fails its TLS check (the other orgs' roots are added
    // after gossip's first dial), and gRPC retries that handshake until the dial timeout, 3 s by default: ten of
    // 25 restarts took over 10 s so, one of 25 with 1 s (docs/PERFORMANCE.md, 2026-12-02). A handshake takes
    // milliseconds, on one host and across a city's network; a dial that times out is tried again.
    CORE_PEER_GOSSIP_DIALTIMEOUT: '1s',
    // A restarted peer counts another as known once it hears that peer's alive message, sent every
    // aliveTimeInterval (5 s by default): restarts waited ~5.4 s for it. Every second costs a few small messages
    // between a handful of peers; a dead peer is still dropped after aliveExpirationTimeout (25 s).
    CORE_PEER_GOSSIP_ALIVETIMEINTERVAL: '1s',
    // Service discovery counts a peer of the channel once it has that peer's state info, pushed and pulled every
    // 4 s by default; the count `rdx-network start` waits on (the metric gossip_membership_total_peers_known) is
    // refreshed only every membershipTrackerInterval (5 s). Together they made a restart wait 0–9 s for gossip.
    // Each costs a small signed message per peer per second.
    CORE_PEER_GOSSIP_PUBLISHSTATEINFOINTERVAL: '1s',
    CORE_PEER_GOSSIP_REQUESTSTATEINFOINTERVAL: '1s',
    CORE_PEER_GOSSIP_MEMBERSHIPTRACKERINTERVAL: '1s',
    ...peerTimeWindow(),
    CORE_PEER_FILESYSTEMPATH: paths.nodeData(node.name),
    CORE_LEDGER_SNAPSHOTS_ROOTDIR: path.join(paths.nodeData(node.name), 'snapshots'),
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_CERT_FILE: path.join(tls, 'server.crt'),
    CORE_PEER_TLS_KEY_FILE: path.join(tls, 'server.key'),
    CORE_PEER_TLS_ROOTCERT_FILE: path.join(tls, 'ca.crt'),
    // Mutual TLS: every client (SDK, CLI, gateway, other peers, orderers) shows a certificate of a channel org;
    // the peer adds the roots of every org in its channels' configuration as it learns them.
    CORE_PEER_TLS_CLIENTAUTHREQUIRED: 'true',
    CORE_PEER_TLS_CLIENTROOTCAS_FILES: tlsRoots(paths, topology).join(' '),
    CORE_PEER_TLS_CLIENTCERT_FILE: path.join(tls, 'server.crt'),
    CORE_PEER_TLS_CLIENTKEY_FILE: path.join(tls, 'server.key'),
    CORE_OPERATIONS_LISTENADDRESS: opsAddress(node),
    ...operationsTlsEnv(tls, node),
    CORE_METRICS_PROVIDER: 'prometheus',
    // No Docker: every chaincode runs as a service, found by our external builder.
    CORE_VM_ENDPOINT: '',
    CORE_CHAINCODE_EXTERNALBUILDERS: JSON.stringify([{ name: 'ccaas', path: paths.builderDir() }]),
    CORE_PEER_GATEWAY_ENABLED: 'true',
  };
}

export function ordererEnv(
  install: FabricInstall,
  paths: Paths,
  topology: Topology,
  node: NodeSpec,
): NodeJS.ProcessEnv {
  const org = orgOf(topology, node.mspId);
  const tls = paths.identityTls(org.short, identityName(node));
  const data = paths.nodeData(node.name);
  return {
    PATH: process.env.PATH,
    FABRIC_CFG_PATH: install.configDir,
    FABRIC_LOGGING_SPEC: process.env.RDX_FABRIC_LOGGING_SPEC || 'INFO',
    ORDERER_GENERAL_LISTENADDRESS: node.host,
    ORDERER_GENERAL_LISTENPORT: String(node.port),
    ORDERER_GENERAL_LOCALMSPID: node.mspId,
    ORDERER_GENERAL_LOCALMSPDIR: paths.identityMsp(org.short, identityName(node)),
    ORDERER_GENERAL_BOOTSTRAPMETHOD: 'none',
    ORDERER_GENERAL_TLS_ENABLED: 'true',
    ORDERER_GENERAL_TLS_PRIVATEKEY: path.join(tls, 'server.key'),
    ORDERER_GENERAL_TLS_CERTIFICATE: path.join(tls, 'server.crt'),
    ORDERER_GENERAL_TLS_ROOTCAS: `[${path.join(tls, 'ca.crt')}]`,
    ORDERER_GENERAL_TLS_CLIENTAUTHREQUIRED: 'true',
    ORDERER_GENERAL_TLS_CLIENTROOTCAS: `[${tlsRoots(paths, topology).join(',')}]`,
    // Raft traffic between orderers reuses the node's TLS pair on the main port.
    // A BFT consenter that falls behind catches up by pulling blocks from the others. Fabric 3.1.5's default
    // "consensus" replication sends those deliver requests without the client's TLS certificate hash
    // (smartbft/synchronizer_bft.go builds its BFTDeliverer with none), and orderers that require client TLS
    // refuse them ("client didn't include its TLS cert hash", common/deliver/binding.go): the consenter would stay
    // behind for good. The "simple" puller binds its requests to TLS. Raft ignores the setting.
    ORDERER_GENERAL_CLUSTER_REPLICATIONPOLICY: 'simple',
    ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE: path.join(tls, 'server.crt'),
    ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY: path.join(tls, 'server.key'),
    ORDERER_GENERAL_CLUSTER_ROOTCAS: `[${path.join(tls, 'ca.crt')}]`,
    ORDERER_CHANNELPARTICIPATION_ENABLED: 'true',
    ORDERER_ADMIN_LISTENADDRESS: adminAddress(node),
    ORDERER_ADMIN_TLS_ENABLED: 'true',
    ORDERER_ADMIN_TLS_CERTIFICATE: path.join(tls, 'server.crt'),
    ORDERER_ADMIN_TLS_PRIVATEKEY: path.join(tls, 'server.key'),
    ORDERER_ADMIN_TLS_ROOTCAS: `[${path.join(tls, 'ca.crt')}]`,
    ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED: 'true',
    // Only its org's admin calls it, with the pair of the org's orderer admin CA (ca.ts PURPOSE_CAS).
    ORDERER_ADMIN_TLS_CLIENTROOTCAS: `[${paths.ordererAdminCaCert(org.short)}]`,
    ORDERER_OPERATIONS_LISTENADDRESS: opsAddress(node),
    ...operationsTlsEnv(tls, node),
    ORDERER_METRICS_PROVIDER: 'prometheus',
    ORDERER_FILELEDGER_LOCATION: path.join(data, 'ledger'),
    ORDERER_CONSENSUS_WALDIR: path.join(data, 'etcdraft', 'wal'),
    ORDERER_CONSENSUS_SNAPDIR: path.join(data, 'etcdraft', 'snapshot'),
  };
}

/**
 * The TLS roots of the orgs this home knows (each org's CA is also its TLS root): whose client certificates a
 * node accepts before the channel configuration tells it more.
 */
export function tlsRoots(paths: Paths, topology: Topology): string[] {
  return topology.orgs.map((o) => paths.caCert(o.short)).filter((f) => fs.existsSync(f));
}

/** Environment for `peer` CLI calls made as an org's admin against one of its peers (mutual TLS). */
export function peerAdminEnv(
  install: FabricInstall,
  paths: Paths,
  topology: Topology,
  peer: NodeSpec,
): NodeJS.ProcessEnv {
  const org = orgOf(topology, peer.mspId);
  const tls = paths.identityTls(org.short, 'admin');
  return {
    PATH: process.env.PATH,
    FABRIC_CFG_PATH: install.configDir,
    FABRIC_LOGGING_SPEC: 'WARNING',
    CORE_PEER_LOCALMSPID: peer.mspId,
    CORE_PEER_MSPCONFIGPATH: paths.identityMsp(org.short, 'admin'),
    CORE_PEER_ADDRESS: address(peer),
    CORE_PEER_TLS_ENABLED: 'true',
    CORE_PEER_TLS_ROOTCERT_FILE: paths.caCert(org.short),
    CORE_PEER_TLS_CLIENTAUTHREQUIRED: 'true',
    CORE_PEER_TLS_CLIENTCERT_FILE: path.join(tls, 'server.crt'),
    CORE_PEER_TLS_CLIENTKEY_FILE: path.join(tls, 'server.key'),
    CORE_VM_ENDPOINT: '',
  };
}

/**
 * `-o … --tls --cafile … --clientauth …` arguments that reach an orderer as `asOrg`'s admin (mutual TLS).
 */
export function ordererArgs(paths: Paths, topology: Topology, asOrg: string, which = 0): string[] {
  const orderers = nodesOf(topology, 'orderer');
  const orderer = orderers[which % orderers.length]!;
  const org = orgOf(topology, orderer.mspId);
  const tls = paths.identityTls(orgOf(topology, asOrg).short, 'admin');
  return [
    '-o',
    address(orderer),
    '--tls',
    '--cafile',
    paths.caCert(org.short),
    '--clientauth',
    '--certfile',
    path.join(tls, 'server.crt'),
    '--keyfile',
    path.join(tls, 'server.key'),
  ];
}
