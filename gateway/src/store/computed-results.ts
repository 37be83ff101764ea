/**
 * Computed results kept for the next caller who asks the same of the same version, in both stores. A loaded
 * version never changes, so one query over it has one answer: a sum of capital per district over 10⁶ rows takes
 * ~0.5 s to read from SQLite the first time and nothing after. A new version is another key, so a result is never
 * served for a version it was not computed on; results of versions no longer current age out.
 */
import { LruMap } from '../lib/lru-map.js';
import type { AggregateQuery, AggregateResult } from './dataset-types.js';

/** How many groups the stores keep by default, over all results: a few MB. */
export const DEFAULT_KEPT_GROUPS = 50_000;

export class ComputedResults {
  /** By {@link resultKey}; each result weighs its groups (and one for itself, an empty result too). */
  private readonly kept: LruMap<string, AggregateResult> | undefined;
  /** Results being computed, so that callers asking the same at once share one reading of the rows. */
  private readonly running = new Map<string, Promise<AggregateResult>>();

  /** @param maxGroups the most groups kept over all results; 0 keeps none (every call computes its own). */
  constructor(maxGroups: number) {
    if (!Number.isSafeInteger(maxGroups) || maxGroups < 0)
      throw new RangeError(
        `the groups of computed results to keep must be a whole number ≥ 0, not ${maxGroups}`,
      );
    this.kept = maxGroups > 0 ? new LruMap(maxGroups, (r) => r.groups.length + 1) : undefined;
  }

  /**
   * The result kept for `query` over version `versionId`, else the one `compute` makes, kept for next time unless
   * it fails. Callers share a kept result, so it is frozen. Synchronous when kept or when `compute` is.
   */
  get(
    versionId: number,
    query: AggregateQuery,
    compute: () => AggregateResult | Promise<AggregateResult>,
  ): AggregateResult | Promise<AggregateResult> {
    if (this.kept === undefined) return compute();
    const key = resultKey(versionId, query);
    const found = this.kept.get(key) ?? this.running.get(key);
    if (found !== undefined) return found;
    const made = compute();
    if (!(made instanceof Promise)) return this.keep(key, made);
    const running = made.then(
      (result) => {
        this.running.delete(key);
        return this.keep(key, result);
      },
      (err: unknown) => {
        this.running.delete(key);
        throw err;
      },
    );
    this.running.set(key, running);
    return running;
  }

  private keep(key: string, result: AggregateResult): AggregateResult {
    for (const group of result.groups) Object.freeze(group);
    Object.freeze(result.groups);
    this.kept!.set(key, Object.freeze(result));
    return result;
  }
}

/**
 * A query's key: the version and what the query asks, field by field (a caller's object may carry more). Two
 * queries asking the same in another order (filters, measures) get keys of their own: computed once more, never
 * wrong.
 */
function resultKey(versionId: number, q: AggregateQuery): string {
  return `${versionId}\u0000${JSON.stringify([q.groupBy, q.measures, q.filters, q.minGroupSize])}`;
}
