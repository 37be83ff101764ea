/**
 * An append-only RFC 9162 Merkle tree that answers roots and proofs for any size in O(log² n) hashes, without
 * rereading the leaves: it keeps the hash of every perfect (power-of-two, aligned) subtree, and RFC 9162's
 * recursion only ever asks for such subtrees. The gateway keeps one per audit log, so a receipt or an anchor
 * costs the same on a log of a thousand records as on one of ten million.
 */
import { createHash } from 'node:crypto';

const HASH_BYTES = 32;

/** One level of perfect subtrees, 32 bytes each, in a growable buffer (no object per node). */
class Level {
  private buf = Buffer.alloc(HASH_BYTES * 1024);
  length = 0;

  push(hash: Buffer): void {
    if ((this.length + 1) * HASH_BYTES > this.buf.length) {
      const bigger = Buffer.alloc(this.buf.length * 2);
      this.buf.copy(bigger);
      this.buf = bigger;
    }
    hash.copy(this.buf, this.length * HASH_BYTES);
    this.length++;
  }

  at(i: number): Buffer {
    return this.buf.subarray(i * HASH_BYTES, (i + 1) * HASH_BYTES);
  }
}

function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.from([0x01]))
    .update(left)
    .update(right)
    .digest();
}

/** Largest power of two strictly smaller than n (n ≥ 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export class CompactMerkleTree {
  private readonly levels: Level[] = [new Level()];

  /** Number of leaves. */
  get size(): number {
    return this.levels[0]!.length;
  }

  /** Appends a leaf hash (hex, from leafHash) and the perfect subtrees it completes. */
  append(leafHex: string): void {
    if (!/^[0-9a-f]{64}$/i.test(leafHex)) throw new TypeError('a leaf must be a 64-digit hex hash');
    let node: Buffer = Buffer.from(leafHex, 'hex');
    for (let level = 0; ; level++) {
      this.levels[level] ??= new Level();
      const current = this.levels[level]!;
      current.push(node);
      if (current.length % 2 === 1) break;
      node = nodeHash(current.at(current.length - 2), current.at(current.length - 1));
    }
  }

  /** MTH of leaves [start, end): perfect aligned blocks come from the levels, the rest by RFC 9162's split. */
  private hashRange(start: number, end: number): Buffer {
    const n = end - start;
    if (n === 0) return createHash('sha256').digest();
    if ((n & (n - 1)) === 0 && start % n === 0) return this.levels[Math.log2(n)]!.at(start / n);
    const k = splitPoint(n);
    return nodeHash(this.hashRange(start, start + k), this.hashRange(start + k, end));
  }

  private checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size)
      throw new RangeError(`tree size ${size} is not between 0 and ${this.size}`);
  }

  /** The root of the tree of the first `size` leaves (default: all). */
  root(size: number = this.size): string {
    this.checkSize(size);
    return this.hashRange(0, size).toString('hex');
  }

  /** The audit path of leaf `index` in the tree of the first `size` leaves (RFC 9162 §2.1.3.1). */
  inclusionProof(index: number, size: number = this.size): string[] {
    this.checkSize(size);
    if (!Number.isSafeInteger(index) || index < 0 || index >= size)
      throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
    const path: Buffer[] = [];
    const walk = (m: number, start: number, end: number): void => {
      const n = end - start;
      if (n <= 1) return;
      const k = splitPoint(n);
      if (m < k) {
        walk(m, start, start + k);
        path.push(this.hashRange(start + k, end));
      } else {
        walk(m - k, start + k, end);
        path.push(this.hashRange(start, start + k));
      }
    };
    walk(index, 0, size);
    return path.map((h) => h.toString('hex'));
  }

  /** The consistency proof between the trees of `oldSize` and `newSize` leaves (RFC 9162 §2.1.4.1). */
  consistencyProof(oldSize: number, newSize: number = this.size): string[] {
    this.checkSize(newSize);
    if (!Number.isSafeInteger(oldSize) || oldSize < 0 || oldSize > newSize)
      throw new RangeError(`old size ${oldSize} is not between 0 and ${newSize}`);
    if (oldSize === 0 || oldSize === newSize) return [];
    const proof: Buffer[] = [];
    const subproof = (m: number, start: number, end: number, whole: boolean): void => {
      const n = end - start;
      if (m === n) {
        if (!whole) proof.push(this.hashRange(start, end));
        return;
      }
      const k = splitPoint(n);
      if (m <= k) {
        subproof(m, start, start + k, whole);
        proof.push(this.hashRange(start + k, end));
      } else {
        subproof(m - k, start + k, end, false);
        proof.push(this.hashRange(start, start + k));
      }
    };
    subproof(oldSize, 0, newSize, true);
    return proof.map((h) => h.toString('hex'));
  }
}
