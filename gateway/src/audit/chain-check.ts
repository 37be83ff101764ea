/**
 * The whole audit log checked record by record, in the background after start. Start-up itself only checks
 * what no ledger anchor vouches for (the unanchored tail) and that the saved tree gives the last anchor's root
 * (see Anchorer.verifyAtStart): that keeps a restart in seconds on a log of ten million records, where
 * rehashing every record took a minute. This check then recomputes every record's hash and link and every
 * block root of the tree from the records, a slice at a time between requests, and reports the first fault.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CompactMerkleTree } from '@rdx/client';
import { BLOCK, type AuditTree } from './audit-tree.js';
import type { AuditSink } from '../services.js';

/** Records checked per slice: a few milliseconds of the event loop. */
const SLICE = 8 * BLOCK;

export interface ChainCheckProgress {
  /** Records checked so far, of `total` (the anchored size when the check started). */
  checked: number;
  total: number;
}

/**
 * Checks records [0, `total`) of `log` against themselves and against `tree`'s block roots. Resolves with the
 * fault found (undefined when none), calling `progress` after each slice. Stops early when `stopped()` says so.
 */
export async function checkWholeLog(
  log: AuditSink,
  tree: AuditTree,
  total: number,
  opts: { progress?: (p: ChainCheckProgress) => void; stopped?: () => boolean } = {},
): Promise<string | undefined> {
  for (let from = 0; from < total; from += SLICE) {
    if (opts.stopped?.()) return undefined;
    const to = Math.min(total, from + SLICE);
    const chain = await log.verifyChain(from, to);
    if (!chain.ok) return `the hash chain of the audit log breaks at record ${chain.brokenAt}`;
    for (let block = from / BLOCK; (block + 1) * BLOCK <= to && block < tree.completeBlocks; block++) {
      const leaves = new CompactMerkleTree();
      for (const leaf of await log.leafHashes(block * BLOCK, (block + 1) * BLOCK)) leaves.append(leaf);
      if (leaves.root() !== tree.blockRoot(block))
        return `the saved Merkle tree of the audit log differs from its records in block ${block} (records ${block * BLOCK}–${(block + 1) * BLOCK - 1})`;
    }
    opts.progress?.({ checked: to, total });
    // Requests waiting meanwhile are served before the next slice.
    await nextTurn();
  }
  return undefined;
}
