import { expect } from 'chai';
import {
  addMonths,
  addWorkingDays,
  chinaDate,
  chinaDayOf,
  isWorkingDay,
  MAX_CALENDAR_ENTRIES,
  nextQuarterlyDue,
  parseCalendarYear,
  workingDaysBetween,
  yearsNeeded,
} from './calendar';
import type { CalendarYear } from './calendar';
import { CALENDAR_SEED } from '../data/calendar-seed';
import { errorCodeOf } from '../lib/errors';

function calendars(...list: CalendarYear[]): Map<number, CalendarYear> {
  return new Map(list.map((calendar) => [calendar.year, parseCalendarYear(calendar)]));
}

function seedYear(year: number): CalendarYear {
  const found = CALENDAR_SEED.find((calendar) => calendar.year === year);
  expect(found, `seed has ${year}`).to.be.an('object');
  return found!;
}

const SEED = calendars(...CALENDAR_SEED);

function throwsWith(fn: () => unknown, code: string, mentions?: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown, 'it throws').to.be.instanceOf(Error);
  const { message } = thrown as Error;
  expect(errorCodeOf(message), message).to.equal(code);
  if (mentions !== undefined) expect(message, `"${message}" names ${mentions}`).to.include(mentions);
}

/** A valid 2025 calendar to break one field of at a time. */
function calendar2025(overrides: Partial<Record<keyof CalendarYear, unknown>> = {}): unknown {
  return { year: 2025, holidays: ['2025-01-01', '2025-02-03'], workdays: ['2025-01-26'], ...overrides };
}

describe('working-day calendar', () => {
  it('15 working days from 2025-01-20 skip the Spring Festival and count Sun Jan 26 and Sat Feb 8', () => {
    expect(addWorkingDays('2025-01-20', 15, SEED)).to.equal('2025-02-14');
    expect(addWorkingDays('2025-01-20', 5, SEED)).to.equal('2025-01-26');
    expect(addWorkingDays('2025-01-20', 6, SEED)).to.equal('2025-01-27');
    expect(addWorkingDays('2025-01-20', 7, SEED)).to.equal('2025-02-05');
    expect(addWorkingDays('2025-01-20', 10, SEED)).to.equal('2025-02-08');
  });

  it('Friday plus one working day is the next Monday; the start day itself never counts', () => {
    expect(addWorkingDays('2025-03-07', 1, SEED)).to.equal('2025-03-10');
    expect(addWorkingDays('2025-03-10', 1, SEED)).to.equal('2025-03-11');
    expect(addWorkingDays('2025-03-08', 1, SEED)).to.equal('2025-03-10');
  });

  it('a holiday Monday is skipped', () => {
    // Dragon Boat Festival 2025: Sat May 31 – Mon Jun 2.
    expect(addWorkingDays('2025-05-30', 1, SEED)).to.equal('2025-06-03');
    // Qingming 2026: Sat Apr 4 – Mon Apr 6.
    expect(addWorkingDays('2026-04-03', 1, SEED)).to.equal('2026-04-07');
  });

  it('counting from inside a holiday starts after it: 2025 National Day Oct 1–8, Sat Oct 11 worked', () => {
    expect(addWorkingDays('2025-10-01', 1, SEED)).to.equal('2025-10-09');
    expect(addWorkingDays('2025-10-01', 3, SEED)).to.equal('2025-10-11');
    expect(addWorkingDays('2025-09-26', 1, SEED)).to.equal('2025-09-28');
  });

  it('a count across New Year uses the next year’s calendar (2026: Jan 1–3 off, Sun Jan 4 worked)', () => {
    expect(addWorkingDays('2025-12-31', 1, SEED)).to.equal('2026-01-04');
    expect(addWorkingDays('2025-12-31', 2, SEED)).to.equal('2026-01-05');
  });

  it('isWorkingDay: holidays, adjusted working days, ordinary weekdays and weekends', () => {
    expect(isWorkingDay('2025-02-08', SEED), 'Saturday 调休').to.equal(true);
    expect(isWorkingDay('2025-01-26', SEED), 'Sunday 调休').to.equal(true);
    expect(isWorkingDay('2025-02-15', SEED), 'ordinary Saturday').to.equal(false);
    expect(isWorkingDay('2025-02-16', SEED), 'ordinary Sunday').to.equal(false);
    expect(isWorkingDay('2025-10-08', SEED), 'weekday holiday').to.equal(false);
    expect(isWorkingDay('2025-02-01', SEED), 'weekend holiday').to.equal(false);
    expect(isWorkingDay('2025-02-10', SEED), 'ordinary Monday').to.equal(true);
    expect(isWorkingDay('2025-02-14', SEED), 'ordinary Friday').to.equal(true);
  });

  it('a year without a calendar throws CALENDAR_MISSING naming the year', () => {
    const only2025 = calendars(seedYear(2025));
    throwsWith(() => isWorkingDay('2024-06-03', only2025), 'CALENDAR_MISSING', '2024');
    throwsWith(() => addWorkingDays('2025-12-31', 1, only2025), 'CALENDAR_MISSING', '2026');
    throwsWith(() => addWorkingDays('2025-12-19', 10, only2025), 'CALENDAR_MISSING', '2026');
    throwsWith(() => workingDaysBetween('2025-12-01', '2026-01-10', only2025), 'CALENDAR_MISSING', '2026');
    // Within the year the same map works.
    expect(addWorkingDays('2025-12-19', 5, only2025)).to.equal('2025-12-26');
  });

  it('addWorkingDays accepts only a whole count from 1 to 400 and a real start date', () => {
    for (const n of [0, -1, 1.5, 401, Number.NaN, Number.POSITIVE_INFINITY]) {
      throwsWith(() => addWorkingDays('2025-03-07', n, SEED), 'INVALID_ARGUMENT');
    }
    expect(addWorkingDays('2025-01-02', 400, SEED)).to.equal('2026-08-14');
    throwsWith(() => addWorkingDays('2025-02-30', 1, SEED), 'INVALID_ARGUMENT', '2025-02-30');
    throwsWith(() => isWorkingDay('2025/03/07', SEED), 'INVALID_ARGUMENT', '2025/03/07');
  });

  it('workingDaysBetween counts working days after from, up to and including to', () => {
    // Jan 28 – Feb 4 off; Wed Feb 5 – Fri Feb 7, Sat Feb 8 (调休), Mon Feb 10.
    expect(workingDaysBetween('2025-01-27', '2025-02-10', SEED)).to.equal(5);
    expect(workingDaysBetween('2025-03-07', '2025-03-10', SEED)).to.equal(1);
    expect(workingDaysBetween('2025-03-10', '2025-03-10', SEED)).to.equal(0);
    expect(workingDaysBetween('2025-03-10', '2025-03-01', SEED)).to.equal(0);
  });

  it('workingDaysBetween undoes addWorkingDays across 2025 and 2026', () => {
    for (const start of [
      '2025-01-20',
      '2025-04-30',
      '2025-09-26',
      '2025-12-20',
      '2026-02-13',
      '2026-09-18',
    ]) {
      for (const n of [1, 2, 7, 15, 20, 60]) {
        const due = addWorkingDays(start, n, SEED);
        expect(workingDaysBetween(start, due, SEED), `${start} + ${n} = ${due}`).to.equal(n);
        expect(isWorkingDay(due, SEED), `${due} is a working day`).to.equal(true);
      }
    }
  });

  it('parseCalendarYear returns a sorted copy and ignores extra fields', () => {
    const input = {
      year: 2025,
      holidays: ['2025-10-01', '2025-01-01'],
      workdays: ['2025-10-11', '2025-09-28'],
      note: 'x',
    };
    const parsed = parseCalendarYear(input);
    expect(parsed).to.deep.equal({
      year: 2025,
      holidays: ['2025-01-01', '2025-10-01'],
      workdays: ['2025-09-28', '2025-10-11'],
    });
    input.holidays.push('2025-12-25');
    expect(parsed.holidays).to.deep.equal(['2025-01-01', '2025-10-01']);
    expect(parseCalendarYear({ year: 2028, holidays: ['2028-02-29'], workdays: [] }).holidays).to.deep.equal([
      '2028-02-29',
    ]);
  });

  it('parseCalendarYear rejects a bad calendar with INVALID_ARGUMENT naming the problem', () => {
    const cases: [unknown, string][] = [
      [null, 'object'],
      [[], 'object'],
      ['2025', 'object'],
      [calendar2025({ year: 1999 }), '1999'],
      [calendar2025({ year: 2101 }), '2101'],
      [calendar2025({ year: 2025.5 }), '2025.5'],
      [calendar2025({ year: '2025' }), 'year'],
      [calendar2025({ holidays: undefined }), 'holidays'],
      [calendar2025({ workdays: '2025-01-26' }), 'workdays'],
      [calendar2025({ holidays: ['2025-02-30'] }), '2025-02-30'],
      [calendar2025({ holidays: ['2025-02-29'] }), '2025-02-29'],
      [calendar2025({ holidays: ['2025-13-01'] }), '2025-13-01'],
      [calendar2025({ holidays: ['2025-1-1'] }), '2025-1-1'],
      [calendar2025({ holidays: [20250101] }), 'holidays[0]'],
      [calendar2025({ holidays: ['2025-01-01 '] }), 'holidays[0]'],
      [calendar2025({ holidays: ['2024-12-31'] }), '2024-12-31'],
      [calendar2025({ workdays: ['2026-01-04'] }), '2026-01-04'],
      [calendar2025({ workdays: ['2025-02-10'] }), '2025-02-10'],
      [calendar2025({ holidays: ['2025-01-01', '2025-05-01', '2025-01-01'] }), 'holidays[2] "2025-01-01"'],
      [calendar2025({ workdays: ['2025-01-26', '2025-01-26'] }), 'twice'],
      [calendar2025({ holidays: ['2025-02-08'], workdays: ['2025-02-08'] }), '2025-02-08'],
    ];
    for (const [raw, mentions] of cases) {
      throwsWith(() => parseCalendarYear(raw), 'INVALID_ARGUMENT', mentions);
    }
  });

  it('parseCalendarYear caps each list at 60 dates', () => {
    const days = Array.from({ length: MAX_CALENDAR_ENTRIES + 1 }, (_, i) =>
      new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10),
    );
    expect(
      parseCalendarYear(calendar2025({ holidays: days.slice(0, 60), workdays: [] })).holidays.length,
    ).to.equal(60);
    throwsWith(
      () => parseCalendarYear(calendar2025({ holidays: days, workdays: [] })),
      'INVALID_ARGUMENT',
      '61',
    );
  });

  it('chinaDate is the UTC+8 calendar date, switching at 16:00 UTC', () => {
    expect(chinaDate('2025-12-31T17:00:00.000Z')).to.equal('2026-01-01');
    expect(chinaDate('2025-12-31T15:59:59.999Z')).to.equal('2025-12-31');
    expect(chinaDate('2025-12-31T16:00:00.000Z')).to.equal('2026-01-01');
    expect(chinaDate('2025-02-28T16:00:00Z')).to.equal('2025-03-01');
    expect(chinaDate('2024-02-28T16:00:00Z')).to.equal('2024-02-29');
    expect(chinaDate('2026-01-01T00:30:00+08:00')).to.equal('2026-01-01');
    expect(chinaDate('2025-12-31T10:00:00-06:00')).to.equal('2026-01-01');
    expect(chinaDate(new Date(1_764_000_000_000).toISOString())).to.equal('2025-11-25');
  });

  it('chinaDayOf counts a recorded instant by its China day, and a plain date as it is', () => {
    expect(chinaDayOf('2025-03-31T23:30:00.000Z')).to.equal('2025-04-01');
    expect(chinaDayOf('2025-04-01')).to.equal('2025-04-01');
  });

  it('chinaDate rejects a timestamp without a zone or with impossible fields', () => {
    for (const bad of [
      '2025-12-31T17:00:00',
      '2025-12-31',
      '2025-02-30T00:00:00Z',
      '2025-12-31T24:00:00Z',
      '2025-12-31T17:60:00Z',
      'yesterday',
      '',
    ]) {
      throwsWith(() => chinaDate(bad), 'INVALID_ARGUMENT');
    }
  });

  it('results do not depend on the process timezone', () => {
    const saved = process.env.TZ;
    const results = (): string[] => [
      chinaDate('2025-12-31T16:00:00.000Z'),
      addWorkingDays('2025-01-20', 15, SEED),
      addMonths('2025-11-30', 3),
      String(isWorkingDay('2025-02-08', SEED)),
    ];
    try {
      const expected = ['2026-01-01', '2025-02-14', '2026-02-28', 'true'];
      for (const tz of ['UTC', 'Pacific/Kiritimati', 'America/Los_Angeles', 'Asia/Shanghai']) {
        process.env.TZ = tz;
        expect(results(), tz).to.deep.equal(expected);
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('nextQuarterlyDue: Mar 30, Jun 30, Sep 30, Dec 30, on or after the date', () => {
    expect(nextQuarterlyDue('2025-01-01')).to.equal('2025-03-30');
    expect(nextQuarterlyDue('2025-03-29')).to.equal('2025-03-30');
    expect(nextQuarterlyDue('2025-03-30')).to.equal('2025-03-30');
    expect(nextQuarterlyDue('2025-03-31')).to.equal('2025-06-30');
    expect(nextQuarterlyDue('2025-07-01')).to.equal('2025-09-30');
    expect(nextQuarterlyDue('2025-10-01')).to.equal('2025-12-30');
    expect(nextQuarterlyDue('2025-12-30')).to.equal('2025-12-30');
    expect(nextQuarterlyDue('2025-12-31')).to.equal('2026-03-30');
    throwsWith(() => nextQuarterlyDue('2025-04-31'), 'INVALID_ARGUMENT', '2025-04-31');
  });

  it('addMonths adds calendar months and clamps to the end of a shorter month', () => {
    expect(addMonths('2025-11-30', 3)).to.equal('2026-02-28');
    expect(addMonths('2023-11-30', 3)).to.equal('2024-02-29');
    expect(addMonths('2025-01-31', 1)).to.equal('2025-02-28');
    expect(addMonths('2025-05-31', 1)).to.equal('2025-06-30');
    expect(addMonths('2025-05-15', 3)).to.equal('2025-08-15');
    expect(addMonths('2025-10-31', 3)).to.equal('2026-01-31');
    expect(addMonths('2024-02-29', 12)).to.equal('2025-02-28');
    expect(addMonths('2026-01-31', -2)).to.equal('2025-11-30');
    expect(addMonths('2025-05-15', 0)).to.equal('2025-05-15');
    throwsWith(() => addMonths('2025-05-15', 1.5), 'INVALID_ARGUMENT');
  });

  it('yearsNeeded lists every year from start to end', () => {
    expect(yearsNeeded('2025-12-31', '2027-01-05')).to.deep.equal([2025, 2026, 2027]);
    expect(yearsNeeded('2025-03-01', '2025-04-01')).to.deep.equal([2025]);
    expect(yearsNeeded('2026-03-01', '2025-04-01')).to.deep.equal([]);
  });

  it('the seed has 2025–2027 and every year passes parseCalendarYear unchanged', () => {
    expect(CALENDAR_SEED.map((calendar) => calendar.year)).to.deep.equal([2025, 2026, 2027]);
    for (const calendar of CALENDAR_SEED) {
      expect(parseCalendarYear(calendar), `${calendar.year} is valid and already sorted`).to.deep.equal(
        calendar,
      );
    }
  });

  it('the seed matches the State Council notices for 2025 and 2026', () => {
    const y2025 = seedYear(2025);
    const y2026 = seedYear(2026);
    const range = (from: string, days: number): string[] =>
      Array.from({ length: days }, (_, i) => {
        const [y, m, d] = from.split('-').map(Number) as [number, number, number];
        return new Date(Date.UTC(y, m - 1, d + i)).toISOString().slice(0, 10);
      });
    for (const date of [...range('2025-01-28', 8), ...range('2025-10-01', 8), '2025-01-01', '2025-06-02']) {
      expect(y2025.holidays, `2025 holiday ${date}`).to.include(date);
    }
    expect(y2025.workdays).to.deep.equal([
      '2025-01-26',
      '2025-02-08',
      '2025-04-27',
      '2025-09-28',
      '2025-10-11',
    ]);
    expect(y2025.holidays.length).to.equal(28);
    for (const date of [...range('2026-01-01', 3), ...range('2026-02-15', 9), ...range('2026-10-01', 7)]) {
      expect(y2026.holidays, `2026 holiday ${date}`).to.include(date);
    }
    expect(y2026.workdays).to.deep.equal([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
    expect(y2026.holidays.length).to.equal(33);
  });
});
