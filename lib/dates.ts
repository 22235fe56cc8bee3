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

export function daysOf(range: DateRange): IsoDate[] {
  const days: IsoDate[] = [];
  for (let d = range.start; d <= range.end; d = addDays(d, 1)) days.push(d);
  return days;
}
