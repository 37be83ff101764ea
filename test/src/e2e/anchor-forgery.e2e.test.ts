/**
 * A gateway forging an anchor, as its operator could with Fabric's own `peer` CLI and the gateway's identity: it
 * submits an anchor of its own making (a Merkle root of records it never kept) endorsed by the bureau's peer
 * alone. The orderer orders it — it checks the sender's signature, not the endorsements — and the peers mark it
 * ENDORSEMENT_POLICY_FAILURE: nothing is anchored. But that mark is the peer's, written after ordering and
 * covered by no signature, so the gateway can serve the block with the mark set to VALID, beside a receipt for
 * the forged root. An enterprise checking that block with no Fabric identity (verifyAnchorBlock) must not be
 * told the anchor is on the ledger: the orderers' signatures hold, and the endorsements are what give it away.
 */
import { expect } from 'chai';
import { verifyAnchorBlock } from '@rdx/client';
import { common, peer } from '@hyperledger/fabric-protos';
import { connectAs, ensureFabricBinaries, registerGateway } from '@rdx/network';
import { config, networkContext, paths, topology } from '../fabric-client.js';
import { ledgerTrust } from '../ledger-trust.js';
import { chaincodeInvoke, cliFailure } from '../peer-cli.js';
import { runId } from '../workflow.js';

const GENESIS_ANCHOR_HASH = '0'.repeat(64);

describe('a gateway serving an anchor the peers refused, its VALID mark forged (peer CLI as the gateway)', () => {
  const gatewayId = `gw-forge-${runId}`;
  // A root of records that were never kept.
  const merkleRoot = 'f0'.repeat(32);
  let cliSaid = '';
  let peerMark = -1;
  let served: { block: string; blockNumber: number; txId: string } | undefined;
  let anchorHash = '';

  before(async () => {
    const install = await ensureFabricBinaries(config, () => undefined);
    // An id registered to the bureau's gateway certificate, as every gateway of the bureau is: a fresh chain.
    await registerGateway(networkContext, gatewayId);
    // The gateway reads blocks from its peer as it does for an enterprise (qscc): the peer's marks are in them.
    const gateway = connectAs(paths, topology, 'BureauMSP', 'gateway');
    const qscc = gateway.network.getContract('qscc');
    const height = async (): Promise<number> =>
      Number(
        common.BlockchainInfo.deserializeBinary(
          await qscc.evaluateTransaction('GetChainInfo', topology.channel),
        ).getHeight(),
      );
    try {
      const from = await height();
      const now = new Date().toISOString();
      const anchor = {
        gatewayId,
        sequence: 1,
        merkleRoot,
        recordCount: 1,
        firstRecord: 0,
        firstRecordAt: now,
        lastRecordAt: now,
        previousAnchorHash: GENESIS_ANCHOR_HASH,
      };
      cliSaid = await cliFailure(
        chaincodeInvoke(install, 'BureauMSP', ['audit:SubmitAnchor', JSON.stringify(anchor)], {
          endorsers: ['BureauMSP'],
          identity: 'gateway',
        }),
      );
      const to = await height();
      for (let n = from; n < to && !served; n++) {
        const block = common.Block.deserializeBinary(
          await qscc.evaluateTransaction('GetBlockByNumber', topology.channel, String(n)),
        );
        const data = block.getData()!.getDataList_asU8();
        const index = data.findIndex((envelope) => Buffer.from(envelope).includes(merkleRoot));
        if (index < 0) continue;
        const envelope = common.Envelope.deserializeBinary(data[index]!);
        const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
        const txId = common.ChannelHeader.deserializeBinary(
          payload.getHeader()!.getChannelHeader_asU8(),
        ).getTxId();
        anchorHash =
          /"anchorHash":"([0-9a-f]{64})"/.exec(Buffer.from(data[index]!).toString('latin1'))?.[1] ?? '';
        // What the peer marked is kept to assert below; the served copy says VALID.
        const metadata = block.getMetadata()!.getMetadataList_asU8();
        const flags = Uint8Array.from(metadata[common.BlockMetadataIndex.TRANSACTIONS_FILTER]!);
        peerMark = flags[index]!;
        flags[index] = peer.TxValidationCode.VALID;
        metadata[common.BlockMetadataIndex.TRANSACTIONS_FILTER] = flags;
        block.getMetadata()!.setMetadataList(metadata);
        served = { block: Buffer.from(block.serializeBinary()).toString('base64'), blockNumber: n, txId };
      }
    } finally {
      gateway.close();
    }
  });

  it('the orderer ordered it and the peers refused it: nothing was anchored', () => {
    expect(cliSaid, 'the peer CLI reports the refusal').to.match(/ENDORSEMENT_POLICY_FAILURE/);
    expect(served, 'the block holding the forged anchor').to.not.equal(undefined);
    expect(peerMark, 'the peer’s mark').to.equal(peer.TxValidationCode.ENDORSEMENT_POLICY_FAILURE);
  });

  it('served with the mark flipped to VALID, the block still bears the orderers’ signatures, and is refused for its endorsements', () => {
    const verdict = verifyAnchorBlock(
      { gatewayId, sequence: 1, merkleRoot, anchorHash, txId: served!.txId },
      served!,
      ledgerTrust(),
    );
    const checks = Object.fromEntries(verdict.checks.map((c) => [c.name, c]));
    // Every check a block can be forged past holds…
    for (const name of ['transaction', 'anchor written', 'data hash', 'orderer signatures'])
      expect(checks[name], `${name}: ${checks[name]?.detail}`).to.include({ ok: true });
    // …and the one it cannot does not: the bureau's peer alone endorsed it.
    expect(checks.endorsements, checks.endorsements?.detail).to.include({ ok: false });
    expect(checks.endorsements!.detail).to.match(
      /endorsed by BureauMSP; the policy needs BureauMSP and a body/,
    );
    expect(verdict.ok).to.equal(false);
  });
});
