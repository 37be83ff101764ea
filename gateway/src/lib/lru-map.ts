/**
 * A map of at most `max` entries, the least recently used dropped first: what the gateway keeps per key that
 * keeps coming and must not grow without bound — prepared statements and statement names per query shape,
 * verified tokens, fingerprint keys per grant, grants' activity, login attempts, audit blocks read for proofs.
 *
 * Map order is insertion order, so an entry used again is re-inserted and the first key is always the least
 * recently used: no list to keep beside the map.
 */
export class LruMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly max: number) {
    if (!Number.isSafeInteger(max) || max < 1)
      throw new RangeError(`an LruMap holds at least 1 entry, not ${max}`);
  }

  /** The value of `key` (now the most recently used), or undefined. */
  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  /**
   * The value of `key` without counting it as a use. For entries that age out in the order they were set (verified
   * tokens, all with one lifetime), where moving an entry on every read would be work on each request for nothing.
   */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  /** Sets `key` (now the most recently used), dropping the least recently used past `max`. */
  set(key: K, value: V): this {
    if (!this.entries.delete(key) && this.entries.size >= this.max)
      this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, value);
    return this;
  }

  /**
   * The value of `key`, made by `make(key)` when it is missing (dropping the least recently used past `max`).
   * Callers on a hot path pass a function made once, not a closure per call.
   */
  getOrMake(key: K, make: (key: K) => V): V {
    let value = this.get(key);
    if (value === undefined) {
      value = make(key);
      this.set(key, value);
    }
    return value;
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
