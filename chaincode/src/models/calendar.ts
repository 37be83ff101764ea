/**
 * Working-day (工作日) arithmetic for statutory deadlines, under the official calendar of public holidays and
 * adjusted working days (调休) that the bureau keeps on the ledger, one record per year.
 *
 * Every function works on calendar dates written `YYYY-MM-DD` in China time (UTC+8) and uses only UTC
 * arithmetic on those strings: never the local clock or the local timezone, so every endorsing peer computes
 * the same deadline from the same transaction timestamp.
 */
import { RdxError, ErrorCode } from '../lib/errors';

/** The official calendar of one year. */
export interface CalendarYear {
  year: number;
  /** Dates that are not working days: every official day off, including those that fall on a weekend. */
  holidays: string[];
  /** Weekend dates that are working days (调休). */
  workdays: string[];
}

export const MIN_CALENDAR_YEAR = 2000;
export const MAX_CALENDAR_YEAR = 2100;
/** A year has about 30 days off and a handful of 调休 days; the cap bounds what a bad argument can cost. */
export const MAX_CALENDAR_ENTRIES = 60;
/** Larger counts are not statutory deadlines but mistakes, and would walk the calendar for years. */
export const MAX_WORKING_DAYS = 400;

const MS_PER_DAY = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
/** An ISO-8601 instant with an explicit zone: without one, JavaScript would read it in the local timezone. */
const INSTANT_PATTERN =
  /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

function invalid(detail: string): RdxError {
  return new RdxError(ErrorCode.INVALID_ARGUMENT, detail);
}

/** Shows a caller's value in an error message, cut short so a huge argument cannot bloat the response. */
function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  return Array.isArray(value) ? 'an array' : `a value of type ${typeof value}`;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Days since 1970-01-01 of a calendar date. `setUTCFullYear` rather than `Date.UTC`, which reads years 0–99
 * as 1900–1999.
 */
function dayNumberOf(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return Math.round(date.getTime() / MS_PER_DAY);
}

interface ParsedDate {
  text: string;
  year: number;
  month: number;
  day: number;
  dayNumber: number;
}

/** Splits a `YYYY-MM-DD` string, or throws INVALID_ARGUMENT naming `what` unless it is a real calendar date. */
function parseDate(value: unknown, what: string): ParsedDate {
  const match = typeof value === 'string' ? DATE_PATTERN.exec(value) : null;
  if (!match) throw invalid(`${what} must be a date written YYYY-MM-DD, got ${quote(value)}`);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    throw invalid(`${what} ${quote(value)} is not a real calendar date`);
  }
  return { text: match[0], year, month, day, dayNumber: dayNumberOf(year, month, day) };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function formatYmd(year: number, month: number, day: number): string {
  if (year < 0 || year > 9999) throw invalid(`the resulting date falls in year ${year}, outside 0000–9999`);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

function formatDayNumber(dayNumber: number): string {
  const date = new Date(dayNumber * MS_PER_DAY);
  return formatYmd(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
}

/** 0 = Sunday … 6 = Saturday. */
function weekdayOf(dayNumber: number): number {
  return new Date(dayNumber * MS_PER_DAY).getUTCDay();
}

function isWeekend(dayNumber: number): boolean {
  const weekday = weekdayOf(dayNumber);
  return weekday === 0 || weekday === 6;
}

function parseDateList(raw: unknown, field: 'holidays' | 'workdays', year: number): string[] {
  if (!Array.isArray(raw)) throw invalid(`calendar ${year}: ${field} must be an array of dates`);
  if (raw.length > MAX_CALENDAR_ENTRIES) {
    throw invalid(
      `calendar ${year}: ${field} has ${raw.length} dates, at most ${MAX_CALENDAR_ENTRIES} allowed`,
    );
  }
  const seen = new Set<string>();
  for (const [index, value] of (raw as unknown[]).entries()) {
    const what = `calendar ${year}: ${field}[${index}]`;
    const date = parseDate(value, what);
    if (date.year !== year) throw invalid(`${what} ${quote(date.text)} is not in ${year}`);
    if (seen.has(date.text)) throw invalid(`${what} ${quote(date.text)} is listed twice`);
    if (field === 'workdays' && !isWeekend(date.dayNumber)) {
      throw invalid(
        `${what} ${quote(date.text)} is a weekday; adjusted working days must be Saturdays or Sundays`,
      );
    }
    seen.add(date.text);
  }
  return [...seen].sort();
}

/**
 * Validates a calendar year from an untrusted source (a chaincode argument or ledger state) and returns a
 * normalised copy with both lists sorted. Fields other than the three of {@link CalendarYear} are ignored.
 *
 * @throws RdxError INVALID_ARGUMENT naming the bad field or date.
 */
export function parseCalendarYear(raw: unknown): CalendarYear {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw invalid('a calendar year must be an object { year, holidays, workdays }');
  }
  const record = raw as Record<string, unknown>;
  const year = record.year;
  if (
    typeof year !== 'number' ||
    !Number.isInteger(year) ||
    year < MIN_CALENDAR_YEAR ||
    year > MAX_CALENDAR_YEAR
  ) {
    throw invalid(
      `calendar year must be an integer from ${MIN_CALENDAR_YEAR} to ${MAX_CALENDAR_YEAR}, got ${quote(year)}`,
    );
  }
  const holidays = parseDateList(record.holidays, 'holidays', year);
  const workdays = parseDateList(record.workdays, 'workdays', year);
  const both = workdays.find((date) => holidays.includes(date));
  if (both !== undefined) {
    throw invalid(`calendar ${year}: ${quote(both)} is listed both as a holiday and as a working day`);
  }
  return { year, holidays, workdays };
}

/**
 * The China-time (UTC+8) calendar date of an ISO-8601 instant, e.g. `2025-12-31T17:00:00.000Z` → `2026-01-01`.
 * The instant must carry its zone (`Z` or `±HH:MM`). Parsed by hand rather than with `Date.parse`, which
 * silently rolls `02-30` over into March.
 *
 * @throws RdxError INVALID_ARGUMENT for anything else.
 */
export function chinaDate(isoTimestamp: string): string {
  const malformed = (): RdxError =>
    invalid(`timestamp must be an ISO-8601 instant with a zone, got ${quote(isoTimestamp)}`);
  const match = typeof isoTimestamp === 'string' ? INSTANT_PATTERN.exec(isoTimestamp) : null;
  if (!match) throw malformed();
  const [, date, hh, mm, ss = '0', sign, offsetH = '0', offsetM = '0'] = match;
  const hours = Number(hh);
  const minutes = Number(mm);
  const offsetMinutes = (sign === '-' ? -1 : 1) * (Number(offsetH) * 60 + Number(offsetM));
  if (hours > 23 || minutes > 59 || Number(ss) > 59 || Number(offsetH) > 23 || Number(offsetM) > 59) {
    throw malformed();
  }
  // Whole minutes since the UTC epoch; seconds and their fractions cannot move the date, so they are dropped.
  const utcMinutes =
    parseDate(date, 'timestamp date').dayNumber * 1440 + hours * 60 + minutes - offsetMinutes;
  return formatDayNumber(Math.floor((utcMinutes + 8 * 60) / 1440));
}

/**
 * The China day a recorded moment fell on, for counting it in a period: {@link chinaDate} of an instant; a value
 * stored as a plain date (or anything else) counts by its first ten characters, as before.
 */
export function chinaDayOf(recorded: string): string {
  return INSTANT_PATTERN.test(recorded) ? chinaDate(recorded) : recorded.slice(0, 10);
}

function calendarFor(year: number, years: ReadonlyMap<number, CalendarYear>): CalendarYear {
  const calendar = years.get(year);
  if (!calendar) {
    throw new RdxError(
      ErrorCode.CALENDAR_MISSING,
      `no working-day calendar for ${year}; the bureau must record the ${year} calendar first`,
    );
  }
  return calendar;
}

function isWorkingDayNumber(dayNumber: number, years: ReadonlyMap<number, CalendarYear>): boolean {
  const date = formatDayNumber(dayNumber);
  const calendar = calendarFor(Number(date.slice(0, 4)), years);
  if (calendar.holidays.includes(date)) return false;
  if (calendar.workdays.includes(date)) return true;
  return !isWeekend(dayNumber);
}

/**
 * Whether `date` is a working day: an official holiday never is, an adjusted working day (调休) always is,
 * otherwise Monday to Friday are. `years` maps a year to its calendar as returned by {@link parseCalendarYear}.
 *
 * @throws RdxError CALENDAR_MISSING naming the year when `years` has no calendar for it.
 */
export function isWorkingDay(date: string, years: ReadonlyMap<number, CalendarYear>): boolean {
  return isWorkingDayNumber(parseDate(date, 'date').dayNumber, years);
}

/** The date `n` calendar days after `start` (before it for a negative `n`). */
export function addCalendarDays(start: string, n: number): string {
  return formatDayNumber(parseDate(start, 'start date').dayNumber + n);
}

/** Calendar days from `start` to `end` (negative when `end` is earlier). */
export function calendarDaysBetween(start: string, end: string): number {
  return parseDate(end, 'end date').dayNumber - parseDate(start, 'start date').dayNumber;
}

/**
 * The n-th working day after `start`: `start` itself never counts, so from a Friday n = 1 is the next Monday
 * if that is a working day. `n` is an integer from 1 to {@link MAX_WORKING_DAYS}.
 *
 * @throws RdxError CALENDAR_MISSING when the count reaches a year without a calendar.
 */
export function addWorkingDays(start: string, n: number, years: ReadonlyMap<number, CalendarYear>): string {
  let day = parseDate(start, 'start date').dayNumber;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_WORKING_DAYS) {
    throw invalid(`working-day count must be an integer from 1 to ${MAX_WORKING_DAYS}, got ${quote(n)}`);
  }
  // Terminates: a validated calendar leaves at least 365 − 2×53 − 60 working days in any year, and a year
  // with no calendar throws.
  for (let counted = 0; counted < n;) {
    day += 1;
    if (isWorkingDayNumber(day, years)) counted += 1;
  }
  return formatDayNumber(day);
}

/**
 * The number of working days d with `from` < d ≤ `to`, 0 when `to` ≤ `from`: how many working days a deadline
 * of `from` is overdue on `to`. `workingDaysBetween(s, addWorkingDays(s, n, y), y) === n`.
 *
 * @throws RdxError CALENDAR_MISSING when the range touches a year without a calendar.
 */
export function workingDaysBetween(
  from: string,
  to: string,
  years: ReadonlyMap<number, CalendarYear>,
): number {
  const first = parseDate(from, 'from date').dayNumber;
  const last = parseDate(to, 'to date').dayNumber;
  let count = 0;
  for (let day = first + 1; day <= last; day += 1) {
    if (isWorkingDayNumber(day, years)) count += 1;
  }
  return count;
}

/**
 * The years whose calendars a working-day count over the dates from `start` to `end` reads, in order. The end
 * of {@link addWorkingDays} is not known in advance: up to {@link MAX_WORKING_DAYS} working days can reach two
 * years past the start year, while an ordinary deadline of a few weeks needs at most the start year and the next.
 */
export function yearsNeeded(start: string, end: string): number[] {
  const first = parseDate(start, 'start date').year;
  const last = parseDate(end, 'end date').year;
  const years: number[] = [];
  for (let year = first; year <= last; year += 1) years.push(year);
  return years;
}

/**
 * Owner reviews are batched quarterly and due by Mar 30, Jun 30, Sep 30 and Dec 30 (calendar dates, not
 * working days): the first of those on or after `date`. Dec 31 rolls to the next year's Mar 30.
 */
export function nextQuarterlyDue(date: string): string {
  const { year } = parseDate(date, 'date');
  for (const month of [3, 6, 9, 12]) {
    const due = formatYmd(year, month, 30);
    // Same-width YYYY-MM-DD strings order like the dates they name.
    if (due >= date) return due;
  }
  return formatYmd(year + 1, 3, 30);
}

/**
 * `date` plus a whole number of calendar months (negative goes back), clamped to the end of a shorter month:
 * 2025-11-30 + 3 → 2026-02-28. Used for the 3-month product-publication deadline.
 */
export function addMonths(date: string, months: number): string {
  const { year, month, day } = parseDate(date, 'date');
  if (typeof months !== 'number' || !Number.isSafeInteger(months)) {
    throw invalid(`months must be an integer, got ${quote(months)}`);
  }
  const monthIndex = year * 12 + (month - 1) + months;
  const newYear = Math.floor(monthIndex / 12);
  const newMonth = monthIndex - newYear * 12 + 1;
  return formatYmd(newYear, newMonth, Math.min(day, daysInMonth(newYear, newMonth)));
}

/** A period `YYYY` or `YYYYQn` as its first and last day. @throws RdxError INVALID_ARGUMENT */
export function periodRange(period: unknown): { period: string; from: string; to: string; quarters: number } {
  const p = typeof period === 'string' ? period : '';
  const m = /^(\d{4})(?:Q([1-4]))?$/.exec(p);
  if (!m)
    throw new RdxError(
      ErrorCode.INVALID_ARGUMENT,
      `period must be a year (2026) or a quarter (2026Q4), not "${p.slice(0, 16)}"`,
    );
  const year = m[1]!;
  if (!m[2]) return { period: p, from: `${year}-01-01`, to: `${year}-12-31`, quarters: 4 };
  const q = Number(m[2]);
  const first = `${year}-${String(3 * q - 2).padStart(2, '0')}-01`;
  const next = q === 4 ? `${Number(year) + 1}-01-01` : `${year}-${String(3 * q + 1).padStart(2, '0')}-01`;
  return { period: p, from: first, to: addCalendarDays(next, -1), quarters: 1 };
}
