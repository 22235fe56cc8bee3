import { instantAtWallClock, type IsoDate } from '../sales/dates';

/** Values from `start` to `end`, every `step`th (a step of 0 is 1). */
export interface Span {
  start: number;
  end: number;
  step: number;
}

/**
 * A schedule's calendar as the server compiled it from its cron: each field a list of spans, and a time fires when
 * every field matches (day of month AND day of week: the server does not have classic cron's OR of the two). An
 * empty year matches any year.
 */
export interface ScheduleCalendar {
  second: Span[];
  minute: Span[];
  hour: Span[];
  dayOfMonth: Span[];
  /** 1 = January. */
  month: Span[];
  year: Span[];
  /** 0 = Sunday. */
  dayOfWeek: Span[];
}

/**
 * A schedule as the server holds it: when it fires (its compiled calendars; `everyDay` when it also fires at intervals,
 * which come round every day), in which zone, and since when it exists.
 */
export interface ServedSchedule {
  calendars: ScheduleCalendar[];
  everyDay?: boolean;
  timezone: string;
  createdAt?: Date;
}

function values(spans: readonly Span[]): number[] {
  return spans.flatMap(({ start, end, step }) => {
    const out: number[] = [];
    for (let v = start; v <= Math.max(start, end); v += Math.max(step, 1)) out.push(v);
    return out;
  });
}

const has = (spans: readonly Span[], v: number) => values(spans).includes(v);

/** The instants `schedule` fires on `date` (a calendar day in its zone), in order; none when it does not fire then. */
export function firesOn(schedule: ServedSchedule, date: IsoDate): Date[] {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  const fires = schedule.calendars.flatMap((c) => {
    const day =
      (c.year.length === 0 || has(c.year, y)) && has(c.month, m) && has(c.dayOfMonth, d) && has(c.dayOfWeek, weekday);
    if (!day) return [];
    return values(c.hour).flatMap((hour) =>
      values(c.minute).flatMap((minute) =>
        values(c.second).map((second) => instantAtWallClock(date, hour, minute, schedule.timezone, second)),
      ),
    );
  });
  if (schedule.everyDay && fires.length === 0) fires.push(instantAtWallClock(date, 0, 0, schedule.timezone));
  return fires.sort((a, b) => a.getTime() - b.getTime());
}
