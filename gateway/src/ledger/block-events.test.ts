import { expect } from 'chai';
import { common, peer } from '@hyperledger/fabric-protos';
import { blockIdOf, chaincodeEventsOf } from './block-events.js';

/** An endorser transaction whose chaincode `chaincode` set one event, as a peer stores it in a block. */
function transaction(
  txId: string,
  chaincode: string,
  name: string,
  payload: unknown,
  type = 3,
  invoked = chaincode,
): Uint8Array {
  const event = new peer.ChaincodeEvent();
  event.setChaincodeId(chaincode);
  event.setTxId(txId);
  event.setEventName(name);
  event.setPayload(Buffer.from(JSON.stringify(payload)));
  const ccAction = new peer.ChaincodeAction();
  ccAction.setEvents(event.serializeBinary());
  const id = new peer.ChaincodeID();
  id.setName(invoked);
  ccAction.setChaincodeId(id);
  const response = new peer.ProposalResponsePayload();
  response.setExtension$(ccAction.serializeBinary());
  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(response.serializeBinary());
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setAction(endorsed);
  const action = new peer.TransactionAction();
  action.setPayload(actionPayload.serializeBinary());
  const tx = new peer.Transaction();
  tx.setActionsList([action]);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(type);
  channelHeader.setTxId(txId);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  const body = new common.Payload();
  body.setHeader(header);
  body.setData(tx.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(body.serializeBinary());
  return envelope.serializeBinary();
}

function block(number: number, txs: Uint8Array[], flags: number[], dataHash = 'd'): common.Block {
  const header = new common.BlockHeader();
  header.setNumber(number);
  header.setPreviousHash(Buffer.from('p'));
  header.setDataHash(Buffer.from(dataHash));
  const data = new common.BlockData();
  data.setDataList(txs);
  const metadata = new common.BlockMetadata();
  const entries: Uint8Array[] = [
    new Uint8Array(),
    new Uint8Array(),
    Uint8Array.from(flags),
    new Uint8Array(),
    new Uint8Array(),
  ];
  metadata.setMetadataList(entries);
  const b = new common.Block();
  b.setHeader(header);
  b.setData(data);
  b.setMetadata(metadata);
  return b;
}

const suspended = {
  changes: [{ type: 'grant', id: 'g1', state: 'SUSPENDED' }],
  time: '2026-11-30T10:00:00Z',
};

describe('chaincode events read out of whole blocks', () => {
  it('gives the events of our chaincode’s VALID transactions, in block order, as the event service would', () => {
    const b = block(
      7,
      [
        transaction('t1', 'rdx', 'GrantSuspended', suspended),
        transaction('t2', 'rdx', 'GrantRevoked', {
          changes: [{ type: 'grant', id: 'g2', state: 'REVOKED' }],
        }),
        transaction('t3', 'other', 'Whatever', suspended),
        transaction('t4', 'rdx', 'GrantIssued', { changes: [{ type: 'grant', id: 'g3' }] }),
        transaction('t5', 'rdx', 'Config', suspended, common.HeaderType.CONFIG),
      ],
      [peer.TxValidationCode.VALID, peer.TxValidationCode.MVCC_READ_CONFLICT, 0, 0, 0],
    );
    const read = chaincodeEventsOf(b, 'rdx');
    expect(read.blockNumber).to.equal(7);
    expect(read.lifecycle).to.equal(false);
    expect(read.events).to.deep.equal([
      {
        blockNumber: 7,
        txId: 't1',
        name: 'GrantSuspended',
        time: suspended.time,
        changes: suspended.changes,
      },
      { blockNumber: 7, txId: 't4', name: 'GrantIssued', changes: [{ type: 'grant', id: 'g3' }] },
    ]);
  });

  it('a VALID chaincode definition transaction (_lifecycle) marks its block; an invalid one does not', () => {
    const upgrade = transaction('t6', '_lifecycle', '', {}, 3, '_lifecycle');
    expect(chaincodeEventsOf(block(9, [upgrade], [peer.TxValidationCode.VALID]), 'rdx').lifecycle).to.equal(
      true,
    );
    const refused = block(9, [upgrade], [peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE]);
    expect(chaincodeEventsOf(refused, 'rdx').lifecycle).to.equal(false);
  });

  it('a block without our events gives none; its identity changes with its contents', () => {
    const empty = block(8, [], []);
    expect(chaincodeEventsOf(empty, 'rdx').events).to.deep.equal([]);
    expect(blockIdOf(empty)).to.match(/^[0-9a-f]{64}$/);
    expect(blockIdOf(block(8, [], []))).to.equal(blockIdOf(empty));
    expect(blockIdOf(block(8, [], [], 'e')), 'another data hash').not.to.equal(blockIdOf(empty));
    expect(blockIdOf(block(9, [], [])), 'another number').not.to.equal(blockIdOf(empty));
  });
});
