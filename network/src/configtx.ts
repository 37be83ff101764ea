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

const signature = (rule: string): { Type: string; Rule: string } => ({ Type: 'Signature', Rule: rule });
const implicit = (rule: string): { Type: string; Rule: string } => ({ Type: 'ImplicitMeta', Rule: rule });

function orgSection(paths: Paths, topology: Topology, org: OrgSpec): Record<string, unknown> {
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
  if (org.kind === 'orderer') {
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
  const ordererOrgs = founding.filter((o) => o.kind === 'orderer');
  const peerOrgs = founding.filter((o) => o.kind === 'peer');
  // Every org this home knows (its own, and those it imported), for `configtxgen -printOrg` when one joins.
  const known = topology.orgs.filter((o) => fs.existsSync(path.join(paths.orgMsp(o.short), 'config.yaml')));
  const consenters = nodesOf(topology, 'orderer').map((n) => {
    const tls = paths.identityTls(ordererOrgs.find((o) => o.mspId === n.mspId)!.short, n.name.split('.')[0]!);
    return {
      Host: n.host,
      Port: n.port,
      ClientTLSCert: path.join(tls, 'server.crt'),
      ServerTLSCert: path.join(tls, 'server.crt'),
    };
  });
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
          OrdererType: 'etcdraft',
          BatchTimeout: opts.batchTimeout,
          BatchSize: {
            MaxMessageCount: opts.maxMessageCount,
            AbsoluteMaxBytes: '10 MB',
            PreferredMaxBytes: '2 MB',
          },
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
          Organizations: ordererOrgs.map((o) => orgSection(paths, topology, o)),
          Policies: {
            Readers: implicit('ANY Readers'),
            Writers: implicit('ANY Writers'),
            Admins: implicit('MAJORITY Admins'),
            BlockValidation: implicit('ANY Writers'),
          },
          Capabilities: { V2_0: true },
        },
        Application: {
          Organizations: peerOrgs.map((o) => orgSection(paths, topology, o)),
          Policies: {
            Readers: implicit('ANY Readers'),
            Writers: implicit('ANY Writers'),
            Admins: implicit('MAJORITY Admins'),
            LifecycleEndorsement: implicit('MAJORITY Endorsement'),
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
