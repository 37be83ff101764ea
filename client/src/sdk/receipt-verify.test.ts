/**
 * Offline verification of receipts, anchor chains and evidence packages, built here from a synthetic audit
 * log so every tamper case is exact: each test changes one thing and names the check that must catch it.
 */
import { expect } from 'chai';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeRevocationList } from '../testing/revocation-list-maker.js';
import { inclusionProof, merkleRoot } from '../audit/merkle.js';
import { VerificationError } from './errors.js';
import {
  anchorHashOf,
  assertVerified,
  auditRecordHash,
  evidenceSigningBytes,
  fabricRoleOf,
  GENESIS_ANCHOR_HASH,
  sealEvidence,
  verifyAnchorChain,
  verifyDocument,
  verifyEvidence,
  verifyReceipt,
  withCurrentNames,
  type AuditReceipt,
  type AuditRecordJson,
  type UnsignedEvidence,
  type VerificationReport,
} from './receipt-verify.js';
import type { Grant, HistoryEntry, LedgerAnchor, TransactionInfo } from './types.js';

// A throwaway P-256 key and a self-signed certificate carrying a Fabric CA attribute extension
// (1.2.3.4.5.6.7.8.1 = {"attrs":{"role":"regulator",…}}); test fixtures only, they sign nothing real.
const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgJohwlqmo97OGfX7S
z9oPY6mOcDZFfBTIHw5lTihnML+hRANCAARPkoIrc0aEwqEbrqHF1j1smbNB5z7l
SRmmrDEV4tNhfdpecRpImg161OPZZo7QCVVDXvc4KrWapjWJHZzhG1jN
-----END PRIVATE KEY-----
`;
const CERT = `-----BEGIN CERTIFICATE-----
MIIB2DCCAX2gAwIBAgIUf9QGrNunqKEMYz7r4SCxQSGxGc0wCgYIKoZIzj0EAwIw
NDENMAsGA1UECgwEVGVzdDEPMA0GA1UECwwGY2xpZW50MRIwEAYDVQQDDAlyZWd1
bGF0b3IwIBcNMjYxMTI3MDE0MjQyWhgPMjEyNjExMDMwMTQyNDJaMDQxDTALBgNV
BAoMBFRlc3QxDzANBgNVBAsMBmNsaWVudDESMBAGA1UEAwwJcmVndWxhdG9yMFkw
EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAET5KCK3NGhMKhG66hxdY9bJmzQec+5UkZ
pqwxFeLTYX3aXnEaSJoNetTj2WaO0AlVQ173OCq1mqY1iR2c4RtYzaNrMGkwSAYI
KgMEBQYHCAEEPHsiYXR0cnMiOnsicm9sZSI6InJlZ3VsYXRvciIsImhmLkVucm9s
bG1lbnRJRCI6InJlZ3VsYXRvciJ9fTAdBgNVHQ4EFgQUUhtCS+gW41O+hj53Secv
LH8wtyAwCgYIKoZIzj0EAwIDSQAwRgIhALq0oB5NFWo4xEZZ9O9SnDiO94geg+g7
EFz6+/uIO8qBAiEA07uqBz40vRYjUClvn3lemKKWaC3d1ucdPE+OWhGWfFc=
-----END CERTIFICATE-----
`;
/** The fixture's collector certificate is its own CA: given as the bureau's CA, it vouches for the collector. */
const BUREAU_CA = { caCertificatePem: CERT };

const OTHER_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQglzdaw6AOSaznIBQn
Cn/ftK6Nw7AmdNQYO06hj1sSngWhRANCAATlN7AKuZs7oUwmCrE/rMMK4gLHf6h5
zR2o2FYhH9fexKPgEzmQh7a0HdT5JM6S4HbPLnMcfiNc2p2RTKJsvshq
-----END PRIVATE KEY-----
`;
const OTHER_CA = `-----BEGIN CERTIFICATE-----
MIIBnTCCAUOgAwIBAgIUDBTruIOADN9d0ty0ci/QMS0eAvEwCgYIKoZIzj0EAwIw
IzEOMAwGA1UECgwFT3RoZXIxETAPBgNVBAMMCGNhLm90aGVyMCAXDTI2MTEyNzAx
NDI0NVoYDzIxMjYxMTAzMDE0MjQ1WjAjMQ4wDAYDVQQKDAVPdGhlcjERMA8GA1UE
AwwIY2Eub3RoZXIwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATlN7AKuZs7oUwm
CrE/rMMK4gLHf6h5zR2o2FYhH9fexKPgEzmQh7a0HdT5JM6S4HbPLnMcfiNc2p2R
TKJsvshqo1MwUTAdBgNVHQ4EFgQUg8IF3AxLZWtrz99fhYqeha7xmzQwHwYDVR0j
BBgwFoAUg8IF3AxLZWtrz99fhYqeha7xmzQwDwYDVR0TAQH/BAUwAwEB/zAKBggq
hkjOPQQDAgNIADBFAiEA42d+DmpYzuHBIGoADC0Q1OWNdw2wLSxqENH6CEVaK4YC
IHpkBZjD5/uAg+njbPGkxoqFWYJGFzHR7iXHXZ/su5cx
-----END CERTIFICATE-----
`;

const GRANT_ID = 'app-1.MarketMSP.market-entities';
const SUBMITTER = 'x509::/CN=gateway::/CN=ca.bureau';
const txid = (n: number): string => crypto.createHash('sha256').update(`tx${n}`).digest('hex');
const clone = <T>(v: T): T => structuredClone(v);

/** A hash-chained log of 11 records, requests 3 and 9 under GRANT_ID. */
function log(): AuditRecordJson[] {
  const records: AuditRecordJson[] = [];
  let prevHash = GENESIS_ANCHOR_HASH;
  for (let seq = 0; seq < 11; seq++) {
    const unhashed = {
      seq,
      time: `2026-11-27T01:00:${String(seq).padStart(2, '0')}.000Z`,
      requestId: `req-${seq}`,
      gatewayId: 'gw1',
      enterprise: '91331100MA2A8QN43L',
      method: 'GET',
      path: '/v1/datasets/market-entities/records',
      datasetId: 'market-entities',
      grantId: seq % 6 === 3 ? GRANT_ID : 'another.grant',
      decision: 'allow' as const,
      reason: 'OK',
      items: ['uscc'],
      rowCount: seq,
      status: 200,
      prevHash,
    };
    const hash = auditRecordHash(unhashed);
    records.push({ ...unhashed, hash });
    prevHash = hash;
  }
  return records;
}

/** Three anchors over the log: records 0–3, 4–7, 8–10. */
function anchors(records: AuditRecordJson[]): LedgerAnchor[] {
  const leaves = records.map((r) => r.hash);
  const out: LedgerAnchor[] = [];
  let previousAnchorHash = GENESIS_ANCHOR_HASH;
  for (const [sequence, firstRecord, recordCount] of [
    [1, 0, 4],
    [2, 4, 4],
    [3, 8, 3],
  ] as const) {
    const fields = {
      gatewayId: 'gw1',
      sequence,
      merkleRoot: merkleRoot(leaves.slice(0, firstRecord + recordCount)),
      recordCount,
      firstRecord,
      firstRecordAt: records[firstRecord]!.time,
      lastRecordAt: records[firstRecord + recordCount - 1]!.time,
      previousAnchorHash,
    };
    const anchorHash = anchorHashOf(fields);
    out.push({
      ...fields,
      anchorHash,
      submitter: SUBMITTER,
      certificate: 'c'.repeat(64),
      txId: txid(100 + sequence),
      anchoredAt: fields.lastRecordAt,
    });
    previousAnchorHash = anchorHash;
  }
  return out;
}

/** The receipt of record `seq` against the last anchor, as the gateway serves it. */
function receiptFor(records: AuditRecordJson[], chain: LedgerAnchor[], seq: number): AuditReceipt {
  const a = chain[chain.length - 1]!;
  const treeSize = a.firstRecord + a.recordCount;
  return {
    status: 'anchored',
    gatewayId: 'gw1',
    record: clone(records[seq]!),
    proof: {
      leafIndex: seq,
      treeSize: treeSize,
      hashes: inclusionProof(records.map((r) => r.hash).slice(0, treeSize), seq),
    },
    anchor: {
      sequence: a.sequence,
      firstRecord: a.firstRecord,
      recordCount: a.recordCount,
      treeSize,
      merkleRoot: a.merkleRoot,
      anchorHash: a.anchorHash,
      txId: a.txId,
      blockNumber: 42,
    },
  };
}

function failed(r: VerificationReport): string[] {
  return r.checks.filter((c) => !c.ok).map((c) => c.name);
}

describe('offline verification of receipts, anchor chains and evidence packages', () => {
  it('a genuine receipt verifies, every check passing', () => {
    const records = log();
    const r = verifyReceipt(receiptFor(records, anchors(records), 3));
    expect(r.ok, JSON.stringify(r.checks)).to.equal(true);
    expect(r.checks.map((c) => c.name)).to.deep.equal([
      'receipt.shape',
      'record.hash',
      'proof.leafIndex',
      'proof.treeSize',
      'anchor.tiling',
      'proof.inclusion',
    ]);
  });

  it('a receipt saved before the fields were renamed (gateway_id, proof.leaf_index, proof.tree_size) still verifies, and still fails when wrong', () => {
    const records = log();
    const { gatewayId, proof, ...rest } = receiptFor(records, anchors(records), 3);
    const saved = {
      ...rest,
      gateway_id: gatewayId,
      proof: { leaf_index: proof.leafIndex, tree_size: proof.treeSize, hashes: proof.hashes },
    };
    expect(verifyReceipt(saved).ok).to.equal(true);
    expect(withCurrentNames(saved)).to.include({ gatewayId });
    const wrong = { ...saved, proof: { ...saved.proof, leaf_index: proof.leafIndex + 1 } };
    expect(failed(verifyReceipt(wrong))).to.include('proof.leafIndex');
  });

  it('a genuine receipt of another request, or of another enterprise, fails when asked for this one', () => {
    const records = log();
    const theirs = receiptFor(records, anchors(records), 4);
    const asked = { requestId: 'req-3', enterprise: '91331100MA2A8QN43L' };
    expect(failed(verifyReceipt(theirs, asked))).to.deep.equal(['record.requestId']);
    expect(
      failed(verifyReceipt(theirs, { ...asked, requestId: 'req-4', enterprise: '91331100MA2A0000XX' })),
    ).to.deep.equal(['record.enterprise']);
    expect(verifyReceipt(receiptFor(records, anchors(records), 3), asked).ok).to.equal(true);
  });

  it('a changed record field breaks its hash', () => {
    const records = log();
    const receipt = receiptFor(records, anchors(records), 3);
    receipt.record.decision = 'deny';
    expect(failed(verifyReceipt(receipt))).to.deep.equal(['record.hash']);
  });

  it('a changed record with its hash recomputed is not in the anchored tree', () => {
    const records = log();
    const receipt = receiptFor(records, anchors(records), 3);
    receipt.record.rowCount = 5000;
    receipt.record.hash = auditRecordHash(receipt.record);
    expect(failed(verifyReceipt(receipt))).to.deep.equal(['proof.inclusion']);
  });

  it('a flipped proof hash, another root, another size or another index each fail', () => {
    const records = log();
    const chain = anchors(records);
    const proof = receiptFor(records, chain, 3);
    proof.proof.hashes[0] = proof.proof.hashes[0]!.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    expect(failed(verifyReceipt(proof))).to.deep.equal(['proof.inclusion']);

    const root = receiptFor(records, chain, 3);
    root.anchor.merkleRoot = chain[1]!.merkleRoot;
    expect(failed(verifyReceipt(root))).to.deep.equal(['proof.inclusion']);

    const size = receiptFor(records, chain, 3);
    size.anchor.treeSize = 8;
    expect(failed(verifyReceipt(size)).sort()).to.deep.equal([
      'anchor.tiling',
      'proof.inclusion',
      'proof.treeSize',
    ]);

    const index = receiptFor(records, chain, 3);
    index.proof.leafIndex = 4;
    expect(failed(verifyReceipt(index))).to.deep.equal(['proof.leafIndex']);
  });

  it('malformed or pending receipts fail their shape check and never throw', () => {
    for (const bad of [null, 42, 'receipt', [], {}, { record: {}, proof: {}, anchor: {} }]) {
      const r = verifyReceipt(bad);
      expect(r.ok).to.equal(false);
      expect(r.checks[0]!.name).to.equal('receipt.shape');
    }
    const records = log();
    const pending = { ...receiptFor(records, anchors(records), 3), status: 'pending' };
    expect(failed(verifyReceipt(pending))).to.deep.equal(['receipt.shape']);
  });

  it('an anchor chain verifies as the chaincode links it', () => {
    const r = verifyAnchorChain(anchors(log()));
    expect(r.ok, JSON.stringify(r.checks)).to.equal(true);
    expect(verifyAnchorChain([]).ok, 'no anchors yet is not a broken chain').to.equal(true);
  });

  it('a rewritten anchor, a relinked rewrite, a gap or an overlap break the chain', () => {
    const chain = anchors(log());
    const rewritten = clone(chain);
    rewritten[1]!.merkleRoot = 'f'.repeat(64);
    expect(failed(verifyAnchorChain(rewritten))).to.deep.equal(['chain.anchorHash']);

    const relinked = clone(rewritten);
    relinked[1]!.anchorHash = anchorHashOf(relinked[1]!);
    expect(failed(verifyAnchorChain(relinked))).to.deep.equal(['chain.previousAnchorHash']);

    const gap = [chain[0]!, chain[2]!];
    expect(failed(verifyAnchorChain(gap)).sort()).to.deep.equal([
      'chain.previousAnchorHash',
      'chain.sequence',
      'chain.tiling',
    ]);

    const overlap = clone(chain);
    overlap[2]!.firstRecord = 7;
    overlap[2]!.anchorHash = anchorHashOf(overlap[2]!);
    expect(failed(verifyAnchorChain(overlap))).to.include('chain.tiling');

    const foreign = clone(chain);
    foreign[2]!.submitter = 'x509::/CN=intruder';
    expect(failed(verifyAnchorChain(foreign))).to.deep.equal(['chain.identity']);
  });

  it('a slice of the chain verifies from the anchor before it, and not without it', () => {
    const chain = anchors(log());
    expect(verifyAnchorChain(chain.slice(2), chain[1]).ok).to.equal(true);
    expect(failed(verifyAnchorChain(chain.slice(2))).sort()).to.deep.equal([
      'chain.previousAnchorHash',
      'chain.sequence',
      'chain.tiling',
    ]);
  });

  /** A grant created, suspended and restored, with the transactions behind each version. */
  function evidence(): UnsignedEvidence {
    const records = log();
    const chain = anchors(records);
    const base: Grant = {
      id: GRANT_ID,
      agreementId: 'app-1.MarketMSP',
      creditCode: '91331100MA2A8QN43L',
      datasetId: 'market-entities',
      body: 'MarketMSP',
      items: ['uscc'],
      purpose: 'test',
      validFrom: '2026-11-27',
      validUntil: '2027-06-30',
      dailyQuota: 1000,
      state: 'ACTIVE',
      grantedAt: '2026-11-27T01:00:00.000Z',
      updatedAt: '',
      updatedBy: { mspId: 'BureauMSP', role: 'gateway' },
      txId: '',
      sealedHash: 'a'.repeat(64),
    };
    const versions: Grant[] = [
      { ...base, txId: txid(1), updatedAt: '2026-11-27T01:00:00.000Z' },
      {
        ...base,
        state: 'SUSPENDED',
        reason: { code: 'violation', note: '违规使用', at: '2026-11-27T01:01:00.000Z' },
        updatedBy: { mspId: 'MarketMSP', role: 'body' },
        txId: txid(2),
        updatedAt: '2026-11-27T01:01:00.000Z',
      },
      {
        ...base,
        updatedBy: { mspId: 'MarketMSP', role: 'body' },
        txId: txid(3),
        updatedAt: '2026-11-27T01:02:00.000Z',
      },
    ];
    // The channel's history holds shells: no items, purpose or quota, no note a person wrote.
    const shellOf = (v: Grant): Record<string, unknown> => {
      const { items: _i, purpose: _p, dailyQuota: _q, ...rest } = v;
      return rest.reason ? { ...rest, reason: { ...rest.reason, note: '' } } : rest;
    };
    const history: HistoryEntry[] = versions.map((v) => ({
      txId: v.txId,
      time: v.updatedAt,
      isDelete: false,
      by: v.updatedBy,
      value: shellOf(v),
    }));
    const transactions: TransactionInfo[] = versions.map((v, i) => ({
      txId: v.txId,
      channel: 'opendata',
      time: v.updatedAt,
      function: ['agreement:SignAgreementAsEnterprise', 'grant:SuspendGrant', 'grant:RestoreGrant'][i]!,
      chaincode: 'rdx',
      creator: { mspId: v.updatedBy.mspId, subject: 'CN=admin' },
      endorsers: ['BureauMSP', 'MarketMSP'],
      validationCode: 0,
      validation: 'VALID',
    }));
    return {
      kind: 'rdx-evidence',
      version: 1,
      subject: { type: 'grant', id: GRANT_ID },
      collectedAt: '2026-11-27T02:00:00.000Z',
      collectedBy: { identity: 'regulator.bureau', mspId: 'BureauMSP', certificatePem: CERT },
      ledger: { channel: 'opendata', chaincode: 'rdx' },
      grant: clone(versions[2]!),
      history,
      transactions,
      context: {},
      anchors: { gw1: chain },
      receipts: [receiptFor(records, chain, 3), receiptFor(records, chain, 9)],
      limits: ['test'],
    };
  }

  it('a sealed evidence package verifies, naming the collector and its Fabric role', () => {
    const pkg = sealEvidence(evidence(), KEY);
    const r = verifyEvidence(pkg, BUREAU_CA);
    expect(r.ok, JSON.stringify(failed(r))).to.equal(true);
    const signer = r.checks.find((c) => c.name === 'collector.signature')!;
    expect(signer.detail).to.equal(
      'signed by regulator (role=regulator; named in the package regulator.bureau of BureauMSP)',
    );
    expect(
      verifyDocument(JSON.parse(JSON.stringify(pkg)), BUREAU_CA).ok,
      'it survives a trip through a file',
    ).to.equal(true);
  });

  it('without the bureau’s CA the collector is vouched for by nobody: it fails, unless the caller sealed it', () => {
    const pkg = sealEvidence(evidence(), KEY);
    const alone = verifyEvidence(pkg);
    expect(failed(alone)).to.deep.equal(['collector.certificate']);
    expect(alone.checks.find((c) => c.name === 'collector.certificate')?.detail).to.match(
      /^not checked: no CA given, and anyone can make a key and a certificate/,
    );
    expect(verifyEvidence(pkg, { sealedHere: true }).ok).to.equal(true);
  });

  it('a certificate of anyone’s making, naming no role, is no collector’s: the names the package gives are not believed', () => {
    // A key and a certificate made with openssl, the package claiming the regulator's name and MSP.
    const forged = sealEvidence(
      { ...evidence(), collectedBy: { ...evidence().collectedBy, certificatePem: OTHER_CA } },
      OTHER_KEY,
    );
    const r = verifyEvidence(forged, BUREAU_CA);
    expect(failed(r)).to.deep.equal(['collector.role', 'collector.certificate']);
    expect(r.checks.find((c) => c.name === 'collector.signature')?.detail).to.equal(
      'signed by ca.other (role=none; named in the package regulator.bureau of BureauMSP)',
    );
    expect(r.checks.find((c) => c.name === 'collector.role')?.detail).to.equal(
      'role=none does not collect evidence: a regulator or admin does',
    );
  });

  it('evidence is the bureau’s: a package collected for another org fails, and the CA that vouched is named', () => {
    const ofMarket = sealEvidence(
      { ...evidence(), collectedBy: { ...evidence().collectedBy, mspId: 'MarketMSP' } },
      KEY,
    );
    const r = verifyEvidence(ofMarket, BUREAU_CA);
    expect(failed(r)).to.deep.equal(['collector.org']);
    expect(r.checks.find((c) => c.name === 'collector.certificate')?.detail).to.equal(
      "issued by the given CA (O=Test, OU=client, CN=regulator); it must be the bureau's",
    );
  });

  it('any change to a sealed package breaks its digest and signature', () => {
    const pkg = sealEvidence(evidence(), KEY);
    const changed = clone(pkg);
    changed.grant.state = 'SUSPENDED';
    expect(failed(verifyEvidence(changed, BUREAU_CA)).sort()).to.deep.equal([
      'collector.signature',
      'history.current',
      'package.digest',
    ]);
    // Recomputing the digest does not help: the signature covers the same bytes.
    const redigested = {
      ...changed,
      digest: crypto.createHash('sha256').update(evidenceSigningBytes(changed)).digest('hex'),
    };
    expect(failed(verifyEvidence(redigested, BUREAU_CA)).sort()).to.deep.equal([
      'collector.signature',
      'history.current',
    ]);
  });

  it('a package resealed with another key under the collector certificate fails the signature', () => {
    const pkg = sealEvidence(evidence(), OTHER_KEY);
    expect(failed(verifyEvidence(pkg, BUREAU_CA))).to.deep.equal(['collector.signature']);
  });

  it('the collector certificate must come from the CA given', () => {
    const pkg = sealEvidence(evidence(), KEY);
    expect(verifyEvidence(pkg, { caCertificatePem: CERT }).ok, 'self-issued fixture').to.equal(true);
    expect(failed(verifyEvidence(pkg, { caCertificatePem: OTHER_CA }))).to.deep.equal([
      'collector.certificate',
    ]);
  });

  it('with its CA’s revocation list, a package sealed by a revoked collector fails, whatever time it gives', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rdx-evidence-crl-'));
    try {
      // The fixture's collector certificate is its own CA: the list is signed with the same key.
      fs.writeFileSync(path.join(dir, 'ca.pem'), CERT);
      fs.writeFileSync(path.join(dir, 'ca.key'), KEY);
      const ca = { caCert: 'ca.pem', caKey: 'ca.key' };
      const pkg = sealEvidence(evidence(), KEY);
      const withList = (revocationListPem: string) =>
        verifyEvidence(pkg, { caCertificatePem: CERT, revocationListPem });
      const clean = withList(makeRevocationList(dir, ca, []));
      expect(clean.ok).to.equal(true);
      expect(clean.checks.find((c) => c.name === 'collector.revocation')?.detail).to.match(
        /^not on its CA's revocation list of \d{4}-/,
      );
      const revoked = withList(makeRevocationList(dir, ca, [CERT]));
      expect(failed(revoked)).to.deep.equal(['collector.revocation']);
      expect(revoked.checks.find((c) => c.name === 'collector.revocation')?.detail).to.match(
        /the collector's certificate \(serial [0-9A-F]+\) is revoked on its CA's list of .*; the package says it was collected at/,
      );
      // A list the CA did not sign, one that cannot be read, or one with no CA to check it by: not trusted.
      expect(
        failed(
          verifyEvidence(pkg, {
            caCertificatePem: OTHER_CA,
            revocationListPem: makeRevocationList(dir, ca, []),
          }),
        ),
      ).to.deep.equal(['collector.certificate', 'collector.revocation']);
      expect(failed(withList('-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n'))).to.deep.equal([
        'collector.revocation',
      ]);
      // A delta list (changes since a base) read as whole would pass what the base revokes; two lists, a guess.
      const delta = withList(
        makeRevocationList(dir, ca, [], { extensions: ['2.5.29.27=critical,DER:02:01:05'] }),
      );
      expect(delta.checks.find((c) => c.name === 'collector.revocation')?.detail).to.match(
        /cannot be read: a critical extension \(2\.5\.29\.27\)/,
      );
      const older = makeRevocationList(dir, ca, []);
      expect(failed(withList(older + makeRevocationList(dir, ca, [CERT])))).to.deep.equal([
        'collector.revocation',
      ]);
      expect(
        failed(verifyEvidence(pkg, { revocationListPem: makeRevocationList(dir, ca, []) })).filter(
          (name) => name !== 'collector.certificate',
        ),
      ).to.deep.equal(['collector.revocation']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a change the regulator sealed but the ledger would not allow is still caught', () => {
    const underEndorsed = evidence();
    underEndorsed.transactions[1]!.endorsers = ['MarketMSP'];
    expect(failed(verifyEvidence(sealEvidence(underEndorsed, KEY), BUREAU_CA))).to.deep.equal([
      'transactions.endorsement',
    ]);

    const missingTx = evidence();
    missingTx.transactions.pop();
    expect(failed(verifyEvidence(sealEvidence(missingTx, KEY), BUREAU_CA))).to.deep.equal([
      'transactions.listed',
    ]);

    const invalidTx = evidence();
    invalidTx.transactions[2]!.validationCode = 11;
    expect(failed(verifyEvidence(sealEvidence(invalidTx, KEY), BUREAU_CA))).to.deep.equal([
      'transactions.valid',
    ]);

    const foreignVersion = evidence();
    (foreignVersion.history[0]!.value as Grant).id = 'another.grant';
    expect(failed(verifyEvidence(sealEvidence(foreignVersion, KEY), BUREAU_CA))).to.deep.equal([
      'history.subject',
    ]);

    const reordered = evidence();
    reordered.history.reverse();
    expect(failed(verifyEvidence(sealEvidence(reordered, KEY), BUREAU_CA))).to.include('history.order');

    const restamped = evidence();
    (restamped.history[1]!.value as Grant).txId = txid(9);
    expect(failed(verifyEvidence(sealEvidence(restamped, KEY), BUREAU_CA))).to.deep.equal(['history.stamps']);
  });

  it('receipts inside a package must be genuine, about the grant, and anchored on the ledger chain', () => {
    const records = log();
    const chain = anchors(records);
    const aboutOther = evidence();
    aboutOther.receipts = [receiptFor(records, chain, 4)];
    expect(failed(verifyEvidence(sealEvidence(aboutOther, KEY), BUREAU_CA))).to.deep.equal([
      'receipt[req-4].grant',
    ]);

    const notAnchored = evidence();
    notAnchored.anchors.gw1![2]!.txId = txid(999);
    notAnchored.anchors.gw1![2]!.anchorHash = anchorHashOf(notAnchored.anchors.gw1![2]!);
    expect(failed(verifyEvidence(sealEvidence(notAnchored, KEY), BUREAU_CA)).sort()).to.deep.equal([
      'receipt[req-3].anchor',
      'receipt[req-9].anchor',
    ]);

    const forged = evidence();
    forged.receipts[0]!.record.rowCount = 1;
    expect(failed(verifyEvidence(sealEvidence(forged, KEY), BUREAU_CA))).to.deep.equal([
      'receipt[req-3].record.hash',
    ]);
  });

  it('verifyDocument tells receipts from packages and refuses anything else', () => {
    const records = log();
    expect(verifyDocument(receiptFor(records, anchors(records), 0)).kind).to.equal('receipt');
    expect(() => verifyDocument({ hello: 'world' }))
      .to.throw(VerificationError)
      .with.property('code', 'UNKNOWN_DOCUMENT');
  });

  it('assertVerified throws the code of the document kind with the failed checks', () => {
    const records = log();
    const receipt = receiptFor(records, anchors(records), 3);
    receipt.record.reason = 'DENIED';
    expect(() => assertVerified(verifyReceipt(receipt)))
      .to.throw(VerificationError, /record\.hash/)
      .with.property('code', 'RECEIPT_INVALID');
    const bad = clone(anchors(records));
    bad[0]!.recordCount = 5;
    expect(() => assertVerified(verifyAnchorChain(bad)))
      .to.throw(VerificationError)
      .with.property('code', 'ANCHOR_CHAIN_BROKEN');
    const pkg = sealEvidence(evidence(), KEY);
    pkg.limits = [];
    expect(() => assertVerified(verifyEvidence(pkg, BUREAU_CA)))
      .to.throw(VerificationError)
      .with.property('code', 'EVIDENCE_INVALID');
    expect(() => assertVerified(verifyEvidence(sealEvidence(evidence(), KEY), BUREAU_CA))).not.to.throw();
  });

  it('fabricRoleOf reads the role attribute a Fabric CA puts in a certificate', () => {
    expect(fabricRoleOf(new crypto.X509Certificate(CERT))).to.equal('regulator');
    expect(fabricRoleOf(new crypto.X509Certificate(OTHER_CA))).to.equal(undefined);
  });
});
