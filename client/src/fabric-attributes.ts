/**
 * The attributes a Fabric CA puts in a certificate (`role`, `hf.EnrollmentID`, …): the JSON `{"attrs":{…}}` in
 * the extension 1.2.3.4.5.6.7.8.1. Read from the certificate's extensions only, by walking its DER: a search of
 * the whole certificate for the extension's bytes would find them in the subject first, where anyone the CA
 * enrolls may write them (Fabric CA keeps the requester's C, ST, L and O names), and so name themselves admin.
 */
import type { X509Certificate } from 'node:crypto';

/** The extension's object identifier, as its DER content (1.2.3.4.5.6.7.8.1). */
export const ATTRIBUTE_OID = Buffer.from([0x2a, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x01]);

const SEQUENCE = 0x30;
const OID = 0x06;
const OCTET_STRING = 0x04;
/** tbsCertificate's `extensions [3] EXPLICIT` (RFC 5280 §4.1). */
const EXTENSIONS = 0xa3;

/** One DER element: its tag and where its content starts and ends (exclusive) in the buffer. */
interface Element {
  tag: number;
  start: number;
  end: number;
}

/** The element at `at`, which must end by `limit`. @throws RangeError when it does not, or is not DER. */
function element(der: Buffer, at: number, limit: number): Element {
  if (at + 2 > limit) throw new RangeError('truncated');
  const tag = der[at]!;
  if ((tag & 0x1f) === 0x1f) throw new RangeError('multi-byte tags are not part of a certificate');
  let length = der[at + 1]!;
  let start = at + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || start + bytes > limit) throw new RangeError('bad length');
    length = 0;
    for (let k = 0; k < bytes; k++) length = length * 256 + der[start + k]!;
    start += bytes;
  }
  if (start + length > limit) throw new RangeError('truncated');
  return { tag, start, end: start + length };
}

function children(der: Buffer, parent: Element): Element[] {
  const out: Element[] = [];
  for (let at = parent.start; at < parent.end; at = out[out.length - 1]!.end)
    out.push(element(der, at, parent.end));
  return out;
}

/** The value (an OCTET STRING's content) of the attribute extension, if the certificate has exactly one. */
function attributeExtension(der: Buffer): Buffer | undefined {
  const certificate = element(der, 0, der.length);
  const tbs = children(der, certificate)[0];
  if (certificate.tag !== SEQUENCE || tbs?.tag !== SEQUENCE) return undefined;
  const wrapper = children(der, tbs).find((e) => e.tag === EXTENSIONS);
  const list = wrapper && children(der, wrapper)[0];
  if (list?.tag !== SEQUENCE) return undefined;
  const found: Buffer[] = [];
  for (const extension of children(der, list)) {
    // Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING }
    const parts = extension.tag === SEQUENCE ? children(der, extension) : [];
    const id = parts[0];
    const value = parts[parts.length - 1];
    if (id?.tag !== OID || value?.tag !== OCTET_STRING || parts.length > 3) continue;
    if (der.subarray(id.start, id.end).equals(ATTRIBUTE_OID))
      found.push(der.subarray(value.start, value.end));
  }
  // RFC 5280 allows an extension once; two would leave which one counts to the reader.
  return found.length === 1 ? found[0] : undefined;
}

/**
 * The attributes Fabric CA put in `cert`, with string values only; empty when it has none, or when they cannot
 * be read. Never throws.
 */
export function fabricAttributes(cert: X509Certificate): Record<string, string> {
  try {
    const value = attributeExtension(cert.raw);
    if (!value) return {};
    const attrs = (JSON.parse(value.toString('utf8')) as { attrs?: unknown }).attrs;
    if (typeof attrs !== 'object' || attrs === null || Array.isArray(attrs)) return {};
    return Object.fromEntries(
      Object.entries(attrs).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  } catch {
    return {};
  }
}
