/**
 * RFC 6962 / RFC 9162 (Certificate Transparency) Merkle tree over hex SHA-256 leaf hashes. The gateway builds
 * proofs with it and the SDK verifies them offline against a root anchored on the ledger, so both sides must
 * agree bit for bit: every hash here is the exact construction of RFC 9162 §2.1, with the 0x00 / 0x01 domain
 * separation prefixes that stop an interior node from being passed off as a leaf.
 */
import { createHash, hash } from 'node:crypto';

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);
const HEX_HASH = /^[0-9a-f]{64}$/i;

/**
 * Hashes one leaf: hex SHA-256(0x00 ‖ data). A string is hashed as its UTF-8 bytes.
 */
export function leafHash(data: string | Uint8Array): string {
  // Text in one call rather than through a Hash object: every audit record is a leaf, hashed on every data call.
  // The string \0 + data is the bytes 0x00 ‖ UTF-8(data).
  if (typeof data === 'string') return hash('sha256', `\0${data}`, 'hex');
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest('hex');
}

/**
 * Hashes an interior node: hex SHA-256(0x01 ‖ left ‖ right), over the 32-byte hashes, not their hex text.
 * @throws TypeError if either argument is not a 64-digit hex hash.
 */
export function nodeHash(leftHex: string, rightHex: string): string {
  return toHex(hashChildren(toBytes(leftHex, 'left'), toBytes(rightHex, 'right')));
}

/**
 * The Merkle Tree Hash (RFC 9162 §2.1.1) of a list of leaf hashes: the left subtree always holds the largest
 * power of two strictly smaller than the size. The empty tree's root is SHA-256 of the empty string.
 * @param leaves leaf hashes (from {@link leafHash}), in log order.
 * @throws TypeError if a leaf is not a 64-digit hex hash.
 */
export function merkleRoot(leaves: readonly string[]): string {
  return toHex(mth(leafBytes(leaves), 0, leaves.length));
}

/**
 * The audit path (RFC 9162 §2.1.3.1) proving that leaf `index` is in the tree of `leaves`, bottom-up.
 * @throws RangeError if `index` is not a position in the tree.
 */
export function inclusionProof(leaves: readonly string[], index: number): string[] {
  if (!isIndex(index) || index >= leaves.length) {
    throw new RangeError(`Leaf index ${index} is not in a tree of ${leaves.length} leaves`);
  }
  const bytes = leafBytes(leaves);
  return auditPath((start, end) => mth(bytes, start, end), index, leaves.length).map(toHex);
}

/**
 * Verifies an inclusion proof (RFC 9162 §2.1.3.2): that `leaf` is at position `index` of the tree of size
 * `treeSize` whose root is `root`. Returns false, never throws, on any malformed input, so a caller can feed it
 * whatever an untrusted gateway sent. Take `treeSize` and `root` from the same anchor: an RFC 6962 root does not
 * commit to its size, so a size paired with another tree's root is only caught when the path shapes differ.
 */
export function verifyInclusion(
  leaf: string,
  index: number,
  treeSize: number,
  proof: readonly string[],
  root: string,
): boolean {
  if (!isIndex(index) || !isIndex(treeSize) || index >= treeSize) return false;
  if (!isHexHash(leaf) || !isHexHash(root) || !proof.every(isHexHash)) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = toBytes(leaf, 'leaf');
  for (const p of proof) {
    // A proof longer than the path to the root would otherwise let trailing elements be ignored or absorbed.
    if (sn === 0) return false;
    const sibling = toBytes(p, 'proof');
    if (fn % 2 === 1 || fn === sn) {
      r = hashChildren(sibling, r);
      // Skip the levels where this node is the lone rightmost child and is promoted without hashing.
      while (fn % 2 === 0 && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = hashChildren(r, sibling);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && toHex(r) === root.toLowerCase();
}

/**
 * The consistency proof (RFC 9162 §2.1.4.1) that the first `oldSize` leaves of `leaves` are the tree that
 * was anchored earlier, i.e. that the log only grew by appending. Empty when `oldSize` is 0 or the whole tree.
 * @throws RangeError if `oldSize` is negative, fractional or larger than the tree.
 */
export function consistencyProof(leaves: readonly string[], oldSize: number): string[] {
  if (!isIndex(oldSize) || oldSize > leaves.length) {
    throw new RangeError(`Old size ${oldSize} is not a prefix of a tree of ${leaves.length} leaves`);
  }
  if (oldSize === 0 || oldSize === leaves.length) return [];
  const bytes = leafBytes(leaves);
  return consistencyPath((start, end) => mth(bytes, start, end), oldSize, leaves.length).map(toHex);
}

/**
 * Verifies a consistency proof (RFC 9162 §2.1.4.2): that the tree of `newSize` leaves with root `newRoot`
 * extends the tree of `oldSize` leaves with root `oldRoot`. Equal sizes need an empty proof and equal roots;
 * an old size of 0 needs an empty proof and the empty-tree root. Returns false, never throws, on bad input.
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: string,
  newRoot: string,
  proof: readonly string[],
): boolean {
  if (!isIndex(oldSize) || !isIndex(newSize) || oldSize > newSize) return false;
  if (!isHexHash(oldRoot) || !isHexHash(newRoot) || !proof.every(isHexHash)) return false;
  const oldLower = oldRoot.toLowerCase();
  const newLower = newRoot.toLowerCase();
  if (oldSize === 0) return proof.length === 0 && oldLower === EMPTY_ROOT;
  if (oldSize === newSize) return proof.length === 0 && oldLower === newLower;
  if (proof.length === 0) return false;

  const path = proof.map((p) => toBytes(p, 'proof'));
  // When the old tree is a complete subtree of the new one, its root is the starting node and the proof omits it.
  if (isPowerOfTwo(oldSize)) path.unshift(toBytes(oldLower, 'old root'));
  let fn = oldSize - 1;
  let sn = newSize - 1;
  while (fn % 2 === 1) {
    fn = half(fn);
    sn = half(sn);
  }
  const [first, ...rest] = path;
  if (first === undefined) return false;
  let fr = first;
  let sr = first;
  for (const c of rest) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && toHex(fr) === oldLower && toHex(sr) === newLower;
}

const EMPTY_ROOT = createHash('sha256').digest('hex');

/** MTH(D[start:end]) per RFC 9162 §2.1.1. Recursion depth is log2 of the size. */
function mth(leaves: readonly Buffer[], start: number, end: number): Buffer {
  const n = end - start;
  if (n === 0) return createHash('sha256').digest();
  if (n === 1) return leafAt(leaves, start);
  const k = splitPoint(n);
  return hashChildren(mth(leaves, start, start + k), mth(leaves, start + k, end));
}

/**
 * MTH(D[start:end]) of a tree, however it is stored: an array of leaves, or the perfect subtrees a log keeps.
 * The proofs below only ask it for ranges RFC 9162's recursion visits.
 */
export type RangeHash = (start: number, end: number) => Buffer;

/** PATH(index, D[0:size]) per RFC 9162 §2.1.3.1, bottom-up, over any source of subtree hashes. */
export function auditPath(hash: RangeHash, index: number, size: number): Buffer[] {
  const out: Buffer[] = [];
  const walk = (m: number, start: number, end: number): void => {
    const n = end - start;
    if (n <= 1) return;
    const k = splitPoint(n);
    if (m < k) {
      walk(m, start, start + k);
      out.push(hash(start + k, end));
    } else {
      walk(m - k, start + k, end);
      out.push(hash(start, start + k));
    }
  };
  walk(index, 0, size);
  return out;
}

/** PROOF(oldSize, D[0:newSize]) per RFC 9162 §2.1.4.1 (0 < oldSize < newSize), over any source of subtree hashes. */
export function consistencyPath(hash: RangeHash, oldSize: number, newSize: number): Buffer[] {
  const out: Buffer[] = [];
  const subproof = (m: number, start: number, end: number, whole: boolean): void => {
    const n = end - start;
    if (m === n) {
      if (!whole) out.push(hash(start, end));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      subproof(m, start, start + k, whole);
      out.push(hash(start + k, end));
    } else {
      subproof(m - k, start + k, end, false);
      out.push(hash(start, start + k));
    }
  };
  subproof(oldSize, 0, newSize, true);
  return out;
}

/** The largest power of two strictly less than n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** SHA-256(0x01 ‖ left ‖ right) over 32-byte hashes. */
export function hashChildren(left: Buffer, right: Buffer): Buffer {
  // In one call rather than through a Hash object: the gateway's audit tree hashes a node per record it appends.
  return hash('sha256', Buffer.concat([NODE_PREFIX, left, right]), 'buffer');
}

function leafBytes(leaves: readonly string[]): Buffer[] {
  return leaves.map((leaf, i) => toBytes(leaf, `leaf ${i}`));
}

function leafAt(leaves: readonly Buffer[], i: number): Buffer {
  const leaf = leaves[i];
  if (leaf === undefined) throw new RangeError(`No leaf at ${i}`);
  return leaf;
}

// Buffer.from(hex) silently drops everything from the first non-hex digit, which would turn a malformed hash
// into a different, shorter one; so every hash is checked before it is decoded.
function toBytes(hex: string, what: string): Buffer {
  if (!isHexHash(hex)) throw new TypeError(`The ${what} hash is not 64 hex digits`);
  return Buffer.from(hex, 'hex');
}

function toHex(bytes: Buffer): string {
  return bytes.toString('hex');
}

function isHexHash(value: unknown): value is string {
  return typeof value === 'string' && HEX_HASH.test(value);
}

function isIndex(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

// Arithmetic rather than n & (n - 1), which only works below 2^31.
function isPowerOfTwo(n: number): boolean {
  let m = n;
  while (m > 1 && m % 2 === 0) m /= 2;
  return m === 1;
}

// Sizes may exceed 2^32, where JavaScript's bitwise shifts would truncate, so halving is done arithmetically.
function half(n: number): number {
  return Math.floor(n / 2);
}
