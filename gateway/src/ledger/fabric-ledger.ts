/**
 * The ledger through @hyperledger/fabric-gateway, as the gateway's own Fabric identity. Every call has a
 * deadline; chaincode events resume from a file checkpoint; the gRPC connection closes with the gateway.
 */
import { checkpointers } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import { connectIdentity, fabricTransport, readLedgerIdentity } from '@rdx/client';
import type { GatewayConfig } from '../config.js';
import type { BlockStream, EventStream, Ledger, LedgerEvent, LedgerStatus } from './ledger.js';
import { blockIdOf, chaincodeEventsOf, decodeEventPayload, type BlockOfEvents } from './block-events.js';

function decode(bytes: Uint8Array): unknown {
  return bytes.length === 0 ? undefined : (JSON.parse(Buffer.from(bytes).toString('utf8')) as unknown);
}

export async function openFabricLedger(config: GatewayConfig): Promise<Ledger> {
  const connection = connectIdentity(readLedgerIdentity({ ...config, name: `${config.gatewayId}.gateway` }), {
    evaluateMs: config.ledgerTimeoutMs,
    endorseMs: config.ledgerTimeoutMs,
    submitMs: config.ledgerTimeoutMs,
    commitMs: 6 * config.ledgerTimeoutMs,
  });
  const network = connection.network;
  const transport = fabricTransport(connection);
  const checkpointer = await checkpointers.file(config.checkpointPath);

  /** Chaincode events from `startBlock`, or from the view's checkpoint (`checkpointed`), which they advance. */
  const eventStream = async (startBlock: number, checkpointed: boolean): Promise<EventStream> => {
    const stream = await network.getChaincodeEvents(config.chaincode, {
      ...(checkpointed ? { checkpoint: checkpointer } : {}),
      startBlock: BigInt(startBlock),
    });
    const iterate = async function* (): AsyncGenerator<LedgerEvent> {
      for await (const event of stream) {
        const payload = decodeEventPayload(event.payload);
        yield {
          blockNumber: Number(event.blockNumber),
          txId: event.transactionId,
          name: event.eventName,
          ...(payload?.time ? { time: payload.time } : {}),
          changes: payload?.changes ?? [],
        };
        if (checkpointed) await checkpointer.checkpointChaincodeEvent(event);
      }
    };
    const iterator = iterate();
    return { [Symbol.asyncIterator]: () => iterator, close: () => stream.close() };
  };

  const blockByNumber = (blockNumber: number): Promise<Uint8Array> =>
    network.getContract('qscc').evaluateTransaction('GetBlockByNumber', config.channel, String(blockNumber));

  return {
    evaluate: (contract, fn, args, options) => transport.evaluate(contract, fn, args, options),
    submit: (contract, fn, args, options) => transport.submit(contract, fn, args, options),

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

    async blockBytes(txId: string): Promise<Uint8Array> {
      return network.getContract('qscc').evaluateTransaction('GetBlockByTxID', config.channel, txId);
    },

    blockByNumber,

    async blocksFrom(startBlock: number): Promise<BlockStream> {
      const blocks = await network.getBlockEvents({ startBlock: BigInt(startBlock) });
      const iterate = async function* (): AsyncGenerator<BlockOfEvents> {
        for await (const block of blocks) yield chaincodeEventsOf(block, config.chaincode);
      };
      const iterator = iterate();
      return { [Symbol.asyncIterator]: () => iterator, close: () => blocks.close() };
    },

    async blockId(blockNumber: number): Promise<string> {
      return blockIdOf(common.Block.deserializeBinary(await blockByNumber(blockNumber)));
    },

    async blockOf(txId: string): Promise<number> {
      const bytes = await network
        .getContract('qscc')
        .evaluateTransaction('GetBlockByTxID', config.channel, txId);
      return Number(common.Block.deserializeBinary(bytes).getHeader()!.getNumber());
    },

    channelConfig: () => network.getContract('cscc').evaluateTransaction('GetChannelConfig', config.channel),

    async events(startBlock: number): Promise<EventStream> {
      return eventStream(startBlock, true);
    },

    async eventsFrom(startBlock: number): Promise<EventStream> {
      return eventStream(startBlock, false);
    },

    close(): void {
      connection.close();
    },
  };
}
