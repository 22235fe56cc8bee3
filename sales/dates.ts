/** Calendar dates as 'YYYY-MM-DD' strings: they sort, compare and serialise without time-zone surprises. */
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

/** The calendar date of an instant as seen in a time zone. */
export function dateInZone(instant: Date, timeZone: string): IsoDate {
  // en-CA formats as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    instant,
  );
}

export interface DateRange {
  start: IsoDate;
  end: IsoDate;
}

/** The 7 days ending the day before reportDate, and the 7 days before that. */
export function reportWindow(reportDate: IsoDate): { current: DateRange; previous: DateRange } {
  return {
    current: { start: addDays(reportDate, -7), end: addDays(reportDate, -1) },
    previous: { start: addDays(reportDate, -14), end: addDays(reportDate, -8) },
  };
}

/** The days the report reads: its two weeks, or more when a trend of `weeks` weeks is reported, and the month to date. */
export function dataWindow(reportDate: IsoDate, weeks = 2): DateRange {
  const { current } = reportWindow(reportDate);
  const trendStart = addDays(current.start, -7 * (Math.max(2, weeks) - 1));
  const monthStart = monthToDate(current.end).start;
  return { start: monthStart < trendStart ? monthStart : trendStart, end: current.end };
}

/**
 * The same week a year earlier: 52 weeks (364 days) back, so Mondays compare with Mondays, as retail reports
 * year over year. A separate read: the year between is not needed.
 */
export function yearAgoWeek(week: DateRange): DateRange {
  return { start: addDays(week.start, -364), end: addDays(week.end, -364) };
}

/** The 1st of `day`'s month to `day`: the month to date a monthly target is measured on. */
export function monthToDate(day: IsoDate): DateRange {
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

/** The instant at which the wall clock in `timeZone` shows `date` 00:00 (plus `days`): for day ranges in a zone. */
export function startOfDayInZone(date: IsoDate, timeZone: string): Date {
  const guess = Date.parse(`${date}T00:00:00Z`);
  // Two passes settle the offset even when a DST change falls near midnight.
  let instant = guess;
  for (let i = 0; i < 2; i++) instant = guess - offsetMs(new Date(instant), timeZone);
  return new Date(instant);
}

function offsetMs(instant: Date, timeZone: string): number {
  return wallClockInZone(instant, timeZone).offsetMs;
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
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const clock = {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
  const asUtc = Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second);
  return { ...clock, offsetMs: asUtc - Math.floor(instant.getTime() / 1000) * 1000 };
}

/** "2026-11-20 09:00" as seen in the zone. */
export function formatInZone(instant: Date, timeZone: string): string {
  return `${dateInZone(instant, timeZone)} ${new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant)}`;
}
