/**
 * Chaincode-as-a-service lifecycle: compile output hashed into a label, one package per org (its
 * connection.json names that org's chaincode server), install, approve by every org, commit, and run one
 * chaincode server per org. A changed chaincode gets the next sequence.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { writeFileAtomic } from '@rdx/client';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { NetworkContext } from './context.js';
import { address, identityName, ordererArgs, peerAdminEnv } from './node-env.js';
import { ensureLaunched, SHELL_ONLY, startLaunch, type Launch } from './launch.js';
import { run, stopDaemon, tcpOpen, waitUntil, CommandError, PlatformError } from './proc.js';
import { readState, writeState } from './state.js';
import type { NodeSpec, OrgSpec } from './topology.js';
import { nodesOf, orgOf, peerOrgs } from './topology.js';
import { channelMembers } from './consortium/channel-config.js';
import { BUREAU, bodiesNeeded } from './consortium/channel-policy.js';
import { isLocalOrg } from './consortium/org-definition.js';
import { hasTlsPair } from './ca.js';
import { CODE_ID, codeId, hashWorkspaces } from './code-id.js';

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

export interface ChaincodeDefinition {
  signaturePolicy: string;
  collections: CollectionConfig[];
}

/**
 * The chaincode definition's policies, from the channel's opening bodies:
 * - endorsement: the bureau's peer and one opening body's, so nothing is written without the bureau, and no
 *   body alone with the bureau's peer offline;
 * - a collection `rdx-<body MSP>` per opening body, held by that body and the bureau, read and written only by
 *   their clients, written only with both their peers (see chaincode/src/lib/sealed.ts). Blocks keep the
 *   hashes; the data itself never leaves the members' peers. A body that left keeps its collection — Fabric
 *   never drops one from a definition — but Fabric allows only channel members in a collection: the bureau
 *   alone keeps it (the records were filed with it), and no transaction writes to it any more (the chaincode
 *   refuses a departed body's datasets and acts).
 */
export function chaincodeDefinition(bodies: string[], formerBodies: string[] = []): ChaincodeDefinition {
  const collection = (b: string, holders: string[]): CollectionConfig => ({
    name: `rdx-${b}`,
    policy: `OR(${holders.map((h) => `'${h}.member'`).join(', ')})`,
    // The endorsing peers (one per member org, as the endorsement policy needs both) hold it at once.
    requiredPeerCount: 0,
    maxPeerCount: 1,
    blockToLive: 0,
    memberOnlyRead: true,
    memberOnlyWrite: true,
    endorsementPolicy: { signaturePolicy: `AND(${holders.map((h) => `'${h}.peer'`).join(', ')})` },
  });
  const current = [...bodies].sort();
  const former = [...new Set(formerBodies)].filter((b) => !current.includes(b)).sort();
  return {
    signaturePolicy: `AND('${BUREAU}.peer', OR(${current.map((b) => `'${b}.peer'`).join(', ')}))`,
    collections: [
      ...current.map((b) => collection(b, [b, BUREAU])),
      ...former.map((b) => collection(b, [BUREAU])),
    ].sort((x, y) => x.name.localeCompare(y.name)),
  };
}

/**
 * Label of the package = name + hash of the compiled chaincode and of the workspaces it loads (the error contract;
 * tests and test support excluded) and of how it is reached: any change to the code or its connection is a new
 * package every org installs.
 */
export function chaincodeLabel(repoRoot: string): string {
  if (!fs.existsSync(path.join(repoRoot, 'chaincode', 'dist', 'index.js'))) {
    throw new Error('chaincode/dist/index.js is missing: run `npm run build` first');
  }
  const hash = crypto.createHash('sha256');
  hashWorkspaces(hash, repoRoot, 'chaincode');
  hash.update(CONNECTION_FORMAT);
  return `rdx_${hash.digest('hex').slice(0, 16)}`;
}

/**
 * The definition's version: the package label and a hash of its policies and collections. A body joining or
 * leaving changes the version (every member approves the next sequence) but not the package.
 */
export function definitionVersion(label: string, definition: ChaincodeDefinition): string {
  const hash = crypto.createHash('sha256').update(JSON.stringify(definition)).digest('hex');
  return `${label}.${hash.slice(0, 8)}`;
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
  /** The bodies whose collections the committed definition holds. */
  collectionBodies: string[];
  /**
   * Which members approved the committed definition, as Fabric compares them: its policies and collections, not
   * only its version string. The channel's members may commit without a minority; a host whose org is `false`
   * here runs a definition it never approved, whatever its version says.
   */
  approvals: Record<string, boolean>;
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
    const parsed = JSON.parse(out) as {
      sequence: number;
      version: string;
      approvals?: Record<string, boolean>;
    };
    const collectionBodies = [...out.matchAll(/"name":\s*"rdx-([A-Za-z0-9]+MSP)"/g)].map((m) => m[1]!);
    return {
      sequence: parsed.sequence,
      version: parsed.version,
      collectionBodies,
      approvals: parsed.approvals ?? {},
    };
  } catch (err) {
    if (err instanceof CommandError && /not found|does not exist|is not defined/i.test(err.output))
      return undefined;
    throw err;
  }
}

/** A definition to approve or commit: its version, sequence, policies and collections. */
interface Proposal {
  version: string;
  sequence: number;
  definition: ChaincodeDefinition;
  /** The file holding the definition's collections, as `--collections-config` reads it. */
  collectionsConfig: string;
}

/**
 * A proposal, its collections written once, whole, before any `peer` reads them: the orgs approve in parallel,
 * and a file rewritten by each approval was read empty by another's `peer` ("unexpected end of JSON input").
 */
function proposalOf(
  ctx: NetworkContext,
  version: string,
  sequence: number,
  definition: ChaincodeDefinition,
): Proposal {
  const collectionsConfig = path.join(ctx.paths.home, 'chaincode', 'collections.json');
  writeFileAtomic(collectionsConfig, JSON.stringify(definition.collections, null, 2));
  return { version, sequence, definition, collectionsConfig };
}

/**
 * The orderer, and the channel, chaincode, version, sequence, endorsement policy and collections of a
 * definition, as approve, checkcommitreadiness and commit take them (every org must approve the same).
 */
function definitionArgs(ctx: NetworkContext, org: OrgSpec, p: Proposal): string[] {
  return [
    ...ordererArgs(ctx.paths, ctx.topology, org.mspId),
    '-C',
    ctx.topology.channel,
    '-n',
    ctx.topology.chaincodeName,
    '--version',
    p.version,
    '--sequence',
    String(p.sequence),
    '--signature-policy',
    p.definition.signaturePolicy,
    '--collections-config',
    p.collectionsConfig,
  ];
}

export interface DeployResult {
  label: string;
  version: string;
  sequence: number;
  changed: boolean;
  /** Whether this definition is the channel's committed one now. */
  committed: boolean;
  /** Member orgs that have not approved it (each approves on its own host). */
  waitingFor: string[];
}

/** The chaincode definition the channel should have for `members`, and whether this home's orgs have it. */
async function targetFor(ctx: NetworkContext, members: string[]) {
  const bodies = members.filter((m) => m !== BUREAU);
  const local = peerOrgs(ctx.topology).filter((o) => members.includes(o.mspId) && isLocalOrg(ctx.paths, o));
  if (local.length === 0) throw new Error(`${ctx.paths.home} holds no member organization of the channel`);
  const committed = await queryCommitted(ctx, local[0]!);
  // A body that left keeps its collection (Fabric never removes one): the committed definition says which.
  const former = (committed?.collectionBodies ?? []).filter((b) => !bodies.includes(b));
  const definition = chaincodeDefinition(bodies, former);
  const label = chaincodeLabel(ctx.config.repoRoot);
  const version = definitionVersion(label, definition);
  const state = readState(ctx.paths);
  const installedHere = local.every(
    (o) => state.chaincode?.label === label && state.chaincode.packageIds[o.mspId],
  );
  return {
    members,
    local,
    committed,
    definition,
    label,
    version,
    state,
    done:
      committed?.version === version &&
      installedHere &&
      local.every((o) => committed.approvals[o.mspId] === true),
  };
}

/**
 * Brings this home's orgs to the chaincode definition the channel should have: the compiled package installed on
 * each local member's peer, the definition for the channel's current members approved by each local member,
 * and — with `commit` — committed once a majority of members approved, the bureau among them (on one machine: all of
 * them, at once).
 * Each org approves on its own host; the bureau commits. Safe to repeat: done steps are skipped.
 *
 * `writable`, given by a start, settles once the ordering service takes transactions (a restarted Raft cluster
 * elects its leader meanwhile, and its orderers answer nothing before). Until then the channel's members are
 * read from this home's own peer: on an ordinary restart that shows nothing is to be done, and the start goes
 * on. Anything to do waits for it, and is worked out again from the orderers' configuration.
 */
export async function deployChaincode(
  ctx: NetworkContext,
  opts: { commit?: boolean; writable?: Promise<unknown> } = {},
): Promise<DeployResult> {
  let target = await targetFor(ctx, await channelMembers(ctx, opts.writable ? 'peer' : 'orderers'));
  if (!target.done && opts.writable) {
    await opts.writable;
    target = await targetFor(ctx, await channelMembers(ctx));
  }
  const { members, local, committed, definition, label, version, state } = target;
  if (target.done) {
    return { label, version, sequence: committed!.sequence, changed: false, committed: true, waitingFor: [] };
  }
  const sequence = committed
    ? committed.version === version
      ? committed.sequence
      : committed.sequence + 1
    : 1;
  const proposal = proposalOf(ctx, version, sequence, definition);
  ctx.log(`Deploying chaincode ${version} as sequence ${sequence}`);
  const unapproved = local
    .filter((o) => committed && committed.approvals[o.mspId] !== true)
    .map((o) => o.mspId);
  if (committed && committed.version !== version && unapproved.length)
    ctx.log(
      `  the channel runs sequence ${committed.sequence} (${committed.version}), which ${unapproved.join(', ')} has not approved: committed before it joined, or by the other members without it (peer lifecycle chaincode querycommitted shows it)`,
    );

  const packageIds: Record<string, string> =
    state.chaincode?.label === label ? { ...state.chaincode.packageIds } : {};
  // Each local org installs on its own peer and approves for itself: all at once (approvals are transactions on
  // keys of each org's own, so they share a block).
  await Promise.all(
    local.map(async (org) => {
      const pkg = await packageFor(ctx, org, label);
      const packageId = (
        await peerCli(ctx, org, ['lifecycle', 'chaincode', 'calculatepackageid', pkg])
      ).trim();
      packageIds[org.mspId] = packageId;
      const installed = await peerCli(ctx, org, ['lifecycle', 'chaincode', 'queryinstalled', '-O', 'json']);
      if (!installed.includes(packageId)) {
        ctx.log(`  install on ${peerOf(ctx, org).name}`);
        await peerCli(ctx, org, ['lifecycle', 'chaincode', 'install', pkg]);
      }
    }),
  );
  // Servers first: the peers dial them on the first transaction after commit. Only a new package restarts a
  // running server: a new definition of the same package (a body joining) must not interrupt transactions.
  const newPackage = state.chaincode?.label !== label;
  writeState(ctx.paths, { ...readState(ctx.paths), chaincode: { label, sequence, packageIds } });
  await startChaincodeServers(ctx, newPackage);

  // Each local org approves unless it has: a new member approves the definition already committed, too. For the
  // committed sequence, what counts is whether the org approved what was committed (an approval of another
  // definition under the same version string does not).
  await Promise.all(
    local.map(async (org) => {
      const approved =
        committed?.sequence === sequence
          ? committed.approvals[org.mspId] === true
          : (await approvedVersion(ctx, org, sequence)) === version;
      if (approved) return;
      ctx.log(`  approve for ${org.mspId}`);
      await approveFor(ctx, org, proposal, packageIds[org.mspId]!);
    }),
  );
  if (committed?.version === version)
    return { label, version, sequence, changed: true, committed: true, waitingFor: [] };
  const approvals = await approvalsOf(ctx, local[0]!, proposal);
  const waitingFor = members.filter((m) => !approvals[m]);
  // The channel's LifecycleEndorsement: a majority of members, the bureau among them (consortium/channel-policy.ts).
  const bodies = members.filter((m) => m !== BUREAU);
  const enough =
    approvals[BUREAU] === true && bodies.filter((b) => approvals[b]).length >= bodiesNeeded(bodies.length);
  if (!opts.commit || !enough) {
    if (waitingFor.length)
      ctx.log(
        `  waiting for the approval of ${waitingFor.join(', ')} (rdx-network chaincode approve, on their hosts)`,
      );
    return { label, version, sequence, changed: true, committed: false, waitingFor };
  }
  // Endorsed by the peers of the members that approved: enough, and reachable (the others may not run yet).
  await commitDefinition(
    ctx,
    local[0]!,
    proposal,
    members.filter((m) => approvals[m]),
  );
  return { label, version, sequence, changed: true, committed: true, waitingFor };
}

/**
 * Re-packages `org`'s chaincode (its connection.json carries the peer's TLS client certificate, renewed by
 * `certs renew`), installs it, approves the committed definition again with the new package (an org may change
 * its package for the current sequence on its own), and restarts its chaincode server.
 */
export async function refreshLocalPackage(ctx: NetworkContext, org: OrgSpec): Promise<void> {
  const committed = await queryCommitted(ctx, org);
  if (!committed) return;
  const members = await channelMembers(ctx);
  const bodies = members.filter((m) => m !== BUREAU);
  const definition = chaincodeDefinition(
    bodies,
    committed.collectionBodies.filter((b) => !bodies.includes(b)),
  );
  const label = chaincodeLabel(ctx.config.repoRoot);
  const version = definitionVersion(label, definition);
  if (version !== committed.version)
    throw new Error(
      `the committed chaincode (${committed.version}) is not this build (${version}): run rdx-network chaincode approve first`,
    );
  const pkg = await packageFor(ctx, org, label);
  const packageId = (await peerCli(ctx, org, ['lifecycle', 'chaincode', 'calculatepackageid', pkg])).trim();
  const installed = await peerCli(ctx, org, ['lifecycle', 'chaincode', 'queryinstalled', '-O', 'json']);
  if (!installed.includes(packageId)) await peerCli(ctx, org, ['lifecycle', 'chaincode', 'install', pkg]);
  const state = readState(ctx.paths);
  if (state.chaincode?.packageIds[org.mspId] === packageId) return;
  ctx.log(`  ${org.mspId} approves its new package for sequence ${committed.sequence}`);
  await approveFor(ctx, org, proposalOf(ctx, version, committed.sequence, definition), packageId);
  writeState(ctx.paths, {
    ...state,
    chaincode: {
      label,
      sequence: committed.sequence,
      packageIds: { ...(state.chaincode?.packageIds ?? {}), [org.mspId]: packageId },
    },
  });
  await startChaincodeServers(ctx, true, org.mspId);
}

/**
 * Waits until `org`'s peer answers a read of the chaincode itself: its lifecycle has the org's current package and
 * the peer has connected to that package's chaincode server. A restart or a new package is done only then — a
 * proposal sent before gets the peer's launch error (the gateway's ABORTED "failed to endorse").
 */
export async function waitPeerServesChaincode(
  ctx: NetworkContext,
  org: OrgSpec,
  timeoutMs = 60_000,
): Promise<void> {
  const query = ['chaincode', 'query', '-C', ctx.topology.channel, '-n', ctx.topology.chaincodeName];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await peerCli(ctx, org, [...query, '-c', JSON.stringify({ Args: ['system:GetVersion'] })], 30_000);
      return;
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(
          `${org.mspId}'s peer does not serve the chaincode after ${timeoutMs / 1000}s: ${(err as Error).message}`,
          { cause: err },
        );
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** `org` approves `p` with its package; a definition committed otherwise at that sequence is named. */
async function approveFor(ctx: NetworkContext, org: OrgSpec, p: Proposal, packageId: string): Promise<void> {
  try {
    await peerCli(ctx, org, [
      'lifecycle',
      'chaincode',
      'approveformyorg',
      ...definitionArgs(ctx, org, p),
      '--package-id',
      packageId,
      '--waitForEvent',
    ]);
  } catch (err) {
    throw foreignDefinition(ctx, org, p, err) ?? err;
  }
}

/**
 * The clear error for an approval Fabric refuses because the channel's committed definition at that sequence
 * differs from the one this host builds: the other members committed, without `org`, a definition whose
 * policies or collections are not this release's for the channel's members (it may let another org read `org`'s
 * collection). Undefined for any other failure.
 */
function foreignDefinition(
  ctx: NetworkContext,
  org: OrgSpec,
  p: Proposal,
  err: unknown,
): PlatformError | undefined {
  const said = err instanceof CommandError ? err.output : '';
  const refusal =
    /attempted to redefine the current committed sequence \((\d+)\) for namespace \S+ with different parameters[^\n]*/.exec(
      said,
    );
  if (!refusal) return undefined;
  return new PlatformError(
    `The channel ${ctx.topology.channel} runs a chaincode definition at sequence ${refusal[1]} that ${org.mspId} did not approve ` +
      `and that is not the one this host builds for its members (version ${p.version}, collections in ${p.collectionsConfig}): ` +
      `the other members committed it without ${org.mspId}. Nothing was approved. Fabric says: ${refusal[0]}. ` +
      `Read the committed definition with \`peer lifecycle chaincode querycommitted -C ${ctx.topology.channel} -n ${ctx.topology.chaincodeName} -O json\` and take it up with the bureau.`,
  );
}

/** The version `org` approved at `sequence`, if it approved one. */
async function approvedVersion(
  ctx: NetworkContext,
  org: OrgSpec,
  sequence: number,
): Promise<string | undefined> {
  try {
    const out = await peerCli(ctx, org, [
      'lifecycle',
      'chaincode',
      'queryapproved',
      '-C',
      ctx.topology.channel,
      '-n',
      ctx.topology.chaincodeName,
      '--sequence',
      String(sequence),
      '-O',
      'json',
    ]);
    return (JSON.parse(out.slice(out.indexOf('{'))) as { version?: string }).version;
  } catch (err) {
    if (err instanceof CommandError) return undefined;
    throw err;
  }
}

/** Which member orgs approved `proposal` (`peer lifecycle chaincode checkcommitreadiness`). */
async function approvalsOf(ctx: NetworkContext, org: OrgSpec, p: Proposal): Promise<Record<string, boolean>> {
  const out = await peerCli(ctx, org, [
    'lifecycle',
    'chaincode',
    'checkcommitreadiness',
    ...definitionArgs(ctx, org, p),
    '-O',
    'json',
  ]);
  return (JSON.parse(out.slice(out.indexOf('{'))) as { approvals: Record<string, boolean> }).approvals;
}

/** Commits the definition as `org`'s admin, with the endorsements of the peers of `endorsers`. */
async function commitDefinition(
  ctx: NetworkContext,
  org: OrgSpec,
  p: Proposal,
  members: string[],
): Promise<void> {
  const peerArgs = members.flatMap((m) => {
    const member = orgOf(ctx.topology, m);
    return [
      '--peerAddresses',
      address(peerOf(ctx, member)),
      '--tlsRootCertFiles',
      ctx.paths.caCert(member.short),
    ];
  });
  ctx.log('  commit');
  await peerCli(ctx, org, [
    'lifecycle',
    'chaincode',
    'commit',
    ...definitionArgs(ctx, org, p),
    ...peerArgs,
    '--waitForEvent',
  ]);
}

/** Starts each org's chaincode server for the recorded package; `restart` replaces running ones. */
/**
 * Present while `deploy` restarts the chaincode servers: the supervisor must not start one in between (it would
 * race the restart for the port, and the loser's pid file would hide the winner, an old version, from `stop`).
 */
export function chaincodeRestartMarker(ctx: Pick<NetworkContext, 'paths'>): string {
  return path.join(ctx.paths.runDir(), 'chaincode-restart');
}

/** Whether a restart of the chaincode servers is under way (a marker older than two minutes is a dead one's). */
export function chaincodeRestarting(ctx: Pick<NetworkContext, 'paths'>): boolean {
  try {
    return Date.now() - fs.statSync(chaincodeRestartMarker(ctx)).mtimeMs < 120_000;
  } catch {
    return false;
  }
}

export async function startChaincodeServers(
  ctx: NetworkContext,
  restart: boolean,
  only?: string,
): Promise<void> {
  if (!restart) return startServers(ctx, { only });
  fs.mkdirSync(ctx.paths.runDir(), { recursive: true });
  fs.writeFileSync(chaincodeRestartMarker(ctx), String(process.pid));
  try {
    await startServers(ctx, { restart: true, only });
  } finally {
    fs.rmSync(chaincodeRestartMarker(ctx), { force: true });
  }
}

/**
 * Starts the local chaincode servers a restart already has everything for: a package on record and the server's
 * TLS pair enrolled. They need nothing of the network (each org's peer dials its server), so a start runs them
 * from its first step: each loads the contract (about two seconds of Node start-up) while the CAs, orderers and
 * peers come up. A server still missing either is left to {@link startChaincodeServers}.
 */
export function startEnrolledChaincodeServers(ctx: NetworkContext): Promise<void> {
  return startServers(ctx, { enrolledOnly: true });
}

async function startServers(
  ctx: NetworkContext,
  {
    restart = false,
    only,
    enrolledOnly = false,
  }: { restart?: boolean; only?: string; enrolledOnly?: boolean },
): Promise<void> {
  const chaincode = readState(ctx.paths).chaincode;
  if (!chaincode) return;
  const require = createRequire(import.meta.url);
  const shimCli = require.resolve('fabric-shim/cli.js', {
    paths: [path.join(ctx.config.repoRoot, 'chaincode')],
  });
  // The label covers the chaincode's own code; this digest also what is installed and Node's version, which a host
  // may upgrade under the same label.
  const code = codeId(ctx.config.repoRoot, 'chaincode');
  // Each server loads the contract on start (a second or more): all start together, then each is waited for.
  const started = peerOrgs(ctx.topology)
    .filter(
      (org) =>
        (!only || org.mspId === only) &&
        isLocalOrg(ctx.paths, org) &&
        chaincode.packageIds[org.mspId] &&
        (!enrolledOnly || hasTlsPair(ctx.paths, org.short, 'chaincode')),
    )
    .map(async (org) => {
      const server = serverOf(ctx, org);
      const tls = ctx.paths.identityTls(org.short, 'chaincode');
      const launch: Launch = {
        name: server.name,
        cmd: process.execPath,
        args: [
          shimCli,
          'server',
          '--chaincode-address',
          address(server),
          '--chaincode-id',
          chaincode.packageIds[org.mspId]!,
          '--chaincode-tls-cert-file',
          path.join(tls, 'server.crt'),
          '--chaincode-tls-key-file',
          path.join(tls, 'server.key'),
          // Only clients with a certificate of the org's CA (its peer) may connect.
          '--chaincode-tls-client-cacert-file',
          ctx.paths.caCert(org.short),
        ],
        env: { PATH: process.env.PATH, CORE_CHAINCODE_LOGGING_LEVEL: 'info', [CODE_ID]: code },
        cwd: path.join(ctx.config.repoRoot, 'chaincode'),
        notCompared: SHELL_ONLY,
      };
      if (restart) {
        await stopDaemon(ctx.paths, server.name);
        startLaunch(ctx.paths, launch);
      } else {
        const started = await ensureLaunched(ctx.paths, launch, ctx.log, async () => {
          // Its port already served (a server whose pid file was lost): left as it is.
          if (!(await tcpOpen(server.host, server.port))) startLaunch(ctx.paths, launch);
        });
        if (!started) return;
      }
      await waitUntil(() => tcpOpen(server.host, server.port), {
        what: `chaincode server ${server.name}`,
        timeoutMs: 30_000,
        processName: server.name,
        paths: ctx.paths,
      });
    });
  await Promise.all(started);
}
