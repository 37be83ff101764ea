/**
 * Our chaincode's events read out of whole blocks. The peer's chaincode-event service sends only blocks that
 * hold an event, so a reader of it cannot tell "no event since block n" from "not there yet"; a reader of
 * every block can — which is what a gateway resuming its view from a snapshot needs to know it has caught up.
 */
import crypto from 'node:crypto';
import { common, peer } from '@hyperledger/fabric-protos';
import type { LedgerEvent } from './ledger.js';

/** One block as a catching-up reader sees it: its number, its identity and our chaincode's events in it. */
export interface BlockOfEvents {
  blockNumber: number;
  /** SHA-256 over the block's number, previous hash and data hash: another ledger's block of that number differs. */
  blockId: string;
  events: LedgerEvent[];
  /**
   * Whether a VALID transaction of the block changed a chaincode definition (`_lifecycle`: an approval or the
   * commit of an upgrade). The new chaincode may have rewritten stored objects without an event for each.
   */
  lifecycle: boolean;
}

/** The identity of a block: its header's number, previous hash and data hash, hashed. */
export function blockIdOf(block: common.Block): string {
  const header = block.getHeader();
  if (!header) throw new Error('a block without a header');
  return crypto
    .createHash('sha256')
    .update(String(header.getNumber()))
    .update('\u0000')
    .update(header.getPreviousHash_asU8())
    .update(header.getDataHash_asU8())
    .digest('hex');
}

/** A chaincode event's payload: the transaction's changes and time, as the chaincode writes them. */
export function decodeEventPayload(
  bytes: Uint8Array,
): { changes?: LedgerEvent['changes']; time?: string } | undefined {
  if (bytes.length === 0) return undefined;
  return JSON.parse(Buffer.from(bytes).toString('utf8')) as {
    changes?: LedgerEvent['changes'];
    time?: string;
  };
}

/**
 * The events `chaincode` set in the block's VALID endorser transactions, in block order — what the chaincode
 * event service would deliver for it. An invalid transaction's event never happened; config blocks hold none.
 */
export function chaincodeEventsOf(block: common.Block, chaincode: string): BlockOfEvents {
  const blockNumber = Number(block.getHeader()!.getNumber());
  const data = block.getData()?.getDataList_asU8() ?? [];
  const flags =
    block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ??
    new Uint8Array();
  const events: LedgerEvent[] = [];
  let lifecycle = false;
  for (let i = 0; i < data.length; i++) {
    if (flags[i] !== peer.TxValidationCode.VALID) continue;
    const payload = common.Payload.deserializeBinary(
      common.Envelope.deserializeBinary(data[i]!).getPayload_asU8(),
    );
    const channelHeader = common.ChannelHeader.deserializeBinary(
      payload.getHeader()!.getChannelHeader_asU8(),
    );
    if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION) continue;
    for (const action of peer.Transaction.deserializeBinary(payload.getData_asU8()).getActionsList()) {
      const endorsed = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8()).getAction();
      if (!endorsed) continue;
      const response = peer.ProposalResponsePayload.deserializeBinary(
        endorsed.getProposalResponsePayload_asU8(),
      );
      const chaincodeAction = peer.ChaincodeAction.deserializeBinary(response.getExtension_asU8());
      if (chaincodeAction.getChaincodeId()?.getName() === '_lifecycle') lifecycle = true;
      const eventBytes = chaincodeAction.getEvents_asU8();
      if (eventBytes.length === 0) continue;
      const event = peer.ChaincodeEvent.deserializeBinary(eventBytes);
      if (event.getChaincodeId() !== chaincode) continue;
      const body = decodeEventPayload(event.getPayload_asU8());
      events.push({
        blockNumber,
        txId: event.getTxId(),
        name: event.getEventName(),
        ...(body?.time ? { time: body.time } : {}),
        changes: body?.changes ?? [],
      });
    }
  }
  return { blockNumber, blockId: blockIdOf(block), events, lifecycle };
}
