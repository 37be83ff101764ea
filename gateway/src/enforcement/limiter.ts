/**
 * Rate limits: a token bucket per grant (or per caller on unconditional data, or per source address on the routes
 * that take no credentials). Rates are per gateway: each protects its own capacity. Daily quotas are counted in
 * `GrantUsage` (grant-usage.ts), shared by gateways on one database.
 *
 * The buckets are bounded: a caller who sends from ever new addresses must not grow them without end (the routes
 * count an IPv6 caller by its /64, http/caller-address.ts, but a larger network holds many). A bucket that has filled up again is the same as none, so it is forgotten once the
 * limiter holds `maxKeys`; should that not free a quarter of them (that many callers within one refill), the
 * oldest are forgotten too — which gives them no more than a new address would.
 */
interface Bucket {
  tokens: number;
  at: number;
}

/** Buckets held by default: ~35 MB at most, far more than the grants or addresses active within one refill. */
export const LIMITER_MAX_KEYS = 200_000;

export class Limiter {
  /** In the order first seen: the oldest come first when some must go. */
  private readonly buckets = new Map<string, Bucket>();

  /**
   * @param ratePerSecond tokens added per second.
   * @param burst the bucket's size: calls allowed at once after a quiet spell (default: one second's worth).
   * @param maxKeys the most buckets held.
   */
  constructor(
    private readonly ratePerSecond: number,
    private readonly burst = ratePerSecond,
    private readonly maxKeys = LIMITER_MAX_KEYS,
  ) {}

  /**
   * Takes one token from `key`'s bucket at `now` (ms); false when it is empty. A clock stepped back refills
   * nothing and takes nothing away.
   */
  take(key: string, now = Date.now()): boolean {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.forget(now);
      bucket = { tokens: this.burst, at: now };
      this.buckets.set(key, bucket);
    }
    const tokens = this.tokensAt(bucket, now);
    bucket.at = now;
    const allowed = tokens >= 1;
    bucket.tokens = allowed ? tokens - 1 : tokens;
    return allowed;
  }

  /** Buckets held. */
  get size(): number {
    return this.buckets.size;
  }

  /** What `bucket` holds at `now`: refilled at the rate since it was last taken from, up to the burst. */
  private tokensAt(bucket: Bucket, now: number): number {
    const elapsed = Math.max(0, now - bucket.at);
    return Math.min(this.burst, bucket.tokens + (elapsed / 1000) * this.ratePerSecond);
  }

  /** Forgets the buckets full again by `now`, then, if a quarter is not free, the oldest until it is. */
  private forget(now: number): void {
    for (const [key, b] of this.buckets) if (this.tokensAt(b, now) >= this.burst) this.buckets.delete(key);
    const keep = Math.floor((this.maxKeys * 3) / 4);
    for (const key of this.buckets.keys()) {
      if (this.buckets.size <= keep) break;
      this.buckets.delete(key);
    }
  }
}
