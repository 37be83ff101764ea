/**
 * The Merkle tree of a gateway's audit log, as the gateway keeps it: the log's leaves are cut into blocks of
 * {@link BLOCK} records, and only the roots of complete blocks (with the perfect subtrees above them) live in
 * memory and in the log's own database. A receipt or an anchor needs a few blocks' leaves, read back on
 * demand; a restart reads the saved block roots instead of rehashing every record. Memory and restart cost
 * grow with records / 256, not with records: 10⁷ records are 39 000 saved roots (2.5 MB with the levels above
 * them) where a tree of every leaf held ~640 MB and took half a minute to rebuild.
 *
 * The saved roots are not trusted blindly: the anchorer compares the root they give with the last anchor on
 * the ledger at start, and the background check ({@link ./chain-check.ts}) recomputes every block from its
 * records.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CompactMerkleTree, auditPath, consistencyPath, hashChildren, splitPoint } from '@rdx/client';
import { LruMap } from '../lib/lru-map.js';
import type { AuditSink } from '../services.js';

/**
 * Leaves per block: 2⁸, so a receipt's block is one short range read and 255 hashes to rebuild (~0.5 ms; 1024
 * took 2 ms), and a restart at 10⁷ records reads 39 000 saved roots (~1.2 MB).
 */
export const BLOCK = 256;

/**
 * Records read per round trip while catching up with the log (a whole number of blocks). Small enough that
 * reading them is a short step on the event loop (~0.5 ms), and the hashing yields after every block.
 */
const CHUNK = 4 * BLOCK;

/** Blocks whose leaves are kept after being read for a proof: recent receipts tend to hit the same ones. */
const CACHED_BLOCKS = 8;

/** Thrown inside a synchronous proof computation: the leaves of this block must be read first. */
class BlockNeeded extends Error {
  constructor(readonly block: number) {
    super(`audit block ${block} is not loaded`);
  }
}

export class AuditTree {
  /** Leaves of the upper tree = roots of the complete blocks, so its ranges are ranges of whole blocks. */
  private readonly upper = new CompactMerkleTree();
  /** The leaves of the incomplete last block. */
  private tail = new CompactMerkleTree();
  /** Complete blocks already in the log's database. */
  private savedBlocks = 0;
  private readonly cache = new LruMap<number, CompactMerkleTree>(CACHED_BLOCKS);
  private catchingUp?: Promise<void>;
  private loaded?: Promise<void>;

  constructor(private readonly log: AuditSink) {}

  /** Leaves in the tree. */
  get size(): number {
    return this.upper.size * BLOCK + this.tail.size;
  }

  /** Complete blocks whose roots the log's database holds (for tests and the background check). */
  get blocksSaved(): number {
    return this.savedBlocks;
  }

  /** Brings the tree up to the log's current size: saved block roots first (once), then the records after. */
  async catchUp(): Promise<void> {
    this.loaded ??= this.loadSaved();
    await this.loaded;
    // One catch-up at a time: concurrent callers wait for it rather than appending the same leaves twice.
    while (this.size < this.log.size()) {
      this.catchingUp ??= this.appendNext().finally(() => (this.catchingUp = undefined));
      await this.catchingUp;
    }
  }

  /** The root of the first `size` leaves. */
  async root(size: number): Promise<string> {
    return (await this.withBlocks(() => this.hashRange(0, this.checkSize(size)))).toString('hex');
  }

  /** The audit path of leaf `index` in the tree of the first `size` leaves (RFC 9162 §2.1.3.1). */
  async inclusionProof(index: number, size: number): Promise<string[]> {
    this.checkSize(size);
    if (!Number.isSafeInteger(index) || index < 0 || index >= size)
      throw new RangeError(`leaf ${index} is not in a tree of ${size}`);
    const path = await this.withBlocks(() => auditPath((s, e) => this.hashRange(s, e), index, size));
    return path.map((h) => h.toString('hex'));
  }

  /** The consistency proof between the trees of `oldSize` and `newSize` leaves (RFC 9162 §2.1.4.1). */
  async consistencyProof(oldSize: number, newSize: number): Promise<string[]> {
    this.checkSize(newSize);
    if (!Number.isSafeInteger(oldSize) || oldSize < 0 || oldSize > newSize)
      throw new RangeError(`old size ${oldSize} is not between 0 and ${newSize}`);
    if (oldSize === 0 || oldSize === newSize) return [];
    const proof = await this.withBlocks(() =>
      consistencyPath((s, e) => this.hashRange(s, e), oldSize, newSize),
    );
    return proof.map((h) => h.toString('hex'));
  }

  /** The root of complete block `block` as the tree holds it (from saved roots or the records). */
  blockRoot(block: number): string {
    return this.upper.rangeHash(block, block + 1).toString('hex');
  }

  /** Complete blocks in the tree. */
  get completeBlocks(): number {
    return this.upper.size;
  }

  private checkSize(size: number): number {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size)
      throw new RangeError(`tree size ${size} is not between 0 and ${this.size}`);
    return size;
  }

  /**
   * Runs a proof computation, reading the blocks it turns out to need and running it again: RFC 9162's
   * recursion stays synchronous, and a proof needs a few blocks' leaves at most (the leaf's, the blocks where
   * the old and the new size end), so it runs a few times.
   */
  private async withBlocks<T>(compute: () => T): Promise<T> {
    for (;;) {
      try {
        return compute();
      } catch (err) {
        if (!(err instanceof BlockNeeded)) throw err;
        await this.readBlock(err.block);
      }
    }
  }

  /** MTH of leaves [start, end): whole blocks from the upper tree, parts of one block from its leaves. */
  private hashRange(start: number, end: number): Buffer {
    const first = Math.floor(start / BLOCK);
    if (start % BLOCK === 0 && end % BLOCK === 0 && end / BLOCK <= this.upper.size)
      return this.upper.rangeHash(first, end / BLOCK);
    if (end - start > 0 && Math.floor((end - 1) / BLOCK) === first)
      return this.leavesOf(first).rangeHash(start - first * BLOCK, end - first * BLOCK);
    const k = splitPoint(end - start);
    return hashChildren(this.hashRange(start, start + k), this.hashRange(start + k, end));
  }

  private leavesOf(block: number): CompactMerkleTree {
    if (block === this.upper.size) return this.tail;
    const cached = this.cache.get(block);
    if (!cached) throw new BlockNeeded(block);
    return cached;
  }

  private async readBlock(block: number): Promise<void> {
    const tree = new CompactMerkleTree();
    for (const leaf of await this.log.leafHashes(block * BLOCK, (block + 1) * BLOCK)) tree.append(leaf);
    // A block whose records no longer give the root the tree holds is a log changed underneath: refuse.
    if (tree.root() !== this.blockRoot(block))
      throw new Error(`the records of audit block ${block} no longer give its Merkle root`);
    this.cache.set(block, tree);
  }

  private async loadSaved(): Promise<void> {
    const roots = (await this.log.treeBlocks?.()) ?? [];
    // Only blocks the log still holds whole count: a root for records beyond its end is ignored.
    const usable = Math.min(roots.length, Math.floor(this.log.size() / BLOCK));
    for (let b = 0; b < usable; b++) this.upper.append(roots[b]!);
    this.savedBlocks = usable;
  }

  /**
   * Appends the next records' leaves. Under load the anchorer asks for the tree every second, with a second's
   * records to add (thousands: ~2.5 µs each); done in one go that held the event loop for 10–22 ms, and every
   * request due meanwhile waited (the data call's p99). So it yields after each completed block.
   */
  private async appendNext(): Promise<void> {
    const from = this.size;
    const to = Math.min(this.log.size(), from - (from % BLOCK) + CHUNK);
    for (const leaf of await this.log.leafHashes(from, to)) {
      this.tail.append(leaf);
      if (this.tail.size === BLOCK) {
        this.upper.append(this.tail.root());
        this.cache.set(this.upper.size - 1, this.tail);
        this.tail = new CompactMerkleTree();
        // The next turn of the event loop, after the I/O already waiting: requests go on between two blocks.
        await nextTurn();
      }
    }
    await this.saveNew();
  }

  /** Saves the roots of blocks completed since the last save; a failed save is retried with the next one. */
  private async saveNew(): Promise<void> {
    if (!this.log.saveTreeBlocks || this.savedBlocks >= this.upper.size) return;
    const roots: string[] = [];
    for (let b = this.savedBlocks; b < this.upper.size; b++) roots.push(this.blockRoot(b));
    try {
      await this.log.saveTreeBlocks(this.savedBlocks, roots);
      this.savedBlocks += roots.length;
    } catch {
      // Only an optimisation for the next start, which then rebuilds these blocks from their records.
    }
  }
}

const trees = new WeakMap<AuditSink, AuditTree>();

/** The tree of `log`, brought up to the log's current size. */
export async function treeOf(log: AuditSink): Promise<AuditTree> {
  let tree = trees.get(log);
  if (!tree) {
    tree = new AuditTree(log);
    trees.set(log, tree);
  }
  await tree.catchUp();
  return tree;
}
