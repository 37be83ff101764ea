/**
 * A map of at most `max` entries, the least recently used dropped first: what the stores keep per query shape
 * (prepared statements on SQLite, statement names on PostgreSQL), as shapes keep coming.
 */
export class LruMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly max: number) {}

  /**
   * The value of `key`, made by `make(key)` when it is missing (dropping the least recently used past `max`).
   * Callers on a hot path pass a function made once, not a closure per call.
   */
  getOrMake(key: K, make: (key: K) => V): V {
    let value = this.entries.get(key);
    if (value !== undefined) {
      // Re-inserted: Map order is insertion order, so the first key is the least recently used.
      this.entries.delete(key);
    } else {
      value = make(key);
      if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, value);
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}
