/**
 * How an opening body performs (L23, Z38 绩效考核), per period, from what the ledger records: its datasets and
 * whether they are updated as often as they promise, the demands it received, its owner reviews against their
 * deadlines, the grants it issued and has live, and the complaints about its data and how they were handled.
 * Calls served are not on the ledger: the gateway adds them from its access log.
 */
import type { RdxContext } from '../lib/context';
import { today } from '../lib/deadlines';
import { RdxError } from '../lib/errors';
import { idsByIndex } from '../lib/keys';
import { eachOfType } from '../lib/listing';
import { tryLoad } from '../lib/store';
import { loadApplicationShell } from './application';
import {
  addCalendarDays,
  chinaDayOf,
  parseCalendarYear,
  periodRange,
  workingDaysBetween,
  yearsNeeded,
  type CalendarYear,
} from './calendar';
import { loadComplaintShell } from './complaint';
import { parseDataset, type Dataset } from './dataset';
import { loadGrantShell } from './grant';

/** How old the latest version may be for a dataset to count as updated as its frequency promises (days). */
const FRESH_FOR_DAYS: Partial<Record<Dataset['updateFrequency'], number>> = {
  realtime: 2,
  daily: 2,
  weekly: 8,
  monthly: 32,
  quarterly: 93,
  yearly: 367,
};

export interface BodyPerformance {
  body: string;
  period: string;
  from: string;
  to: string;
  datasets: {
    /** Catalogued by the end of the period. */
    listed: number;
    registeredInPeriod: number;
    versionsInPeriod: number;
    /** Of those with a promised frequency, as of today: the latest version is recent enough, or not. */
    upToDate: number;
    stale: number;
  };
  /** Applications naming the body, submitted in the period. */
  demandsReceived: number;
  ownerReviews: {
    doneInPeriod: number;
    onTime: number;
    late: number;
    /** Waiting for this body's review past its deadline, as of today. */
    overdueNow: number;
    /**
     * Working days from the formal review's acceptance to this body's review, over the reviews done in the
     * period whose days the ledger's calendars cover (one decimal); absent when there is none.
     */
    workingDays?: { mean: number; max: number };
  };
  grants: { issuedInPeriod: number; liveNow: number };
  complaints: {
    filedInPeriod: number;
    resolvedInPeriod: number;
    resolvedOnTime: number;
    complainantToldOnTime: number;
    /** Open past their deadline, as of today. */
    overdueNow: number;
  };
}

/** The performance of `body` in `period` (a year or quarter). @throws RdxError INVALID_ARGUMENT for the period */
export async function bodyPerformance(
  ctx: RdxContext,
  body: string,
  period: unknown,
): Promise<BodyPerformance> {
  const range = periodRange(period);
  const within = (day: string | undefined): boolean => !!day && day >= range.from && day <= range.to;
  const now = today(ctx);
  const p: BodyPerformance = {
    body,
    period: range.period,
    from: range.from,
    to: range.to,
    datasets: { listed: 0, registeredInPeriod: 0, versionsInPeriod: 0, upToDate: 0, stale: 0 },
    demandsReceived: 0,
    ownerReviews: { doneInPeriod: 0, onTime: 0, late: 0, overdueNow: 0 },
    grants: { issuedInPeriod: 0, liveNow: 0 },
    complaints: {
      filedInPeriod: 0,
      resolvedInPeriod: 0,
      resolvedOnTime: 0,
      complainantToldOnTime: 0,
      overdueNow: 0,
    },
  };
  for await (const d of eachOfType(ctx, 'dataset', parseDataset)) {
    if (d.owner !== body || chinaDayOf(d.registeredAt) > range.to) continue;
    p.datasets.listed++;
    if (within(chinaDayOf(d.registeredAt))) p.datasets.registeredInPeriod++;
    p.datasets.versionsInPeriod += d.versions.filter((v) => within(chinaDayOf(v.loadedAt))).length;
    const fresh = FRESH_FOR_DAYS[d.updateFrequency];
    if (fresh === undefined) continue;
    const loadedAt = d.versions.at(-1)?.loadedAt;
    const latest = loadedAt === undefined ? undefined : chinaDayOf(loadedAt);
    if (latest && addCalendarDays(latest, fresh) >= now) p.datasets.upToDate++;
    else p.datasets.stale++;
  }
  const took: number[] = [];
  const calendars = calendarReader(ctx);
  for (const id of await idsByIndex(ctx, 'application~body', [body])) {
    const a = await loadApplicationShell(ctx, id);
    if (within(chinaDayOf(a.submittedAt))) p.demandsReceived++;
    const review = a.ownerReviews[body];
    if (review && within(chinaDayOf(review.at))) {
      p.ownerReviews.doneInPeriod++;
      if (review.due && chinaDayOf(review.at) > review.due) p.ownerReviews.late++;
      else p.ownerReviews.onTime++;
      const began = a.formalReview?.decision === 'accepted' ? chinaDayOf(a.formalReview.at) : undefined;
      const days = began && (await calendars.workingDays(began, chinaDayOf(review.at)));
      if (typeof days === 'number') took.push(days);
    }
    const due = a.ownerReviewDue?.[body] ?? a.deadline?.due;
    if (!review && a.state === 'OWNER_REVIEW' && due && due < now) p.ownerReviews.overdueNow++;
  }
  if (took.length)
    p.ownerReviews.workingDays = {
      mean: Math.round((took.reduce((x, y) => x + y, 0) / took.length) * 10) / 10,
      max: Math.max(...took),
    };
  for (const id of await idsByIndex(ctx, 'grant~body', [body])) {
    const g = await loadGrantShell(ctx, id);
    if (within(chinaDayOf(g.grantedAt))) p.grants.issuedInPeriod++;
    if (g.state === 'ACTIVE' || g.state === 'SUSPENDED') p.grants.liveNow++;
  }
  for (const id of await idsByIndex(ctx, 'complaint~body~state', [body])) {
    const c = await loadComplaintShell(ctx, id);
    if (within(chinaDayOf(c.filedAt))) p.complaints.filedInPeriod++;
    if (c.outcome && within(chinaDayOf(c.outcome.at))) {
      p.complaints.resolvedInPeriod++;
      if (chinaDayOf(c.outcome.at) <= c.deadline.due) p.complaints.resolvedOnTime++;
      if (c.notification && c.notification.notifiedOn <= c.deadline.due) p.complaints.complainantToldOnTime++;
    }
    if (c.state === 'OPEN' && c.deadline.due < now) p.complaints.overdueNow++;
  }
  return p;
}

/**
 * Working days between two days, reading each year's calendar from the ledger once; undefined when a year the
 * range touches has none (the review's duration is then left out rather than guessed).
 */
function calendarReader(ctx: RdxContext): {
  workingDays(from: string, to: string): Promise<number | undefined>;
} {
  const years = new Map<number, CalendarYear>();
  const absent = new Set<number>();
  return {
    async workingDays(from, to) {
      for (const y of yearsNeeded(from, to)) {
        if (years.has(y) || absent.has(y)) continue;
        const cal = await tryLoad(ctx, 'calendar', String(y), parseCalendarYear);
        if (cal) years.set(y, cal);
        else absent.add(y);
      }
      try {
        return workingDaysBetween(from, to, years);
      } catch (err) {
        if (err instanceof RdxError && err.code === 'CALENDAR_MISSING') return undefined;
        throw err;
      }
    },
  };
}
