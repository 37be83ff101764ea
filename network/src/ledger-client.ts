/**
 * A fabric-gateway connection as one enrolled identity to its org's peer: what the tooling uses to set up
 * the ledger, and what the tests use to act as each org. Every call has a deadline.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import {
  connect,
  hash,
  signers,
  type Contract,
  type Gateway,
  type Network,
} from '@hyperledger/fabric-gateway';
import type { Paths } from './paths.js';
import { address } from './node-env.js';
import { tlsNameOptions } from '@rdx/client';
import type { Topology } from './topology.js';
import { nodesOf, orgOf } from './topology.js';

export interface LedgerConnection {
  gateway: Gateway;
  network: Network;
  /** A contract of the rdx chaincode, e.g. `contract('grant')`. */
  contract(name: string): Contract;
  close(): void;
}

export function connectAs(
  paths: Paths,
  topology: Topology,
  mspId: string,
  identity: string,
): LedgerConnection {
  const org = orgOf(topology, mspId);
  const peer = nodesOf(topology, 'peer', mspId)[0];
  if (!peer) throw new Error(`${mspId} has no peer`);
  const msp = paths.identityMsp(org.short, identity);
  const client = new grpc.Client(
    address(peer),
    grpc.credentials.createSsl(fs.readFileSync(paths.caCert(org.short))),
    tlsNameOptions(peer.host),
  );
  const gateway = connect({
    client,
    identity: { mspId, credentials: fs.readFileSync(path.join(msp, 'signcerts', 'cert.pem')) },
    signer: signers.newPrivateKeySigner(
      crypto.createPrivateKey(fs.readFileSync(path.join(msp, 'keystore', 'key.pem'))),
    ),
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + 15_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 30_000 }),
    submitOptions: () => ({ deadline: Date.now() + 15_000 }),
    commitStatusOptions: () => ({ deadline: Date.now() + 60_000 }),
  });
  const network = gateway.getNetwork(topology.channel);
  return {
    gateway,
    network,
    contract: (name) => network.getContract(topology.chaincodeName, name),
    close: () => {
      gateway.close();
      client.close();
    },
  };
}

export function decodeJson(bytes: Uint8Array): unknown {
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
}
