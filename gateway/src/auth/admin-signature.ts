/**
 * Checks the Fabric-identity signature on requests to the admin routes (see the SDK's admin-signature.ts):
 * the certificate must be issued by the root of a channel organization (the same roots the ledger trusts), not be
 * on that organization's revocation lists, be within its validity, and sign exactly this method, path with its
 * query, body hash, time and nonce; a nonce is accepted once, by every gateway of the platform and across
 * restarts: it is kept in the replay store that client assertions use (PostgreSQL when the gateways share one),
 * for as long as its signing time is accepted.
 * All of it is decided from the headers alone, before the body is read.
 */
import crypto, { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  ADMIN_SIGNATURE_HEADERS as H,
  adminSigningText,
  fabricAttributes,
  isRevoked,
  parseRevocationList,
  revocationListSignedBy,
  type RevocationList,
} from '@rdx/client';
import { Problem } from '../problem.js';
import type { ReplayStore } from './replay-store.js';

/** Who signed: the organization whose root issued the certificate, and the certificate's `role` attribute. */
export interface AdminSigner {
  mspId: string;
  role: string | undefined;
  subject: string;
  /** The body's SHA-256 (hex) that the signature covers. */
  contentSha256: string;
}

/** How far the signing time may be from the gateway's clock, and so how long a nonce is remembered. */
const MAX_SKEW_MS = 5 * 60_000;
/** The folder of roots and revocation lists is read again at most this often. */
const RELOAD_MS = 10_000;

/** A revocation list as given, from where it came (for the refusal's words). */
interface GivenList {
  mspId: string;
  pem: string;
  from: string;
}

/**
 * Root certificates of the channel's organizations, `<dir>/<MSPID>.pem` (one or more certificates each), and the
 * revocation lists their CAs issued: `<dir>/<MSPID>.crl` (PEM; the tooling writes the one the org exported), and
 * those the channel's configuration holds ({@link setChannelLists}, kept current by ChannelRevocations). A
 * certificate on any of its org's lists is refused. An organization that joins later is picked up when its file
 * appears, and a list written to the folder within {@link RELOAD_MS}.
 */
export class MspRoots {
  private roots = new Map<string, X509Certificate[]>();
  private folderLists: GivenList[] = [];
  private channelLists: GivenList[] = [];
  /** Per MSP: its revocation lists, each read and checked against its roots, or why one cannot be used. */
  private lists = new Map<string, (RevocationList | string)[]>();
  private loadedAt = 0;

  constructor(
    private readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {
    this.reload();
  }

  private reload(): void {
    const roots = new Map<string, X509Certificate[]>();
    const files = fs.existsSync(this.dir) ? fs.readdirSync(this.dir) : [];
    for (const file of files.filter((f) => f.endsWith('.pem'))) {
      const pems = fs
        .readFileSync(path.join(this.dir, file), 'utf8')
        .match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g);
      roots.set(
        file.slice(0, -4),
        (pems ?? []).map((pem) => new X509Certificate(pem)),
      );
    }
    this.roots = roots;
    this.folderLists = files
      .filter((f) => f.endsWith('.crl'))
      .map((file) => ({
        mspId: file.slice(0, -4),
        pem: fs.readFileSync(path.join(this.dir, file), 'utf8'),
        from: `its revocation list (${file})`,
      }));
    this.checkLists();
    this.loadedAt = this.now();
  }

  /** The revocation lists of the channel's configuration, by MSP (PEM): they replace those given before. */
  setChannelLists(lists: Map<string, string[]>): void {
    this.channelLists = [...lists].flatMap(([mspId, pems]) =>
      pems.map((pem) => ({ mspId, pem, from: "its revocation list in the channel's configuration" })),
    );
    this.checkLists();
  }

  /** Reads every list given and checks it against its org's roots. */
  private checkLists(): void {
    const lists = new Map<string, (RevocationList | string)[]>();
    for (const { mspId, pem, from } of [...this.folderLists, ...this.channelLists]) {
      let checked: RevocationList | string;
      try {
        const list = parseRevocationList(pem);
        const signed = (this.roots.get(mspId) ?? []).some((root) => revocationListSignedBy(list, root));
        checked = signed ? list : `${from} is not signed by its root`;
      } catch (err) {
        checked = `${from} cannot be read: ${(err as Error).message}`;
      }
      lists.set(mspId, [...(lists.get(mspId) ?? []), checked]);
    }
    this.lists = lists;
  }

  private fresh(): void {
    if (this.now() - this.loadedAt >= RELOAD_MS) this.reload();
  }

  /** The MSP whose root issued and signed `cert`, if any. */
  issuerOf(cert: X509Certificate): string | undefined {
    this.fresh();
    for (const [mspId, roots] of this.roots)
      if (roots.some((root) => cert.checkIssued(root) && cert.verify(root.publicKey))) return mspId;
    return undefined;
  }

  /**
   * Why a certificate `mspId`'s root issued is not accepted, if it is not: its CA revoked it, or one of the org's
   * revocation lists cannot be trusted (then none of the org's certificates is, until the list is replaced: a
   * list that was tampered with must not quietly let a revoked key back in).
   */
  refusal(mspId: string, cert: X509Certificate): string | undefined {
    for (const list of this.lists.get(mspId) ?? []) {
      if (typeof list === 'string') return `${mspId}'s certificates are refused: ${list}`;
      if (isRevoked(list, cert))
        return `${mspId} revoked this certificate (its revocation list of ${list.thisUpdate.toISOString()})`;
    }
    return undefined;
  }
}

function invalid(why: string): Problem {
  return new Problem('TOKEN_INVALID', `The admin signature is not valid: ${why}.`);
}

export class AdminSignatureVerifier {
  constructor(
    private readonly roots: MspRoots,
    private readonly nonces: ReplayStore,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The signer of a request to an admin route, from its headers; 401 when unsigned or the signature does not
   * hold. Whether that signer may do what it asks is the route's to decide.
   */
  async verify(req: {
    method: string;
    /** The request target as received: path and query. */
    originalUrl: string;
    get(name: string): string | undefined;
  }): Promise<AdminSigner> {
    const header = (name: string): string | undefined => req.get(name)?.trim();
    const certificate = header(H.certificate);
    const signedAt = header(H.signedAt);
    const nonce = header(H.nonce);
    const contentSha256 = header(H.contentSha256)?.toLowerCase();
    const signature = header(H.signature);
    if (!certificate || !signedAt || !nonce || !contentSha256 || !signature)
      throw new Problem(
        'TOKEN_MISSING',
        `Sign this request with your organization's admin identity (headers ${Object.values(H).join(', ')}).`,
      );
    if (!/^[0-9a-f]{64}$/.test(contentSha256)) throw invalid(`${H.contentSha256} must be 64 hex digits`);
    if (!/^[0-9a-f]{16,64}$/i.test(nonce)) throw invalid(`${H.nonce} must be 16 to 64 hex digits`);
    const at = Date.parse(signedAt);
    const now = this.now();
    if (!Number.isFinite(at) || Math.abs(now - at) > MAX_SKEW_MS)
      throw invalid(`${H.signedAt} must be within 5 minutes of the gateway's clock`);
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(Buffer.from(certificate, 'base64'));
    } catch {
      throw invalid(`${H.certificate} is not a base64 PEM certificate`);
    }
    if (Date.parse(cert.validFrom) > now || Date.parse(cert.validTo) < now)
      throw invalid('the certificate is outside its validity');
    const mspId = this.roots.issuerOf(cert);
    if (!mspId) throw invalid('the certificate was not issued by an organization of the channel');
    const refused = this.roots.refusal(mspId, cert);
    if (refused) throw invalid(refused);
    const signs = (target: string): boolean => {
      const text = adminSigningText({ method: req.method, path: target, contentSha256, signedAt, nonce });
      try {
        return crypto.verify('sha256', Buffer.from(text), cert.publicKey, Buffer.from(signature, 'base64'));
      } catch {
        return false;
      }
    };
    if (!signs(req.originalUrl)) {
      // Signing the path alone left the query open to change (another grant's figures, another period); a
      // client that still does so is told what to sign instead of a bare "does not verify".
      const pathOnly = req.originalUrl.split('?')[0]!;
      if (pathOnly !== req.originalUrl && signs(pathOnly))
        throw invalid('it covers the path without its query: sign the path with its query, as sent');
      throw invalid('the signature does not verify with the certificate');
    }
    // Remembered until the signing time is too old to be accepted anyway, with as much again for a sibling
    // gateway whose clock runs behind this one's (each drops what its own clock says expired); under the signer's
    // org, beside the client assertions' ids.
    // Used before the store of nonces was lost, a request was signed less than the skew allowed after that
    // instant: nothing tells a new one of that time from it, so it waits until then.
    const lost = this.nonces.lostBefore;
    if (lost !== undefined && at < lost + MAX_SKEW_MS)
      throw invalid(
        `signed requests of before ${new Date(lost + MAX_SKEW_MS).toISOString()} may have been used already: this gateway's record of them was made anew at ${new Date(lost).toISOString()}; sign again after that`,
      );
    if (!(await this.nonces.use(`fabric-admin:${mspId}`, nonce, at + 2 * MAX_SKEW_MS)))
      throw invalid('this signed request was already used');
    return {
      mspId,
      role: fabricAttributes(cert).role,
      subject: cert.subject.replace(/\n/g, ', '),
      contentSha256,
    };
  }
}
