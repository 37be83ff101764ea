/**
 * Figures for regulators read from the gateway's access log: decisions per hour and per day, and this
 * gateway's anchors. The log is only read through the AuditSink interface (bySeq, size, anchorCovering,
 * lastAnchor), newest record first, stopping once records are older than the window.
 */
import type { AnchorRecord, AuditRecord, AuditSink } from '../services.js';

/** Records are stamped on arrival and committed in groups, so times may be slightly out of order. */
const SLACK_MS = 5 * 60_000;
/** The most records one scan reads; a busier window is reported as truncated. */
export const MAX_SCAN = 200_000;

export interface ScanResult {
  scanned: number;
  truncated: boolean;
}

/** Visits every record whose time is at or after `sinceMs`, newest first. */
export async function scanSince(
  audit: AuditSink,
  sinceMs: number,
  visit: (r: AuditRecord, timeMs: number) => void,
  max = MAX_SCAN,
): Promise<ScanResult> {
  let scanned = 0;
  for (let seq = audit.size() - 1; seq >= 0; seq--) {
    if (scanned >= max) return { scanned, truncated: true };
    const r = await audit.bySeq(seq);
    if (!r) continue;
    scanned++;
    const t = Date.parse(r.time);
    if (Number.isNaN(t)) continue;
    if (t < sinceMs - SLACK_MS) break;
    if (t >= sinceMs) visit(r, t);
  }
  return { scanned, truncated: false };
}

export interface HourBucket {
  hour: string;
  allow: number;
  deny: number;
}

/** Allowed and denied requests in each of the last `hours` hours (the current one last). */
export async function decisionsPerHour(
  audit: AuditSink,
  now: Date,
  hours = 24,
): Promise<{ hours: HourBucket[]; reasons: { reason: string; count: number }[] } & ScanResult> {
  const current = Math.floor(now.getTime() / 3_600_000) * 3_600_000;
  const start = current - (hours - 1) * 3_600_000;
  const buckets: HourBucket[] = Array.from({ length: hours }, (_, i) => ({
    hour: new Date(start + i * 3_600_000).toISOString(),
    allow: 0,
    deny: 0,
  }));
  const reasons = new Map<string, number>();
  const scan = await scanSince(audit, start, (r, t) => {
    const bucket = buckets[Math.floor((t - start) / 3_600_000)];
    if (!bucket) return;
    bucket[r.decision]++;
    if (r.decision === 'deny') reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
  });
  return {
    hours: buckets,
    reasons: [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count),
    ...scan,
  };
}

const CHINA_OFFSET_MS = 8 * 3_600_000;

/** The calendar day in China (UTC+8) of a time, as quotas count days. */
export function chinaDay(ms: number): string {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a China calendar day (`YYYY-MM-DD`) begins. */
export function chinaDayStart(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) - CHINA_OFFSET_MS;
}

export interface DayBucket {
  day: string;
  allow: number;
  deny: number;
}

/** One grant's calls per China day over the last `days` days (today last), with the reasons of denials. */
export async function grantCallsPerDay(
  audit: AuditSink,
  grantId: string,
  now: Date,
  days: number,
): Promise<{ days: DayBucket[]; reasons: { reason: string; count: number }[]; rows: number } & ScanResult> {
  const todayStart = chinaDayStart(chinaDay(now.getTime()));
  const start = todayStart - (days - 1) * 86_400_000;
  const buckets: DayBucket[] = Array.from({ length: days }, (_, i) => ({
    day: chinaDay(start + i * 86_400_000),
    allow: 0,
    deny: 0,
  }));
  const index = new Map(buckets.map((b, i) => [b.day, i]));
  const reasons = new Map<string, number>();
  let rows = 0;
  const scan = await scanSince(audit, start, (r, t) => {
    if (r.grantId !== grantId) return;
    const bucket = buckets[index.get(chinaDay(t)) ?? -1];
    if (!bucket) return;
    bucket[r.decision]++;
    if (r.decision === 'allow') rows += r.rowCount;
    else reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
  });
  return {
    days: buckets,
    reasons: [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count),
    rows,
    ...scan,
  };
}

/**
 * This gateway's anchors, newest first: at most `limit`, with sequence below `before` when given. Anchors
 * tile the log, so the one before an anchor is the one covering the record before its first.
 */
export async function anchorsNewestFirst(
  audit: AuditSink,
  limit: number,
  before?: number,
): Promise<AnchorRecord[]> {
  const out: AnchorRecord[] = [];
  let a = audit.lastAnchor();
  while (a && out.length < limit) {
    if (before === undefined || a.sequence < before) out.push(a);
    if (a.firstRecord <= 0) break;
    const previous = await audit.anchorCovering(a.firstRecord - 1);
    if (!previous || previous.sequence >= a.sequence) break;
    a = previous;
  }
  return out;
}
