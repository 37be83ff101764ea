/**
 * Audit anchors (L16, Z34): each gateway anchors batches of its hash-chained access log as Merkle roots.
 * Per gateway the anchors form a chain: sequence n+1 must name the hash of anchor n. A gap, a fork or a
 * rewrite is rejected, so the access log cannot be quietly changed after anchoring.
 *
 * A chain belongs to one certificate: the bureau registers each gateway id with the certificate of the
 * gateway that runs it (RegisterGateway), and only that certificate anchors under the id. Another gateway
 * identity cannot write into the chain or open chains under ids nobody registered.
 */
import { Info, Transaction, Returns } from 'fabric-contract-api';
import { READ_ALL, requireOwner, requireRole } from '../lib/access';
import { certificateFingerprint } from '../lib/certificate';
import { RdxContext } from '../lib/context';
import { RdxError, ErrorCode } from '../lib/errors';
import { EVENTS } from '../lib/events';
import { RdxContract } from '../lib/rdx-contract';
import { anchorHashOf } from '../lib/anchor-hash';
import { load, save, stored, tryLoad } from '../lib/store';
import { ident, instant, int, intArg, jsonArg, sha256Hex } from '../lib/validate';
import { loadGrantShell } from '../models/grant';

export const GENESIS_ANCHOR_HASH = '0'.repeat(64);

export interface Anchor {
  gatewayId: string;
  sequence: number;
  merkleRoot: string;
  recordCount: number;
  /** Position of the batch's first record in the gateway's log (0-based), so batches tile the log. */
  firstRecord: number;
  firstRecordAt: string;
  lastRecordAt: string;
  previousAnchorHash: string;
  anchorHash: string;
  /** The identity (subject and issuer) of the gateway that submitted it. */
  submitter: string;
  /** Fingerprint of the certificate that submitted it: the one registered for the gateway id at the time. */
  certificate: string;
  txId: string;
  anchoredAt: string;
}

interface AnchorHead {
  gatewayId: string;
  sequence: number;
  anchorHash: string;
  nextRecord: number;
}

/** Which certificate may anchor under a gateway id; the bureau replaces it when the gateway's certificate is renewed. */
export interface GatewayRegistration {
  gatewayId: string;
  /** SHA-256 of the certificate's DER. */
  certificate: string;
  /** The certificate it replaced, when this registration is a renewal. */
  previousCertificate?: string;
  registeredBy: string;
  registeredAt: string;
  txId: string;
}

/**
 * What the ledger holds of a grant's fingerprint key (issue 17, docs/TRACE.md): SHA-256 of it, written once by a
 * gateway before or as it first serves the grant, so an attribution that reveals the key can be checked later.
 */
export interface FingerprintCommitment {
  grantId: string;
  commitment: string;
  /** The gateway identity that wrote it. */
  submitter: string;
  committedAt: string;
  txId: string;
}

const parseCommitment = (raw: unknown): FingerprintCommitment =>
  stored<FingerprintCommitment>(raw, 'fingerprint', ['grantId', 'commitment']);

const anchorId = (gatewayId: string, sequence: number): string =>
  `${gatewayId}.${String(sequence).padStart(12, '0')}`;
const parseAnchor = (raw: unknown): Anchor =>
  stored<Anchor>(raw, 'anchor', ['gatewayId', 'sequence', 'merkleRoot', 'anchorHash']);
const parseHead = (raw: unknown): AnchorHead =>
  stored<AnchorHead>(raw, 'anchor', ['gatewayId', 'sequence', 'anchorHash']);
const parseRegistration = (raw: unknown): GatewayRegistration =>
  stored<GatewayRegistration>(raw, 'gateway', ['gatewayId', 'certificate']);

export { anchorHashOf };

@Info({ title: 'AuditContract', description: 'Anchors of the gateways’ audit logs' })
export class AuditContract extends RdxContract {
  constructor() {
    super('audit');
  }

  /**
   * The bureau names the certificate that anchors under `gatewayId`: a first registration opens the id, a later
   * one (a renewed certificate, or a gateway moved to a new identity) replaces the certificate for the next
   * anchors; the chain itself continues.
   */
  @Transaction()
  @Returns('string')
  public async RegisterGateway(ctx: RdxContext, gatewayId: string, certificatePem: string): Promise<string> {
    const actor = await requireRole(ctx, ['bureau'], 'register gateways');
    const id = ident(gatewayId, 'gatewayId');
    const certificate = certificateFingerprint(certificatePem);
    const before = await tryLoad(ctx, 'gateway', id, parseRegistration);
    if (before?.certificate === certificate) return JSON.stringify(before);
    const registration: GatewayRegistration = {
      gatewayId: id,
      certificate,
      ...(before ? { previousCertificate: before.certificate } : {}),
      registeredBy: actor.id,
      registeredAt: ctx.now(),
      txId: ctx.stub.getTxID(),
    };
    await save(ctx, 'gateway', id, registration);
    ctx.changed(EVENTS.GATEWAY_REGISTERED, { type: 'gateway', id });
    return JSON.stringify(registration);
  }

  @Transaction(false)
  @Returns('string')
  public async GetGateway(ctx: RdxContext, gatewayId: string): Promise<string> {
    await requireRole(ctx, READ_ALL, 'read gateway registrations');
    const id = ident(gatewayId, 'gatewayId');
    const registration = await tryLoad(ctx, 'gateway', id, parseRegistration);
    if (!registration)
      throw new RdxError(ErrorCode.NOT_FOUND, `gateway ${id} is not registered (audit:RegisterGateway)`);
    return JSON.stringify(registration);
  }

  @Transaction()
  @Returns('string')
  public async SubmitAnchor(ctx: RdxContext, anchorJson: string): Promise<string> {
    const actor = await requireRole(ctx, ['gateway'], 'anchor audit logs');
    const input = jsonArg(anchorJson, 'anchor', 4096);
    const gatewayId = ident(input.gatewayId, 'gatewayId');
    const registration = await tryLoad(ctx, 'gateway', gatewayId, parseRegistration);
    if (!registration)
      throw new RdxError(
        ErrorCode.FORBIDDEN,
        `gateway ${gatewayId} is not registered: the bureau registers each gateway id with its certificate (audit:RegisterGateway)`,
      );
    const certificate = ctx.callerCertificate();
    if (certificate !== registration.certificate)
      throw new RdxError(
        ErrorCode.FORBIDDEN,
        `the anchor chain of ${gatewayId} is registered to another certificate; only that gateway anchors under this id`,
      );
    const fields = {
      gatewayId,
      sequence: int(input.sequence, 'sequence', 1, Number.MAX_SAFE_INTEGER),
      merkleRoot: sha256Hex(input.merkleRoot, 'merkleRoot'),
      recordCount: int(input.recordCount, 'recordCount', 1, 1_000_000),
      firstRecord: int(input.firstRecord, 'firstRecord', 0, Number.MAX_SAFE_INTEGER),
      firstRecordAt: instant(input.firstRecordAt, 'firstRecordAt'),
      lastRecordAt: instant(input.lastRecordAt, 'lastRecordAt'),
      previousAnchorHash: sha256Hex(input.previousAnchorHash, 'previousAnchorHash'),
    };
    if (fields.lastRecordAt < fields.firstRecordAt)
      throw new RdxError(ErrorCode.INVALID_ARGUMENT, 'lastRecordAt is before firstRecordAt');
    const headId = `${gatewayId}.head`;
    const head = await tryLoad(ctx, 'anchor', headId, parseHead);
    const expected = head ?? { sequence: 0, anchorHash: GENESIS_ANCHOR_HASH, nextRecord: 0 };
    const broken = (why: string): RdxError =>
      new RdxError(ErrorCode.ANCHOR_CHAIN_BROKEN, `anchor ${fields.sequence} of ${gatewayId}: ${why}`);
    if (fields.sequence <= expected.sequence)
      throw broken(`sequence ${fields.sequence} is already anchored (a rewrite)`);
    if (fields.sequence !== expected.sequence + 1)
      throw broken(`expected sequence ${expected.sequence + 1} (a gap)`);
    if (fields.previousAnchorHash !== expected.anchorHash)
      throw broken('previousAnchorHash does not name the last anchor (a fork)');
    if (fields.firstRecord !== expected.nextRecord)
      throw broken(`the batch must start at record ${expected.nextRecord}`);
    const anchor: Anchor = {
      ...fields,
      anchorHash: anchorHashOf(fields),
      submitter: actor.id,
      certificate,
      txId: ctx.stub.getTxID(),
      anchoredAt: ctx.now(),
    };
    await save(ctx, 'anchor', anchorId(gatewayId, anchor.sequence), anchor);
    const nextHead: AnchorHead = {
      gatewayId,
      sequence: anchor.sequence,
      anchorHash: anchor.anchorHash,
      nextRecord: anchor.firstRecord + anchor.recordCount,
    };
    await save(ctx, 'anchor', headId, nextHead);
    ctx.changed(EVENTS.ANCHOR_RECORDED, { type: 'anchor', id: anchorId(gatewayId, anchor.sequence) });
    return JSON.stringify(anchor);
  }

  /**
   * A gateway records the commitment to grant `grantId`'s fingerprint key, once: the same commitment again is
   * answered as recorded; another one is refused (the bureau's gateways share one fingerprint secret, so a
   * different commitment means a gateway with another secret).
   */
  @Transaction()
  @Returns('string')
  public async CommitFingerprint(ctx: RdxContext, grantId: string, commitment: string): Promise<string> {
    const actor = await requireRole(ctx, ['gateway'], 'commit fingerprint keys');
    const grant = await loadGrantShell(ctx, String(grantId));
    const hash = sha256Hex(commitment, 'commitment');
    const existing = await tryLoad(ctx, 'fingerprint', grant.id, parseCommitment);
    if (existing) {
      if (existing.commitment === hash) return JSON.stringify(existing);
      throw new RdxError(
        ErrorCode.ALREADY_EXISTS,
        `grant ${grant.id} already has another fingerprint commitment: every gateway must use the bureau's one fingerprint secret`,
      );
    }
    const record: FingerprintCommitment = {
      grantId: grant.id,
      commitment: hash,
      submitter: actor.id,
      committedAt: ctx.now(),
      txId: ctx.stub.getTxID(),
    };
    await save(ctx, 'fingerprint', grant.id, record);
    ctx.changed(EVENTS.FINGERPRINT_COMMITTED, { type: 'fingerprint', id: grant.id });
    return JSON.stringify(record);
  }

  /** The commitment to a grant's fingerprint key: whoever audits, and the body that owns the grant. */
  @Transaction(false)
  @Returns('string')
  public async GetFingerprintCommitment(ctx: RdxContext, grantId: string): Promise<string> {
    const actor = await requireRole(
      ctx,
      [...READ_ALL, 'body', 'body-reviewer'],
      'read fingerprint commitments',
    );
    const grant = await loadGrantShell(ctx, String(grantId));
    requireOwner(actor, grant.body, `grant ${grant.id}`);
    return JSON.stringify(await load(ctx, 'fingerprint', grant.id, parseCommitment));
  }

  /** Anyone who may audit (bureau, regulators, gateways) reads anchors; enterprises get them in receipts. */
  @Transaction(false)
  @Returns('string')
  public async GetAnchor(ctx: RdxContext, gatewayId: string, sequence: string): Promise<string> {
    await requireRole(ctx, READ_ALL, 'read anchors');
    return JSON.stringify(
      await load(
        ctx,
        'anchor',
        anchorId(ident(gatewayId, 'gatewayId'), intArg(sequence, 'sequence', 1, Number.MAX_SAFE_INTEGER)),
        parseAnchor,
      ),
    );
  }

  @Transaction(false)
  @Returns('string')
  public async GetAnchorHead(ctx: RdxContext, gatewayId: string): Promise<string> {
    await requireRole(ctx, READ_ALL, 'read anchors');
    const head = await tryLoad(ctx, 'anchor', `${ident(gatewayId, 'gatewayId')}.head`, parseHead);
    return JSON.stringify(head ?? { gatewayId, sequence: 0, anchorHash: GENESIS_ANCHOR_HASH, nextRecord: 0 });
  }
}
