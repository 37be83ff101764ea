/**
 * Several hosts on one machine, for the multi-host tests: one Linux network namespace per host, joined by veth
 * links to a bridge on a private test subnet that exists only while the test runs. Nothing is routed anywhere
 * else: the namespaces have no default route, the bridge no uplink. Each host runs the network tooling from its
 * own RDX_HOME inside its namespace, so every process it starts lives there, and listens on the host's address.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildTopology, Paths, run, type Topology } from '@rdx/network';
import { config } from '../fabric-client.js';
import { nearEnd, removeNamespace } from '../namespaces.js';

/** The test subnet: private, used by nothing else, created and removed by the test. */
export const SUBNET = '10.213.77';
const BRIDGE = 'rdxmh0';
const BASE_PORT = 7400;
const GATEWAY_PORT = 3400;

export interface HostSpec {
  /** Short name: namespace `rdxmh-<name>`, veth `rdxmh-<name>`. */
  name: string;
  /** Last octet of its address on the test subnet. */
  octet: number;
  /** The orgs it runs (the first one is the one it acts as). */
  orgs: string[];
}

export const JOINING = 'HealthMSP:health:丽水市卫生健康委员会';

/** One host: its namespace, address and home, and the network CLI run there. */
export class Host {
  readonly ns: string;
  readonly address: string;
  readonly home: string;
  readonly paths: Paths;

  constructor(
    readonly spec: HostSpec,
    root: string,
  ) {
    this.ns = `rdxmh-${spec.name}`;
    this.address = `${SUBNET}.${spec.octet}`;
    this.home = path.join(root, spec.name);
    this.paths = new Paths(this.home, config.repoRoot);
  }

  /** The environment every host shares (the address book) and its own home. */
  env(hosts: Host[]): NodeJS.ProcessEnv {
    const orgHosts = hosts.flatMap((h) => h.spec.orgs.map((o) => `${o}=${h.address}`)).join(',');
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      RDX_HOME: this.home,
      RDX_CACHE: config.cacheDir,
      ...(config.fabricSrc ? { FABRIC_SRC: config.fabricSrc } : {}),
      ...(config.fabricBin ? { FABRIC_BIN: config.fabricBin } : {}),
      RDX_HOST: this.address,
      RDX_ORG_HOSTS: orgHosts,
      RDX_JOINING_BODIES: JOINING,
      RDX_BASE_PORT: String(BASE_PORT),
      RDX_GATEWAY_PORT: String(GATEWAY_PORT),
      CORE_CHAINCODE_LOGGING_LEVEL: 'warning',
    };
  }

  /** `rdx-network <args>` inside this host's namespace, from its home. */
  cli(hosts: Host[], args: string[], timeoutMs = 300_000): Promise<string> {
    return run(
      'ip',
      [
        'netns',
        'exec',
        this.ns,
        process.execPath,
        path.join(config.repoRoot, 'network', 'dist', 'cli', 'main.js'),
        ...args,
      ],
      { env: this.env(hosts), timeoutMs },
    );
  }

  /** A command inside this host's namespace. */
  exec(cmd: string, args: string[], timeoutMs = 30_000): Promise<string> {
    return run('ip', ['netns', 'exec', this.ns, cmd, ...args], { timeoutMs });
  }
}

/** The address book every host computes: the same topology, each org on its host's address. */
export function topologyOf(hosts: Host[]): Topology {
  const orgHosts = Object.fromEntries(hosts.flatMap((h) => h.spec.orgs.map((o) => [o, h.address])));
  return buildTopology({
    basePort: BASE_PORT,
    host: hosts[0]!.address,
    hosts: orgHosts,
    gatewayHost: orgHosts.BureauMSP!,
    gatewayPort: GATEWAY_PORT,
    joining: [{ mspId: 'HealthMSP', short: 'health', displayName: '丽水市卫生健康委员会' }],
  });
}

/** Creates the bridge (with the test's own address on it), and one namespace per host linked to it. */
export async function createHosts(specs: HostSpec[]): Promise<{ hosts: Host[]; root: string }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-hosts-'));
  fs.chmodSync(root, 0o700);
  const hosts = specs.map((s) => new Host(s, root));
  await removeHosts(hosts, undefined);
  await run('ip', ['link', 'add', BRIDGE, 'type', 'bridge']);
  await run('ip', ['addr', 'add', `${SUBNET}.1/24`, 'dev', BRIDGE]);
  await run('ip', ['link', 'set', BRIDGE, 'up']);
  for (const h of hosts) {
    const outside = nearEnd(h.ns);
    await run('ip', ['netns', 'add', h.ns]);
    await run('ip', ['link', 'add', outside, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', h.ns]);
    await run('ip', ['link', 'set', outside, 'master', BRIDGE]);
    await run('ip', ['link', 'set', outside, 'up']);
    await h.exec('ip', ['addr', 'add', `${h.address}/24`, 'dev', 'eth0']);
    await h.exec('ip', ['link', 'set', 'eth0', 'up']);
    await h.exec('ip', ['link', 'set', 'lo', 'up']);
    fs.mkdirSync(h.home, { recursive: true, mode: 0o700 });
  }
  return { hosts, root };
}

/** Kills every process of the hosts' namespaces and removes them, the links, the bridge and the homes. */
export async function removeHosts(hosts: Host[], root: string | undefined): Promise<void> {
  for (const h of hosts) await removeNamespace(h.ns);
  await run('ip', ['link', 'del', BRIDGE]).catch(() => '');
  if (root) fs.rmSync(root, { recursive: true, force: true });
}
