/**
 * An append-only RFC 9162 Merkle tree that answers roots and proofs for any size in O(log² n) hashes, without
 * rereading the leaves: it keeps the hash of every perfect (power-of-two, aligned) subtree, and RFC 9162's
 * recursion only ever asks for such subtrees. The gateway builds its audit log's tree from these: one over the
 * roots of the log's blocks of 1024 records, and one per block it reads back (gateway/src/audit/audit-tree.ts).
 */
import { createHash } from 'node:crypto';
import { auditPath, consistencyPath, hashChildren, splitPoint } from './merkle.js';

const HASH_BYTES = 32;

/** One level of perfect subtrees, 32 bytes each, in a growable buffer (no object per node). */
class Level {
  // Small to start with: the gateway keeps many small trees (one per block of its log it reads back).
  private buf = Buffer.alloc(HASH_BYTES * 16);
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
      node = hashChildren(current.at(current.length - 2), current.at(current.length - 1));
    }
  }

  /**
   * MTH of leaves [start, end) (end ≤ size): perfect aligned blocks come from the levels, the rest by RFC 9162's
   * split. For a caller that keeps trees of trees (the gateway's audit tree keeps one per block of leaves).
   */
  rangeHash(start: number, end: number): Buffer {
    const n = end - start;
    if (n === 0) return createHash('sha256').digest();
    if ((n & (n - 1)) === 0 && start % n === 0) return this.levels[Math.log2(n)]!.at(start / n);
    const k = splitPoint(n);
    return hashChildren(this.rangeHash(start, start + k), this.rangeHash(start + k, end));
  }

  private checkSize(size: number): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size)
      throw new RangeError(`tree size ${size} is not between 0 and ${this.size}`);
  }

  /** The root of the tree of the first `size` leaves (default: all). */
  root(size: number = this.size): string {
    this.checkSize(size);
    return this.rangeHash(0, size).toString('hex');
  }

  /** The audit path of leaf `index` in the tree of the first `size` leaves (RFC 9162 §2.1.3.1). */
  inclusionProof(index: number, size: number = this.size): string[] {
    this.checkSize(size);
    if (!Number.isSafeInteger(index) || index < 0 || index >= size)
      throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
    return auditPath((start, end) => this.rangeHash(start, end), index, size).map((h) => h.toString('hex'));
  }

  /** The consistency proof between the trees of `oldSize` and `newSize` leaves (RFC 9162 §2.1.4.1). */
  consistencyProof(oldSize: number, newSize: number = this.size): string[] {
    this.checkSize(newSize);
    if (!Number.isSafeInteger(oldSize) || oldSize < 0 || oldSize > newSize)
      throw new RangeError(`old size ${oldSize} is not between 0 and ${newSize}`);
    if (oldSize === 0 || oldSize === newSize) return [];
    return consistencyPath((start, end) => this.rangeHash(start, end), oldSize, newSize).map((h) =>
      h.toString('hex'),
    );
  }
}
