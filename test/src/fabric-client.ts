/**
 * Test helper: a fabric-gateway connection as one enrolled identity to one peer of the running network.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers, type Contract, type Gateway } from '@hyperledger/fabric-gateway';
import { address, loadConfig, nodesOf, orgOf, pathsFor, topologyFor } from '@rdx/network';

export const config = loadConfig();
export const paths = pathsFor(config);
export const topology = topologyFor(config);

export interface Connection {
  gateway: Gateway;
  system: Contract;
  close(): void;
}

/** Connects as `identity` of org `mspId` to that org's peer. */
export function connectAs(mspId: string, identity: string): Connection {
  const org = orgOf(topology, mspId);
  const peer = nodesOf(topology, 'peer', mspId)[0]!;
  const msp = paths.identityMsp(org.short, identity);
  const client = new grpc.Client(
    address(peer),
    grpc.credentials.createSsl(fs.readFileSync(paths.caCert(org.short))),
  );
  const gateway = connect({
    client,
    identity: { mspId, credentials: fs.readFileSync(path.join(msp, 'signcerts', 'cert.pem')) },
    signer: signers.newPrivateKeySigner(
      crypto.createPrivateKey(fs.readFileSync(path.join(msp, 'keystore', 'key.pem'))),
    ),
    hash: hash.sha256,
    evaluateOptions: () => ({ deadline: Date.now() + 10_000 }),
    endorseOptions: () => ({ deadline: Date.now() + 20_000 }),
    submitOptions: () => ({ deadline: Date.now() + 10_000 }),
    commitStatusOptions: () => ({ deadline: Date.now() + 60_000 }),
  });
  const system = gateway.getNetwork(topology.channel).getContract(topology.chaincodeName, 'system');
  return {
    gateway,
    system,
    close: () => {
      gateway.close();
      client.close();
    },
  };
}

export function decode(bytes: Uint8Array): unknown {
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown;
}

export const repoRoot = config.repoRoot;
export const networkCli = path.join(repoRoot, 'network', 'dist', 'cli', 'main.js');
