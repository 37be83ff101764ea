/**
 * The ledger through @hyperledger/fabric-gateway, as the gateway's own Fabric identity. Every call has a
 * deadline; the gRPC connection is closed with the gateway.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { connect, hash, signers, type Gateway } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import type { GatewayConfig } from '../config.js';
import type { Ledger, LedgerStatus } from './ledger.js';

export function openFabricLedger(config: GatewayConfig): Ledger {
  const client = new grpc.Client(
    config.peerEndpoint,
    grpc.credentials.createSsl(fs.readFileSync(config.peerTlsRootPath)),
  );
  const deadline = (): { deadline: number } => ({ deadline: Date.now() + config.ledgerTimeoutMs });
  const gateway: Gateway = connect({
    client,
    identity: { mspId: config.mspId, credentials: fs.readFileSync(config.certPath) },
    signer: signers.newPrivateKeySigner(crypto.createPrivateKey(fs.readFileSync(config.keyPath))),
    hash: hash.sha256,
    evaluateOptions: deadline,
    endorseOptions: deadline,
    submitOptions: deadline,
    commitStatusOptions: () => ({ deadline: Date.now() + 4 * config.ledgerTimeoutMs }),
  });
  const network = gateway.getNetwork(config.channel);

  return {
    async status(): Promise<LedgerStatus> {
      const [infoBytes, versionBytes] = await Promise.all([
        network.getContract('qscc').evaluateTransaction('GetChainInfo', config.channel),
        network.getContract(config.chaincode, 'system').evaluateTransaction('GetVersion'),
      ]);
      const info = common.BlockchainInfo.deserializeBinary(infoBytes);
      const version = JSON.parse(Buffer.from(versionBytes).toString('utf8')) as { version: string };
      return {
        channel: config.channel,
        blockHeight: Number(info.getHeight()),
        chaincode: { name: config.chaincode, version: version.version },
      };
    },
    close(): void {
      gateway.close();
      client.close();
    },
  };
}
