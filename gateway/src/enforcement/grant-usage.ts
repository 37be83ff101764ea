/**
 * What a grant has used today: its calls (against the agreement's daily quota) and the ε of its computed
 * results (against the daily privacy budget). Days are China days. A gateway alone keeps the counts in memory
 * (restored from its audit log at start); gateways that share a PostgreSQL database keep them there, so that N
 * gateways never allow N times the agreed quota: units are taken in atomic statements — calls in leases of up
 * to 1 % of the quota ({@link LeasedCalls}), so a busy grant does not serialise every call on one row.
 */
import type pg from 'pg';
import type { GrantUsageSince } from '../audit/audit-log.js';
import { connectPool, createOnce } from '../store/pg-pool.js';
import { chinaToday } from './decide.js';

export type UsageKind = 'calls' | 'epsilon';

export interface GrantUsage {
  /**
   * Adds `amount` to today's `kind` of `grantId` when the total stays within `limit`; false (nothing added)
   * when it would not.
   */
  take(grantId: string, day: string, kind: UsageKind, amount: number, limit: number): Promise<boolean>;
  used(grantId: string, day: string, kind: UsageKind): Promise<number>;
  close(): Promise<void>;
}

/** Counts kept by this gateway alone (a small tolerance absorbs the rounding of ε sums). */
export class MemoryGrantUsage implements GrantUsage {
  private readonly counts = new Map<string, { day: string; used: number }>();

  /** Seeds today's usage (from the audit log at start). */
  restore(grantId: string, day: string, kind: UsageKind, used: number): void {
    this.counts.set(`${kind}\u0000${grantId}`, { day, used });
  }

  take(grantId: string, day: string, kind: UsageKind, amount: number, limit: number): Promise<boolean> {
    const key = `${kind}\u0000${grantId}`;
    const c = this.counts.get(key);
    const used = c && c.day === day ? c.used : 0;
    if (used + amount > limit + 1e-9) return Promise.resolve(false);
    this.counts.set(key, { day, used: used + amount });
    return Promise.resolve(true);
  }

  used(grantId: string, day: string, kind: UsageKind): Promise<number> {
    const c = this.counts.get(`${kind}\u0000${grantId}`);
    return Promise.resolve(c && c.day === day ? c.used : 0);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * Seeds `usage` with what each grant used today (a China day) by the calls `log` recorded: a gateway alone
 * restarting mid-day neither forgets its quotas nor walks the day's records one by one.
 */
export function restoreQuotas(
  log: { usageSince(since: string): GrantUsageSince[] },
  usage: MemoryGrantUsage,
  now: Date,
): void {
  const today = chinaToday(now);
  for (const { grantId, calls, epsilon } of log.usageSince(
    new Date(`${today}T00:00:00+08:00`).toISOString(),
  )) {
    usage.restore(grantId, today, 'calls', calls);
    if (epsilon > 0) usage.restore(grantId, today, 'epsilon', epsilon);
  }
}

const SCHEMA_LOCK = 7_266_520_004;

/** Counts shared by every gateway on one PostgreSQL database. */
export class PgGrantUsage implements GrantUsage {
  private constructor(private readonly pool: pg.Pool) {}

  static async open(connectionString: string): Promise<PgGrantUsage> {
    const pool = await connectPool(connectionString, 4);
    await createOnce(
      pool,
      SCHEMA_LOCK,
      `CREATE TABLE IF NOT EXISTS rdx_grant_usage (grant_id text NOT NULL, day text NOT NULL,
        kind text NOT NULL, used double precision NOT NULL, PRIMARY KEY (grant_id, day, kind))`,
    );
    return new PgGrantUsage(pool);
  }

  /**
   * One statement: the row is created with `amount`, or its total raised by `amount` only while it stays
   * within the limit. Concurrent calls from any gateway serialise on the row, so the limit holds across them.
   */
  async take(grantId: string, day: string, kind: UsageKind, amount: number, limit: number): Promise<boolean> {
    if (amount > limit + 1e-9) return false;
    const result = await this.pool.query(
      `INSERT INTO rdx_grant_usage (grant_id, day, kind, used) VALUES ($1, $2, $3, $4)
       ON CONFLICT (grant_id, day, kind) DO UPDATE SET used = rdx_grant_usage.used + EXCLUDED.used
       WHERE rdx_grant_usage.used + EXCLUDED.used <= $5 + 1e-9
       RETURNING used`,
      [grantId, day, kind, amount, limit],
    );
    return result.rowCount === 1;
  }

  async used(grantId: string, day: string, kind: UsageKind): Promise<number> {
    const result = await this.pool.query<{ used: number }>(
      'SELECT used FROM rdx_grant_usage WHERE grant_id = $1 AND day = $2 AND kind = $3',
      [grantId, day, kind],
    );
    return result.rows[0]?.used ?? 0;
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/**
 * Calls taken from shared counts a lease at a time: one atomic statement reserves up to 1 % of the daily quota
 * (at most {@link MAX_LEASE} calls) for this gateway, and calls are then counted here until it is used up. Every
 * call of a grant otherwise waits for its turn on the grant's row and for that transaction's commit: 16 callers
 * on one grant got ~1000 calls/s through a PostgreSQL gateway (docs/PERFORMANCE.md, figure 1p). The quota still
 * holds across gateways — every lease is taken from the shared count first — and when a whole lease no longer
 * fits, calls are taken one by one. What leasing costs: calls one gateway holds leased and does not use that day
 * (at most one lease, 1 % of the quota, per gateway and grant; also what a restart drops) are not served by
 * another, so with N gateways a grant may be refused up to N % of its quota early.
 * ε amounts are taken directly (they are few and fractional).
 */
export class LeasedCalls implements GrantUsage {
  private readonly leases = new Map<
    string,
    { day: string; left: number; exhaustedAt?: number; pending?: Promise<void> }
  >();

  constructor(private readonly shared: GrantUsage) {}

  async take(grantId: string, day: string, kind: UsageKind, amount: number, limit: number): Promise<boolean> {
    if (kind !== 'calls' || amount !== 1) return this.shared.take(grantId, day, kind, amount, limit);
    for (;;) {
      let lease = this.leases.get(grantId);
      // A new day starts with no lease (what was left of yesterday's is yesterday's).
      if (!lease || lease.day !== day) this.leases.set(grantId, (lease = { day, left: 0 }));
      if (lease.left >= 1) {
        lease.left--;
        return true;
      }
      // A quota used up stays used up for the day (unless the agreed quota is larger than when it was).
      if (lease.exhaustedAt !== undefined && limit <= lease.exhaustedAt) return false;
      if (lease.pending) {
        // One lease at a time per grant: those who come meanwhile wait for it instead of asking again.
        await lease.pending;
        continue;
      }
      const current = lease;
      current.pending = this.lease(grantId, day, limit, current).finally(() => (current.pending = undefined));
      await current.pending;
    }
  }

  private async lease(
    grantId: string,
    day: string,
    limit: number,
    lease: { left: number; exhaustedAt?: number },
  ): Promise<void> {
    const size = Math.max(1, Math.min(MAX_LEASE, Math.floor(limit / 100)));
    if (size > 1 && (await this.shared.take(grantId, day, 'calls', size, limit))) lease.left += size;
    else if (await this.shared.take(grantId, day, 'calls', 1, limit)) lease.left += 1;
    else lease.exhaustedAt = limit;
  }

  /** Calls made: the shared count less what this gateway holds leased and has not used. */
  async used(grantId: string, day: string, kind: UsageKind): Promise<number> {
    const total = await this.shared.used(grantId, day, kind);
    const lease = this.leases.get(grantId);
    return kind === 'calls' && lease?.day === day ? total - lease.left : total;
  }

  close(): Promise<void> {
    return this.shared.close();
  }
}

/** Largest lease of calls, whatever the quota. */
export const MAX_LEASE = 64;
