/**
 * Rate limits: a token bucket per grant (or per caller on unconditional data). Rates are per gateway: each
 * protects its own capacity. Daily quotas are counted in `GrantUsage` (grant-usage.ts), shared by gateways
 * on one database.
 */
export class Limiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /**
   * @param ratePerSecond tokens added per second.
   * @param burst the bucket's size: calls allowed at once after a quiet spell (default: one second's worth).
   */
  constructor(
    private readonly ratePerSecond: number,
    private readonly burst = ratePerSecond,
  ) {}

  /**
   * Takes one token from `key`'s bucket at `now` (ms); false when it is empty. A clock stepped back refills
   * nothing and takes nothing away.
   */
  take(key: string, now = Date.now()): boolean {
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    const elapsed = Math.max(0, now - bucket.at);
    const tokens = Math.min(this.burst, bucket.tokens + (elapsed / 1000) * this.ratePerSecond);
    if (tokens < 1) {
      this.buckets.set(key, { tokens, at: now });
      return false;
    }
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    return true;
  }
}
