/**
 * Chaincode-as-a-service lifecycle: compile output hashed into a label, one package per org (its
 * connection.json names that org's chaincode server), install, approve by every org, commit, and run one
 * chaincode server per org. A changed chaincode gets the next sequence.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { NetworkContext } from './context.js';
import { address, identityName, ordererArgs, peerAdminEnv } from './node-env.js';
import { run, startDaemon, stopDaemon, tcpOpen, waitUntil, CommandError } from './proc.js';
import { readState, writeState } from './state.js';
import type { NodeSpec, OrgSpec, Topology } from './topology.js';
import { nodesOf, peerOrgs } from './topology.js';

/**
 * How the peers reach the chaincode servers (connection.json): part of the label, so a change of it is a new
 * version every org installs and approves.
 */
const CONNECTION_FORMAT = 'ccaas tls mutual-auth 1';

/** One private data collection of the chaincode definition, as `--collections-config` takes it. */
interface CollectionConfig {
  name: string;
  policy: string;
  requiredPeerCount: number;
  maxPeerCount: number;
  blockToLive: number;
  memberOnlyRead: boolean;
  memberOnlyWrite: boolean;
  endorsementPolicy: { signaturePolicy: string };
}

/**
 * The chaincode definition's policies, from the topology:
 * - endorsement: the bureau's peer and one opening body's, so nothing is written without the bureau, and no
 *   body alone with the bureau's peer offline;
 * - a collection `rdx-<body MSP>` per opening body, held by that body and the bureau, read and written only by
 *   their clients, written only with both their peers (see chaincode/src/lib/sealed.ts). Blocks keep the
 *   hashes; the data itself never leaves the members' peers.
 */
export function chaincodeDefinition(topology: Topology): {
  signaturePolicy: string;
  collections: CollectionConfig[];
} {
  const bureau = 'BureauMSP';
  const bodies = peerOrgs(topology)
    .map((o) => o.mspId)
    .filter((m) => m !== bureau);
  return {
    signaturePolicy: `AND('${bureau}.peer', OR(${bodies.map((b) => `'${b}.peer'`).join(', ')}))`,
    collections: bodies.map((b) => ({
      name: `rdx-${b}`,
      policy: `OR('${b}.member', '${bureau}.member')`,
      // The endorsing peers (one per member org, as the endorsement policy needs both) hold it at once.
      requiredPeerCount: 0,
      maxPeerCount: 1,
      blockToLive: 0,
      memberOnlyRead: true,
      memberOnlyWrite: true,
      endorsementPolicy: { signaturePolicy: `AND('${b}.peer', '${bureau}.peer')` },
    })),
  };
}

/**
 * Label = name + hash of the compiled chaincode (its tests and test support excluded), of how it is
 * reached, and of its definition's policies and collections, so any change to one is a new version.
 */
export function chaincodeLabel(repoRoot: string, topology?: Topology): string {
  const dir = path.join(repoRoot, 'chaincode');
  const dist = path.join(dir, 'dist');
  if (!fs.existsSync(path.join(dist, 'index.js'))) {
    throw new Error('chaincode/dist/index.js is missing: run `npm run build` first');
  }
  const hash = crypto.createHash('sha256');
  const files = fs
    .readdirSync(dist, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js') && !f.endsWith('.test.js') && !f.startsWith('testing'))
    .sort();
  for (const f of files) {
    hash.update(f);
    hash.update(fs.readFileSync(path.join(dist, f)));
  }
  hash.update(fs.readFileSync(path.join(dir, 'package.json')));
  hash.update(CONNECTION_FORMAT);
  if (topology) hash.update(JSON.stringify(chaincodeDefinition(topology)));
  return `rdx_${hash.digest('hex').slice(0, 16)}`;
}

function peerOf(ctx: NetworkContext, org: OrgSpec): NodeSpec {
  const peer = nodesOf(ctx.topology, 'peer', org.mspId)[0];
  if (!peer) throw new Error(`${org.mspId} has no peer`);
  return peer;
}

function serverOf(ctx: NetworkContext, org: OrgSpec): NodeSpec {
  const server = nodesOf(ctx.topology, 'chaincode', org.mspId)[0];
  if (!server) throw new Error(`${org.mspId} has no chaincode server`);
  return server;
}

function peerCli(ctx: NetworkContext, org: OrgSpec, args: string[], timeoutMs = 120_000): Promise<string> {
  return run(ctx.install.bin.peer, args, {
    env: peerAdminEnv(ctx.install, ctx.paths, ctx.topology, peerOf(ctx, org)),
    timeoutMs,
  });
}

/** Writes the org's ccaas package (metadata.json + code.tar.gz holding connection.json). */
async function packageFor(ctx: NetworkContext, org: OrgSpec, label: string): Promise<string> {
  const dir = ctx.paths.chaincodeDir(org.short);
  const work = path.join(dir, 'work');
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  const server = serverOf(ctx, org);
  // Mutual TLS: the chaincode server takes only the org's own peer, which shows its TLS certificate. The package
  // holding the peer's TLS key never leaves the org's home: only that org installs it.
  const peerTls = ctx.paths.identityTls(org.short, identityName(peerOf(ctx, org)));
  const connection = {
    address: address(server),
    dial_timeout: '10s',
    tls_required: true,
    client_auth_required: true,
    client_cert: fs.readFileSync(path.join(peerTls, 'server.crt'), 'utf8'),
    client_key: fs.readFileSync(path.join(peerTls, 'server.key'), 'utf8'),
    root_cert: fs.readFileSync(ctx.paths.caCert(org.short), 'utf8'),
  };
  fs.writeFileSync(path.join(work, 'connection.json'), JSON.stringify(connection, null, 2));
  fs.writeFileSync(path.join(work, 'metadata.json'), JSON.stringify({ type: 'ccaas', label }));
  // Fixed mtimes and owners keep the archive, and so the package id, the same for the same inputs.
  const tarFixed = ['--mtime=2025-01-01 00:00Z', '--owner=0', '--group=0', '--numeric-owner', '--sort=name'];
  await run('tar', [...tarFixed, '-czf', 'code.tar.gz', 'connection.json'], { cwd: work });
  const pkg = path.join(dir, `${label}.tgz`);
  await run('tar', [...tarFixed, '-czf', pkg, 'metadata.json', 'code.tar.gz'], { cwd: work });
  return pkg;
}

interface Committed {
  sequence: number;
  version: string;
}

async function queryCommitted(ctx: NetworkContext, org: OrgSpec): Promise<Committed | undefined> {
  try {
    const out = await peerCli(ctx, org, [
      'lifecycle',
      'chaincode',
      'querycommitted',
      '-C',
      ctx.topology.channel,
      '-n',
      ctx.topology.chaincodeName,
      '-O',
      'json',
    ]);
    return JSON.parse(out) as Committed;
  } catch (err) {
    if (err instanceof CommandError && /not found|does not exist|is not defined/i.test(err.output))
      return undefined;
    throw err;
  }
}

/** Writes the collections of the definition where approve and commit read them. */
function collectionsFile(ctx: NetworkContext): string {
  const file = path.join(ctx.paths.home, 'chaincode', 'collections.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(chaincodeDefinition(ctx.topology).collections, null, 2));
  return file;
}

/**
 * The orderer, and the channel, chaincode, version, sequence, endorsement policy and collections of a
 * definition, as approve and commit take them (every org must approve the same).
 */
function definitionArgs(ctx: NetworkContext, org: OrgSpec, label: string, sequence: number): string[] {
  return [
    ...ordererArgs(ctx.paths, ctx.topology, org.mspId),
    '-C',
    ctx.topology.channel,
    '-n',
    ctx.topology.chaincodeName,
    '--version',
    label,
    '--sequence',
    String(sequence),
    '--signature-policy',
    chaincodeDefinition(ctx.topology).signaturePolicy,
    '--collections-config',
    collectionsFile(ctx),
  ];
}

/** Deploys the compiled chaincode unless the committed definition already is this build. */
export async function deployChaincode(
  ctx: NetworkContext,
): Promise<{ label: string; sequence: number; changed: boolean }> {
  const label = chaincodeLabel(ctx.config.repoRoot, ctx.topology);
  const orgs = peerOrgs(ctx.topology);
  const first = orgs[0]!;
  const committed = await queryCommitted(ctx, first);
  const state = readState(ctx.paths);
  if (committed?.version === label && state.chaincode?.label === label) {
    return { label, sequence: committed.sequence, changed: false };
  }
  const sequence = committed
    ? committed.version === label
      ? committed.sequence
      : committed.sequence + 1
    : 1;
  ctx.log(`Deploying chaincode ${label} as sequence ${sequence}`);

  const packageIds: Record<string, string> = {};
  for (const org of orgs) {
    const pkg = await packageFor(ctx, org, label);
    const packageId = (await peerCli(ctx, org, ['lifecycle', 'chaincode', 'calculatepackageid', pkg])).trim();
    packageIds[org.mspId] = packageId;
    const installed = await peerCli(ctx, org, ['lifecycle', 'chaincode', 'queryinstalled', '-O', 'json']);
    if (!installed.includes(packageId)) {
      ctx.log(`  install on ${peerOf(ctx, org).name}`);
      await peerCli(ctx, org, ['lifecycle', 'chaincode', 'install', pkg]);
    }
  }
  // Servers first: the peers dial them on the first transaction after commit.
  writeState(ctx.paths, { ...state, chaincode: { label, sequence, packageIds } });
  await startChaincodeServers(ctx, true);

  if (committed?.version !== label) {
    for (const org of orgs) {
      ctx.log(`  approve for ${org.mspId}`);
      await peerCli(ctx, org, [
        'lifecycle',
        'chaincode',
        'approveformyorg',
        ...definitionArgs(ctx, org, label, sequence),
        '--package-id',
        packageIds[org.mspId]!,
        '--waitForEvent',
      ]);
    }
    const peerArgs = orgs.flatMap((org) => [
      '--peerAddresses',
      address(peerOf(ctx, org)),
      '--tlsRootCertFiles',
      ctx.paths.caCert(org.short),
    ]);
    ctx.log('  commit');
    await peerCli(ctx, first, [
      'lifecycle',
      'chaincode',
      'commit',
      ...definitionArgs(ctx, first, label, sequence),
      ...peerArgs,
      '--waitForEvent',
    ]);
  }
  return { label, sequence, changed: true };
}

/** Starts each org's chaincode server for the recorded package; `restart` replaces running ones. */
export async function startChaincodeServers(
  ctx: NetworkContext,
  restart: boolean,
  only?: string,
): Promise<void> {
  const chaincode = readState(ctx.paths).chaincode;
  if (!chaincode) return;
  const require = createRequire(import.meta.url);
  const shimCli = require.resolve('fabric-shim/cli.js', {
    paths: [path.join(ctx.config.repoRoot, 'chaincode')],
  });
  for (const org of peerOrgs(ctx.topology)) {
    if (only && org.mspId !== only) continue;
    const server = serverOf(ctx, org);
    const packageId = chaincode.packageIds[org.mspId];
    if (!packageId) continue;
    if (restart) await stopDaemon(ctx.paths, server.name);
    else if (await tcpOpen(server.host, server.port)) continue;
    const tls = ctx.paths.identityTls(org.short, 'chaincode');
    startDaemon(
      ctx.paths,
      server.name,
      process.execPath,
      [
        shimCli,
        'server',
        '--chaincode-address',
        address(server),
        '--chaincode-id',
        packageId,
        '--chaincode-tls-cert-file',
        path.join(tls, 'server.crt'),
        '--chaincode-tls-key-file',
        path.join(tls, 'server.key'),
        // Only clients with a certificate of the org's CA (its peer) may connect.
        '--chaincode-tls-client-cacert-file',
        ctx.paths.caCert(org.short),
      ],
      { PATH: process.env.PATH, CORE_CHAINCODE_LOGGING_LEVEL: 'info' },
      path.join(ctx.config.repoRoot, 'chaincode'),
    );
    await waitUntil(() => tcpOpen(server.host, server.port), {
      what: `chaincode server ${server.name}`,
      timeoutMs: 30_000,
      processName: server.name,
      paths: ctx.paths,
    });
  }
}
