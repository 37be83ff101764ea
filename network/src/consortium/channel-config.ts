/**
 * The channel's configuration as Fabric administrators change it: fetched from the orderers, decoded and
 * re-encoded with configtxlator, the difference computed into a config update, wrapped in an envelope that
 * each organization's admin signs on its own host (`peer channel signconfigtx`), and submitted once the
 * channel's `Admins` policy (a majority of the member organizations' admins) is met. Nothing here holds
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
import { nodesOf, orgOf, peerOrgs } from '../topology.js';
import { isLocalOrg } from './org-definition.js';

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
 * An unsigned config update envelope that turns `config` into `updated`, for the channel: computed by
 * configtxlator, so it names exactly the groups that change and the versions they change from.
 */
async function updateEnvelope(ctx: NetworkContext, config: Json, updated: Json, out: string): Promise<void> {
  await inScratch(async (dir) => {
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
    const envelope = {
      payload: {
        header: { channel_header: { channel_id: ctx.topology.channel, type: 2 } },
        data: { config_update: JSON.parse(fs.readFileSync(f('update.json'), 'utf8')) as Json },
      },
    };
    fs.writeFileSync(f('envelope.json'), JSON.stringify(envelope));
    await configtxlator(ctx, [
      'proto_encode',
      '--input',
      f('envelope.json'),
      '--type',
      'common.Envelope',
      '--output',
      out,
    ]);
  });
}

/**
 * Prepares the update that adds `mspId` (whose definition this home imported) to the channel, and signs it as
 * this host's admin. The file then goes to the other members' admins to sign (`channel sign`), and is submitted
 * (`channel submit`) once a majority of members have.
 */
export async function prepareAddOrg(ctx: NetworkContext, mspId: string, out: string): Promise<string[]> {
  const org = orgOf(ctx.topology, mspId);
  if (org.kind !== 'peer') throw new ChannelUpdateError(`${mspId} is not a peer organization`);
  if (!fs.existsSync(ctx.paths.caCert(org.short)))
    throw new ChannelUpdateError(
      `import ${mspId}'s definition first (rdx-network org import <file> --fingerprint ${mspId}=<the fingerprint its administrators gave>)`,
    );
  const admin = localAdminOrg(ctx, 'BureauMSP');
  const config = await fetchChannelConfig(ctx, admin);
  const members = applicationMembers(config);
  if (members.includes(mspId))
    throw new ChannelUpdateError(`${mspId} is already a member of ${ctx.topology.channel}`);
  const updated = structuredClone(config);
  applicationGroups(updated)[mspId] = await orgGroup(ctx, org);
  await updateEnvelope(ctx, config, updated, out);
  await signUpdate(ctx, out, admin);
  return members;
}

/** Prepares (and signs here) the update that removes `mspId` from the channel. */
export async function prepareRemoveOrg(ctx: NetworkContext, mspId: string, out: string): Promise<string[]> {
  const admin = localAdminOrg(ctx, 'BureauMSP');
  const config = await fetchChannelConfig(ctx, admin);
  const members = applicationMembers(config);
  if (!members.includes(mspId))
    throw new ChannelUpdateError(`${mspId} is not a member of ${ctx.topology.channel}`);
  if (mspId === 'BureauMSP')
    throw new ChannelUpdateError('the bureau runs the platform: it cannot be removed');
  const updated = structuredClone(config);
  delete applicationGroups(updated)[mspId];
  await updateEnvelope(ctx, config, updated, out);
  await signUpdate(ctx, out, admin);
  return members;
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
  await updateEnvelope(ctx, config, updated, out);
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
