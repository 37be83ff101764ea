/**
 * Misuse signals (风险预警, L16, Z34(1)): what one grant's traffic at this gateway looks like, and what in it
 * should be looked at by a person. Pure and in memory: the monitor (misuse-monitor.ts) feeds each audited
 * request in and stores what this returns. Every detector compares the grant with a threshold of its own:
 *
 * - `volume`: rows served this hour against the grant's own mean hour over the last 7 days (once it has a day of
 *   history here), above a floor;
 * - `walk`: distinct pages served in the last 24 hours covering most of the dataset (walking it end to end);
 * - `probing`: many distinct equality filters in an hour (looking records up one by one);
 * - `denied`: refusals piling up in an hour;
 * - `off-hours`: calls outside the agreed hours (when hours are set);
 * - `new-address`: a call served from an address the grant was not used from before (after its first day); an
 *   address is what the gateway's limits count a caller by, an IPv6 caller's /64 (http/caller-address.ts).
 *   Refusals teach no address: sampled out of the audit log, they were remembered one address each.
 *
 * `strong` signals (twice the threshold, or a walk) carry a proposal to suspend the grant, which the owning body
 * confirms on the ledger or not: nothing here suspends anything.
 */
import crypto from 'node:crypto';
import type { MisuseSignal } from '@rdx/client';

/** The SDK's type is the contract: what a body and a regulator read is what this makes. */
export type SignalKind = MisuseSignal['kind'];
export type SignalStrength = MisuseSignal['strength'];
/** A signal as a grant's activity raises it; the monitor adds whom it is about. */
export type Signal = Pick<
  MisuseSignal,
  'id' | 'kind' | 'strength' | 'at' | 'measure' | 'threshold' | 'detail'
>;

export interface MisuseThresholds {
  /** Rows this hour at least this many times the grant's mean hour (RDX_MISUSE_VOLUME_FACTOR, 10). */
  volumeFactor: number;
  /** …and at least this many rows (RDX_MISUSE_VOLUME_MIN_ROWS, 5000). */
  volumeMinRows: number;
  /** Share of a dataset's rows served as distinct pages within 24 hours (RDX_MISUSE_WALK_SHARE, 0.8). */
  walkShare: number;
  /** Datasets smaller than this are never "walked" (200 rows). */
  walkMinRows: number;
  /** Distinct equality-filter queries in an hour (RDX_MISUSE_PROBES_PER_HOUR, 100). */
  probesPerHour: number;
  /** Refusals in an hour (RDX_MISUSE_DENIED_PER_HOUR, 30). */
  deniedPerHour: number;
  /** Agreed hours, China time, `[from, to)` (RDX_MISUSE_HOURS=08-20); none: no off-hours signal. */
  hours?: [number, number];
}

export const DEFAULT_THRESHOLDS: MisuseThresholds = {
  volumeFactor: 10,
  volumeMinRows: 5000,
  walkShare: 0.8,
  walkMinRows: 200,
  probesPerHour: 100,
  deniedPerHour: 30,
};

/** One audited request, as the detectors need it. */
export interface Observation {
  at: Date;
  decision: 'allow' | 'deny';
  rowCount: number;
  /** The request's canonical query (fields, filters, cursor, limit); absent for a refusal before it was read. */
  query?: string;
  /** Where the request came from. */
  address: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The volume baseline: the mean hour over this many days before the current hour. */
const BASELINE_DAYS = 7;

const CHINA_OFFSET = 8 * HOUR;

function digest(text: string): string {
  // In one call, without a Hash object: every audited request's query is digested here.
  return crypto.hash('sha256', text, 'hex').slice(0, 16);
}

/** The traffic of one grant (or, for refusals without one, one enterprise on one dataset) at this gateway. */
export class GrantActivity {
  /** Rows allowed and refusals per hour (hour number since the epoch), the last 8 days. */
  private readonly hours = new Map<number, { rows: number; denied: number }>();
  /** Distinct pages served in the last 24 hours: query digest → [time, rows]. */
  private readonly pages = new Map<string, [number, number]>();
  /** Distinct equality-filter queries in the last hour: query digest → time. */
  private readonly probes = new Map<string, number>();
  /** Rows of the distinct pages in `pages`. */
  private pageRows = 0;
  /** The volume baseline, computed once per hour: [hour, mean rows per hour]. */
  private baseline?: [number, number];
  private prunedAt = 0;
  private firstSeen?: number;

  constructor(
    /** The grant's id, or `<enterprise>/<dataset>`. */
    readonly key: string,
    /** Addresses the grant was used from (persisted by the monitor). */
    private readonly addresses: Set<string>,
  ) {}

  /** Feeds one request in; the signals it raised (each one once per window: their ids repeat). */
  observe(o: Observation, t: MisuseThresholds, datasetRows: number | undefined): Signal[] {
    const now = o.at.getTime();
    this.firstSeen ??= now;
    const hour = Math.floor(now / HOUR);
    const bucket = this.hours.get(hour) ?? { rows: 0, denied: 0 };
    this.hours.set(hour, bucket);
    this.prune(now, hour);
    const out: Signal[] = [];
    const signal = (
      kind: SignalKind,
      window: string,
      strength: SignalStrength,
      measure: number,
      threshold: number,
      detail: Record<string, unknown> = {},
    ): void => {
      out.push({
        // Once per grant, kind, window and strength: a warning that grows strong within its hour is told again.
        id: `sig_${digest(`${this.key}|${kind}|${window}|${strength}`)}`,
        kind,
        strength,
        at: o.at.toISOString(),
        measure,
        threshold,
        detail,
      });
    };
    const established = now - this.firstSeen >= DAY;

    if (o.decision === 'deny') {
      bucket.denied++;
      if (bucket.denied >= t.deniedPerHour)
        signal(
          'denied',
          `${hour}`,
          bucket.denied >= 2 * t.deniedPerHour ? 'strong' : 'warning',
          bucket.denied,
          t.deniedPerHour,
        );
      return out;
    }

    bucket.rows += o.rowCount;
    // Volume: this hour against the grant's own mean hour (empty hours count), once it has a day of history.
    if (established) {
      const mean = this.meanHour(hour, now);
      const threshold = Math.max(t.volumeMinRows, t.volumeFactor * mean);
      if (bucket.rows >= threshold)
        signal(
          'volume',
          `${hour}`,
          bucket.rows >= 2 * threshold ? 'strong' : 'warning',
          bucket.rows,
          threshold,
          {
            meanHourRows: Math.round(mean),
          },
        );
    }
    if (o.query) {
      const key = digest(o.query);
      // Walk: distinct pages within 24 hours (the same page fetched again counts once).
      if (!this.pages.has(key)) {
        this.pages.set(key, [now, o.rowCount]);
        this.pageRows += o.rowCount;
      }
      if (datasetRows !== undefined && datasetRows >= t.walkMinRows) {
        const rows = this.pageRows;
        const share = rows / datasetRows;
        if (share >= t.walkShare)
          signal('walk', `${Math.floor(now / DAY)}`, 'strong', Number(share.toFixed(3)), t.walkShare, {
            distinctRows: rows,
            datasetRows,
          });
      }
      // Probing: equality filters looked up one by one.
      if (/"op":"(eq|in)"/.test(o.query)) {
        this.probes.set(key, now);
        if (this.probes.size >= t.probesPerHour)
          signal(
            'probing',
            `${hour}`,
            this.probes.size >= 2 * t.probesPerHour ? 'strong' : 'warning',
            this.probes.size,
            t.probesPerHour,
          );
      }
    }
    if (t.hours) {
      const chinaHour = new Date(now + CHINA_OFFSET).getUTCHours();
      const [from, to] = t.hours;
      if (chinaHour < from || chinaHour >= to)
        signal('off-hours', `${Math.floor((now + CHINA_OFFSET) / DAY)}`, 'notice', chinaHour, from, {
          agreedHours: `${from}-${to}`,
        });
    }
    if (o.decision === 'allow' && !this.addresses.has(o.address)) {
      // Addresses of the first day are learnt; a new one after it is worth a look.
      if (established && this.addresses.size > 0)
        signal('new-address', o.address, 'notice', this.addresses.size, 0, { address: o.address });
      this.addresses.add(o.address);
    }
    return out;
  }

  /**
   * Takes in a request from before this process started (from the audit log, oldest first): history for the
   * baselines and windows, no signal, and no address (the log keeps none; the monitor's file does).
   */
  learn(o: Pick<Observation, 'at' | 'decision' | 'rowCount' | 'query'>): void {
    const at = o.at.getTime();
    this.firstSeen = Math.min(this.firstSeen ?? at, at);
    this.baseline = undefined;
    const hour = Math.floor(at / HOUR);
    const bucket = this.hours.get(hour) ?? { rows: 0, denied: 0 };
    this.hours.set(hour, bucket);
    if (o.decision === 'deny') {
      bucket.denied++;
      return;
    }
    bucket.rows += o.rowCount;
    if (!o.query) return;
    const key = digest(o.query);
    if (!this.pages.has(key)) {
      this.pages.set(key, [at, o.rowCount]);
      this.pageRows += o.rowCount;
    }
    if (/"op":"(eq|in)"/.test(o.query)) this.probes.set(key, at);
  }

  /** Addresses this grant was used from. */
  knownAddresses(): ReadonlySet<string> {
    return this.addresses;
  }

  /** The grant's mean rows per hour over the 7 days before `hour` (or its history here, if shorter). */
  private meanHour(hour: number, now: number): number {
    if (this.baseline?.[0] === hour) return this.baseline[1];
    let total = 0;
    for (const [h, b] of this.hours) if (h < hour && h >= hour - BASELINE_DAYS * 24) total += b.rows;
    const hoursOfHistory = Math.min(BASELINE_DAYS * 24, Math.floor((now - this.firstSeen!) / HOUR));
    const mean = total / Math.max(1, hoursOfHistory);
    this.baseline = [hour, mean];
    return mean;
  }

  /** Forgets what left the windows; at most once a minute, so a busy grant's requests stay cheap. */
  private prune(now: number, hour: number): void {
    if (now - this.prunedAt < 60_000) return;
    this.prunedAt = now;
    for (const h of this.hours.keys()) if (h < hour - (BASELINE_DAYS + 1) * 24) this.hours.delete(h);
    for (const [k, [at, rows]] of this.pages)
      if (at < now - DAY) {
        this.pages.delete(k);
        this.pageRows -= rows;
      }
    for (const [k, at] of this.probes) if (at < now - HOUR) this.probes.delete(k);
  }
}
