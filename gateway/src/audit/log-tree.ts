/**
 * The Merkle tree of a gateway's audit log, kept in memory beside it. Each use first appends only the
 * records logged since the last use, so a receipt or an anchor costs O(log² n) hashes instead of rereading
 * the whole log (which any enterprise could otherwise make the gateway do on every request).
 */
import { CompactMerkleTree } from '@rdx/client';
import type { AuditSink } from '../services.js';

/** Leaves read from the store per round trip when catching up. */
const CHUNK = 10_000;

const trees = new WeakMap<AuditSink, { tree: CompactMerkleTree; catchingUp?: Promise<void> }>();

/** The tree of `log`, brought up to the log's current size. */
export async function treeOf(log: AuditSink): Promise<CompactMerkleTree> {
  let entry = trees.get(log);
  if (!entry) {
    entry = { tree: new CompactMerkleTree() };
    trees.set(log, entry);
  }
  const state = entry;
  // One catch-up at a time: concurrent callers wait for it rather than appending the same leaves twice.
  while (state.tree.size < log.size()) {
    state.catchingUp ??= (async () => {
      try {
        const from = state.tree.size;
        const to = Math.min(log.size(), from + CHUNK);
        for (const leaf of await log.leafHashes(from, to)) state.tree.append(leaf);
      } finally {
        state.catchingUp = undefined;
      }
    })();
    await state.catchingUp;
  }
  return state.tree;
}
