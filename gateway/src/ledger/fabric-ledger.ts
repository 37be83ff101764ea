/**
 * The ledger through @hyperledger/fabric-gateway, as the gateway's own Fabric identity. Every call has a
 * deadline; chaincode events resume from a file checkpoint; the gRPC connection closes with the gateway.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import {
  checkpointers,
  connect,
  hash,
  signers,
  type Gateway,
  type GatewayError,
} from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import type { GatewayConfig } from '../config.js';
import { tlsNameOptions } from '@rdx/client';
import {
  chaincodeError,
  LedgerError,
  type EventStream,
  type Ledger,
  type LedgerEvent,
  type LedgerStatus,
  type Submitted,
} from './ledger.js';

function decode(bytes: Uint8Array): unknown {
  return bytes.length === 0 ? undefined : (JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown);
}

/** Turns a fabric-gateway error into a LedgerError with the chaincode's code. */
function toLedgerError(err: unknown): LedgerError {
  const e = err as GatewayError & { details?: { message: string }[]; transactionId?: string };
  const { code, detail } = chaincodeError(
    e.message ?? String(err),
    ...(e.details ?? []).map((d) => d.message),
  );
  return new LedgerError(detail, code, e.transactionId);
}

export async function openFabricLedger(config: GatewayConfig): Promise<Ledger> {
  const client = new grpc.Client(
    config.peerEndpoint,
    grpc.credentials.createSsl(fs.readFileSync(config.peerTlsRootPath)),
    tlsNameOptions(config.peerEndpoint),
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
    commitStatusOptions: () => ({ deadline: Date.now() + 6 * config.ledgerTimeoutMs }),
  });
  const network = gateway.getNetwork(config.channel);
  const checkpointer = await checkpointers.file(config.checkpointPath);

  return {
    async status(): Promise<LedgerStatus> {
      const [infoBytes, versionBytes] = await Promise.all([
        network.getContract('qscc').evaluateTransaction('GetChainInfo', config.channel),
        network.getContract(config.chaincode, 'system').evaluateTransaction('GetVersion'),
      ]);
      const info = common.BlockchainInfo.deserializeBinary(infoBytes);
      const version = decode(versionBytes) as { version: string };
      return {
        channel: config.channel,
        blockHeight: Number(info.getHeight()),
        chaincode: { name: config.chaincode, version: version.version },
      };
    },

    async evaluate(contract: string, fn: string, ...args: string[]): Promise<unknown> {
      try {
        return decode(await network.getContract(config.chaincode, contract).evaluateTransaction(fn, ...args));
      } catch (err) {
        throw toLedgerError(err);
      }
    },

    async submit(contract: string, fn: string, ...args: string[]): Promise<Submitted> {
      try {
        const tx = await network.getContract(config.chaincode, contract).submitAsync(fn, { arguments: args });
        const status = await tx.getStatus();
        if (!status.successful) {
          throw new LedgerError(
            `transaction ${tx.getTransactionId()} was not valid (code ${status.code})`,
            'TX_INVALID',
            tx.getTransactionId(),
          );
        }
        return {
          result: decode(tx.getResult()),
          txId: tx.getTransactionId(),
          blockNumber: Number(status.blockNumber),
        };
      } catch (err) {
        throw err instanceof LedgerError ? err : toLedgerError(err);
      }
    },

    async blockOf(txId: string): Promise<number> {
      const bytes = await network
        .getContract('qscc')
        .evaluateTransaction('GetBlockByTxID', config.channel, txId);
      return Number(common.Block.deserializeBinary(bytes).getHeader()!.getNumber());
    },

    async events(startBlock: number): Promise<EventStream> {
      const stream = await network.getChaincodeEvents(config.chaincode, {
        checkpoint: checkpointer,
        startBlock: BigInt(startBlock),
      });
      const iterate = async function* (): AsyncGenerator<LedgerEvent> {
        for await (const event of stream) {
          const payload = decode(event.payload) as { changes?: LedgerEvent['changes'] } | undefined;
          yield {
            blockNumber: Number(event.blockNumber),
            txId: event.transactionId,
            name: event.eventName,
            changes: payload?.changes ?? [],
          };
          await checkpointer.checkpointChaincodeEvent(event);
        }
      };
      const iterator = iterate();
      return { [Symbol.asyncIterator]: () => iterator, close: () => stream.close() };
    },

    close(): void {
      gateway.close();
      client.close();
    },
  };
}
