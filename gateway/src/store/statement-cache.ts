/**
 * Prepared statements by SQL text: a query shape (its fields and filter operators; values are bound) is
 * compiled once, not on every request (the data call prepared two statements per request). Bounded,
 * least recently used out first: filters can make many shapes. Only for statements run to completion within
 * one call (`get`, `all`, an iteration consumed at once); a lazily consumed iterator needs a statement of its
 * own, as two of them would share one cursor.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { LruMap } from '../lib/lru-map.js';

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
  private readonly byText: LruMap<string, StatementSync>;
  private readonly returnArrays: boolean;

  constructor(
    private readonly db: DatabaseSync,
    opts: StatementCacheOptions = {},
  ) {
    this.byText = new LruMap(opts.max ?? 256);
    this.returnArrays = opts.returnArrays ?? false;
  }

  get(sql: string): StatementSync {
    return this.byText.getOrMake(sql, this.prepare);
  }

  private readonly prepare = (sql: string): StatementSync => {
    const prepared = this.db.prepare(sql);
    if (this.returnArrays) prepared.setReturnArrays(true);
    return prepared;
  };

  get size(): number {
    return this.byText.size;
  }
}
