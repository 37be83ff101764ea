import { expect } from 'chai';
import fc from 'fast-check';
import { CompactMerkleTree, leafHash } from '@rdx/client';
import { AuditTree, BLOCK } from './audit-tree.js';
import { checkWholeLog } from './chain-check.js';
import type { AuditSink } from '../services.js';
import { countEventLoopTurns } from '../testing/event-loop-turns.js';

/** A log that is only its leaves, with saved block roots in memory, counting the leaves it is asked for. */
function leafLog(n: number): AuditSink & { leavesRead: number; saved: string[] } {
  const leaves = Array.from({ length: n }, (_, i) => leafHash(`record ${i}`));
  const log = {
    leavesRead: 0,
    saved: [] as string[],
    size: () => leaves.length,
    leafHashes(from: number, to: number) {
      log.leavesRead += to - from;
      return leaves.slice(from, to);
    },
    verifyChain: () => ({ ok: true }),
    treeBlocks: () => [...log.saved],
    saveTreeBlocks(from: number, roots: string[]) {
      roots.forEach((r, i) => (log.saved[from + i] = r));
    },
  };
  return log as unknown as AuditSink & { leavesRead: number; saved: string[] };
}

/** Five whole blocks and part of a sixth. */
const TAIL = 131;
const N = 5 * BLOCK + TAIL;
const reference = new CompactMerkleTree();
for (let i = 0; i < N; i++) reference.append(leafHash(`record ${i}`));

describe('AuditTree: the audit log’s tree from saved block roots and the records after them', () => {
  const log = leafLog(N);
  const tree = new AuditTree(log);
  before(() => tree.catchUp());

  it('roots, inclusion and consistency proofs equal the tree of every leaf, at any sizes and positions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: N }),
        fc.integer({ min: 0, max: N - 1 }),
        fc.integer({ min: 0, max: N }),
        async (size, at, other) => {
          const index = at % size;
          const old = Math.min(other, size);
          expect(await tree.root(size)).to.equal(reference.root(size));
          expect(await tree.inclusionProof(index, size)).to.deep.equal(reference.inclusionProof(index, size));
          expect(await tree.consistencyProof(old, size)).to.deep.equal(reference.consistencyProof(old, size));
        },
      ),
      { numRuns: 300 },
    );
    // Block edges, where a range stops being whole blocks.
    for (const size of [BLOCK - 1, BLOCK, BLOCK + 1, 4 * BLOCK, N]) {
      const old = Math.min(BLOCK, size);
      expect(await tree.root(size)).to.equal(reference.root(size));
      expect(await tree.consistencyProof(old, size)).to.deep.equal(reference.consistencyProof(old, size));
    }
  });

  it('a restart reads the saved roots and only the records after the last whole block', async () => {
    expect(log.saved).to.have.length(5);
    log.leavesRead = 0;
    const again = new AuditTree(log);
    await again.catchUp();
    expect(log.leavesRead).to.equal(TAIL);
    expect(await again.root(N)).to.equal(reference.root());
  });

  it('catching up with many records lets the event loop serve requests between blocks', async () => {
    // The anchorer asks for the tree every second; under load that is thousands of new records, and hashing
    // them in one go held every request due meanwhile.
    const backlog = leafLog(40 * BLOCK);
    const catching = new AuditTree(backlog);
    const turnsSoFar = countEventLoopTurns();
    await catching.catchUp();
    const turns = turnsSoFar();
    expect(catching.size).to.equal(40 * BLOCK);
    expect(turns, 'turns of the event loop while 40 blocks were hashed').to.be.at.least(39);
    const whole = new CompactMerkleTree();
    for (let i = 0; i < 40 * BLOCK; i++) whole.append(leafHash(`record ${i}`));
    expect(await catching.root(40 * BLOCK)).to.equal(whole.root());
  });

  it('sizes beyond the tree and leaves outside it are refused', async () => {
    await expect(tree.root(N + 1)).to.be.rejectedWith(RangeError);
    await expect(tree.inclusionProof(N, N)).to.be.rejectedWith(RangeError);
    await expect(tree.consistencyProof(5, 4)).to.be.rejectedWith(RangeError);
  });

  it('a saved root that is not its block’s: the proof that needs the block refuses, the whole-log check names it', async () => {
    const forged = leafLog(N);
    await new AuditTree(forged).catchUp();
    forged.saved[2] = 'f'.repeat(64);
    const misled = new AuditTree(forged);
    await misled.catchUp();
    expect(await misled.root(N)).not.to.equal(reference.root());
    await expect(misled.inclusionProof(2 * BLOCK + 7, N)).to.be.rejectedWith(/block 2 no longer give/);
    expect(await checkWholeLog(forged, misled, N)).to.match(/block 2 \(records 512–767\)/);
    expect(await checkWholeLog(log, tree, N)).to.equal(undefined);
  });
});
