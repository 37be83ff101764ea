/**
 * Prepared statements by SQL text: a query shape (its fields and filter operators; values are bound) is
 * compiled once, not on every request (the data call prepared two statements per request). Bounded,
 * least recently used out first: filters can make many shapes. Only for statements run to completion within
 * one call (`get`, `all`, an iteration consumed at once); a lazily consumed iterator needs a statement of its
 * own, as two of them would share one cursor.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';

export interface StatementCacheOptions {
  /** Most statements kept (default 256). */
  max?: number;
  /**
   * Every statement returns its rows as arrays of column values, in the order selected (default: objects by
   * column name). For rows copied at once: node:sqlite then makes no object, with a key string per column, per row.
   */
  returnArrays?: boolean;
}

export class StatementCache {
  private readonly byText = new Map<string, StatementSync>();
  private readonly max: number;
  private readonly returnArrays: boolean;

  constructor(
    private readonly db: DatabaseSync,
    opts: StatementCacheOptions = {},
  ) {
    this.max = opts.max ?? 256;
    this.returnArrays = opts.returnArrays ?? false;
  }

  get(sql: string): StatementSync {
    const cached = this.byText.get(sql);
    if (cached) {
      // Re-inserted: Map order is insertion order, so the first key is the least recently used.
      this.byText.delete(sql);
      this.byText.set(sql, cached);
      return cached;
    }
    const prepared = this.db.prepare(sql);
    if (this.returnArrays) prepared.setReturnArrays(true);
    this.byText.set(sql, prepared);
    if (this.byText.size > this.max) this.byText.delete(this.byText.keys().next().value!);
    return prepared;
  }

  get size(): number {
    return this.byText.size;
  }
}
