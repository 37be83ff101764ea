/**
 * Fabric's own `peer` CLI for the end-to-end tests, as an org's admin (or another of its identities) would run
 * it: with that identity's MSP and TLS client certificate, against any org's peer — how a test proves what
 * the ledger lets an insider do.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { address, nodesOf, ordererArgs, orgOf, peerAdminEnv, run, type FabricInstall } from '@rdx/network';
import { paths, topology } from './fabric-client.js';

const peerOf = (mspId: string) => nodesOf(topology, 'peer', mspId)[0]!;

/** An identity of the org by name (its folder in the home), or any identity folder (`msp/`, `tls/`): a copy kept. */
export type CliIdentity = string | { folder: string };

/** The peer CLI as `asOrg`'s `identity` (default its admin) against `peerMsp`'s peer (TLS root of that org). */
export function peerCli(
  install: FabricInstall,
  asOrg: string,
  peerMsp: string,
  args: string[],
  identity: CliIdentity = 'admin',
): Promise<string> {
  const env = peerAdminEnv(install, paths, topology, peerOf(asOrg));
  const short = orgOf(topology, asOrg).short;
  const folder = typeof identity === 'string' ? paths.identityDir(short, identity) : identity.folder;
  const target = peerOf(peerMsp);
  const org = topology.orgs.find((o) => o.mspId === peerMsp)!;
  return run(install.bin.peer, args, {
    env: {
      ...env,
      CORE_PEER_MSPCONFIGPATH: path.join(folder, 'msp'),
      CORE_PEER_TLS_CLIENTCERT_FILE: path.join(folder, 'tls', 'server.crt'),
      CORE_PEER_TLS_CLIENTKEY_FILE: path.join(folder, 'tls', 'server.key'),
      CORE_PEER_ADDRESS: address(target),
      CORE_PEER_TLS_ROOTCERT_FILE: paths.caCert(org.short),
    },
    timeoutMs: 60_000,
  });
}

/** What a failed CLI call said (stdout and stderr), or '' when it succeeded. */
export async function cliFailure(call: Promise<string>): Promise<string> {
  try {
    await call;
    return '';
  } catch (err) {
    return String((err as { output?: string }).output ?? (err as Error).message);
  }
}

/** `peer chaincode query` of our chaincode on the channel, as `asOrg`'s `identity` against `peerMsp`'s peer. */
export function chaincodeQuery(
  install: FabricInstall,
  asOrg: string,
  peerMsp: string,
  args: string[],
  identity: CliIdentity = 'admin',
): Promise<string> {
  return peerCli(
    install,
    asOrg,
    peerMsp,
    [
      'chaincode',
      'query',
      '-C',
      topology.channel,
      '-n',
      topology.chaincodeName,
      '-c',
      JSON.stringify({ Args: args }),
    ],
    identity,
  );
}

/**
 * `peer chaincode invoke` of our chaincode as `asOrg`'s `identity` (default its admin) through its own peer, or
 * through the peers of `endorsers` (each with its org's TLS root), with `transient` data (strings, sent as base64)
 * and a fresh salt, waiting for the commit: a transaction as an insider would submit it, with any arguments.
 */
export function chaincodeInvoke(
  install: FabricInstall,
  asOrg: string,
  args: string[],
  opts: { endorsers?: string[]; transient?: Record<string, string>; identity?: CliIdentity } = {},
): Promise<string> {
  const transient = Object.fromEntries(
    Object.entries(opts.transient ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  );
  return peerCli(
    install,
    asOrg,
    asOrg,
    [
      'chaincode',
      'invoke',
      ...ordererArgs(paths, topology, asOrg),
      '-C',
      topology.channel,
      '-n',
      topology.chaincodeName,
      ...(opts.endorsers ?? []).flatMap((m) => [
        '--peerAddresses',
        address(peerOf(m)),
        '--tlsRootCertFiles',
        paths.caCert(orgOf(topology, m).short),
      ]),
      '--transient',
      JSON.stringify({ ...transient, salt: crypto.randomBytes(32).toString('base64') }),
      '-c',
      JSON.stringify({ Args: args }),
      '--waitForEvent',
    ],
    opts.identity,
  );
}

/**
 * Blocks `from` to `to` (inclusive) as `asOrg`'s admin fetches them from the orderer with `peer channel fetch`:
 * the raw bytes an insider of that org can read and grep.
 */
export async function fetchBlocks(
  install: FabricInstall,
  asOrg: string,
  from: number,
  to: number,
): Promise<Buffer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-blocks-'));
  const blocks: Buffer[] = [];
  try {
    for (let n = from; n <= to; n++) {
      const file = path.join(dir, `${n}.block`);
      await peerCli(install, asOrg, asOrg, [
        'channel',
        'fetch',
        String(n),
        file,
        '-c',
        topology.channel,
        ...ordererArgs(paths, topology, asOrg),
      ]);
      blocks.push(fs.readFileSync(file));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return Buffer.concat(blocks);
}
