/**
 * The channel's configuration (configtx.yaml for configtxgen), generated from the topology. It is written as
 * JSON, which is valid YAML, so no YAML library is needed and nothing of Fabric's sample file is copied.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Paths } from './paths.js';
import type { OrgSpec, Topology } from './topology.js';
import { foundingOrgs, nodesOf } from './topology.js';
import { address } from './node-env.js';
import { bureauAndMajorityRule } from './consortium/channel-policy.js';

const signature = (rule: string): { Type: string; Rule: string } => ({ Type: 'Signature', Rule: rule });
const implicit = (rule: string): { Type: string; Rule: string } => ({ Type: 'ImplicitMeta', Rule: rule });

/**
 * An org as a channel group holds it: in the Orderer group with its orderers' endpoints, in the Application
 * group with its anchor peers (under BFT a body is in both).
 */
function orgSection(
  paths: Paths,
  topology: Topology,
  org: OrgSpec,
  group: 'orderer' | 'application' = org.kind === 'orderer' ? 'orderer' : 'application',
): Record<string, unknown> {
  const id = org.mspId;
  const section: Record<string, unknown> = {
    Name: id,
    ID: id,
    MSPDir: paths.orgMsp(org.short),
    Policies: {
      Readers: signature(`OR('${id}.member')`),
      Writers: signature(`OR('${id}.member')`),
      Admins: signature(`OR('${id}.admin')`),
      Endorsement: signature(`OR('${id}.peer')`),
    },
  };
  if (group === 'orderer') {
    section.OrdererEndpoints = nodesOf(topology, 'orderer', id).map((n) => address(n));
  } else {
    section.AnchorPeers = nodesOf(topology, 'peer', id).map((n) => ({ Host: n.host, Port: n.port }));
  }
  return section;
}

export interface ChannelOptions {
  /** How long the orderer waits before cutting a block: the floor of commit latency. */
  batchTimeout: string;
  maxMessageCount: number;
}

export const PROFILE = 'RdxChannel';

export function configtx(paths: Paths, topology: Topology, opts: ChannelOptions): Record<string, unknown> {
  const founding = foundingOrgs(topology);
  // The orgs that run orderers: the bureau's ordering org, and under BFT the founding bodies too.
  const ordererOrgs = founding.filter((o) => nodesOf(topology, 'orderer', o.mspId).length > 0);
  const peerOrgs = founding.filter((o) => o.kind === 'peer');
  // Every org this home knows (its own, and those it imported), for `configtxgen -printOrg` when one joins.
  const known = topology.orgs.filter((o) => fs.existsSync(path.join(paths.orgMsp(o.short), 'config.yaml')));
  const orderers = nodesOf(topology, 'orderer');
  const tlsOf = (n: (typeof orderers)[number]): string =>
    paths.identityTls(ordererOrgs.find((o) => o.mspId === n.mspId)!.short, n.name.split('.')[0]!);
  const consenters = orderers.map((n) => ({
    Host: n.host,
    Port: n.port,
    ClientTLSCert: path.join(tlsOf(n), 'server.crt'),
    ServerTLSCert: path.join(tlsOf(n), 'server.crt'),
  }));
  const consensus =
    topology.consensus === 'bft'
      ? {
          OrdererType: 'BFT',
          // Each consenter by its enrolment identity and TLS certificates; delivery endpoints 1:1 with them.
          ConsenterMapping: orderers.map((n, i) => ({
            ID: i + 1,
            Host: n.host,
            Port: n.port,
            MSPID: n.mspId,
            Identity: path.join(
              paths.identityMsp(ordererOrgs.find((o) => o.mspId === n.mspId)!.short, n.name.split('.')[0]!),
              'signcerts',
              'cert.pem',
            ),
            ClientTLSCert: path.join(tlsOf(n), 'server.crt'),
            ServerTLSCert: path.join(tlsOf(n), 'server.crt'),
          })),
          // Fabric's sample timeouts leave ordering stopped for most of a minute when the leader dies (a missed
          // leader noticed after 60 s, complaints after 20 s). Here the leader beats every second and is replaced
          // after 10 s of silence or 6 s of an unordered request. No SyncOnStart: on joining, it holds each
          // consenter 6 s and sends the others state requests before they have joined the channel, and the
          // streams those requests open are refused ("channel not found") and then lose the first rounds'
          // votes. A restarted consenter catches up at its first sync instead, when the leader's heartbeat
          // shows it behind.
          SmartBFT: {
            RequestBatchMaxInterval: opts.batchTimeout,
            RequestForwardTimeout: '2s',
            RequestComplainTimeout: '6s',
            RequestAutoRemoveTimeout: '3m0s',
            ViewChangeResendInterval: '2s',
            ViewChangeTimeout: '12s',
            LeaderHeartbeatTimeout: '10s',
            CollectTimeout: '1s',
            IncomingMessageBufferSize: 200,
            RequestPoolSize: 100000,
            LeaderHeartbeatCount: 10,
            SyncOnStart: false,
          },
        }
      : {
          OrdererType: 'etcdraft',
          EtcdRaft: {
            Consenters: consenters,
            Options: {
              // A lost leader is noticed after 10 ticks: 2.5 s, so ordering resumes within seconds.
              TickInterval: '250ms',
              ElectionTick: 10,
              HeartbeatTick: 1,
              MaxInflightBlocks: 5,
              SnapshotIntervalSize: '16 MB',
            },
          },
        };
  return {
    Organizations: known.map((o) => orgSection(paths, topology, o)),
    Profiles: {
      [PROFILE]: {
        Capabilities: { V3_0: true },
        Policies: {
          Readers: implicit('ANY Readers'),
          Writers: implicit('ANY Writers'),
          Admins: implicit('MAJORITY Admins'),
        },
        Orderer: {
          ...consensus,
          BatchTimeout: opts.batchTimeout,
          BatchSize: {
            MaxMessageCount: opts.maxMessageCount,
            AbsoluteMaxBytes: '10 MB',
            PreferredMaxBytes: '2 MB',
          },
          Organizations: ordererOrgs.map((o) => orgSection(paths, topology, o, 'orderer')),
          // Changing the ordering service (its consenters, its policies): a majority of the orderer orgs, the
          // bureau's ordering org among them — under BFT two bodies' orgs were a majority of three without it.
          Policies: {
            Readers: implicit('ANY Readers'),
            Writers: implicit('ANY Writers'),
            Admins: signature(
              bureauAndMajorityRule(
                ordererOrgs.map((o) => o.mspId),
                'admin',
                ordererOrgs.find((o) => o.kind === 'orderer')?.mspId,
              ),
            ),
            BlockValidation: implicit('ANY Writers'),
          },
          Capabilities: { V2_0: true },
        },
        Application: {
          Organizations: peerOrgs.map((o) => orgSection(paths, topology, o, 'application')),
          // Changing the channel, and committing the chaincode's definition: a majority of the members, the
          // bureau among them, not one that two bodies make without it (consortium/channel-policy.ts).
          Policies: {
            Readers: implicit('ANY Readers'),
            Writers: implicit('ANY Writers'),
            Admins: signature(
              bureauAndMajorityRule(
                peerOrgs.map((o) => o.mspId),
                'admin',
              ),
            ),
            LifecycleEndorsement: signature(
              bureauAndMajorityRule(
                peerOrgs.map((o) => o.mspId),
                'peer',
              ),
            ),
            Endorsement: implicit('MAJORITY Endorsement'),
          },
          Capabilities: { V2_5: true },
        },
      },
    },
  };
}

/** Writes configtx.yaml into the channel folder and returns that folder (configtxgen's FABRIC_CFG_PATH). */
export function writeConfigtx(paths: Paths, topology: Topology, opts: ChannelOptions): string {
  const dir = paths.channelDir();
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'configtx.yaml'), JSON.stringify(configtx(paths, topology, opts), null, 2));
  return dir;
}
