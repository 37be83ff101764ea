/**
 * What a grant has used today: its calls (against the agreement's daily quota) and the ε of its computed
 * results (against the daily privacy budget). Days are China days. A gateway alone keeps the counts in memory
 * (restored from its audit log at start); gateways that share a PostgreSQL database keep them there, so that N
 * gateways never allow N times the agreed quota: each call takes its unit in one atomic statement.
 */
import type pg from 'pg';
import { connectPool, createOnce } from '../store/pg-pool.js';

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
