/**
 * A ledger read shared by the requests that come while the ledger stands still: kept until the view follows a
 * new block, or for at most `maxAgeMs` whatever the view says. A read in flight is shared too; a failed one is
 * not kept, so the next request tries again.
 */
import type { LedgerView } from './ledger-view.js';

export function blockCached<T>(
  view: Pick<LedgerView, 'lastBlock'>,
  read: () => Promise<T>,
  maxAgeMs = 60_000,
): () => Promise<T> {
  let entry: { block: number; at: number; value: Promise<T> } | undefined;
  return () => {
    const now = Date.now();
    if (!entry || entry.block !== view.lastBlock || now - entry.at > maxAgeMs) {
      const value = read();
      const fresh = { block: view.lastBlock, at: now, value };
      entry = fresh;
      value.catch(() => {
        if (entry === fresh) entry = undefined;
      });
    }
    return entry.value;
  };
}
