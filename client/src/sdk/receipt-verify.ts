/**
 * Offline verification of what the gateway and a regulator hand out: an audit receipt (a record of one
 * request, its RFC 9162 inclusion proof and the anchor whose Merkle root covers it), a gateway's chain of
 * anchors as read from the ledger, and an evidence package. Nothing here touches the network: whoever holds
 * the file can check it, and every check is reported by name so a failure says exactly what does not hold.
 */
import crypto, { X509Certificate } from 'node:crypto';
import { canonicalJson } from '../canonical-json.js';
import { fabricAttributes } from '../fabric-attributes.js';
import { leafHash, verifyInclusion } from '../audit/merkle.js';
import { VerificationError } from './errors.js';
import {
  isRevoked,
  parseRevocationList,
  revocationListSignedBy,
  type RevocationList,
} from '../revocation-list.js';
import { verifyTraceEvidence, type TraceEvidence } from '../fingerprint/trace-evidence.js';
import type {
  Agreement,
  AnchorInput,
  Enterprise,
  Grant,
  HistoryEntry,
  LedgerAnchor,
  TransactionInfo,
} from './types.js';

/** One audit record as the gateway logged it (fields beyond these are hashed too). */
export interface AuditRecordJson {
  seq: number;
  time: string;
  requestId: string;
  gatewayId: string;
  enterprise?: string;
  datasetId?: string;
  grantId?: string;
  decision: 'allow' | 'deny';
  reason: string;
  prevHash: string;
  hash: string;
  [field: string]: unknown;
}

/** The anchor a receipt names, as the gateway stored it: a Merkle root of its log's first `treeSize` records. */
export interface ReceiptAnchor {
  /** The anchor's own number, increasing. */
  sequence: number;
  /** First record newly covered by this anchor. */
  firstRecord: number;
  /** Records newly covered: `firstRecord + recordCount === treeSize`. */
  recordCount: number;
  /** The anchored tree holds records [0, treeSize). */
  treeSize: number;
  /** RFC 6962 root over the leaf hashes of records [0, treeSize). */
  merkleRoot: string;
  anchorHash: string;
  /** Fabric transaction that wrote the anchor. */
  txId: string;
  blockNumber: number;
}

/** A receipt for one request: GET /v1/audit/receipts/{requestId} once anchored. */
export interface AuditReceipt {
  status: 'anchored';
  gatewayId: string;
  record: AuditRecordJson;
  proof: { leafIndex: number; treeSize: number; hashes: string[] };
  anchor: ReceiptAnchor;
}

/** One named check and its outcome. */
export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

/** The outcome of a verification: ok only when every check holds. */
export interface VerificationReport {
  kind: 'receipt' | 'anchor-chain' | 'evidence' | 'trace';
  ok: boolean;
  checks: Check[];
}

/** An evidence package about one grant, as `rdx evidence` writes it (see evidence.ts). */
export interface EvidencePackage {
  kind: 'rdx-evidence';
  version: 1;
  subject: { type: 'grant'; id: string };
  collectedAt: string;
  /** The Fabric identity that read the ledger and signed the package. */
  collectedBy: { identity: string; mspId: string; certificatePem: string };
  ledger: { channel: string; chaincode: string };
  /** The grant as the ledger holds it now. */
  grant: Grant;
  /** Every version of the grant, oldest first. */
  history: HistoryEntry[];
  /** The transaction behind each version, in the same order: who proposed it and who endorsed it. */
  transactions: TransactionInfo[];
  /** Read alongside, for the reader; only their link to the grant is checked. */
  context: { agreement?: Agreement; enterprise?: Enterprise };
  /** Per gateway id, its whole anchor chain from sequence 1 as on the ledger. */
  anchors: Record<string, LedgerAnchor[]>;
  /** Receipts of requests under the grant that the enterprise handed over. */
  receipts: AuditReceipt[];
  /** What the package does not contain, and why. */
  limits: string[];
  /** Hex SHA-256 of the canonical JSON of every field above. */
  digest: string;
  /** ECDSA-SHA256 (DER, base64) by the collector's key over the same canonical JSON. */
  signature: string;
}

/** The unsigned part of an evidence package. */
export type UnsignedEvidence = Omit<EvidencePackage, 'digest' | 'signature'>;

/** The previousAnchorHash of sequence 1. */
export const GENESIS_ANCHOR_HASH = '0'.repeat(64);
/** The org whose peer endorses every change of a grant together with the owning body's (key-level policy). */
export const BUREAU_MSP = 'BureauMSP';

const check = (name: string, ok: boolean, detail: string): Check => ({ name, ok, detail });
const report = (kind: VerificationReport['kind'], checks: Check[]): VerificationReport => ({
  kind,
  ok: checks.length > 0 && checks.every((c) => c.ok),
  checks,
});
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A record's hash: the RFC 6962 leaf hash of the canonical JSON of every field but `hash` (as the gateway does).
 * Never throws for a JSON record.
 */
export function auditRecordHash(record: Record<string, unknown>): string {
  const unhashed: Record<string, unknown> = { ...record };
  delete unhashed.hash;
  return leafHash(canonicalJson(unhashed));
}

/**
 * Verifies a receipt offline: the record hashes to its leaf, the proof's leaf index is the record's position,
 * the proof's tree size is the anchor's, and the inclusion proof leads to the anchor's Merkle root. Never
 * throws: a malformed receipt fails its first check. It proves the record is in the tree the anchor names;
 * that the anchor is the one on the ledger is checked by `rdx verify --online` or inside an evidence package.
 * @throws nothing: failures are checks in the report.
 */
/**
 * A receipt under today's field names. Receipts issued until 2026-11-29 spelled `gateway_id`, `request_id` and
 * the proof's `leaf_index` and `tree_size`; an enterprise's saved receipts, and evidence packages sealed with
 * them, still verify. What is hashed (the record, the anchor) never changed names.
 */
export function withCurrentNames<T>(receipt: T): T {
  if (!isObject(receipt)) return receipt;
  const r = receipt as Record<string, unknown>;
  const proof = isObject(r.proof)
    ? {
        ...r.proof,
        leafIndex: r.proof.leafIndex ?? r.proof.leaf_index,
        treeSize: r.proof.treeSize ?? r.proof.tree_size,
      }
    : r.proof;
  return {
    ...r,
    gatewayId: r.gatewayId ?? r.gateway_id,
    requestId: r.requestId ?? r.request_id,
    proof,
  } as T;
}

/** What a receipt asked for must be of: the request asked about, and the enterprise that asked. */
export interface ReceiptExpected {
  requestId?: string;
  enterprise?: string;
}

/**
 * As described above; with `expected`, also that the record is of that request and enterprise: a receipt proves
 * only its own record, and a genuine receipt of another request must not pass for the one asked for.
 */
export function verifyReceipt(given: unknown, expected: ReceiptExpected = {}): VerificationReport {
  const receipt = withCurrentNames(given);
  if (
    !isObject(receipt) ||
    !isObject(receipt.record) ||
    !isObject(receipt.proof) ||
    !isObject(receipt.anchor)
  ) {
    return report('receipt', [
      check('receipt.shape', false, 'not a receipt: it needs record, proof and anchor (status "anchored")'),
    ]);
  }
  const record = receipt.record;
  const proof = receipt.proof;
  const anchor = receipt.anchor;
  const hashes = Array.isArray(proof.hashes) ? (proof.hashes as unknown[]) : undefined;
  const checks: Check[] = [];
  checks.push(
    check(
      'receipt.shape',
      receipt.status === 'anchored' &&
        typeof record.hash === 'string' &&
        Number.isSafeInteger(record.seq) &&
        hashes !== undefined &&
        hashes.every((h) => typeof h === 'string') &&
        typeof anchor.merkleRoot === 'string' &&
        Number.isSafeInteger(anchor.treeSize),
      'status anchored; record with seq and hash; proof hashes; anchor with merkleRoot and treeSize',
    ),
  );
  if (!checks[0]!.ok) return report('receipt', checks);
  for (const field of ['requestId', 'enterprise'] as const) {
    const want = expected[field];
    if (want !== undefined)
      checks.push(
        check(
          `record.${field}`,
          record[field] === want,
          `the record's ${field} is ${JSON.stringify(record[field])}${record[field] === want ? '' : `, not ${JSON.stringify(want)}: it is another's receipt`}`,
        ),
      );
  }
  const seq = record.seq as number;
  const treeSize = anchor.treeSize as number;
  const recomputed = auditRecordHash(record);
  checks.push(
    check(
      'record.hash',
      recomputed === record.hash,
      recomputed === record.hash
        ? `the record hashes to ${recomputed}`
        : `the record hashes to ${recomputed}, not to the ${String(record.hash)} it claims: it was changed`,
    ),
  );
  checks.push(
    check(
      'proof.leafIndex',
      proof.leafIndex === seq,
      `leaf index ${String(proof.leafIndex)}, record seq ${seq}`,
    ),
  );
  checks.push(
    check(
      'proof.treeSize',
      proof.treeSize === treeSize,
      `proof tree size ${String(proof.treeSize)}, anchor tree size ${treeSize}`,
    ),
  );
  checks.push(
    check(
      'anchor.tiling',
      anchor.firstRecord === undefined ||
        (anchor.firstRecord as number) + (anchor.recordCount as number) === treeSize,
      `firstRecord ${String(anchor.firstRecord)} + recordCount ${String(anchor.recordCount)} = treeSize ${treeSize}`,
    ),
  );
  const included = verifyInclusion(
    String(record.hash),
    seq,
    treeSize,
    hashes as string[],
    String(anchor.merkleRoot),
  );
  checks.push(
    check(
      'proof.inclusion',
      included,
      included
        ? `record ${seq} is in the tree of ${treeSize} records with root ${String(anchor.merkleRoot)}`
        : `the inclusion proof does not lead from record ${seq} to root ${String(anchor.merkleRoot)}`,
    ),
  );
  return report('receipt', checks);
}

/**
 * The hash the next anchor must name, computed exactly as the chaincode does (audit-contract anchorHashOf).
 * Never throws. A deliberate re-implementation, not an import: the offline verifier must not depend on the
 * chaincode package at run time, so it checks the rule itself (the gateway's test ledger uses this one).
 */
export function anchorHashOf(a: AnchorInput): string {
  // Exactly these fields, whatever else `a` holds.
  const submitted = {
    gatewayId: a.gatewayId,
    sequence: a.sequence,
    merkleRoot: a.merkleRoot,
    recordCount: a.recordCount,
    firstRecord: a.firstRecord,
    firstRecordAt: a.firstRecordAt,
    lastRecordAt: a.lastRecordAt,
    previousAnchorHash: a.previousAnchorHash,
  };
  return crypto.createHash('sha256').update(canonicalJson(submitted)).digest('hex');
}

/**
 * Verifies a run of one gateway's anchors, in sequence order: contiguous sequences, each anchorHash
 * recomputed from its fields, each previousAnchorHash naming the prior anchorHash (the genesis hash before
 * sequence 1), batches tiling the log without gap or overlap, one gateway and one submitter throughout.
 * @param previous the anchor before `anchors[0]` when the run does not start at sequence 1.
 * @throws nothing: failures are checks in the report.
 */
export function verifyAnchorChain(
  anchors: readonly LedgerAnchor[],
  previous?: LedgerAnchor,
): VerificationReport {
  if (anchors.length === 0) return report('anchor-chain', [check('chain.present', true, 'no anchors yet')]);
  const bad = {
    sequence: [] as string[],
    hash: [] as string[],
    link: [] as string[],
    tiling: [] as string[],
  };
  const first = anchors[0]!;
  const gateways = new Set(anchors.map((a) => a.gatewayId));
  const submitters = new Set(anchors.map((a) => a.submitter));
  let prior = previous;
  if (!prior && first.sequence !== 1)
    bad.sequence.push(`starts at ${first.sequence} without its predecessor`);
  for (const a of anchors) {
    if (prior && a.sequence !== prior.sequence + 1) bad.sequence.push(`${prior.sequence} → ${a.sequence}`);
    if (anchorHashOf(a) !== a.anchorHash) bad.hash.push(String(a.sequence));
    const expectedPrevious = prior ? prior.anchorHash : GENESIS_ANCHOR_HASH;
    if (a.previousAnchorHash !== expectedPrevious) bad.link.push(String(a.sequence));
    const expectedFirst = prior ? prior.firstRecord + prior.recordCount : 0;
    if (a.firstRecord !== expectedFirst)
      bad.tiling.push(`${a.sequence} starts at ${a.firstRecord}, not ${expectedFirst}`);
    prior = a;
  }
  const last = anchors[anchors.length - 1]!;
  const range = `anchors ${first.sequence}–${last.sequence} of ${first.gatewayId}`;
  return report('anchor-chain', [
    check(
      'chain.sequence',
      bad.sequence.length === 0,
      bad.sequence.length ? `gaps: ${bad.sequence.join(', ')}` : `${range}, contiguous`,
    ),
    check(
      'chain.anchorHash',
      bad.hash.length === 0,
      bad.hash.length
        ? `anchorHash does not match the fields of ${bad.hash.join(', ')}`
        : 'every anchorHash recomputes',
    ),
    check(
      'chain.previousAnchorHash',
      bad.link.length === 0,
      bad.link.length
        ? `previousAnchorHash does not name the prior anchor at ${bad.link.join(', ')}`
        : 'each anchor names the hash of the one before',
    ),
    check(
      'chain.tiling',
      bad.tiling.length === 0,
      bad.tiling.length
        ? bad.tiling.join('; ')
        : `records 0–${last.firstRecord + last.recordCount - 1} covered once`,
    ),
    check(
      'chain.identity',
      gateways.size === 1 && submitters.size === 1,
      gateways.size === 1 && submitters.size === 1
        ? 'one gateway, one submitting identity'
        : `${gateways.size} gateway ids and ${submitters.size} submitters in one chain`,
    ),
  ]);
}

/**
 * The canonical bytes an evidence package's digest and signature cover: everything but those two.
 * Never throws for a JSON package.
 */
export function evidenceSigningBytes(pkg: UnsignedEvidence | EvidencePackage): Buffer {
  const unsigned: Record<string, unknown> = { ...pkg };
  delete unsigned.digest;
  delete unsigned.signature;
  return Buffer.from(canonicalJson(unsigned));
}

/**
 * Seals an evidence package: its digest, and a signature with the collector's private key (the key of the
 * Fabric identity named in `collectedBy`).
 * @throws TypeError when the key cannot sign.
 */
export function sealEvidence(pkg: UnsignedEvidence, privateKeyPem: string): EvidencePackage {
  const bytes = evidenceSigningBytes(pkg);
  return {
    ...pkg,
    digest: crypto.createHash('sha256').update(bytes).digest('hex'),
    signature: crypto.sign('sha256', bytes, crypto.createPrivateKey(privateKeyPem)).toString('base64'),
  };
}

/**
 * The `role` attribute a Fabric CA put in a certificate (extension 1.2.3.4.5.6.7.8.1), if any.
 * Never throws: undefined when the attribute is absent or unreadable.
 */
export function fabricRoleOf(cert: X509Certificate): string | undefined {
  return fabricAttributes(cert).role;
}

/** The Fabric roles whose holders collect evidence packages (`rdx evidence`): the regulators, the bureau's admin. */
export const EVIDENCE_COLLECTOR_ROLES: readonly string[] = ['regulator', 'admin'];

/** Options of {@link verifyEvidence}. */
export interface EvidenceVerifyOptions {
  /**
   * The collector's org CA certificate (PEM), the bureau's: the collector's certificate must be issued by it.
   * Without it the collector is not vouched for — anyone can make a key and a certificate naming any identity
   * and role — and the package does not verify, unless `sealedHere`.
   */
  caCertificatePem?: string;
  /**
   * The caller sealed the package itself, just now, with its own identity (rdx evidence checks what it wrote):
   * the collector is the caller, whom no CA needs to vouch for.
   */
  sealedHere?: boolean;
  /**
   * That CA's revocation list (PEM; its org's definition carries it, `revocationListPem`, once it revoked a
   * certificate): then the collector's certificate must not be on it, and the CA must have signed it.
   */
  revocationListPem?: string;
}

/**
 * Verifies an evidence package offline: its digest and the collector's signature; that the history is the
 * grant's (each version stamped with its own transaction, in time order, the last equal to the grant); that
 * every version's transaction is listed, valid, at the same time, and (after the grant was created) endorsed by
 * the owning body's peer and the bureau's; that each gateway's anchor chain holds from genesis; and that each
 * receipt verifies, is about this grant, and names an anchor of that chain. Never throws.
 */
export function verifyEvidence(pkg: unknown, options: EvidenceVerifyOptions = {}): VerificationReport {
  if (!isObject(pkg) || pkg.kind !== 'rdx-evidence' || !isObject(pkg.grant) || !Array.isArray(pkg.history)) {
    return report('evidence', [check('package.shape', false, 'not an rdx evidence package')]);
  }
  const e = pkg as unknown as EvidencePackage;
  const checks: Check[] = [];
  const shapeOk =
    isObject(e.subject) &&
    isObject(e.collectedBy) &&
    Array.isArray(e.transactions) &&
    isObject(e.anchors) &&
    Array.isArray(e.receipts) &&
    typeof e.digest === 'string' &&
    typeof e.signature === 'string';
  checks.push(
    check('package.shape', shapeOk, 'subject, collector, history, transactions, anchors, receipts, seal'),
  );
  if (!shapeOk) return report('evidence', checks);

  const bytes = evidenceSigningBytes(e);
  const digest = crypto.createHash('sha256').update(bytes).digest('hex');
  checks.push(
    check(
      'package.digest',
      digest === e.digest,
      digest === e.digest
        ? `sha256 ${digest}`
        : `the content hashes to ${digest}, not ${e.digest}: it was changed`,
    ),
  );
  checks.push(...collectorChecks(e, bytes, options));

  const grantId = e.subject.id;
  const history = e.history;
  checks.push(check('history.present', history.length > 0, `${history.length} versions of grant ${grantId}`));
  const values = history.map((h) => (isObject(h.value) ? h.value : undefined));
  const foreign = values.filter((v, i) => !history[i]!.isDelete && v?.id !== grantId).length;
  checks.push(
    check(
      'history.subject',
      foreign === 0,
      foreign ? `${foreign} versions are of another object` : `every version is grant ${grantId}`,
    ),
  );
  const unstamped = history
    .filter((h, i) => !h.isDelete && values[i]?.txId !== h.txId)
    .map((h) => h.txId.slice(0, 12));
  checks.push(
    check(
      'history.stamps',
      unstamped.length === 0,
      unstamped.length
        ? `versions not stamped with their own transaction: ${unstamped.join(', ')}`
        : 'each version carries its transaction id',
    ),
  );
  const ordered = history.every((h, i) => i === 0 || history[i - 1]!.time <= h.time);
  checks.push(
    check(
      'history.order',
      ordered,
      ordered ? 'oldest first, times increasing' : 'versions are out of time order',
    ),
  );
  const last = values[values.length - 1];
  const current = last !== undefined && canonicalJson(last) === canonicalJson(channelPart(e.grant, last));
  checks.push(
    check(
      'history.current',
      current,
      current
        ? `the last version is the grant as read (${e.grant.state}), but for what only the parties hold`
        : 'the last version differs from the grant',
    ),
  );

  checks.push(...transactionChecks(e));
  checks.push(...contextChecks(e));

  for (const [gatewayId, anchors] of Object.entries(e.anchors)) {
    const chain = verifyAnchorChain(anchors);
    for (const c of chain.checks)
      checks.push({ ...c, name: `anchors[${gatewayId}].${c.name.replace(/^chain\./, '')}` });
  }
  for (const receipt of e.receipts) checks.push(...receiptInEvidence(e, receipt));
  return report('evidence', checks);
}

/**
 * What the channel holds of a grant as read: its items, purpose and quota, and a note a person wrote, are kept
 * in the owning body's collection (pinned on the channel by `sealedHash`), so the history's versions lack them.
 */
function channelPart(
  grant: EvidencePackage['grant'],
  onChannel: Record<string, unknown>,
): Record<string, unknown> {
  const { items: _i, purpose: _p, dailyQuota: _q, ...rest } = grant as unknown as Record<string, unknown>;
  const reason = rest.reason as { note?: string } | undefined;
  const channelNote = (onChannel.reason as { note?: string } | undefined)?.note;
  return reason && channelNote === '' ? { ...rest, reason: { ...reason, note: '' } } : rest;
}

/** The predicate's value, false when it throws (malformed keys and signatures are simply not valid). */
function holds(predicate: () => boolean): boolean {
  try {
    return predicate();
  } catch {
    return false;
  }
}

function collectorChecks(e: EvidencePackage, bytes: Buffer, options: EvidenceVerifyOptions): Check[] {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(e.collectedBy.certificatePem);
  } catch {
    return [check('collector.signature', false, 'the collector certificate is not a PEM X.509 certificate')];
  }
  const signed = holds(() =>
    crypto.verify('sha256', bytes, cert.publicKey, Buffer.from(e.signature, 'base64')),
  );
  const role = fabricRoleOf(cert);
  // Who signed is what the certificate says; the names the package gives are its own word.
  const holder =
    cert.subject
      .split('\n')
      .find((part) => part.startsWith('CN='))
      ?.slice(3) ?? cert.subject;
  const who = `${holder} (role=${role ?? 'none'}; named in the package ${e.collectedBy.identity} of ${e.collectedBy.mspId})`;
  const checks = [
    check(
      'collector.signature',
      signed,
      signed ? `signed by ${who}` : `the signature does not verify with the certificate of ${who}`,
    ),
    check(
      'collector.role',
      role !== undefined && EVIDENCE_COLLECTOR_ROLES.includes(role),
      role !== undefined && EVIDENCE_COLLECTOR_ROLES.includes(role)
        ? `role=${role} collects evidence`
        : `role=${role ?? 'none'} does not collect evidence: a ${EVIDENCE_COLLECTOR_ROLES.join(' or ')} does`,
    ),
  ];
  // Evidence is the bureau's (its regulators', its admin's): a package naming another org is no evidence package.
  checks.push(
    check(
      'collector.org',
      e.collectedBy.mspId === BUREAU_MSP,
      e.collectedBy.mspId === BUREAU_MSP
        ? `collected for ${BUREAU_MSP}`
        : `named as collected for ${e.collectedBy.mspId}: evidence is collected by the bureau (${BUREAU_MSP})`,
    ),
  );
  if (options.caCertificatePem) {
    let ca: X509Certificate | undefined;
    const issued = holds(() => {
      ca = new X509Certificate(options.caCertificatePem!);
      return cert.checkIssued(ca) && cert.verify(ca.publicKey);
    });
    // Named, so whoever checks sees whose CA vouched: any org's CA vouches for its own admins.
    const caName = ca ? ca.subject.replace(/\n/g, ', ') : 'not a certificate';
    checks.push(
      check(
        'collector.certificate',
        issued,
        issued
          ? `issued by the given CA (${caName}); it must be the bureau's`
          : `not issued by the given CA (${caName})`,
      ),
    );
  } else if (!options.sealedHere)
    checks.push(
      check(
        'collector.certificate',
        false,
        "not checked: no CA given, and anyone can make a key and a certificate naming any identity and role; give the bureau's CA (--ca-file)",
      ),
    );
  if (options.revocationListPem !== undefined) checks.push(revocationCheck(e, cert, options));
  return checks;
}

/**
 * The collector's certificate against its CA's revocation list. Revoked fails whatever the package says of when
 * it was collected: that time is the collector's own word, and whoever holds a revoked key can write any.
 */
function revocationCheck(e: EvidencePackage, cert: X509Certificate, options: EvidenceVerifyOptions): Check {
  const name = 'collector.revocation';
  if (!options.caCertificatePem)
    return check(name, false, 'a revocation list is checked only with the CA that signed it (--ca-file)');
  let list: RevocationList;
  try {
    list = parseRevocationList(options.revocationListPem!);
  } catch (err) {
    return check(name, false, `the revocation list cannot be read: ${(err as Error).message}`);
  }
  if (!holds(() => revocationListSignedBy(list, new X509Certificate(options.caCertificatePem!))))
    return check(name, false, 'the revocation list is not signed by the given CA');
  const dated = `${list.thisUpdate.toISOString()}${list.nextUpdate ? ` (next due ${list.nextUpdate.toISOString()}${list.nextUpdate < new Date() ? ', passed: a later list may revoke more' : ''})` : ''}`;
  return isRevoked(list, cert)
    ? check(
        name,
        false,
        `the collector's certificate (serial ${cert.serialNumber}) is revoked on its CA's list of ${dated}; the package says it was collected at ${e.collectedAt}`,
      )
    : check(name, true, `not on its CA's revocation list of ${dated}`);
}

function transactionChecks(e: EvidencePackage): Check[] {
  const byId = new Map(e.transactions.map((t) => [t.txId, t]));
  const missing = e.history.filter((h) => !byId.has(h.txId)).map((h) => h.txId.slice(0, 12));
  const invalid = e.transactions.filter((t) => t.validationCode !== 0).map((t) => t.txId.slice(0, 12));
  const mistimed = e.history
    .filter((h) => byId.has(h.txId) && byId.get(h.txId)!.time !== h.time)
    .map((h) => h.txId.slice(0, 12));
  // The grant's key-level policy exists from its creation on: every later change needs both peers.
  const policy = [e.grant.body, BUREAU_MSP];
  const underEndorsed = e.history
    .slice(1)
    .map((h) => byId.get(h.txId))
    .filter((t): t is TransactionInfo => t !== undefined && !policy.every((m) => t.endorsers.includes(m)))
    .map((t) => `${t.txId.slice(0, 12)} (${t.endorsers.join('+') || 'none'})`);
  return [
    check(
      'transactions.listed',
      missing.length === 0,
      missing.length
        ? `no transaction listed for ${missing.join(', ')}`
        : `${e.transactions.length} transactions, one per version`,
    ),
    check(
      'transactions.valid',
      invalid.length === 0,
      invalid.length ? `invalid: ${invalid.join(', ')}` : 'every transaction committed VALID',
    ),
    check(
      'transactions.time',
      mistimed.length === 0,
      mistimed.length ? `times differ: ${mistimed.join(', ')}` : 'history times are the transactions’ times',
    ),
    check(
      'transactions.endorsement',
      underEndorsed.length === 0,
      underEndorsed.length
        ? `changes not endorsed by ${policy.join(' and ')}: ${underEndorsed.join(', ')}`
        : `every change after creation endorsed by ${policy.join(' and ')}`,
    ),
  ];
}

function contextChecks(e: EvidencePackage): Check[] {
  const checks: Check[] = [];
  const a = e.context?.agreement;
  if (a) {
    const ok = a.id === e.grant.agreementId && a.grants.includes(e.grant.id);
    checks.push(
      check(
        'context.agreement',
        ok,
        ok ? `agreement ${a.id} lists the grant` : `agreement ${a.id} does not list grant ${e.grant.id}`,
      ),
    );
  }
  const ent = e.context?.enterprise;
  if (ent) {
    const ok = ent.creditCode === e.grant.creditCode;
    checks.push(
      check(
        'context.enterprise',
        ok,
        ok ? `enterprise ${ent.creditCode}` : `enterprise ${ent.creditCode} is not the grantee`,
      ),
    );
  }
  return checks;
}

function receiptInEvidence(e: EvidencePackage, sealed: AuditReceipt): Check[] {
  const receipt = withCurrentNames(sealed);
  const id = isObject(receipt) && isObject(receipt.record) ? String(receipt.record.requestId) : '?';
  const own = verifyReceipt(receipt);
  const checks = own.checks.map((c) => ({ ...c, name: `receipt[${id}].${c.name}` }));
  if (!own.ok) return checks;
  const chain = e.anchors[receipt.gatewayId] ?? [];
  const onLedger = chain.find((a) => a.sequence === receipt.anchor.sequence);
  const anchored =
    onLedger !== undefined &&
    onLedger.merkleRoot === receipt.anchor.merkleRoot &&
    onLedger.txId === receipt.anchor.txId &&
    onLedger.firstRecord + onLedger.recordCount === receipt.anchor.treeSize;
  checks.push(
    check(
      `receipt[${id}].anchor`,
      anchored,
      anchored
        ? `its root is anchor ${receipt.anchor.sequence} of ${receipt.gatewayId} on the ledger (tx ${receipt.anchor.txId.slice(0, 12)})`
        : `anchor ${receipt.anchor.sequence} of ${receipt.gatewayId} on the ledger does not carry this root`,
    ),
  );
  const about = receipt.record.grantId === e.subject.id;
  checks.push(
    check(
      `receipt[${id}].grant`,
      about,
      about ? `about grant ${e.subject.id}` : `about ${String(receipt.record.grantId)}, not ${e.subject.id}`,
    ),
  );
  return checks;
}

/**
 * Verifies whatever RDX document `doc` is: an evidence package or a receipt.
 * @throws VerificationError UNKNOWN_DOCUMENT when it is neither.
 */
export function verifyDocument(
  doc: unknown,
  options: EvidenceVerifyOptions & { suspectFile?: Uint8Array } = {},
): VerificationReport {
  if (isObject(doc) && doc.kind === 'rdx-evidence') return verifyEvidence(doc, options);
  if (isObject(doc) && doc.kind === 'rdx-fingerprint-evidence')
    return verifyTraceEvidence(doc as unknown as TraceEvidence, {
      ...(options.suspectFile === undefined ? {} : { file: { bytes: options.suspectFile } }),
    });
  if (isObject(doc) && isObject(doc.record) && 'proof' in doc) return verifyReceipt(doc);
  throw new VerificationError(
    'UNKNOWN_DOCUMENT',
    'the file is neither an audit receipt (record, proof, anchor), an evidence package (kind rdx-evidence) nor a trace evidence package (kind rdx-fingerprint-evidence)',
  );
}

/**
 * Throws unless every check of the report holds.
 * @throws VerificationError RECEIPT_INVALID, ANCHOR_CHAIN_BROKEN or EVIDENCE_INVALID naming the failed checks.
 */
export function assertVerified(r: VerificationReport): void {
  if (r.ok) return;
  const failed = r.checks.filter((c) => !c.ok);
  const code =
    r.kind === 'receipt'
      ? 'RECEIPT_INVALID'
      : r.kind === 'anchor-chain'
        ? 'ANCHOR_CHAIN_BROKEN'
        : 'EVIDENCE_INVALID';
  throw new VerificationError(code, failed.map((c) => `${c.name}: ${c.detail}`).join('; '), {
    details: failed.map((c) => `${c.name}: ${c.detail}`),
  });
}
