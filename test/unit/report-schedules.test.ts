import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../config/config';
import { lastReportDue, missedFires, reportDatesOwed } from '../../report/definitions';
import { firesOn, type ScheduleCalendar, type ServedSchedule } from '../../report/schedule-calendar';
import { addDays } from '../../sales/dates';
import { diffSettings, reportSchedules } from '../../temporal/schedule';

/**
 * A calendar as the server compiles a cron: each field's spans, unset fields as it fills them (second and minute 0,
 * any day, month and weekday); `[a, b]` is a to b.
 */
function calendar(fields: Partial<Record<keyof ScheduleCalendar, [number, number][]>>): ScheduleCalendar {
  const spans = (ranges: [number, number][]) => ranges.map(([start, end]) => ({ start, end, step: 1 }));
  return {
    second: spans(fields.second ?? [[0, 0]]),
    minute: spans(fields.minute ?? [[0, 0]]),
    hour: spans(fields.hour ?? [[0, 0]]),
    dayOfMonth: spans(fields.dayOfMonth ?? [[1, 31]]),
    month: spans(fields.month ?? [[1, 12]]),
    year: spans(fields.year ?? []),
    dayOfWeek: spans(fields.dayOfWeek ?? [[0, 6]]),
  };
}
const served = (c: ScheduleCalendar, timezone = 'Asia/Shanghai', createdAt?: Date): ServedSchedule => ({
  calendars: [c],
  timezone,
  createdAt,
});
const NINE = { hour: [[9, 9]] as [number, number][] };

describe('the days a schedule fires on, as the server compiled its cron', () => {
  it('the first Monday of the month ("0 9 1-7 * 1"): day of month AND day of week, over two months', () => {
    // What Temporal Server 1.29 compiles "0 9 1-7 * 1" to (schedule describe): the two day fields are ANDed.
    const firstMonday = served(calendar({ ...NINE, dayOfMonth: [[1, 7]], dayOfWeek: [[1, 1]] }));
    const days = Array.from({ length: 59 }, (_, i) => addDays('2027-01-01', i));
    const firing = days.filter((d) => firesOn(firstMonday, d).length > 0);
    expect(firing).toEqual(['2027-01-04', '2027-02-01']);
    expect(firesOn(firstMonday, '2027-01-04').map((t) => t.toISOString())).toEqual(['2027-01-04T01:00:00.000Z']);
  });

  it('a six-field cron with a year ("0 9 * * 1 2026"), a weekday range, several times a day', () => {
    const mondays2026 = served(calendar({ ...NINE, dayOfWeek: [[1, 1]], year: [[2026, 2026]] }));
    expect(firesOn(mondays2026, '2026-11-30')).toHaveLength(1);
    expect(firesOn(mondays2026, '2027-01-04')).toEqual([]);
    const twiceOnWeekdays = served(
      calendar({
        hour: [[8, 8]],
        minute: [
          [15, 15],
          [45, 45],
        ],
        dayOfWeek: [[1, 5]],
      }),
    );
    expect(firesOn(twiceOnWeekdays, '2026-11-30').map((t) => t.toISOString())).toEqual([
      '2026-11-30T00:15:00.000Z',
      '2026-11-30T00:45:00.000Z',
    ]);
    expect(firesOn(twiceOnWeekdays, '2026-11-29')).toEqual([]);
  });
});

describe('reports with schedules of their own', () => {
  const config = parseConfig({
    report: { timezone: 'Asia/Shanghai' },
    reports: [
      { id: 'daily', period: 'day' },
      { id: 'weekly', schedule: { cron: '0 9 * * 1' } },
      { id: 'monthly', period: 'month', schedule: { cron: '0 9 1 * *' } },
      { id: 'month-end-us', period: 'month', schedule: { cron: '0 9 1 * *', timezone: 'America/New_York' } },
    ],
  });

  it('gives each cron and time zone its schedule, each starting only its own reports', () => {
    const schedules = reportSchedules(config);
    expect(schedules.map((s) => [s.id, s.body.spec.cronExpressions, s.body.spec.timezone, s.body.action.args])).toEqual(
      [
        ['weekly-sales-report', ['0 9 * * *'], 'Asia/Shanghai', [{ reports: ['daily'] }]],
        ['weekly-sales-report-weekly', ['0 9 * * 1'], 'Asia/Shanghai', [{ reports: ['weekly'] }]],
        ['weekly-sales-report-monthly', ['0 9 1 * *'], 'Asia/Shanghai', [{ reports: ['monthly'] }]],
        ['weekly-sales-report-month-end-us', ['0 9 1 * *'], 'America/New_York', [{ reports: ['month-end-us'] }]],
      ],
    );
    // Reports of one cron and zone are one schedule; with no report of its own, the morning's starts them all.
    const together = parseConfig({
      reports: [
        { id: 'a', schedule: { cron: '0 7 * * *' } },
        { id: 'b', schedule: { cron: '0 7 * * *' } },
        { id: 'c' },
      ],
    });
    expect(reportSchedules(together).map((s) => [s.id, s.body.action.args])).toEqual([
      ['weekly-sales-report-a', [{ reports: ['a', 'b'] }]],
      ['weekly-sales-report', [{ reports: ['c'] }]],
    ]);
    const plain = parseConfig({ reports: [{ id: 'a' }, { id: 'b' }] });
    expect(reportSchedules(plain).map((s) => [s.id, s.body.action.args, s.settings.reports])).toEqual([
      ['weekly-sales-report', [{}], undefined],
    ]);
    // Moving every report back to the morning's time is a change `apply` makes, not "already matches".
    const before = reportSchedules(config)[0]!.settings;
    expect(diffSettings(before, reportSchedules(plain)[0]!.settings)).toContain('reports: "daily" → undefined');
  });

  it('owes a report only the days its schedule fires, in its time zone, today once it has fired, none before it existed', () => {
    const daily = served(calendar(NINE));
    const weekly = served(calendar({ ...NINE, dayOfWeek: [[1, 1]] }));
    const monthly = served(calendar({ ...NINE, dayOfMonth: [[1, 1]] }));
    const us = served(calendar({ ...NINE, dayOfMonth: [[1, 1]] }), 'America/New_York');
    const owed = (s: ServedSchedule, now: Date, days: number, asked?: string[]) =>
      reportDatesOwed(s, s.timezone, now, days, asked);
    // 2026-12-01 10:00 in Shanghai (02:00 UTC): the 1st, a Tuesday; still 30 November in New York.
    const now = new Date('2026-12-01T02:00:00Z');
    expect(owed(daily, now, 3)).toEqual(['2026-11-29', '2026-11-30', '2026-12-01']);
    expect(owed(weekly, now, 3)).toEqual(['2026-11-30']);
    expect(owed(monthly, now, 3)).toEqual(['2026-12-01']);
    expect(owed(us, now, 3)).toEqual([]);
    // At 08:00 in Shanghai the day's 9:00 reports are not due yet.
    expect(owed(daily, new Date('2026-12-01T00:00:00Z'), 2)).toEqual(['2026-11-30']);
    expect(owed(monthly, new Date('2026-12-01T00:00:00Z'), 2)).toEqual([]);
    // Dates asked for are owed when the schedule fires on them, whatever the time.
    expect(owed(monthly, now, 3, ['2026-11-01', '2026-11-02'])).toEqual(['2026-11-01']);
    // A schedule created on 30 November at 12:00 in Shanghai owes nothing before its first fire (1 December).
    const created = served(calendar(NINE), 'Asia/Shanghai', new Date('2026-11-30T04:00:00Z'));
    expect(owed(created, now, 3)).toEqual(['2026-12-01']);
    // A schedule the server does not have owes every day: nothing was there to start the reports.
    expect(reportDatesOwed(undefined, 'Asia/Shanghai', now, 2)).toEqual(['2026-11-30', '2026-12-01']);
  });

  it('says when a report was last due, for the dead-man metrics: the last day it fired, at its fire time', () => {
    const daily = served(calendar(NINE));
    const monthly = served(calendar({ ...NINE, dayOfMonth: [[1, 1]] }));
    const now = new Date('2026-12-01T02:00:00Z'); // 10:00 in Shanghai
    expect(lastReportDue(daily, daily.timezone, now, 3)).toEqual({
      reportDate: '2026-12-01',
      dueAt: new Date('2026-12-01T01:00:00Z'),
    });
    // At 08:00 today's is not due yet: yesterday's was the last.
    expect(lastReportDue(daily, daily.timezone, new Date('2026-12-01T00:00:00Z'), 3)?.reportDate).toBe('2026-11-30');
    // A monthly report last due on the 1st; before the 1st's fire, none in a look-back of two days.
    expect(lastReportDue(monthly, monthly.timezone, now, 3)?.dueAt).toEqual(new Date('2026-12-01T01:00:00Z'));
    expect(lastReportDue(monthly, monthly.timezone, new Date('2026-12-01T00:00:00Z'), 2)).toBeUndefined();
    // No schedule on the server: nothing fires, so nothing is due by its clock.
    expect(lastReportDue(undefined, 'Asia/Shanghai', now, 3)).toBeUndefined();
  });

  it('finds the fires the server took no action for (a server down past the catch-up window), never the last minute', () => {
    const daily = served(calendar(NINE), 'Asia/Shanghai', new Date('2026-11-01T00:00:00Z'));
    const now = new Date('2026-12-01T02:00:00Z'); // 10:00 in Shanghai
    const taken = [new Date('2026-11-29T01:00:00Z'), new Date('2026-12-01T01:00:05Z')]; // 11-30 went missing
    expect(missedFires(daily, taken, now, 3, 60)).toEqual([new Date('2026-11-30T01:00:00Z')]);
    expect(missedFires(daily, [...taken, new Date('2026-11-30T01:00:30Z')], now, 3, 60)).toEqual([]);
    // At 09:00:30 today's fire may not be acted on yet; it is not called missed.
    expect(missedFires(daily, taken.slice(0, 1), new Date('2026-12-01T01:00:30Z'), 3, 60)).toEqual([
      new Date('2026-11-30T01:00:00Z'),
    ]);
    // Before the schedule existed nothing was missed.
    const young = served(calendar(NINE), 'Asia/Shanghai', new Date('2026-11-30T12:00:00Z'));
    expect(missedFires(young, [], now, 3, 60)).toEqual([new Date('2026-12-01T01:00:00Z')]);
  });

  it("refuses a report's time zone that cannot be read, and leaves its cron to the server", () => {
    let problems: string[] = [];
    try {
      parseConfig({ reports: [{ id: 'a', schedule: { cron: '0 9 * * 1 2026', timezone: 'Asia/Shangai' } }] });
    } catch (err) {
      problems = (err as ConfigError).problems;
    }
    expect(problems).toEqual(['/reports/0/schedule/timezone: unknown IANA time zone "Asia/Shangai"']);
    // Every cron the server takes is taken: six or seven fields, its time zone prefix, a comment.
    for (const cron of ['0 9 * * 1 2026', '0 0 9 1-7 * 1 *', 'CRON_TZ=Asia/Shanghai 0 9 * * * # morning'])
      expect(() => parseConfig({ reports: [{ id: 'a', schedule: { cron } }] })).not.toThrow();
  });
});
