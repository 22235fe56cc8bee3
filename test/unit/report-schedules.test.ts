import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../config/config';
import { firstFireOn, parseCron, type CronDays } from '../../config/cron';
import { reportDatesOwed, reportDefinitions } from '../../report/definitions';
import { diffSettings, reportSchedules } from '../../temporal/schedule';

function cron(expression: string): CronDays {
  const parsed = parseCron(expression);
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed;
}

describe('the days a cron fires on', () => {
  it('reads days of the month, weekdays by number and name, ranges, steps and shorthands', () => {
    // 2026-12-01 is a Tuesday; 2026-11-30 a Monday.
    expect(firstFireOn(cron('0 9 1 * *'), '2026-12-01')).toEqual({ hour: 9, minute: 0 });
    expect(firstFireOn(cron('0 9 1 * *'), '2026-12-02')).toBeUndefined();
    expect(firstFireOn(cron('30 8 * * MON-FRI'), '2026-11-30')).toEqual({ hour: 8, minute: 30 });
    expect(firstFireOn(cron('30 8 * * mon-fri'), '2026-11-29')).toBeUndefined();
    expect(firstFireOn(cron('0 9 * * 7'), '2026-11-29')).toEqual({ hour: 9, minute: 0 });
    expect(firstFireOn(cron('15,45 */6 * * *'), '2026-11-29')).toEqual({ hour: 0, minute: 15 });
    expect(firstFireOn(cron('0 9 * 1-3 *'), '2026-11-29')).toBeUndefined();
    expect(firstFireOn(cron('@monthly'), '2026-12-01')).toEqual({ hour: 0, minute: 0 });
    expect(firstFireOn(cron('@weekly'), '2026-11-29')).toBeDefined();
    expect(firstFireOn(cron('@weekly'), '2026-11-30')).toBeUndefined();
  });

  it('fires on either day field when both are restricted, as cron does', () => {
    const firstOrMonday = cron('0 9 1 * 1');
    expect(firstFireOn(firstOrMonday, '2026-12-01')).toBeDefined(); // the 1st, a Tuesday
    expect(firstFireOn(firstOrMonday, '2026-12-07')).toBeDefined(); // a Monday
    expect(firstFireOn(firstOrMonday, '2026-12-08')).toBeUndefined();
  });

  it('says what is wrong with an expression it cannot read', () => {
    const problem = (e: string) => (parseCron(e) as { problem: string }).problem;
    expect(problem('0 9 * *')).toMatch(/not a five-field cron expression/);
    expect(problem('0 25 * * *')).toBe('"0 25 * * *": hour has "25", not a number from 0 to 23');
    expect(problem('0 9 * * FUN')).toMatch(/day of week has "FUN", not a number from 0 to 7 or a name \(SUN, MON/);
    expect(problem('0 9 20-10 * *')).toMatch(/runs backwards/);
    expect(problem('*/0 9 * * *')).toMatch(/step that is not a whole number above 0/);
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

  it('owes a report only the days its schedule fires, in its time zone, and today once it has fired', () => {
    const [daily, weekly, monthly, us] = reportDefinitions(config) as [
      ReturnType<typeof reportDefinitions>[number],
      ...ReturnType<typeof reportDefinitions>,
    ];
    // 2026-12-01 10:00 in Shanghai (02:00 UTC): the 1st, a Tuesday; still 30 November in New York.
    const now = new Date('2026-12-01T02:00:00Z');
    expect(reportDatesOwed(daily, now, 3)).toEqual(['2026-11-29', '2026-11-30', '2026-12-01']);
    expect(reportDatesOwed(weekly!, now, 3)).toEqual(['2026-11-30']);
    expect(reportDatesOwed(monthly!, now, 3)).toEqual(['2026-12-01']);
    expect(reportDatesOwed(us!, now, 3)).toEqual([]);
    // At 08:00 in Shanghai the day's 9:00 reports are not due yet.
    expect(reportDatesOwed(daily, new Date('2026-12-01T00:00:00Z'), 2)).toEqual(['2026-11-30']);
    expect(reportDatesOwed(monthly!, new Date('2026-12-01T00:00:00Z'), 2)).toEqual([]);
    // Dates asked for are owed when the schedule fires on them, whatever the time.
    expect(reportDatesOwed(monthly!, now, 3, ['2026-11-01', '2026-11-02'])).toEqual(['2026-11-01']);
  });

  it("refuses a report's cron or time zone that cannot be read", () => {
    let problems: string[] = [];
    try {
      parseConfig({ reports: [{ id: 'a', schedule: { cron: '0 9 32 * *', timezone: 'Asia/Shangai' } }] });
    } catch (err) {
      problems = (err as ConfigError).problems;
    }
    expect(problems).toEqual([
      '/reports/0/schedule/cron: "0 9 32 * *": day of month has "32", not a number from 1 to 31',
      '/reports/0/schedule/timezone: unknown IANA time zone "Asia/Shangai"',
    ]);
  });
});
