/**
 * Where an audit anchor sits on the ledger, checked by anyone without a Fabric identity: the gateway hands out
 * the raw block that holds the anchor's transaction, and this verifier checks, offline, that
 *
 * 1. the block holds the transaction, and Fabric marked it VALID;
 * 2. the transaction wrote exactly this anchor (gateway, sequence, Merkle root, anchor hash);
 * 3. the block's data hash covers its transactions, so they are the ones the header names;
 * 4. enough orderers signed the header (with the block's metadata), each with a certificate issued by a root of
 *    the ordering service that the verifier trusts (obtained from the bureau, not from the gateway).
 *
 * The signed message is Fabric's own (protoutil.BlockSignatureVerifier): the metadata value, the signature
 * header and the ASN.1 form of the block header. A SmartBFT consenter signs with an identifier header instead
 * (its consenter id, no certificate): the gateway then also serves the channel's config block, whose consenter
 * mapping names each id's certificate — which must still be issued by a trusted root, and each certificate
 * counts once however many ids name it.
 */
import crypto, { X509Certificate } from 'node:crypto';
import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';
import type { Check, VerificationReport } from './receipt-verify.js';

/** The anchor a receipt names, as far as the block must match it. */
export interface AnchorOnLedger {
  gatewayId?: string;
  sequence: number;
  merkleRoot: string;
  anchorHash: string;
  txId: string;
}

/** What the gateway answers at GET /v1/audit/receipts/{requestId}/block. */
export interface AnchorBlock {
  /** The block, as the peer's qscc returns it, base64. */
  block: string;
  blockNumber: number;
  txId: string;
  /** Under BFT ordering: the channel's last config block before it, base64 (it maps consenter ids to certificates). */
  configBlock?: string;
}

/**
 * For a block whose orderer signatures name their signers by consenter id (SmartBFT), the number of the last
 * config block before it — the one whose consenter mapping names their certificates; undefined for a block signed
 * with certificates (Raft) or one that does not parse.
 */
export function consenterConfigIndex(blockBytes: Uint8Array): number | undefined {
  try {
    const block = common.Block.deserializeBinary(blockBytes);
    const signatures = block.getMetadata()?.getMetadataList_asU8()[common.BlockMetadataIndex.SIGNATURES];
    if (!signatures) return undefined;
    const md = common.Metadata.deserializeBinary(signatures);
    const byIds = md
      .getSignaturesList()
      .some((sig) => sig.getSignatureHeader_asU8().length === 0 && sig.getIdentifierHeader_asU8().length > 0);
    const lastConfig = common.OrdererBlockMetadata.deserializeBinary(md.getValue_asU8()).getLastConfig();
    return byIds && lastConfig ? Number(lastConfig.getIndex()) : undefined;
  } catch {
    return undefined;
  }
}

/** jspb's Map, through the one method used (its type does not resolve here). */
interface ProtoMap<T> {
  get(key: string): T | undefined;
}

/** Consenter id → certificate (PEM), from a config block's `Orderers` value; empty when it has none. */
function consentersOf(configBlockB64: string | undefined): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  if (!configBlockB64) return out;
  const block = common.Block.deserializeBinary(Buffer.from(configBlockB64, 'base64'));
  const envelope = common.Envelope.deserializeBinary(block.getData()!.getDataList_asU8()[0]!);
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const config = common.ConfigEnvelope.deserializeBinary(payload.getData_asU8()).getConfig();
  // jspb's Map type does not resolve here: read the two maps through the one method used.
  const groups = config?.getChannelGroup()?.getGroupsMap() as ProtoMap<common.ConfigGroup> | undefined;
  const values = groups?.get('Orderer')?.getValuesMap() as ProtoMap<common.ConfigValue> | undefined;
  const orderers = values?.get('Orderers');
  if (!orderers) return out;
  for (const c of common.Orderers.deserializeBinary(orderers.getValue_asU8()).getConsenterMappingList())
    out.set(c.getId(), Buffer.from(c.getIdentity_asU8()));
  return out;
}

/**
 * DER of Fabric's asn1Header: SEQUENCE { INTEGER number, OCTET STRING previousHash, OCTET STRING dataHash } — the
 * block header as Fabric hashes and signs it (protoutil.BlockHeaderBytes).
 */
export function headerDer(header: common.BlockHeader): Buffer {
  const length = (n: number): Buffer =>
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  const tlv = (tag: number, value: Buffer): Buffer =>
    Buffer.concat([Buffer.from([tag]), length(value.length), value]);
  let number = BigInt(header.getNumber());
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(number & 0xffn));
    number >>= 8n;
  } while (number > 0n);
  if (bytes[0]! & 0x80) bytes.unshift(0); // a positive INTEGER
  return tlv(
    0x30,
    Buffer.concat([
      tlv(0x02, Buffer.from(bytes)),
      tlv(0x04, Buffer.from(header.getPreviousHash_asU8())),
      tlv(0x04, Buffer.from(header.getDataHash_asU8())),
    ]),
  );
}

/** The values every write of a transaction put, by key, across its namespaces. */
function writesOf(envelope: common.Envelope): { txId: string; writes: { key: string; value: Buffer }[] } {
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const channelHeader = common.ChannelHeader.deserializeBinary(payload.getHeader()!.getChannelHeader_asU8());
  const writes: { key: string; value: Buffer }[] = [];
  if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION)
    return { txId: channelHeader.getTxId(), writes };
  const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
  for (const action of transaction.getActionsList()) {
    const cap = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
    const prp = peer.ProposalResponsePayload.deserializeBinary(
      cap.getAction()!.getProposalResponsePayload_asU8(),
    );
    const ccAction = peer.ChaincodeAction.deserializeBinary(prp.getExtension_asU8());
    const rwset = ledger.rwset.TxReadWriteSet.deserializeBinary(ccAction.getResults_asU8());
    for (const ns of rwset.getNsRwsetList()) {
      const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
      for (const w of kv.getWritesList())
        if (!w.getIsDelete()) writes.push({ key: w.getKey(), value: Buffer.from(w.getValue_asU8()) });
    }
  }
  return { txId: channelHeader.getTxId(), writes };
}

/**
 * Checks that `anchor` is on the ledger, from the block the gateway served and the ordering service's roots.
 * Never throws: a malformed block is a failed check.
 * @param ordererRootsPem root certificates of the ordering service's organization(s), as the bureau publishes them.
 * @param minSignatures orderer signatures required (1 for Raft, where the leader signs; f + 1 for BFT).
 */
export function verifyAnchorBlock(
  anchor: AnchorOnLedger,
  served: AnchorBlock,
  ordererRootsPem: readonly string[],
  minSignatures = 1,
): VerificationReport {
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail: string): boolean => {
    checks.push({ name, ok, detail });
    return ok;
  };
  let block: common.Block;
  try {
    block = common.Block.deserializeBinary(Buffer.from(served.block, 'base64'));
  } catch (err) {
    check('block', false, `the block does not parse: ${(err as Error).message}`);
    return { kind: 'receipt', ok: false, checks };
  }
  const header = block.getHeader();
  const data = block.getData()?.getDataList_asU8() ?? [];
  const metadata = block.getMetadata()?.getMetadataList_asU8() ?? [];
  if (!header) {
    check('block', false, 'the block has no header');
    return { kind: 'receipt', ok: false, checks };
  }
  const number = Number(header.getNumber());

  // 1. The transaction is in the block, VALID.
  let index = -1;
  let found: ReturnType<typeof writesOf> | undefined;
  try {
    for (let i = 0; i < data.length && index < 0; i++) {
      const tx = writesOf(common.Envelope.deserializeBinary(data[i]!));
      if (tx.txId === anchor.txId) {
        index = i;
        found = tx;
      }
    }
  } catch (err) {
    check('transaction', false, `a transaction of block ${number} does not parse: ${(err as Error).message}`);
  }
  const flags = metadata[common.BlockMetadataIndex.TRANSACTIONS_FILTER] ?? new Uint8Array();
  const valid = index >= 0 && flags[index] === peer.TxValidationCode.VALID;
  check(
    'transaction',
    valid,
    index < 0
      ? `block ${number} does not hold transaction ${anchor.txId}`
      : valid
        ? `block ${number} holds transaction ${anchor.txId}, marked VALID`
        : `transaction ${anchor.txId} is in block ${number} but was not VALID (code ${flags[index]})`,
  );

  // 2. It wrote this anchor.
  const written = (found?.writes ?? []).some(({ value }) => {
    try {
      const a = JSON.parse(value.toString('utf8')) as Record<string, unknown>;
      return (
        a.sequence === anchor.sequence &&
        a.merkleRoot === anchor.merkleRoot &&
        a.anchorHash === anchor.anchorHash &&
        (anchor.gatewayId === undefined || a.gatewayId === anchor.gatewayId)
      );
    } catch {
      return false;
    }
  });
  check(
    'anchor written',
    written,
    written
      ? `the transaction wrote anchor ${anchor.sequence} with root ${anchor.merkleRoot}`
      : `the transaction wrote no anchor ${anchor.sequence} with root ${anchor.merkleRoot} and hash ${anchor.anchorHash}`,
  );

  // 3. The header covers these transactions.
  const dataHash = crypto
    .createHash('sha256')
    .update(Buffer.concat(data.map((d) => Buffer.from(d))))
    .digest();
  check(
    'data hash',
    dataHash.equals(Buffer.from(header.getDataHash_asU8())),
    `the block header's data hash ${dataHash.equals(Buffer.from(header.getDataHash_asU8())) ? 'matches' : 'does not match'} its transactions`,
  );

  // 4. Signed by the ordering service.
  const roots = ordererRootsPem.map((pem) => new X509Certificate(pem));
  const signers = new Set<string>();
  const why: string[] = [];
  try {
    const md = common.Metadata.deserializeBinary(
      metadata[common.BlockMetadataIndex.SIGNATURES] ?? new Uint8Array(),
    );
    const consenters = consentersOf(served.configBlock);
    for (const sig of md.getSignaturesList()) {
      // Raft: the signer's certificate is in the signature header. SmartBFT: only its consenter id is.
      const byId = sig.getSignatureHeader_asU8().length === 0 && sig.getIdentifierHeader_asU8().length > 0;
      const signed = Buffer.from(byId ? sig.getIdentifierHeader_asU8() : sig.getSignatureHeader_asU8());
      let certBytes: Buffer | undefined;
      if (byId) {
        const id = common.IdentifierHeader.deserializeBinary(signed).getIdentifier();
        certBytes = consenters.get(id);
        if (!certBytes) {
          why.push(`consenter ${id} is not in the config block served with the block`);
          continue;
        }
      } else {
        const sh = common.SignatureHeader.deserializeBinary(signed);
        certBytes = Buffer.from(
          msp.SerializedIdentity.deserializeBinary(sh.getCreator_asU8()).getIdBytes_asU8(),
        );
      }
      const cert = new X509Certificate(certBytes);
      if (!roots.some((root) => cert.checkIssued(root) && cert.verify(root.publicKey))) {
        why.push(`${cert.subject.replace(/\n/g, ', ')} is not issued by a trusted orderer root`);
        continue;
      }
      const message = Buffer.concat([Buffer.from(md.getValue_asU8()), signed, headerDer(header)]);
      if (crypto.verify('sha256', message, cert.publicKey, Buffer.from(sig.getSignature_asU8())))
        signers.add(cert.fingerprint256);
      else why.push(`the signature of ${cert.subject.replace(/\n/g, ', ')} does not verify`);
    }
  } catch (err) {
    why.push(`the signatures do not parse: ${(err as Error).message}`);
  }
  check(
    'orderer signatures',
    signers.size >= minSignatures,
    `${signers.size} valid orderer signature(s) on block ${number}, ${minSignatures} needed${why.length ? `; ${why.join('; ')}` : ''}`,
  );
  return { kind: 'receipt', ok: checks.every((c) => c.ok), checks };
}
