/**
 * Settings of the network tooling, read once from the environment, each named, documented and checked.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { recordedConsensus } from './state.js';

export interface NetworkConfig {
  /** Repository root (holds `chaincode/`, `gateway/`, …). */
  repoRoot: string;
  /** RDX_HOME: where crypto, ledgers, logs and pids live. Default `<repo>/.rdx`. */
  home: string;
  /** RDX_BASE_PORT: first port of the network's port block. Default 7000. */
  basePort: number;
  /** RDX_HOST: address every node listens on and is reached at. Default 127.0.0.1. */
  host: string;
  /** RDX_GATEWAY_PORT: the API gateway's port. Default 3000. */
  gatewayPort: number;
  /** RDX_CLERK_PORT: the clerk service's operations port. Default the gateway's port + 10. */
  clerkPort?: number;
  /** RDX_GATEWAY_METRICS_PORT: the gateway's metrics port, on loopback. Default the gateway's port + 20. */
  gatewayMetricsPort?: number;
  /** FABRIC_BIN: a folder with Fabric release binaries; skips the build. */
  fabricBin?: string;
  /**
   * FABRIC_SRC: a Fabric v3.1.5 source folder or .tar.xz/.tar.gz archive to build the binaries from. Default: the
   * shared source archive beside the checkout (`../shared/fabric/fabric-3.1.5-src.tar.xz`), when there is one.
   */
  fabricSrc?: string;
  /** RDX_CACHE: where Fabric binaries are built once. Default `~/.cache/rdx`. */
  cacheDir: string;
  /** RDX_BATCH_TIMEOUT: block cutting timeout. It bounds how fast a revocation reaches the gateways. */
  batchTimeout: string;
  /**
   * RDX_ORG_HOSTS (`BureauMSP=10.0.0.2,MarketMSP=10.0.0.3`): the host of each org's nodes when the orgs run on
   * their own machines; an org not named is on RDX_HOST. The gateway runs on the bureau's host.
   */
  orgHosts: Record<string, string>;
  /**
   * RDX_JOINING_BODIES (`HealthMSP:health:卫生健康委员会;…`): opening bodies in the address book that are not in
   * the genesis block but join the running network (`rdx-network channel add-org`).
   */
  joiningBodies: { mspId: string; short: string; displayName: string }[];
  /** RDX_CONSENSUS: `raft` (default: the bureau's three orderers) or `bft` (four, spread over bureau and bodies). */
  consensus: 'raft' | 'bft';
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function intSetting(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function repoRoot(): string {
  // network/dist/config.js → repository root
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/**
 * Our machines keep the Fabric source archive beside the repository (`../shared/fabric/…`), because their Go
 * proxy refuses Fabric. A clone made elsewhere (a temporary folder, CI's fresh clone) has nothing beside it: its
 * `origin`, when that is a folder on this machine, is looked at next, for a few hops of clones of clones.
 */
export function sharedFabricSource(root: string): string | undefined {
  let dir: string | undefined = root;
  for (let hop = 0; dir !== undefined && hop < 4; hop++) {
    const archive = path.resolve(dir, '..', 'shared', 'fabric', 'fabric-3.1.5-src.tar.xz');
    if (fs.existsSync(archive)) return archive;
    dir = localOrigin(dir);
  }
  return undefined;
}

/** The folder a checkout was cloned from, when its `origin` remote is a path on this machine. */
function localOrigin(checkout: string): string | undefined {
  let url: string;
  try {
    url = execFileSync('git', ['-C', checkout, 'config', '--get', 'remote.origin.url'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined; // not a git checkout, no origin, or no git
  }
  if (url.startsWith('file://')) url = fileURLToPath(url);
  return path.isAbsolute(url) && fs.existsSync(url) ? path.resolve(url) : undefined;
}

function orgHosts(raw: string | undefined): Record<string, string> {
  const hosts: Record<string, string> = {};
  for (const entry of (raw ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [msp, host] = entry.split('=');
    if (!msp || !host || !/^[A-Za-z0-9]+MSP$/.test(msp))
      throw new ConfigError(`RDX_ORG_HOSTS entries look like MarketMSP=10.0.0.3, got "${entry}"`);
    hosts[msp] = host;
  }
  return hosts;
}

/**
 * A network keeps the ordering it was created with: `npm stop` or `npm start` without RDX_CONSENSUS must not
 * treat a BFT network as Raft (it would leave two consenters running, or start the wrong orderers).
 */
function consensusSetting(raw: string | undefined, home: string): 'raft' | 'bft' {
  const recorded = recordedConsensus(home);
  if (raw === undefined || raw === '') return recorded ?? 'raft';
  if (raw !== 'raft' && raw !== 'bft') throw new ConfigError(`RDX_CONSENSUS is raft or bft, got "${raw}"`);
  if (recorded && recorded !== raw) {
    throw new ConfigError(
      `The network in ${home} was created with ${recorded} ordering; RDX_CONSENSUS=${raw} does not match it. ` +
        'Leave RDX_CONSENSUS unset to use the network as it is, or `npm run reset` to create a new one.',
    );
  }
  return raw;
}

function joiningBodies(raw: string | undefined): NetworkConfig['joiningBodies'] {
  return (raw ?? '')
    .split(';')
    .map((e) => e.trim())
    .filter(Boolean)
    .map((entry) => {
      const [mspId, short, displayName] = entry.split(':');
      if (!mspId || !/^[A-Za-z0-9]+MSP$/.test(mspId) || !short || !/^[a-z][a-z0-9]{0,15}$/.test(short))
        throw new ConfigError(
          `RDX_JOINING_BODIES entries look like HealthMSP:health:卫生健康委员会, got "${entry}"`,
        );
      return { mspId, short, displayName: displayName || mspId };
    });
}

/**
 * The settings that say which network a command acts on: where its state lives, its ports and its topology.
 * `npm stop` or `npm run status` in another shell acts on the default network unless given the same. Named one by
 * one rather than every `RDX_*` set: those include the CLI's `RDX_CLIENT_SECRET`, which a printed hint must not echo.
 */
const NETWORK_SETTINGS = [
  'RDX_HOME',
  'RDX_HOST',
  'RDX_BASE_PORT',
  'RDX_GATEWAY_PORT',
  'RDX_CLERK_PORT',
  'RDX_GATEWAY_METRICS_PORT',
  'RDX_ORG_HOSTS',
  'RDX_JOINING_BODIES',
  'RDX_CONSENSUS',
] as const;

/**
 * What a start gives the nodes it launches besides which network they are (node-env.ts, the channel's creation):
 * a start that goes on after an interrupted one launches what is left with these, or with the defaults.
 * `RDX_CACHE` is not one of them: it says where the binaries are kept, not how a node runs.
 */
const NODE_SETTINGS = ['RDX_PEER_TIME_WINDOW', 'RDX_FABRIC_LOGGING_SPEC', 'RDX_BATCH_TIMEOUT'] as const;

function withSettings(command: string, names: readonly string[], env: NodeJS.ProcessEnv): string {
  const shellWord = (v: string): string =>
    /^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replaceAll("'", "'\\''")}'`;
  const settings = names.flatMap((name) => {
    const value = env[name];
    return value ? [`${name}=${shellWord(value)}`] : [];
  });
  return [...settings, command].join(' ');
}

/**
 * A command to run in another shell against this network: `npm stop` as it is for the default network, with the
 * network's settings from `env` before it otherwise (`RDX_HOME=/tmp/rdx-bench RDX_BASE_PORT=9000 npm stop`), so
 * the hints a start prints do not send an operator of a second network to stop the first.
 */
export function commandForThisNetwork(command: string, env: NodeJS.ProcessEnv = process.env): string {
  return withSettings(command, NETWORK_SETTINGS, env);
}

/**
 * `npm start` for this network, as {@link commandForThisNetwork}, with the settings its nodes were launched with
 * too: the peer a resumed start launches keeps the time window the others run with (`RDX_PEER_TIME_WINDOW=72h`),
 * not Fabric's 15 minutes, and its log level; a channel it has yet to create gets the batch timeout asked for.
 */
export function startForThisNetwork(env: NodeJS.ProcessEnv = process.env): string {
  return withSettings('npm start', [...NETWORK_SETTINGS, ...NODE_SETTINGS], env);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): NetworkConfig {
  const root = repoRoot();
  const batchTimeout = env.RDX_BATCH_TIMEOUT ?? '500ms';
  if (!/^\d+(ms|s)$/.test(batchTimeout)) {
    throw new ConfigError(`RDX_BATCH_TIMEOUT must look like 500ms or 2s, got "${batchTimeout}"`);
  }
  const home = path.resolve(env.RDX_HOME ?? path.join(root, '.rdx'));
  return {
    repoRoot: root,
    home,
    // 65535 - (13 nodes + 3 per joining body) × 10 ports
    basePort: intSetting(env, 'RDX_BASE_PORT', 7000, 1024, 65000),
    host: env.RDX_HOST ?? '127.0.0.1',
    gatewayPort: intSetting(env, 'RDX_GATEWAY_PORT', 3000, 1, 65535),
    clerkPort: env.RDX_CLERK_PORT ? intSetting(env, 'RDX_CLERK_PORT', 3010, 1, 65535) : undefined,
    // A port: the platform's tooling and tests read the platform gateway's metrics (`off` is for a gateway run alone).
    gatewayMetricsPort: env.RDX_GATEWAY_METRICS_PORT
      ? intSetting(env, 'RDX_GATEWAY_METRICS_PORT', 3020, 1, 65535)
      : undefined,
    fabricBin: env.FABRIC_BIN ? path.resolve(env.FABRIC_BIN) : undefined,
    fabricSrc: env.FABRIC_SRC ? path.resolve(env.FABRIC_SRC) : sharedFabricSource(root),
    // Without HOME (a service manager's bare environment), the account's own home: never a shared folder.
    cacheDir: path.resolve(env.RDX_CACHE ?? path.join(env.HOME ?? os.homedir(), '.cache', 'rdx')),
    batchTimeout,
    orgHosts: orgHosts(env.RDX_ORG_HOSTS),
    consensus: consensusSetting(env.RDX_CONSENSUS, home),
    joiningBodies: joiningBodies(env.RDX_JOINING_BODIES),
  };
}
