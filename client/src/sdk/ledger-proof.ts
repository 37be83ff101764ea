/**
 * Where an audit anchor sits on the ledger, checked by anyone without a Fabric identity: the gateway hands out
 * the raw block that holds the anchor's transaction, and this verifier checks, offline, that
 *
 * 1. the block holds the transaction, of the platform's channel, and the peer that served it marked it VALID;
 * 2. the transaction wrote exactly this anchor (gateway, sequence, Merkle root, anchor hash) under the anchor's
 *    own key, in the platform's chaincode;
 * 3. that write was endorsed as the chaincode's policy asks — by a peer of the bureau and a peer of a body, each
 *    with a certificate issued by its org's root that the verifier trusts, each signature verifying, over a
 *    response that names this transaction's own proposal (its headers: channel, id, creator);
 * 4. the block's data hash covers its transactions, so they are the ones the header names;
 * 5. enough orderers signed the header (with the block's metadata), each with an orderer's certificate issued by
 *    a root of the ordering service that the verifier trusts.
 *
 * Every root comes from the bureau, never from the gateway. Check 3 is what makes check 1 worth anything: the
 * VALID mark is written by the peer after ordering and no signature covers it, so a gateway could order a
 * transaction the peers refused (its endorsements forged or missing: an anchor never recorded) and flip the
 * mark. What no block can show is a transaction refused for a conflict alone (two endorsed anchors of one
 * sequence, the second refused): `rdx verify --online` asks the ledger itself (docs/SECURITY.md).
 *
 * The signed message of an orderer is Fabric's own (protoutil.BlockSignatureVerifier): the metadata value, the
 * signature header and the ASN.1 form of the block header. A SmartBFT consenter signs with an identifier header
 * instead (its consenter id, no certificate): the gateway then also serves the channel's config block, whose
 * consenter mapping names each id's certificate — which must still be an orderer's, issued by a trusted root,
 * and each certificate counts once however many ids name it. An endorser signs the proposal response payload
 * followed by its own serialized identity (protoutil.SignedData of an endorsement).
 */
import crypto, { X509Certificate } from 'node:crypto';
import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';
import type { Check, VerificationReport } from './receipt-verify.js';

/** The MSP whose peer must endorse every transaction of the chaincode (with a body's). */
const BUREAU_MSP = 'BureauMSP';

/** Whom the verifier trusts: what the bureau publishes, never what the gateway serves. */
export interface LedgerTrust {
  /** Root certificates (PEM) of the orgs that run orderers. */
  ordererRoots: readonly string[];
  /** Orderer signatures required: 1 under Raft (the leader's), f + 1 under SmartBFT. Default 1. */
  minSignatures?: number;
  /** Each peer org's root certificate(s) (PEM), by MSP id: the bureau's and the bodies'. */
  peerRoots: Readonly<Record<string, string | readonly string[]>>;
  /** The platform's chaincode. Default `rdx`. */
  chaincode?: string;
  /** The platform's channel: the orderers sign every channel's blocks alike. Default `opendata`. */
  channel?: string;
}

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

/** One endorsed action of a transaction: what its endorsers signed, their endorsements, and its writes. */
interface EndorsedAction {
  responsePayload: Buffer;
  /**
   * Whether what the endorsers signed names this transaction's proposal: its hash of the transaction's headers
   * (channel, id, creator) and proposal, as Fabric's committer checks it (protoutil.GetProposalHash2). Without it
   * endorsements could be carried into a transaction of another id, or of another channel.
   */
  ofThisProposal: boolean;
  endorsements: peer.Endorsement[];
  writes: { namespace: string; key: string; value: Buffer }[];
}

/** A transaction's id, its channel and its endorsed actions (none for a config or other transaction). */
function actionsOf(envelope: common.Envelope): { txId: string; channel: string; actions: EndorsedAction[] } {
  const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
  const headers = payload.getHeader()!;
  const channelHeader = common.ChannelHeader.deserializeBinary(headers.getChannelHeader_asU8());
  const tx = { txId: channelHeader.getTxId(), channel: channelHeader.getChannelId() };
  const actions: EndorsedAction[] = [];
  if (channelHeader.getType() !== common.HeaderType.ENDORSER_TRANSACTION) return { ...tx, actions };
  const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
  for (const action of transaction.getActionsList()) {
    const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
    const endorsed = actionPayload.getAction()!;
    const responsePayload = Buffer.from(endorsed.getProposalResponsePayload_asU8());
    const prp = peer.ProposalResponsePayload.deserializeBinary(responsePayload);
    const proposalHash = crypto
      .createHash('sha256')
      .update(headers.getChannelHeader_asU8())
      .update(headers.getSignatureHeader_asU8())
      .update(actionPayload.getChaincodeProposalPayload_asU8())
      .digest();
    const ccAction = peer.ChaincodeAction.deserializeBinary(prp.getExtension_asU8());
    const rwset = ledger.rwset.TxReadWriteSet.deserializeBinary(ccAction.getResults_asU8());
    const writes: EndorsedAction['writes'] = [];
    for (const ns of rwset.getNsRwsetList()) {
      const kv = ledger.rwset.kvrwset.KVRWSet.deserializeBinary(ns.getRwset_asU8());
      for (const w of kv.getWritesList())
        if (!w.getIsDelete())
          writes.push({
            namespace: ns.getNamespace(),
            key: w.getKey(),
            value: Buffer.from(w.getValue_asU8()),
          });
    }
    actions.push({
      responsePayload,
      ofThisProposal: proposalHash.equals(Buffer.from(prp.getProposalHash_asU8())),
      endorsements: endorsed.getEndorsementsList(),
      writes,
    });
  }
  return { ...tx, actions };
}

/** The ledger key of a gateway's anchor (the chaincode's composite key of type `anchor`). */
function anchorKey(gatewayId: string, sequence: number): string {
  return `\u0000anchor\u0000${gatewayId}.${String(sequence).padStart(12, '0')}\u0000`;
}

/** Whether `cert` is issued by one of `roots` and its subject gives it the node role `role` (Fabric's NodeOUs). */
function issuedWithRole(cert: X509Certificate, roots: readonly X509Certificate[], role: string): boolean {
  return (
    cert.subject.split('\n').includes(`OU=${role}`) &&
    roots.some((root) => cert.checkIssued(root) && cert.verify(root.publicKey))
  );
}

/** The orgs whose peers' endorsements of `action` verify under `peerRoots`, and why the others do not. */
function endorsingOrgs(
  action: EndorsedAction,
  peerRoots: ReadonlyMap<string, X509Certificate[]>,
): { orgs: Set<string>; why: string[] } {
  const orgs = new Set<string>();
  const why: string[] = [];
  for (const endorsement of action.endorsements) {
    try {
      const endorser = Buffer.from(endorsement.getEndorser_asU8());
      const identity = msp.SerializedIdentity.deserializeBinary(endorser);
      const org = identity.getMspid();
      const cert = new X509Certificate(Buffer.from(identity.getIdBytes_asU8()));
      const named = `${org}'s ${cert.subject.replace(/\n/g, ', ')}`;
      if (!issuedWithRole(cert, peerRoots.get(org) ?? [], 'peer'))
        why.push(`${named} is not a peer issued by a trusted root of ${org}`);
      else if (
        !crypto.verify(
          'sha256',
          Buffer.concat([action.responsePayload, endorser]),
          cert.publicKey,
          Buffer.from(endorsement.getSignature_asU8()),
        )
      )
        why.push(`the endorsement of ${named} does not verify`);
      else orgs.add(org);
    } catch (err) {
      why.push(`an endorsement does not parse: ${(err as Error).message}`);
    }
  }
  return { orgs, why };
}

/**
 * Checks that `anchor` is on the ledger, from the block the gateway served and the roots the bureau publishes.
 * Never throws: a malformed block is a failed check.
 */
export function verifyAnchorBlock(
  anchor: AnchorOnLedger,
  served: AnchorBlock,
  trust: LedgerTrust,
): VerificationReport {
  const minSignatures = trust.minSignatures ?? 1;
  const chaincode = trust.chaincode ?? 'rdx';
  const channel = trust.channel ?? 'opendata';
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
  let found: ReturnType<typeof actionsOf> | undefined;
  try {
    for (let i = 0; i < data.length && index < 0; i++) {
      const tx = actionsOf(common.Envelope.deserializeBinary(data[i]!));
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
  const onChannel = found?.channel === channel;
  check(
    'transaction',
    valid && onChannel,
    index < 0
      ? `block ${number} does not hold transaction ${anchor.txId}`
      : !onChannel
        ? `transaction ${anchor.txId} is of channel ${found?.channel}, not ${channel}`
        : valid
          ? `block ${number} of ${channel} holds transaction ${anchor.txId}, marked VALID`
          : `transaction ${anchor.txId} is in block ${number} but was not VALID (code ${flags[index]})`,
  );

  // 2. It wrote this anchor, under the anchor's key, in the platform's chaincode.
  const writes = (action: EndorsedAction): boolean =>
    action.writes.some(({ namespace, key, value }) => {
      try {
        const a = JSON.parse(value.toString('utf8')) as Record<string, unknown>;
        return (
          namespace === chaincode &&
          a.sequence === anchor.sequence &&
          a.merkleRoot === anchor.merkleRoot &&
          a.anchorHash === anchor.anchorHash &&
          typeof a.gatewayId === 'string' &&
          (anchor.gatewayId === undefined || a.gatewayId === anchor.gatewayId) &&
          key === anchorKey(a.gatewayId, anchor.sequence)
        );
      } catch {
        return false;
      }
    });
  const writer = found?.actions.find(writes);
  check(
    'anchor written',
    writer !== undefined,
    writer
      ? `the transaction wrote anchor ${anchor.sequence} with root ${anchor.merkleRoot}`
      : `the transaction wrote no anchor ${anchor.sequence} with root ${anchor.merkleRoot} and hash ${anchor.anchorHash} under its key in chaincode ${chaincode}`,
  );

  // 3. The write was endorsed as the chaincode's policy asks: the bureau's peer and a body's.
  const peerRoots = new Map(
    Object.entries(trust.peerRoots).map(([org, pems]) => [
      org,
      (typeof pems === 'string' ? [pems] : pems).map((pem) => new X509Certificate(pem)),
    ]),
  );
  const { orgs, why: unendorsed } = writer
    ? endorsingOrgs(writer, peerRoots)
    : { orgs: new Set<string>(), why: [] };
  const body = [...orgs].find((org) => org !== BUREAU_MSP);
  const ofThisProposal = writer?.ofThisProposal === true;
  check(
    'endorsements',
    ofThisProposal && orgs.has(BUREAU_MSP) && body !== undefined,
    writer && !ofThisProposal
      ? "what the endorsers signed names another proposal (its hash is not this transaction's): endorsements carried over from another transaction"
      : `${orgs.size ? `endorsed by ${[...orgs].sort().join(' and ')}` : 'no endorsement verifies'}; the policy needs ${BUREAU_MSP} and a body${unendorsed.length ? `; ${unendorsed.join('; ')}` : ''}`,
  );

  // 4. The header covers these transactions.
  const dataHash = crypto
    .createHash('sha256')
    .update(Buffer.concat(data.map((d) => Buffer.from(d))))
    .digest();
  check(
    'data hash',
    dataHash.equals(Buffer.from(header.getDataHash_asU8())),
    `the block header's data hash ${dataHash.equals(Buffer.from(header.getDataHash_asU8())) ? 'matches' : 'does not match'} its transactions`,
  );

  // 5. Signed by the ordering service's orderers.
  const roots = trust.ordererRoots.map((pem) => new X509Certificate(pem));
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
      // An orderer's certificate: any other of the org's (its admin's, under BFT a body's staff) signs no block.
      if (!issuedWithRole(cert, roots, 'orderer')) {
        why.push(`${cert.subject.replace(/\n/g, ', ')} is not an orderer issued by a trusted orderer root`);
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
