/**
 * A computed result's statement on SQLite, and the reading of its groups — shared by the store's own connection
 * and the thread that computes large ones off the event loop ({@link ./sqlite-aggregate-worker.ts}).
 */
import type { DatabaseSync, SQLInputValue, SQLOutputValue } from 'node:sqlite';
import type { AggregateResult, ItemSpec } from './dataset-types.js';
import { MAX_GROUPS, tooManyGroups } from './query-plan.js';

/** A computed result to run: its SQL and values, how to read its rows, and the k-anonymity threshold. */
export interface AggregateJob {
  sql: string;
  params: SQLInputValue[];
  /** The group keys, in the order of the statement's first columns. */
  groupBy: Pick<ItemSpec, 'name' | 'type'>[];
  /** Each measure's key in the result; its value is the statement's column `_m<n>`. */
  measureKeys: string[];
  minGroupSize: number;
}

/**
 * Runs `job` on `db`. Groups with fewer than `minGroupSize` rows are left out and counted in `suppressed`.
 * @throws QueryError (tooManyGroups) past {@link MAX_GROUPS} groups shown.
 */
export function runAggregate(db: DatabaseSync, job: AggregateJob): AggregateResult {
  const groups: Record<string, unknown>[] = [];
  let suppressed = 0;
  // Iterated, not collected: a fine grouping can yield many small groups that are only counted.
  for (const r of db.prepare(job.sql).iterate(...job.params)) {
    if (Number(r._n) < job.minGroupSize) {
      suppressed++;
      continue;
    }
    if (groups.length === MAX_GROUPS) throw tooManyGroups();
    const g: Record<string, unknown> = {};
    for (const spec of job.groupBy) g[spec.name] = fromColumn(r[spec.name], spec);
    job.measureKeys.forEach((key, n) => (g[key] = r[`_m${n}`] ?? null));
    groups.push(g);
  }
  return { groups, suppressed };
}

/** A stored value as the item's type reads: SQLite keeps booleans as 0 and 1. */
export function fromColumn(v: SQLOutputValue | undefined, spec: Pick<ItemSpec, 'type'>): unknown {
  if (v === null || v === undefined) return null;
  return spec.type === 'boolean' ? v === 1 : v;
}
