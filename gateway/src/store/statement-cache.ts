/**
 * Prepared statements by SQL text: a query shape (its fields and filter operators; values are bound) is
 * compiled once, not on every request (the data call prepared two statements per request). Bounded,
 * least recently used out first: filters can make many shapes. Only for statements run to completion within
 * one call (`get`, `all`, an iteration consumed at once); a lazily consumed iterator needs a statement of its
 * own, as two of them would share one cursor.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';

export class StatementCache {
  private readonly byText = new Map<string, StatementSync>();

  constructor(
    private readonly db: DatabaseSync,
    private readonly max = 256,
  ) {}

  get(sql: string): StatementSync {
    const cached = this.byText.get(sql);
    if (cached) {
      // Re-inserted: Map order is insertion order, so the first key is the least recently used.
      this.byText.delete(sql);
      this.byText.set(sql, cached);
      return cached;
    }
    const prepared = this.db.prepare(sql);
    this.byText.set(sql, prepared);
    if (this.byText.size > this.max) this.byText.delete(this.byText.keys().next().value!);
    return prepared;
  }

  get size(): number {
    return this.byText.size;
  }
}
