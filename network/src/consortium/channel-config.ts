/**
 * The channel's configuration as Fabric administrators change it: fetched from the orderers, decoded and
 * re-encoded with configtxlator, the difference computed into a config update, wrapped in an envelope that
 * each organization's admin signs on its own host (`peer channel signconfigtx`), and submitted once the
 * channel's `Admins` policy (a majority of the members' admins, the bureau's among them: channel-policy.ts) is met. Nothing here holds
 * another organization's key: each signature is made where the key lives.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NetworkContext } from '../context.js';
import { writeConfigtx } from '../configtx.js';
import { ordererArgs, peerAdminEnv } from '../node-env.js';
import { run } from '../proc.js';
import type { OrgSpec } from '../topology.js';
import { nodesOf, peerOrgs } from '../topology.js';
import { isLocalOrg } from './org-definition.js';
import { bureauAndMajorityPolicy } from './channel-policy.js';

type Json = Record<string, unknown>;

export class ChannelUpdateError extends Error {
  override name = 'ChannelUpdateError';
}

/** A peer org whose admin this home holds (the bureau's first), to act on the channel with. */
export function localAdminOrg(ctx: NetworkContext, prefer?: string): OrgSpec {
  const local = peerOrgs(ctx.topology).filter((o) => isLocalOrg(ctx.paths, o));
  const org = (prefer ? local.find((o) => o.mspId === prefer) : undefined) ?? local[0];
  if (!org) throw new ChannelUpdateError(`${ctx.paths.home} holds no peer organization's admin`);
  return org;
}

/** `peer …` as `org`'s admin, against its own peer. */
export function adminPeerCli(
  ctx: NetworkContext,
  org: OrgSpec,
  args: string[],
  timeoutMs = 60_000,
): Promise<string> {
  const peer = nodesOf(ctx.topology, 'peer', org.mspId)[0];
  if (!peer) throw new ChannelUpdateError(`${org.mspId} has no peer`);
  return run(ctx.install.bin.peer, args, {
    env: peerAdminEnv(ctx.install, ctx.paths, ctx.topology, peer),
    timeoutMs,
  });
}

function configtxlator(ctx: NetworkContext, args: string[]): Promise<string> {
  return run(ctx.install.bin.configtxlator, args, { timeoutMs: 60_000 });
}

/** A scratch folder for one operation's files, removed afterwards. */
async function inScratch<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-config-'));
  try {
    return await work(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Where the channel's configuration is read. The orderers have each config block first, but a Raft orderer
 * answers nothing until its cluster has a leader. An org's own peer answers from the moment it starts, with
 * the configuration as of the last block it committed (it may be behind the orderers).
 */
export type ConfigSource = 'orderers' | 'peer';

/** The channel's current configuration (the `config` of its last config block), fetched as `asOrg`'s admin. */
export async function fetchChannelConfig(
  ctx: NetworkContext,
  asOrg: OrgSpec,
  from: ConfigSource = 'orderers',
): Promise<Json> {
  return (await lastConfigBlock(ctx, asOrg, from)).config;
}

/** The number of the channel's last config block, asked of the orderers as `asOrg`'s admin. */
export async function lastConfigBlockNumber(ctx: NetworkContext, asOrg: OrgSpec): Promise<number> {
  return (await lastConfigBlock(ctx, asOrg)).number;
}

async function lastConfigBlock(
  ctx: NetworkContext,
  asOrg: OrgSpec,
  from: ConfigSource = 'orderers',
): Promise<{ number: number; config: Json }> {
  return inScratch(async (dir) => {
    const block = path.join(dir, 'config.block');
    await adminPeerCli(ctx, asOrg, [
      'channel',
      'fetch',
      'config',
      block,
      '-c',
      ctx.topology.channel,
      // Without an orderer, `peer channel fetch` asks the peer's own Deliver service.
      ...(from === 'orderers' ? ordererArgs(ctx.paths, ctx.topology, asOrg.mspId) : []),
    ]);
    const json = path.join(dir, 'config.json');
    await configtxlator(ctx, ['proto_decode', '--input', block, '--type', 'common.Block', '--output', json]);
    const decoded = JSON.parse(fs.readFileSync(json, 'utf8')) as {
      header: { number: string };
      data: { data: { payload: { data: { config: Json } } }[] };
    };
    return { number: Number(decoded.header.number), config: decoded.data.data[0]!.payload.data.config };
  });
}

function applicationGroups(config: Json): Record<string, Json> {
  const groups = (config.channel_group as Json | undefined)?.groups as Record<string, Json> | undefined;
  const app = groups?.Application?.groups as Record<string, Json> | undefined;
  if (!app) throw new ChannelUpdateError('the channel configuration has no Application group');
  return app;
}

/** The MSP ids of the channel's application organizations, as its configuration holds them. */
export function applicationMembers(config: Json): string[] {
  return Object.keys(applicationGroups(config)).sort();
}

/** The channel's member organizations now, read from its configuration. */
export async function channelMembers(
  ctx: NetworkContext,
  from: ConfigSource = 'orderers',
): Promise<string[]> {
  return applicationMembers(await fetchChannelConfig(ctx, localAdminOrg(ctx, 'BureauMSP'), from));
}

/** The config group of an application org as configtxgen encodes it (MSP, policies, anchor peers). */
async function orgGroup(ctx: NetworkContext, org: OrgSpec): Promise<Json> {
  const dir = writeConfigtx(ctx.paths, ctx.topology, {
    batchTimeout: ctx.config.batchTimeout,
    maxMessageCount: 100,
  });
  const out = await run(ctx.install.bin.configtxgen, ['-printOrg', org.mspId], {
    env: { PATH: process.env.PATH, FABRIC_CFG_PATH: dir },
  });
  return JSON.parse(out.slice(out.indexOf('{'))) as Json;
}

/**
 * The config update that turns `config` into `updated`, for the channel: computed by configtxlator, so it
 * names exactly the groups that change and the versions they change from; decoded.
 */
async function computeUpdate(ctx: NetworkContext, config: Json, updated: Json): Promise<Json> {
  return inScratch(async (dir) => {
    const f = (name: string): string => path.join(dir, name);
    fs.writeFileSync(f('original.json'), JSON.stringify(config));
    fs.writeFileSync(f('updated.json'), JSON.stringify(updated));
    for (const name of ['original', 'updated'])
      await configtxlator(ctx, [
        'proto_encode',
        '--input',
        f(`${name}.json`),
        '--type',
        'common.Config',
        '--output',
        f(`${name}.pb`),
      ]);
    try {
      await configtxlator(ctx, [
        'compute_update',
        '--channel_id',
        ctx.topology.channel,
        '--original',
        f('original.pb'),
        '--updated',
        f('updated.pb'),
        '--output',
        f('update.pb'),
      ]);
    } catch (err) {
      throw new ChannelUpdateError(
        `nothing to change in the channel configuration (${(err as Error).message})`,
      );
    }
    await configtxlator(ctx, [
      'proto_decode',
      '--input',
      f('update.pb'),
      '--type',
      'common.ConfigUpdate',
      '--output',
      f('update.json'),
    ]);
    return JSON.parse(fs.readFileSync(f('update.json'), 'utf8')) as Json;
  });
}

/** Writes `update` as an unsigned config update envelope for the channel, to `out`. */
async function writeEnvelope(ctx: NetworkContext, update: Json, out: string): Promise<void> {
  await inScratch(async (dir) => {
    const envelope = {
      payload: {
        header: { channel_header: { channel_id: ctx.topology.channel, type: 2 } },
        data: { config_update: update },
      },
    };
    fs.writeFileSync(path.join(dir, 'envelope.json'), JSON.stringify(envelope));
    await configtxlator(ctx, [
      'proto_encode',
      '--input',
      path.join(dir, 'envelope.json'),
      '--type',
      'common.Envelope',
      '--output',
      out,
    ]);
  });
}

/** The config update an update file carries, decoded (its signatures left aside). */
async function updateIn(ctx: NetworkContext, file: string): Promise<Json> {
  if (!fs.existsSync(file)) throw new ChannelUpdateError(`${file}: no such file`);
  return inScratch(async (dir) => {
    const json = path.join(dir, 'envelope.json');
    try {
      await configtxlator(ctx, [
        'proto_decode',
        '--input',
        file,
        '--type',
        'common.Envelope',
        '--output',
        json,
      ]);
    } catch (err) {
      throw new ChannelUpdateError(`${file} is not a channel update (${(err as Error).message})`);
    }
    const envelope = JSON.parse(fs.readFileSync(json, 'utf8')) as {
      payload?: { data?: { config_update?: Json } };
    };
    const update = envelope.payload?.data?.config_update;
    if (!update) throw new ChannelUpdateError(`${file} is not a channel configuration update`);
    return update;
  });
}

/**
 * Sets the Application policies that count the members — who changes the channel, who commits the chaincode's
 * definition: a majority of the members, the bureau among them — to the members `config` now has (channel-policy.ts).
 * Their `mod_policy` and version stay: configtxlator's compute_update moves the versions of what changed.
 */
function countMembers(config: Json): Json {
  const members = applicationMembers(config);
  const application = (config.channel_group as Json).groups as Record<string, Json>;
  const policies = application.Application!.policies as Record<string, Json>;
  for (const [name, role] of [
    ['Admins', 'admin'],
    ['LifecycleEndorsement', 'peer'],
  ] as const) {
    const current = policies[name];
    if (!current) throw new ChannelUpdateError(`the channel configuration has no Application ${name} policy`);
    policies[name] = { ...current, policy: bureauAndMajorityPolicy(members, role) };
  }
  return config;
}

/** `config` with `mspId` (whose definition this home imported) added as a member. */
async function withOrgAdded(ctx: NetworkContext, config: Json, mspId: string): Promise<Json> {
  const org = ctx.topology.orgs.find((o) => o.mspId === mspId);
  if (org?.kind !== 'peer' || !fs.existsSync(ctx.paths.caCert(org.short)))
    throw new ChannelUpdateError(
      `import ${mspId}'s definition first (rdx-network org import <file> --fingerprint ${mspId}=<the fingerprint its administrators gave>)`,
    );
  if (applicationMembers(config).includes(mspId))
    throw new ChannelUpdateError(`${mspId} is already a member of ${ctx.topology.channel}`);
  const updated = structuredClone(config);
  applicationGroups(updated)[mspId] = await orgGroup(ctx, org);
  return countMembers(updated);
}

/** `config` with `mspId` removed from the members. */
function withOrgRemoved(ctx: NetworkContext, config: Json, mspId: string): Json {
  if (!applicationMembers(config).includes(mspId))
    throw new ChannelUpdateError(`${mspId} is not a member of ${ctx.topology.channel}`);
  if (mspId === 'BureauMSP')
    throw new ChannelUpdateError('the bureau runs the platform: it cannot be removed');
  const updated = structuredClone(config);
  delete applicationGroups(updated)[mspId];
  return countMembers(updated);
}

/**
 * Prepares the update that adds `mspId` (whose definition this home imported) to the channel, and signs it as
 * this host's admin. The file then goes to the other members' admins to sign (`channel sign`), and is submitted
 * (`channel submit`) once a majority of members have, the bureau among them.
 */
export async function prepareAddOrg(ctx: NetworkContext, mspId: string, out: string): Promise<string[]> {
  const admin = localAdminOrg(ctx, 'BureauMSP');
  const config = await fetchChannelConfig(ctx, admin);
  await writeEnvelope(ctx, await computeUpdate(ctx, config, await withOrgAdded(ctx, config, mspId)), out);
  await signUpdate(ctx, out, admin);
  return applicationMembers(config);
}

/** Prepares (and signs here) the update that removes `mspId` from the channel. */
export async function prepareRemoveOrg(ctx: NetworkContext, mspId: string, out: string): Promise<string[]> {
  const admin = localAdminOrg(ctx, 'BureauMSP');
  const config = await fetchChannelConfig(ctx, admin);
  await writeEnvelope(ctx, await computeUpdate(ctx, config, withOrgRemoved(ctx, config, mspId)), out);
  await signUpdate(ctx, out, admin);
  return applicationMembers(config);
}

/**
 * What the update in `file` does, checked against what this home itself builds for it from the channel's
 * configuration now: adding one body whose definition was imported here, or removing one, and nothing else.
 * Anything else (a policy loosened, a member's MSP replaced, an update made for an earlier configuration) is
 * refused, naming where it differs: a member's admin signs or submits what its own tooling would have written,
 * never a file taken on trust from whoever carried it (enough signatures change the whole channel).
 */
export async function checkMembershipUpdate(
  ctx: NetworkContext,
  file: string,
  asOrg: OrgSpec,
): Promise<string> {
  const given = await updateIn(ctx, file);
  const config = await fetchChannelConfig(ctx, asOrg);
  const members = applicationMembers(config);
  const writeSet = given.write_set as Json | undefined;
  const application = ((writeSet?.groups as Json | undefined)?.Application as Json | undefined)?.groups as
    Json | undefined;
  const written = Object.keys(application ?? {});
  const added = written.filter((m) => !members.includes(m));
  const removed = application ? members.filter((m) => !written.includes(m)) : [];
  let what: string;
  let expected: Json;
  if (added.length === 1 && removed.length === 0) {
    what = `adds ${added[0]!} to ${ctx.topology.channel}`;
    expected = await computeUpdate(ctx, config, await withOrgAdded(ctx, config, added[0]!));
  } else if (removed.length === 1 && added.length === 0) {
    what = `removes ${removed[0]!} from ${ctx.topology.channel}`;
    expected = await computeUpdate(ctx, config, withOrgRemoved(ctx, config, removed[0]!));
  } else {
    throw new ChannelUpdateError(
      `${file} does not add or remove one member (it adds ${added.join(', ') || 'none'}, removes ${removed.join(', ') || 'none'}): rdx-network signs and submits no other change to the channel`,
    );
  }
  const differ = differences(given, expected, '');
  if (differ.length)
    throw new ChannelUpdateError(
      `${file} claims to be the update that ${what}, but differs from the one this host builds for it at ${differ.slice(0, 5).join(', ')}${differ.length > 5 ? ` and ${differ.length - 5} more` : ''}: it changes more than that, or was made for an earlier configuration of the channel. Not signed or submitted; ask the bureau for a new one`,
    );
  return what;
}

/** The JSON paths at which `a` and `b` differ (an object's keys in any order). */
function differences(a: unknown, b: unknown, at: string): string[] {
  if (
    typeof a !== 'object' ||
    typeof b !== 'object' ||
    a === null ||
    b === null ||
    Array.isArray(a) !== Array.isArray(b)
  )
    return Object.is(a, b) ? [] : [at || '/'];
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].flatMap((k) =>
    differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}/${k}`),
  );
}

/**
 * Writes the update that gives `org`'s MSP in the channel the revocation list `pem` (its CA's whole list, which
 * replaces the one it had), in every group the org is a member of: the application's, and the orderers' when the
 * org runs a consenter. The org's own admin alone may make this change (its MSP's `Admins`): no other member signs.
 */
export async function prepareRevocationList(
  ctx: NetworkContext,
  org: OrgSpec,
  pem: string,
  out: string,
): Promise<void> {
  const config = await fetchChannelConfig(ctx, org);
  const updated = structuredClone(config);
  const groups = (updated.channel_group as Json).groups as Record<string, Json>;
  let found = 0;
  for (const section of ['Application', 'Orderer']) {
    const member = (groups[section]?.groups as Record<string, Json> | undefined)?.[org.mspId];
    const msp = (member?.values as Record<string, { value: { config: Json } }> | undefined)?.MSP;
    if (!msp) continue;
    msp.value.config.revocation_list = [Buffer.from(pem).toString('base64')];
    found++;
  }
  if (found === 0) throw new ChannelUpdateError(`${org.mspId} is not a member of ${ctx.topology.channel}`);
  await writeEnvelope(ctx, await computeUpdate(ctx, config, updated), out);
}

/** Adds `asOrg`'s admin signature to the update file (in place), on the host that holds that admin's key. */
export async function signUpdate(ctx: NetworkContext, file: string, asOrg: OrgSpec): Promise<void> {
  if (!isLocalOrg(ctx.paths, asOrg))
    throw new ChannelUpdateError(`${asOrg.mspId}'s admin key is not in ${ctx.paths.home}: sign on its host`);
  await adminPeerCli(ctx, asOrg, ['channel', 'signconfigtx', '-f', file]);
}

/** Submits the signed update to the orderers as `asOrg`'s admin (whose signature it adds). */
export async function submitUpdate(ctx: NetworkContext, file: string, asOrg: OrgSpec): Promise<void> {
  await adminPeerCli(ctx, asOrg, [
    'channel',
    'update',
    '-f',
    file,
    '-c',
    ctx.topology.channel,
    ...ordererArgs(ctx.paths, ctx.topology, asOrg.mspId),
  ]);
}

/** The channel's first block, fetched from the orderers by a member org's admin (to join its peer). */
export async function fetchGenesisBlock(ctx: NetworkContext, asOrg: OrgSpec, out: string): Promise<void> {
  await adminPeerCli(ctx, asOrg, [
    'channel',
    'fetch',
    '0',
    out,
    '-c',
    ctx.topology.channel,
    ...ordererArgs(ctx.paths, ctx.topology, asOrg.mspId),
  ]);
}
