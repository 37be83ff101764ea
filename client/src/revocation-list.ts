/**
 * X.509 certificate revocation lists (RFC 5280 §5) as Fabric CA writes them (`fabric-ca-client revoke --gencrl`)
 * and Fabric's MSPs hold them: read from PEM, their signature checked against the issuing root, and asked whether
 * a certificate is on them. Node's crypto reads certificates but not revocation lists, so the few fields needed
 * are read from the DER here; nothing else of the list is interpreted.
 */
import crypto, { type X509Certificate } from 'node:crypto';

export class RevocationListError extends Error {
  override name = 'RevocationListError';
}

export interface RevocationList {
  /** When the issuer made this list: of two lists of one issuer, the later one holds. */
  thisUpdate: Date;
  /** When the issuer said it would make the next one, if it did: a list past it may miss later revocations. */
  nextUpdate?: Date;
  /** Serial numbers of the revoked certificates, as {@link serialKey} writes them. */
  revoked: ReadonlySet<string>;
  /** The signed part (TBSCertList, DER), its signature algorithm's OID and the signature. */
  signed: Buffer;
  algorithm: string;
  signature: Buffer;
}

/** One DER element: its tag, where its content starts and where the element ends. */
interface Element {
  tag: number;
  start: number;
  content: number;
  end: number;
}

function element(der: Buffer, at: number, limit = der.length): Element {
  if (at + 2 > limit) throw new RevocationListError('truncated DER');
  const tag = der[at]!;
  let length = der[at + 1]!;
  let content = at + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || content + bytes > limit)
      throw new RevocationListError('unsupported DER length');
    length = 0;
    for (let i = 0; i < bytes; i++) length = length * 256 + der[content + i]!;
    content += bytes;
  }
  const end = content + length;
  if (end > limit) throw new RevocationListError('truncated DER');
  return { tag, start: at, content, end };
}

/** The elements inside a constructed element (a SEQUENCE, a context tag). */
function children(der: Buffer, parent: Element): Element[] {
  const out: Element[] = [];
  for (let at = parent.content; at < parent.end;) {
    const e = element(der, at, parent.end);
    out.push(e);
    at = e.end;
  }
  return out;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const BIT_STRING = 0x03;
const OCTET_STRING = 0x04;
const OID = 0x06;
const BOOLEAN = 0x01;
/** `[0] EXPLICIT`: the list's extensions after its entries. */
const LIST_EXTENSIONS = 0xa0;
const UTC_TIME = 0x17;
const GENERALIZED_TIME = 0x18;

function expectTag(e: Element | undefined, tag: number, what: string): Element {
  if (!e || e.tag !== tag) throw new RevocationListError(`not a revocation list: ${what} missing`);
  return e;
}

function oidText(bytes: Buffer): string {
  const parts = [Math.floor(bytes[0]! / 40), bytes[0]! % 40];
  let value = 0;
  for (const b of bytes.subarray(1)) {
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

function timeOf(der: Buffer, e: Element): Date {
  const text = der.subarray(e.content, e.end).toString('latin1');
  const m =
    e.tag === UTC_TIME
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) throw new RevocationListError(`not a revocation list: unreadable time ${text}`);
  let year = Number(m[1]);
  if (e.tag === UTC_TIME) year += year < 50 ? 2000 : 1900;
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

/** A serial number as upper-case hex without leading zeros: how lists and certificates are compared. */
export function serialKey(hex: string): string {
  return hex.toUpperCase().replace(/^0+(?=.)/, '');
}

/** Reads a PEM `X509 CRL`; throws RevocationListError when it is not one. */
export function parseRevocationList(pem: string): RevocationList {
  const m = /-----BEGIN X509 CRL-----([A-Za-z0-9+/=\s]+)-----END X509 CRL-----/.exec(pem);
  if (!m) throw new RevocationListError('not a PEM revocation list (BEGIN X509 CRL)');
  // One list a text: of several, which one counts would be the reader's guess (an older one put first, say).
  if (pem.split('-----BEGIN X509 CRL-----').length > 2)
    throw new RevocationListError('more than one revocation list in the text: give one, the latest');
  const der = Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
  const outer = expectTag(element(der, 0), SEQUENCE, 'CertificateList');
  const [tbs, algorithm, signature] = children(der, outer);
  expectTag(tbs, SEQUENCE, 'TBSCertList');
  const algorithmOid = expectTag(children(der, expectTag(algorithm, SEQUENCE, 'algorithm'))[0], OID, 'OID');
  expectTag(signature, BIT_STRING, 'signature');
  const fields = children(der, tbs!);
  let i = 0;
  if (fields[i]?.tag === INTEGER) i++; // version (v2)
  expectTag(fields[i++], SEQUENCE, 'signature algorithm');
  expectTag(fields[i++], SEQUENCE, 'issuer');
  const thisUpdate = fields[i++];
  if (!thisUpdate || (thisUpdate.tag !== UTC_TIME && thisUpdate.tag !== GENERALIZED_TIME))
    throw new RevocationListError('not a revocation list: thisUpdate missing');
  const next = fields[i]?.tag === UTC_TIME || fields[i]?.tag === GENERALIZED_TIME ? fields[i++] : undefined;
  const revoked = new Set<string>();
  if (fields[i]?.tag === SEQUENCE)
    for (const entry of children(der, fields[i++]!)) {
      const serial = expectTag(children(der, entry)[0], INTEGER, 'revoked serial number');
      // Serial numbers are positive (RFC 5280 §4.1.2.2); a negative one would not compare as Node writes it.
      if (serial.end === serial.content || der[serial.content]! & 0x80)
        throw new RevocationListError('not a revocation list: a serial number is not positive');
      revoked.add(serialKey(der.subarray(serial.content, serial.end).toString('hex')));
    }
  if (fields[i]?.tag === LIST_EXTENSIONS) refuseCriticalExtensions(der, fields[i]!);
  return {
    thisUpdate: timeOf(der, thisUpdate),
    ...(next ? { nextUpdate: timeOf(der, next) } : {}),
    revoked,
    signed: der.subarray(tbs!.start, tbs!.end),
    algorithm: oidText(der.subarray(algorithmOid.content, algorithmOid.end)),
    // A BIT STRING's first content byte counts its unused bits (0 for a signature).
    signature: der.subarray(signature!.content + 1, signature!.end),
  };
}

/**
 * A list with a critical extension is not read (RFC 5280 §5.2): the ones a CA marks critical make it a delta list
 * (changes since a base) or a partial one (one distribution point's), which read as complete would pass
 * certificates the base list or another part revokes. Fabric CA's lists carry none.
 */
function refuseCriticalExtensions(der: Buffer, explicit: Element): void {
  const [list] = children(der, explicit);
  for (const extension of children(der, expectTag(list, SEQUENCE, 'extensions'))) {
    const [id, second] = children(der, expectTag(extension, SEQUENCE, 'extension'));
    const oid = expectTag(id, OID, 'extension OID');
    if (second?.tag === BOOLEAN && der[second.content] !== 0)
      throw new RevocationListError(
        `a critical extension (${oidText(der.subarray(oid.content, oid.end))}) this reader does not know: a delta or partial list is not a whole one`,
      );
  }
}

const DIGESTS: Record<string, string> = {
  '1.2.840.10045.4.3.2': 'sha256', // ecdsa-with-SHA256, Fabric CA's default
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.2.840.113549.1.1.11': 'sha256', // sha256WithRSAEncryption
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
};

/** Whether `issuer`'s key signed the list (an unknown signature algorithm counts as no). */
export function revocationListSignedBy(list: RevocationList, issuer: X509Certificate): boolean {
  const digest = DIGESTS[list.algorithm];
  if (!digest) return false;
  try {
    return crypto.verify(digest, list.signed, issuer.publicKey, list.signature);
  } catch {
    return false;
  }
}

/** Whether the list names `cert` (by serial number: the caller has checked that both have one issuer). */
export function isRevoked(list: RevocationList, cert: X509Certificate): boolean {
  return list.revoked.has(serialKey(cert.serialNumber));
}

/**
 * The certificate's authority key identifier (hex), which Fabric CA asks for beside the serial number to revoke
 * one certificate; undefined when it has none.
 */
export function authorityKeyId(cert: X509Certificate): string | undefined {
  const der = cert.raw;
  const tbs = children(der, element(der, 0))[0]!;
  const extensions = children(der, tbs).find((e) => e.tag === 0xa3);
  if (!extensions) return undefined;
  for (const ext of children(der, children(der, extensions)[0]!)) {
    const [oid, ...rest] = children(der, ext);
    if (oidText(der.subarray(oid!.content, oid!.end)) !== '2.5.29.35') continue;
    const value = expectTag(rest[rest.length - 1], OCTET_STRING, 'extension value');
    const keyId = children(der, element(der, value.content, value.end)).find((e) => e.tag === 0x80);
    return keyId ? der.subarray(keyId.content, keyId.end).toString('hex') : undefined;
  }
  return undefined;
}
