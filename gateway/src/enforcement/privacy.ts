/**
 * Computed results (Z20(3)) that resist differencing. A k-threshold alone does not: two queries that differ by
 * one record (`record_id:ne:1`) give that record's contribution exactly, and a group that disappears below k
 * says who was in it. So every computed result is differentially private (the Laplace mechanism):
 *
 * - each count and each sum gets Laplace noise scaled to what one record can change (1 for a count; for a sum,
 *   the largest magnitude of the item in the loaded version), with the query's ε split evenly among them;
 * - a group is shown only when its *noisy* count reaches k and the release threshold: a group's key is a value
 *   of the data, and a group of one record shown says that record is there and matches the filter (grouped by
 *   a unique item, each key is one record). So the threshold is set where a one-record group shows with
 *   probability δ at most ({@link GROUP_RELEASE_DELTA}); how many groups stayed under it is not said, as that
 *   number, unnoised, would be an exact count (the route answers `suppressedGroups: null`);
 * - the noise is a function of a gateway secret, the grant, the dataset version, the query and the group, so
 *   asking the same question again gives the same answer: repetition cannot average it away. The same question
 *   worded otherwise (`in` for `eq`) is another question, with noise of its own, and spends ε again: the
 *   daily budget is what bounds averaging over rewordings;
 * - every computed result spends ε from the grant's daily budget; when it is spent, computed results of that
 *   grant stop until the next day (429 PRIVACY_BUDGET_EXHAUSTED). What was spent is in the audit log.
 */
import crypto from 'node:crypto';
import type { GrantUsage } from './grant-usage.js';

export interface PrivacyOptions {
  /** ε of one computed result. Default 0.5. */
  epsilonPerQuery: number;
  /** ε a grant may spend per day (China time). Default 10, i.e. 20 computed results. */
  dailyBudget: number;
}

export const PRIVACY_DEFAULTS: PrivacyOptions = { epsilonPerQuery: 0.5, dailyBudget: 10 };

/** ε spent per grant and day; in memory, restored from the audit log at start. */
/** ε spent on a grant's computed results, per China day, against the daily budget (counted in `GrantUsage`). */
export class PrivacyBudget {
  constructor(
    private readonly usage: GrantUsage,
    readonly options: PrivacyOptions = PRIVACY_DEFAULTS,
  ) {}

  /** Spends one query's ε of `grantId` today; false (nothing spent) when the budget would be exceeded. */
  spend(grantId: string, day: string): Promise<boolean> {
    return this.usage.take(grantId, day, 'epsilon', this.options.epsilonPerQuery, this.options.dailyBudget);
  }

  spentToday(grantId: string, day: string): Promise<number> {
    return this.usage.used(grantId, day, 'epsilon');
  }
}

/**
 * δ of showing a group: the most likely a group of one record is shown. Far under one over the rows of the
 * datasets the platform serves (10⁶): grouped by a unique item, such a dataset shows a record in one result
 * of a hundred.
 */
export const GROUP_RELEASE_DELTA = 1e-8;

/**
 * The noisy count a group needs to be shown: k, or more where the count's noise (Laplace of `scale`) could
 * lift a one-record group to k too often — 1 + scale·ln(1/2δ), where P(1 + noise ≥ it) = δ.
 */
export function releaseThreshold(minGroupSize: number, scale: number): number {
  return Math.max(minGroupSize, 1 + scale * Math.log(1 / (2 * GROUP_RELEASE_DELTA)));
}

/** Deterministic Laplace(0, scale) noise: the same `seed` always gives the same value. */
export function laplaceNoise(key: Uint8Array, seed: string, scale: number): number {
  const bytes = crypto.createHmac('sha256', key).update(seed).digest();
  // 48 random bits → u uniform in (-1/2, 1/2), never exactly ±1/2.
  const u = (bytes.readUIntBE(0, 6) + 0.5) / 2 ** 48 - 0.5;
  return -scale * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
}

/** A group as the store returns it: the group keys, its exact row count, and the exact sums asked for. */
export interface ExactGroup {
  keys: Record<string, unknown>;
  count: number;
  sums: Record<string, number | null>;
}

export interface NoisyQuery {
  key: Uint8Array;
  /** Grant, dataset version and the canonical query: what makes the noise of this question. */
  seed: string;
  epsilon: number;
  minGroupSize: number;
  /** Largest magnitude of each summed item (what one record can change its sum by). */
  bounds: Record<string, number>;
  /** The measures asked for, in order, as `count(*)`, `sum(item)`, `avg(item)`. */
  measures: { op: 'count' | 'sum' | 'avg'; item?: string; key: string }[];
}

/**
 * The noisy result of exact groups: groups whose noisy count is under the release threshold are dropped (how
 * many is not said); counts are rounded and never negative; an average is the noisy sum over the noisy count.
 */
export function privatize(groups: readonly ExactGroup[], q: NoisyQuery): Record<string, unknown>[] {
  const summed = [...new Set(q.measures.filter((m) => m.op !== 'count').map((m) => m.item!))];
  // One count and one sum per summed item, each with an equal share of ε.
  const share = q.epsilon / (1 + summed.length);
  const threshold = releaseThreshold(q.minGroupSize, 1 / share);
  const out: Record<string, unknown>[] = [];
  for (const g of groups) {
    const where = `${q.seed}\u0000${JSON.stringify(g.keys)}`;
    // Compared before rounding: rounded first, a count half a unit under the threshold would show too.
    const noisy = g.count + laplaceNoise(q.key, `${where}\u0000count`, 1 / share);
    if (noisy < threshold) continue;
    const count = Math.max(0, Math.round(noisy));
    const sums: Record<string, number> = {};
    for (const item of summed) {
      const exact = g.sums[item];
      const bound = q.bounds[item] ?? 0;
      // A group whose values are all empty sums to 0, noised like any: `null` there, and a number as soon as
      // one record with a value matched, said exactly whether it did.
      sums[item] = (exact ?? 0) + laplaceNoise(q.key, `${where}\u0000sum\u0000${item}`, bound / share);
    }
    const row: Record<string, unknown> = { ...g.keys };
    for (const m of q.measures) {
      if (m.op === 'count') row[m.key] = count;
      else if (m.op === 'sum') row[m.key] = sums[m.item!];
      else row[m.key] = sums[m.item!]! / count;
    }
    out.push(row);
  }
  return out;
}
