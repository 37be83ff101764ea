/**
 * A map of at most `max` entries, the least recently used dropped first: what the gateway keeps per key that
 * keeps coming and must not grow without bound — prepared statements and statement names per query shape,
 * verified tokens, fingerprint keys per grant, grants' activity, login attempts, audit blocks read for proofs.
 * Values of widely different sizes (computed results) can be weighed instead, `max` then bounding their weight.
 *
 * Map order is insertion order, so an entry used again is re-inserted and the first key is always the least
 * recently used: no list to keep beside the map.
 */
export class LruMap<K, V> {
  private readonly entries = new Map<K, V>();
  /** What the entries weigh together: their number, unless `weigh` is given. */
  private held = 0;

  /**
   * @param max the most entries held, or with `weigh` the most weight
   * @param weigh what a value counts against `max` (1 by default); a value must not change its weight while held
   */
  constructor(
    private readonly max: number,
    private readonly weigh: (value: V) => number = () => 1,
  ) {
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

  /**
   * Sets `key` (now the most recently used), dropping the least recently used past `max`. A value weighing more
   * than `max` is not held (nor is the value `key` had).
   */
  set(key: K, value: V): this {
    const weight = this.weigh(value);
    this.delete(key);
    if (weight > this.max) return this;
    while (this.held + weight > this.max && this.entries.size > 0)
      this.delete(this.entries.keys().next().value!);
    this.entries.set(key, value);
    this.held += weight;
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
    const value = this.entries.get(key);
    if (value === undefined) return false;
    this.entries.delete(key);
    this.held -= this.weigh(value);
    return true;
  }

  get size(): number {
    return this.entries.size;
  }
}
