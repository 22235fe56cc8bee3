import { ScheduleNotFoundError, type CalendarSpecDescription, type Client } from '@temporalio/client';
import type { Config } from '../config/config';
import type { ScheduleCalendar, ServedSchedule, Span } from '../report/schedule-calendar';
import { reportSchedules } from './schedule';

const MONTHS = [
  'JANUARY',
  'FEBRUARY',
  'MARCH',
  'APRIL',
  'MAY',
  'JUNE',
  'JULY',
  'AUGUST',
  'SEPTEMBER',
  'OCTOBER',
  'NOVEMBER',
  'DECEMBER',
];
const WEEKDAYS = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];

function spans<T>(ranges: readonly { start: T; end: T; step: number }[], number: (v: T) => number): Span[] {
  return ranges.map((r) => ({ start: number(r.start), end: number(r.end), step: r.step }));
}

/** The SDK's description of a compiled calendar, in numbers: months from 1, weekdays from 0 = Sunday. */
function calendarOf(c: CalendarSpecDescription): ScheduleCalendar {
  const n = (v: number) => v;
  return {
    second: spans(c.second, n),
    minute: spans(c.minute, n),
    hour: spans(c.hour, n),
    dayOfMonth: spans(c.dayOfMonth, n),
    month: spans(c.month, (m) => MONTHS.indexOf(m) + 1),
    year: spans(c.year, n),
    dayOfWeek: spans(c.dayOfWeek, (d) => WEEKDAYS.indexOf(d)),
  };
}

/**
 * A schedule as the server holds it: the calendars it compiled from the cron (every cron the server takes, read as
 * the server reads it), its zone and its creation time; undefined when the server has no such schedule.
 */
export async function servedSchedule(client: Client, scheduleId: string): Promise<ServedSchedule | undefined> {
  try {
    const { spec, info } = await client.schedule.getHandle(scheduleId).describe();
    return {
      calendars: (spec.calendars ?? []).map(calendarOf),
      ...((spec.intervals?.length ?? 0) > 0 && { everyDay: true }),
      timezone: spec.timezone ?? 'UTC',
      createdAt: info.createdAt,
    };
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) return undefined;
    throw err;
  }
}

/** The id of the schedule that starts a report (its own cron's, else the morning's). */
export function scheduleIdOf(config: Config, reportId: string | undefined): string {
  const schedules = reportSchedules(config);
  const starts = (s: (typeof schedules)[number]) =>
    s.settings.reports === undefined || (reportId !== undefined && s.settings.reports.split(',').includes(reportId));
  return (schedules.find(starts) ?? schedules[0]!).id;
}
