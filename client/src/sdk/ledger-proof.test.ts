/**
 * The orderer-signature check of verifyAnchorBlock on blocks signed here, as Raft and SmartBFT orderers sign
 * them: a Raft signature carries the signer's certificate; a SmartBFT one only the consenter id, which the
 * channel config block maps to a certificate. Certificates come from a throwaway CA made with openssl.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { common, ledger, msp, peer } from '@hyperledger/fabric-protos';
import { consenterConfigIndex, headerDer, verifyAnchorBlock, type AnchorBlock } from './ledger-proof.js';

/** jspb's Map, through the one method used (its type does not resolve here). */
interface ProtoMap<T> {
  set(key: string, value: T): unknown;
}

interface Signer {
  cert: string;
  key: crypto.KeyObject;
}

/** A root CA and a leaf certificate issued by it (P-256) for each role (its OU), as a Fabric CA issues them. */
function makeCa(dir: string, name: string, roles: string[]): { root: string; signers: Signer[] } {
  const run = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${name}-ca.key`);
  run(
    'req',
    '-x509',
    '-new',
    '-key',
    `${name}-ca.key`,
    '-subj',
    `/CN=${name}-ca`,
    '-days',
    '2',
    '-out',
    `${name}-ca.pem`,
  );
  const signers: Signer[] = [];
  for (const [i, role] of roles.entries()) {
    const leaf = `${name}-${i}`;
    run('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${leaf}.key`);
    run('req', '-new', '-key', `${leaf}.key`, '-subj', `/OU=${role}/CN=${leaf}`, '-out', `${leaf}.csr`);
    run(
      'x509',
      '-req',
      '-in',
      `${leaf}.csr`,
      '-CA',
      `${name}-ca.pem`,
      '-CAkey',
      `${name}-ca.key`,
      '-CAcreateserial',
      '-days',
      '2',
      '-out',
      `${leaf}.pem`,
    );
    signers.push({
      cert: fs.readFileSync(path.join(dir, `${leaf}.pem`), 'utf8'),
      key: crypto.createPrivateKey(fs.readFileSync(path.join(dir, `${leaf}.key`))),
    });
  }
  return { root: fs.readFileSync(path.join(dir, `${name}-ca.pem`), 'utf8'), signers };
}

const header = new common.BlockHeader();
header.setNumber(7);
header.setPreviousHash(crypto.randomBytes(32));
header.setDataHash(crypto.createHash('sha256').digest());
const VALUE = new common.OrdererBlockMetadata().serializeBinary();

/** A block whose SIGNATURES metadata holds the given signatures (and, in its value, a last config block). */
function blockWith(signatures: common.MetadataSignature[], lastConfig?: number): string {
  const md = new common.Metadata();
  if (lastConfig === undefined) md.setValue(VALUE);
  else {
    const last = new common.LastConfig();
    last.setIndex(lastConfig);
    const value = new common.OrdererBlockMetadata();
    value.setLastConfig(last);
    md.setValue(value.serializeBinary());
  }
  md.setSignaturesList(signatures);
  const metadata = new common.BlockMetadata();
  metadata.setMetadataList([md.serializeBinary(), new Uint8Array(), new Uint8Array()]);
  const block = new common.Block();
  block.setHeader(header);
  block.setData(new common.BlockData());
  block.setMetadata(metadata);
  return Buffer.from(block.serializeBinary()).toString('base64');
}

const sign = (signer: Signer, signed: Uint8Array): Uint8Array =>
  crypto.sign(
    'sha256',
    Buffer.concat([Buffer.from(VALUE), Buffer.from(signed), headerDer(header)]),
    signer.key,
  );

/** As a Raft orderer signs: its serialized identity in the signature header. */
function raftSignature(signer: Signer): common.MetadataSignature {
  const identity = new msp.SerializedIdentity();
  identity.setMspid('OrdererMSP');
  identity.setIdBytes(Buffer.from(signer.cert));
  const sh = new common.SignatureHeader();
  sh.setCreator(identity.serializeBinary());
  sh.setNonce(crypto.randomBytes(24));
  const sig = new common.MetadataSignature();
  sig.setSignatureHeader(sh.serializeBinary());
  sig.setSignature(sign(signer, sh.serializeBinary()));
  return sig;
}

/** As a SmartBFT consenter signs: its consenter id in an identifier header, no certificate. */
function bftSignature(id: number, signer: Signer): common.MetadataSignature {
  const ih = new common.IdentifierHeader();
  ih.setIdentifier(id);
  ih.setNonce(crypto.randomBytes(24));
  const sig = new common.MetadataSignature();
  sig.setIdentifierHeader(ih.serializeBinary());
  sig.setSignature(sign(signer, ih.serializeBinary()));
  return sig;
}

/** A config block whose Orderer group maps consenter ids to certificates. */
function configBlock(mapping: [id: number, cert: string][]): string {
  const orderers = new common.Orderers();
  orderers.setConsenterMappingList(
    mapping.map(([id, cert]) => {
      const c = new common.Consenter();
      c.setId(id);
      c.setMspId('OrdererMSP');
      c.setIdentity(Buffer.from(cert));
      return c;
    }),
  );
  const value = new common.ConfigValue();
  value.setValue(orderers.serializeBinary());
  const ordererGroup = new common.ConfigGroup();
  (ordererGroup.getValuesMap() as ProtoMap<common.ConfigValue>).set('Orderers', value);
  const channel = new common.ConfigGroup();
  (channel.getGroupsMap() as ProtoMap<common.ConfigGroup>).set('Orderer', ordererGroup);
  const config = new common.Config();
  config.setChannelGroup(channel);
  const envelopeData = new common.ConfigEnvelope();
  envelopeData.setConfig(config);
  const payload = new common.Payload();
  payload.setData(envelopeData.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  const data = new common.BlockData();
  data.setDataList([envelope.serializeBinary()]);
  const block = new common.Block();
  block.setData(data);
  return Buffer.from(block.serializeBinary()).toString('base64');
}

const ANCHOR = { sequence: 1, merkleRoot: 'a'.repeat(64), anchorHash: 'b'.repeat(64), txId: 'tx' };

describe('orderer signatures on a block, Raft and SmartBFT', () => {
  let ca: { root: string; signers: Signer[] };
  let stranger: { root: string; signers: Signer[] };
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-ledger-proof-'));
    // Three orderers and the org's admin.
    ca = makeCa(dir, 'orderer', ['orderer', 'orderer', 'orderer', 'admin']);
    stranger = makeCa(dir, 'stranger', ['orderer']);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const signatures = (served: AnchorBlock, roots: string[], min: number): { ok: boolean; detail: string } =>
    verifyAnchorBlock(ANCHOR, served, { ordererRoots: roots, minSignatures: min, peerRoots: {} }).checks.find(
      (c) => c.name === 'orderer signatures',
    )!;
  const served = (block: string, config?: string): AnchorBlock => ({
    block,
    blockNumber: 7,
    txId: 'tx',
    ...(config ? { configBlock: config } : {}),
  });

  it('a Raft leader’s signature verifies against its root, not against another', () => {
    const block = blockWith([raftSignature(ca.signers[0]!)]);
    expect(signatures(served(block), [ca.root], 1).ok).to.equal(true);
    expect(signatures(served(block), [stranger.root], 1).ok).to.equal(false);
  });

  it('a signature by a certificate of the root that is not an orderer’s (its admin’s) does not count', () => {
    const check = signatures(served(blockWith([raftSignature(ca.signers[3]!)])), [ca.root], 1);
    expect(check.ok).to.equal(false);
    expect(check.detail).to.match(/OU=admin, CN=orderer-3 is not an orderer/);
  });

  it('SmartBFT: f + 1 consenters named by id verify through the config block’s mapping', () => {
    const [a, b, c] = ca.signers as [Signer, Signer, Signer];
    const config = configBlock([
      [1, a.cert],
      [2, b.cert],
      [3, c.cert],
    ]);
    const block = blockWith([bftSignature(1, a), bftSignature(2, b)]);
    expect(signatures(served(block, config), [ca.root], 2)).to.include({ ok: true });
    expect(signatures(served(block, config), [ca.root], 3).ok, 'two signatures are not three').to.equal(
      false,
    );
    // Without the config block nothing names the signers.
    expect(signatures(served(block), [ca.root], 1).detail).to.match(/consenter 1 is not in the config block/);
  });

  it('the gateway adds a config block for a block signed by consenter ids, and only for one', () => {
    const [a] = ca.signers as [Signer];
    const bytes = (b64: string): Buffer => Buffer.from(b64, 'base64');
    expect(consenterConfigIndex(bytes(blockWith([bftSignature(1, a)], 12)))).to.equal(12);
    expect(consenterConfigIndex(bytes(blockWith([raftSignature(a)], 12)))).to.equal(undefined);
    expect(consenterConfigIndex(Buffer.from('not a block'))).to.equal(undefined);
  });

  it('SmartBFT: one orderer counts once, however many ids a served config maps to its certificate', () => {
    const [a] = ca.signers as [Signer];
    const config = configBlock([
      [1, a.cert],
      [2, a.cert],
    ]);
    const block = blockWith([bftSignature(1, a), bftSignature(2, a)]);
    expect(signatures(served(block, config), [ca.root], 2).ok).to.equal(false);
  });

  it('SmartBFT: a consenter the config maps to a certificate of another root does not count', () => {
    const [a] = ca.signers as [Signer];
    const [x] = stranger.signers as [Signer];
    const config = configBlock([
      [1, a.cert],
      [2, x.cert],
    ]);
    const block = blockWith([bftSignature(1, a), bftSignature(2, x)]);
    const check = signatures(served(block, config), [ca.root], 2);
    expect(check.ok).to.equal(false);
    expect(check.detail).to.match(/is not an orderer issued by a trusted orderer root/);
    // A signature by a mapped certificate's key is needed, not just the mapping.
    const forged = blockWith([bftSignature(1, a), bftSignature(3, ca.signers[1]!)]);
    const mappedElsewhere = configBlock([
      [1, a.cert],
      [3, ca.signers[2]!.cert],
    ]);
    expect(signatures(served(forged, mappedElsewhere), [ca.root], 2).detail).to.match(/does not verify/);
  });
});

/** A peer's endorsement of `responsePayload`, as Fabric signs it: the payload followed by the serialized endorser. */
function endorsement(signer: Signer, mspId: string, responsePayload: Uint8Array): peer.Endorsement {
  const identity = new msp.SerializedIdentity();
  identity.setMspid(mspId);
  identity.setIdBytes(Buffer.from(signer.cert));
  const endorser = identity.serializeBinary();
  const e = new peer.Endorsement();
  e.setEndorser(endorser);
  e.setSignature(
    crypto.sign('sha256', Buffer.concat([Buffer.from(responsePayload), Buffer.from(endorser)]), signer.key),
  );
  return e;
}

interface AnchorWrite {
  namespace: string;
  key: string;
  value: Record<string, unknown>;
}

/** A transaction's headers and proposal (no transient data), and the hash an endorser's response names. */
interface Proposal {
  channelHeader: Uint8Array;
  signatureHeader: Uint8Array;
  proposalPayload: Uint8Array;
  hash: Buffer;
}

/** The proposal of transaction `txId` on `channel`, as a client makes it (Fabric's GetProposalHash2). */
function proposalOf(txId: string, channel = 'opendata'): Proposal {
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setTxId(txId);
  channelHeader.setChannelId(channel);
  const signatureHeader = new common.SignatureHeader();
  signatureHeader.setNonce(crypto.randomBytes(24));
  const proposalPayload = new peer.ChaincodeProposalPayload();
  proposalPayload.setInput(Buffer.from('audit:SubmitAnchor'));
  const parts = [
    channelHeader.serializeBinary(),
    signatureHeader.serializeBinary(),
    proposalPayload.serializeBinary(),
  ] as const;
  return {
    channelHeader: parts[0],
    signatureHeader: parts[1],
    proposalPayload: parts[2],
    hash: crypto
      .createHash('sha256')
      .update(Buffer.concat(parts.map((p) => Buffer.from(p))))
      .digest(),
  };
}

/** The payload a chaincode action's endorsers sign: its results, one write per entry, for `proposal`. */
function responsePayloadOf(writes: AnchorWrite[], proposal: Proposal): Uint8Array {
  const rwset = new ledger.rwset.TxReadWriteSet();
  rwset.setDataModel(ledger.rwset.TxReadWriteSet.DataModel.KV);
  rwset.setNsRwsetList(
    writes.map((w) => {
      const write = new ledger.rwset.kvrwset.KVWrite();
      write.setKey(w.key);
      write.setValue(Buffer.from(JSON.stringify(w.value)));
      const kv = new ledger.rwset.kvrwset.KVRWSet();
      kv.setWritesList([write]);
      const ns = new ledger.rwset.NsReadWriteSet();
      ns.setNamespace(w.namespace);
      ns.setRwset(kv.serializeBinary());
      return ns;
    }),
  );
  const action = new peer.ChaincodeAction();
  action.setResults(rwset.serializeBinary());
  const prp = new peer.ProposalResponsePayload();
  prp.setProposalHash(proposal.hash);
  prp.setExtension$(action.serializeBinary());
  return prp.serializeBinary();
}

/** A block holding the transaction of `proposal` with that response and endorsements, marked VALID by its peer. */
function endorsedBlock(
  proposal: Proposal,
  responsePayload: Uint8Array,
  endorsements: peer.Endorsement[],
): string {
  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(responsePayload);
  endorsed.setEndorsementsList(endorsements);
  const cap = new peer.ChaincodeActionPayload();
  cap.setChaincodeProposalPayload(proposal.proposalPayload);
  cap.setAction(endorsed);
  const action = new peer.TransactionAction();
  action.setPayload(cap.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.setActionsList([action]);
  const payloadHeader = new common.Header();
  payloadHeader.setChannelHeader(proposal.channelHeader);
  payloadHeader.setSignatureHeader(proposal.signatureHeader);
  const payload = new common.Payload();
  payload.setHeader(payloadHeader);
  payload.setData(transaction.serializeBinary());
  const envelope = new common.Envelope();
  envelope.setPayload(payload.serializeBinary());
  const data = new common.BlockData();
  data.setDataList([envelope.serializeBinary()]);
  const metadata = new common.BlockMetadata();
  metadata.setMetadataList([new Uint8Array(), new Uint8Array(), Uint8Array.of(peer.TxValidationCode.VALID)]);
  const block = new common.Block();
  block.setHeader(header);
  block.setData(data);
  block.setMetadata(metadata);
  return Buffer.from(block.serializeBinary()).toString('base64');
}

describe('the endorsements of the anchor’s write', () => {
  const anchor = { ...ANCHOR, gatewayId: 'gw1' };
  const written: AnchorWrite = {
    namespace: 'rdx',
    key: '\u0000anchor\u0000gw1.000000000001\u0000',
    value: { gatewayId: 'gw1', sequence: 1, merkleRoot: ANCHOR.merkleRoot, anchorHash: ANCHOR.anchorHash },
  };
  let bureau: { root: string; signers: Signer[] };
  let market: { root: string; signers: Signer[] };
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-endorsements-'));
    // Each org: its peer, and a client (the bureau's: the gateway's own identity).
    bureau = makeCa(dir, 'bureau', ['peer', 'client']);
    market = makeCa(dir, 'market', ['peer', 'client']);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const trust = (): { ordererRoots: string[]; peerRoots: Record<string, string> } => ({
    ordererRoots: [],
    peerRoots: { BureauMSP: bureau.root, MarketMSP: market.root },
  });
  /**
   * The named checks of the verdict on a block of transaction `tx` (of `proposal`) writing `writes`, endorsed by
   * `by` — over a response to `endorsedProposal` (the transaction's own unless said otherwise).
   */
  const verdict = (
    writes: AnchorWrite[],
    by: (prp: Uint8Array) => peer.Endorsement[],
    proposal = proposalOf('tx'),
    endorsedProposal = proposal,
  ): Record<string, { ok: boolean; detail: string }> => {
    const prp = responsePayloadOf(writes, endorsedProposal);
    const served = { block: endorsedBlock(proposal, prp, by(prp)), blockNumber: 7, txId: 'tx' };
    return Object.fromEntries(verifyAnchorBlock(anchor, served, trust()).checks.map((c) => [c.name, c]));
  };
  const bothPeers = (prp: Uint8Array): peer.Endorsement[] => [
    endorsement(bureau.signers[0]!, 'BureauMSP', prp),
    endorsement(market.signers[0]!, 'MarketMSP', prp),
  ];

  it('endorsed by the bureau’s peer and a body’s, under their roots: the anchor is written and endorsed', () => {
    const checks = verdict([written], bothPeers);
    expect(checks['anchor written']).to.include({ ok: true });
    expect(checks.endorsements, checks.endorsements?.detail).to.include({ ok: true });
    expect(checks.endorsements!.detail).to.match(/endorsed by BureauMSP and MarketMSP/);
  });

  it('a transaction the peers refused for its endorsements, its VALID mark forged, does not pass', () => {
    // The bureau's peer alone (the policy needs a body's too).
    expect(
      verdict([written], (prp) => [endorsement(bureau.signers[0]!, 'BureauMSP', prp)]).endorsements!.ok,
    ).to.equal(false);
    // None at all, and the gateway's own identity (a client of the bureau) standing in for a peer.
    expect(verdict([written], () => []).endorsements!.detail).to.match(/no endorsement verifies/);
    const byClient = verdict([written], (prp) => [
      endorsement(bureau.signers[1]!, 'BureauMSP', prp),
      endorsement(market.signers[0]!, 'MarketMSP', prp),
    ]).endorsements!;
    expect(byClient.ok).to.equal(false);
    expect(byClient.detail).to.match(/OU=client, CN=bureau-1 is not a peer/);
    // A body's peer claiming the bureau's MSP: its certificate is not of the bureau's root.
    const posing = verdict([written], (prp) => [
      endorsement(market.signers[0]!, 'BureauMSP', prp),
      endorsement(market.signers[0]!, 'MarketMSP', prp),
    ]).endorsements!;
    expect(posing.ok).to.equal(false);
    expect(posing.detail).to.match(/not a peer issued by a trusted root of BureauMSP/);
  });

  it('genuine endorsements of other results (a read) do not vouch for an anchor written in afterwards', () => {
    const proposal = proposalOf('tx');
    const endorsedRead = responsePayloadOf([], proposal);
    const check = verdict([written], () => bothPeers(endorsedRead), proposal).endorsements!;
    expect(check.ok).to.equal(false);
    expect(check.detail).to.match(/does not verify/);
  });

  it('endorsements of another transaction carried into this one, or a block of another channel, do not pass', () => {
    // Genuine endorsements of a response to another proposal (another transaction id), put under this one.
    const carried = verdict([written], bothPeers, proposalOf('tx'), proposalOf('another-tx')).endorsements!;
    expect(carried.ok).to.equal(false);
    expect(carried.detail).to.match(/names another proposal/);
    // A transaction VALID on another channel where the same orgs run a chaincode of the same name: the orderers
    // sign every channel's blocks alike.
    const elsewhere = verdict([written], bothPeers, proposalOf('tx', 'staging'));
    expect(elsewhere.transaction).to.include({ ok: false });
    expect(elsewhere.transaction!.detail).to.match(/is of channel staging, not opendata/);
    expect(elsewhere.endorsements).to.include({ ok: true });
  });

  it('the anchor’s values written in another chaincode or under another key are not the anchor', () => {
    expect(verdict([{ ...written, namespace: 'other' }], bothPeers)['anchor written']!.ok).to.equal(false);
    expect(verdict([{ ...written, key: 'anchor-of-my-own' }], bothPeers)['anchor written']!.ok).to.equal(
      false,
    );
    expect(
      verdict([{ ...written, key: '\u0000anchor\u0000gw1.000000000002\u0000' }], bothPeers)['anchor written']!
        .ok,
    ).to.equal(false);
  });
});
