import { Temporal } from '@js-temporal/polyfill';

/**
 * Calendar dates as 'YYYY-MM-DD' strings: they sort, compare and serialise without time-zone surprises. What needs a
 * zone (the instant a day starts, a wall-clock time, what a clock shows) goes through the Temporal API's polyfill
 * (@js-temporal/polyfill, the proposal champions' own, which ships CommonJS; the smaller temporal-polyfill is ES
 * modules only, which this CommonJS package cannot require on Node 20.3): its zone rules are the IANA database's,
 * DST gaps and overlaps included, where offsets computed by hand were an hour off on those days.
 */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** An instant as the zone's wall clock sees it. */
function zoned(instant: Date, timeZone: string): Temporal.ZonedDateTime {
  return Temporal.Instant.fromEpochMilliseconds(instant.getTime()).toZonedDateTimeISO(timeZone);
}

/** The calendar date of an instant as seen in a time zone. */
export function dateInZone(instant: Date, timeZone: string): IsoDate {
  return zoned(instant, timeZone).toPlainDate().toString();
}

export interface DateRange {
  start: IsoDate;
  end: IsoDate;
}

/** What a report covers: yesterday, the 7 days to yesterday, or the month to yesterday. */
export const PERIOD_KINDS = ['day', 'week', 'month'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

/** Every span a report reads and compares, fixed by its date and its period (the one home of each window rule). */
export interface ReportWindows {
  kind: PeriodKind;
  /** The period reported on; it ends the day before the report date. */
  current: DateRange;
  /** What it is compared with (环比): the week before; the same weekday a week before; the month before. */
  previous: DateRange;
  /** The trend, oldest first, the current period last: weeks, days (14) or months (6). */
  trend: DateRange[];
  /** The same period a year earlier (同比). */
  yearAgo: DateRange;
  /** The month of the period's last day, to that day: what a monthly target is measured on. */
  monthToDate: DateRange;
}

/** Days in a daily report's trend, months in a monthly one's. */
export const DAY_TREND_DAYS = 14;
export const MONTH_TREND_MONTHS = 6;

/**
 * The windows of a report dated `reportDate`:
 * - day: yesterday, against the same weekday a week before (a Monday with a Monday), a 14-day trend;
 * - week: the 7 days to yesterday against the 7 before, a trend of `trendWeeks` weeks;
 * - month: the 1st of yesterday's month to yesterday (the whole last month on the 1st) against the same days of the
 *   month before (cut at its end: 1–30 March against 1–28 February), or a whole month against the whole month
 *   before; a trend of 6 months, the current one as far as it goes.
 */
export function reportWindows(reportDate: IsoDate, kind: PeriodKind = 'week', trendWeeks = 2): ReportWindows {
  const last = addDays(reportDate, -1);
  const monthToDate = monthToDateOf(last);
  if (kind === 'day') {
    const current = { start: last, end: last };
    return {
      kind,
      current,
      previous: shift(current, -7),
      trend: Array.from({ length: DAY_TREND_DAYS }, (_, i) => shift(current, i - (DAY_TREND_DAYS - 1))),
      yearAgo: shift(current, -364),
      monthToDate,
    };
  }
  if (kind === 'month') {
    const current = monthToDate;
    const whole = current.end === monthEnd(current.start);
    const previousStart = addMonths(current.start, -1);
    const previousEnd = monthEnd(previousStart);
    const sameDays = addDays(previousStart, daysOf(current).length - 1);
    return {
      kind,
      current,
      previous: { start: previousStart, end: whole || sameDays > previousEnd ? previousEnd : sameDays },
      trend: Array.from({ length: MONTH_TREND_MONTHS }, (_, i) => {
        const start = addMonths(current.start, i - (MONTH_TREND_MONTHS - 1));
        return i === MONTH_TREND_MONTHS - 1 ? current : { start, end: monthEnd(start) };
      }),
      // A month a year back is the calendar month: November with November.
      yearAgo: { start: addMonths(current.start, -12), end: clampToMonth(addMonths(current.end, -12), current.end) },
      monthToDate,
    };
  }
  const current = { start: addDays(reportDate, -7), end: last };
  const weeks = Math.max(2, trendWeeks);
  return {
    kind,
    current,
    previous: shift(current, -7),
    trend: Array.from({ length: weeks }, (_, i) => shift(current, -7 * (weeks - 1 - i))),
    yearAgo: yearAgoWeek(current),
    monthToDate,
  };
}

/** The 7 days ending the day before reportDate, and the 7 days before that: a weekly report's windows. */
export function reportWindow(reportDate: IsoDate): { current: DateRange; previous: DateRange } {
  const { current, previous } = reportWindows(reportDate, 'week');
  return { current, previous };
}

/** The days a report reads beside the year-ago period: its trend, what it compares with, and the month to date. */
export function readWindow(w: ReportWindows): DateRange {
  const starts = [w.trend[0]!.start, w.previous.start, w.monthToDate.start, w.current.start].sort();
  return { start: starts[0]!, end: w.current.end };
}

/** The days the weekly report reads: its two weeks, or more when a trend of `weeks` weeks is reported, and the month to date. */
export function dataWindow(reportDate: IsoDate, weeks = 2): DateRange {
  return readWindow(reportWindows(reportDate, 'week', weeks));
}

/**
 * The same week a year earlier: 52 weeks (364 days) back, so Mondays compare with Mondays, as retail reports
 * year over year. A separate read: the year between is not needed.
 */
export function yearAgoWeek(week: DateRange): DateRange {
  return shift(week, -364);
}

function shift(range: DateRange, days: number): DateRange {
  return { start: addDays(range.start, days), end: addDays(range.end, days) };
}

/** The same day `months` months on, the 1st kept the 1st (days past a shorter month's end are clamped to it). */
function addMonths(date: IsoDate, months: number): IsoDate {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7)) - 1 + months;
  const first = new Date(Date.UTC(y + Math.floor(m / 12), ((m % 12) + 12) % 12, 1)).toISOString().slice(0, 10);
  const day = Math.min(Number(date.slice(8, 10)), daysInMonth(first));
  return `${first.slice(0, 8)}${String(day).padStart(2, '0')}`;
}

function monthEnd(date: IsoDate): IsoDate {
  return `${date.slice(0, 8)}${String(daysInMonth(date)).padStart(2, '0')}`;
}

/** A year-ago end: the month's last day when `end` is its month's last day (Feb 29 → Feb 28, and back). */
function clampToMonth(yearAgoEnd: IsoDate, end: IsoDate): IsoDate {
  return end === monthEnd(end) ? monthEnd(yearAgoEnd) : yearAgoEnd;
}

/** The 1st of `day`'s month to `day`: the month to date a monthly target is measured on. */
export function monthToDate(day: IsoDate): DateRange {
  return monthToDateOf(day);
}

function monthToDateOf(day: IsoDate): DateRange {
  return { start: `${day.slice(0, 7)}-01`, end: day };
}

/** How many days `day`'s month has. */
export function daysInMonth(day: IsoDate): number {
  return new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)), 0)).getUTCDate();
}

export function daysOf(range: DateRange): IsoDate[] {
  const days: IsoDate[] = [];
  for (let d = range.start; d <= range.end; d = addDays(d, 1)) days.push(d);
  return days;
}

/**
 * The first instant of `date` in `timeZone`: its midnight, or, where a DST change skips midnight (America/Santiago's
 * first Sunday of September), the first time the clock shows that day.
 */
export function startOfDayInZone(date: IsoDate, timeZone: string): Date {
  return new Date(Temporal.PlainDate.from(date).toZonedDateTime({ timeZone }).epochMilliseconds);
}

/**
 * The instant the wall clock in `timeZone` shows `date` at `hour`:`minute`(:`second`): a schedule's fire time. On a DST day it is
 * the wall-clock time, not midnight plus so many hours; a time the change skips is taken as the same length after
 * the change (02:30 on a spring-forward night is 03:30), a time it repeats as its first occurrence.
 */
export function instantAtWallClock(date: IsoDate, hour: number, minute: number, timeZone: string, second = 0): Date {
  const wall = Temporal.PlainDate.from(date).toPlainDateTime({ hour, minute, second });
  return new Date(wall.toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds);
}

export interface WallClock {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** The zone's offset from UTC at that instant: local wall clock minus UTC, in milliseconds. */
  offsetMs: number;
}

/** What a clock on the wall in `timeZone` shows at `instant` (to the second), and the zone's offset then. */
export function wallClockInZone(instant: Date, timeZone: string): WallClock {
  const z = zoned(instant, timeZone);
  return {
    year: z.year,
    month: z.month,
    day: z.day,
    hour: z.hour,
    minute: z.minute,
    second: z.second,
    offsetMs: z.offsetNanoseconds / 1e6,
  };
}

/** "2026-11-20 09:00" as seen in the zone. */
export function formatInZone(instant: Date, timeZone: string): string {
  const z = zoned(instant, timeZone);
  return `${z.toPlainDate().toString()} ${z.toPlainTime().toString({ smallestUnit: 'minute' })}`;
}
