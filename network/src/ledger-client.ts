/**
 * The tooling's side of ledger connections: where each enrolled identity's files are under `.rdx/`, and
 * the wallet (`.rdx/wallet/<name>.<org>/`) that the `rdx` CLI and the SDK read.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  connectIdentity,
  writeWalletIdentity,
  type LedgerConnection,
  type LedgerIdentity,
} from '@rdx/client';
import type { Paths } from './paths.js';
import { address } from './node-env.js';
import type { Topology } from './topology.js';
import { nodesOf, orgOf } from './topology.js';

export type { LedgerConnection } from '@rdx/client';
export { decodeJson } from '@rdx/client';

export function walletDir(paths: Paths): string {
  return path.join(paths.home, 'wallet');
}

/** The ledger identity of an enrolled user, with its org's peer. */
export function identityOf(paths: Paths, topology: Topology, mspId: string, name: string): LedgerIdentity {
  const org = orgOf(topology, mspId);
  const peer = nodesOf(topology, 'peer', mspId)[0] ?? nodesOf(topology, 'peer', 'BureauMSP')[0];
  if (!peer) throw new Error(`no peer to connect ${name}.${org.short} to`);
  const msp = paths.identityMsp(org.short, name);
  const tls = paths.identityTls(org.short, name);
  const peerOrg = orgOf(topology, peer.mspId);
  return {
    name: `${name}.${org.short}`,
    mspId,
    certificatePem: fs.readFileSync(path.join(msp, 'signcerts', 'cert.pem'), 'utf8'),
    privateKeyPem: fs.readFileSync(path.join(msp, 'keystore', 'key.pem'), 'utf8'),
    peerEndpoint: address(peer),
    peerTlsRootPem: fs.readFileSync(paths.caCert(peerOrg.short), 'utf8'),
    tlsCertificatePem: fs.readFileSync(path.join(tls, 'server.crt'), 'utf8'),
    tlsPrivateKeyPem: fs.readFileSync(path.join(tls, 'server.key'), 'utf8'),
    channel: topology.channel,
    chaincode: topology.chaincodeName,
  };
}

export function connectAs(paths: Paths, topology: Topology, mspId: string, name: string): LedgerConnection {
  return connectIdentity(identityOf(paths, topology, mspId, name));
}

/** Writes every enrolled user (not nodes) of the peer orgs this home holds into the wallet. */
export function writeWallet(paths: Paths, topology: Topology): string[] {
  const written: string[] = [];
  const enrolled = (short: string): boolean => fs.existsSync(path.join(paths.orgDir(short), 'secrets.json'));
  for (const org of topology.orgs.filter((o) => o.kind === 'peer' && enrolled(o.short))) {
    for (const id of org.identities.filter((i) => i.type === 'admin' || i.type === 'client')) {
      const identity = identityOf(paths, topology, org.mspId, id.name);
      writeWalletIdentity(walletDir(paths), identity);
      written.push(identity.name);
    }
  }
  return written;
}
