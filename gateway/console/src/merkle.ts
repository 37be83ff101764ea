/**
 * Receipt verification in the browser with WebCrypto: the same RFC 6962 / RFC 9162 hashing as the SDK
 * (client/src/audit/merkle.ts) and the gateway's audit log. Leaf = SHA-256(0x00 ‖ data), node =
 * SHA-256(0x01 ‖ left ‖ right) over the 32-byte hashes; a record's leaf is over its canonical JSON (keys
 * sorted at every level, no whitespace) without its own `hash`.
 */
const HEX_HASH = /^[0-9a-f]{64}$/i;

function bytesOf(hex: string): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function hexOf(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function sha256(prefix: number, ...parts: Uint8Array[]): Promise<Uint8Array> {
  const length = 1 + parts.reduce((n, p) => n + p.length, 0);
  const buf = new Uint8Array(length);
  buf[0] = prefix;
  let at = 1;
  for (const p of parts) {
    buf.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buf));
}

/** True where WebCrypto is available (a secure context: HTTPS, or this machine). */
export function canVerify(): boolean {
  return typeof crypto !== 'undefined' && typeof crypto.subtle?.digest === 'function';
}

export function canonicalJson(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort()) out[key] = sortKeys((v as Record<string, unknown>)[key]);
      return out;
    }
    return v;
  };
  return JSON.stringify(sortKeys(value));
}

export async function leafHash(data: string): Promise<string> {
  return hexOf((await sha256(0x00, new TextEncoder().encode(data))).buffer as ArrayBuffer);
}

/** The leaf hash of an audit record: over every field but `hash`. */
export async function recordHash(record: Record<string, unknown>): Promise<string> {
  const unhashed: Record<string, unknown> = { ...record };
  delete unhashed.hash;
  return leafHash(canonicalJson(unhashed));
}

/** RFC 9162 §2.1.3.2: is `leaf` at `index` of the tree of `treeSize` leaves whose root is `root`? Never throws. */
export async function verifyInclusion(
  leaf: string,
  index: number,
  treeSize: number,
  proof: readonly string[],
  root: string,
): Promise<boolean> {
  const isIndex = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;
  if (!isIndex(index) || !isIndex(treeSize) || index >= treeSize) return false;
  if (!HEX_HASH.test(leaf) || !HEX_HASH.test(root) || !proof.every((p) => HEX_HASH.test(p))) return false;
  const half = (n: number): number => Math.floor(n / 2);
  let fn = index;
  let sn = treeSize - 1;
  let r = bytesOf(leaf);
  for (const p of proof) {
    if (sn === 0) return false;
    const sibling = bytesOf(p);
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(0x01, sibling, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = await sha256(0x01, r, sibling);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && hexOf(r.buffer as ArrayBuffer) === root.toLowerCase();
}

/** A receipt as GET /v1/audit/receipts/{id} and GET /v1/regulator/receipts/{id} answer it. */
export interface Receipt {
  status: string;
  gatewayId?: string;
  record: Record<string, unknown> & { seq: number; hash: string; requestId: string };
  proof?: { leafIndex: number; treeSize: number; hashes: string[] };
  anchor?: { sequence: number; treeSize: number; merkleRoot: string; txId: string; blockNumber: number };
}

export interface Check {
  ok: boolean;
  /** i18n key and values of what was checked. */
  key: string;
  vars: Record<string, string | number>;
}

/** The checks a browser can make on its own: the record's hash, and its inclusion under the anchored root. */
export async function verifyReceipt(receipt: Receipt): Promise<Check[]> {
  const checks: Check[] = [];
  const { record, proof, anchor } = receipt;
  const computed = await recordHash(record);
  checks.push({ ok: computed === record.hash, key: 'verify.step.leaf', vars: { hash: computed } });
  if (!proof || !anchor) return [...checks, { ok: false, key: 'verify.pending', vars: {} }];
  const shapeOk = proof.leafIndex === record.seq && proof.treeSize === anchor.treeSize;
  const included =
    shapeOk &&
    (await verifyInclusion(record.hash, proof.leafIndex, proof.treeSize, proof.hashes, anchor.merkleRoot));
  checks.push({
    ok: included,
    key: 'verify.step.inclusion',
    vars: { n: proof.hashes.length, size: proof.treeSize, root: anchor.merkleRoot },
  });
  return checks;
}
