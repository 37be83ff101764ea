/**
 * Per-grant daily quota (from the agreement) and rate limit (token bucket). Counts are in memory and
 * restored from the audit log at start, so a restart does not reset a day's quota.
 */
export class Limiter {
  private readonly daily = new Map<string, { day: string; used: number }>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly ratePerSecond: number) {}

  /** Seeds today's usage of a grant (from the audit log). */
  restore(grantId: string, day: string, used: number): void {
    this.daily.set(grantId, { day, used });
  }

  /** Takes one call from the grant's quota and bucket; says which limit stopped it, if any. */
  take(
    grantId: string,
    dailyQuota: number,
    day: string,
    now = Date.now(),
  ): 'ok' | 'QUOTA_EXCEEDED' | 'RATE_LIMITED' {
    const count = this.daily.get(grantId);
    const used = count && count.day === day ? count.used : 0;
    if (used >= dailyQuota) return 'QUOTA_EXCEEDED';
    const bucket = this.buckets.get(grantId) ?? { tokens: this.ratePerSecond, at: now };
    const tokens = Math.min(
      this.ratePerSecond,
      bucket.tokens + ((now - bucket.at) / 1000) * this.ratePerSecond,
    );
    if (tokens < 1) {
      this.buckets.set(grantId, { tokens, at: now });
      return 'RATE_LIMITED';
    }
    this.buckets.set(grantId, { tokens: tokens - 1, at: now });
    this.daily.set(grantId, { day, used: used + 1 });
    return 'ok';
  }

  usedToday(grantId: string, day: string): number {
    const count = this.daily.get(grantId);
    return count && count.day === day ? count.used : 0;
  }
}
