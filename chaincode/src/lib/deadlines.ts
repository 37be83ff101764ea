/**
 * Deadlines in working days, computed only from the transaction time and the calendar the bureau keeps on
 * the ledger, so every endorsing peer computes the same date.
 */
import type { RdxContext } from './context';
import { tryLoad } from './store';
import { addWorkingDays, chinaDate, parseCalendarYear, type CalendarYear } from '../models/calendar';

/** Today in China time (UTC+8): the date every deadline counts from. */
export function today(ctx: RdxContext): string {
  return chinaDate(ctx.now());
}

/** The calendars of this year and the next two (enough for any 15-working-day deadline). */
export async function loadCalendars(ctx: RdxContext): Promise<Map<number, CalendarYear>> {
  const year = Number(today(ctx).slice(0, 4));
  const years = new Map<number, CalendarYear>();
  for (const y of [year - 1, year, year + 1, year + 2]) {
    const cal = await tryLoad(ctx, 'calendar', String(y), parseCalendarYear);
    if (cal) years.set(y, cal);
  }
  return years;
}

/** The date `n` working days after today. @throws CALENDAR_MISSING when the calendar does not reach it. */
export async function workingDaysFromToday(ctx: RdxContext, n: number): Promise<string> {
  return addWorkingDays(today(ctx), n, await loadCalendars(ctx));
}

export interface Deadline {
  /** The workflow step the deadline is for, e.g. `formal-review`. */
  step: string;
  /** Last day (inclusive) in China time. */
  due: string;
  /** Rule it comes from, e.g. `L11: 15 working days`. */
  rule: string;
}
