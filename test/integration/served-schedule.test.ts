import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import type { ActivityDeps } from '../../activities/deps';
import { createReportCheckActivities } from '../../activities/report-check';
import { addDays } from '../../sales/dates';
import type { MissedReportCheckInput, MissingReport } from '../../temporal/contracts';
import { applySchedule, reportSchedules } from '../../temporal/schedule';
import { withHarness } from '../helpers/harness';

/** Every day from `start`, `n` of them. */
const days = (start: string, n: number) => Array.from({ length: n }, (_, i) => addDays(start, i));

/**
 * The missed-report check owes what the server's schedules fire, as the server reads their crons: the first Monday
 * of a month is two days in two months, not ten (classic cron's OR of the day fields), a cron of six fields is taken,
 * and a schedule owes nothing for the days before it was created.
 */
describe('the missed-report check reads fire times from the server', () => {
  it('first-Monday and six-field crons: no false alarm over two months, none before the schedule existed', () =>
    withHarness(
      {
        config: {
          schedule: { id: `served-${Date.now()}`, paused: true },
          reports: [
            { id: 'first-monday', period: 'week', schedule: { cron: '0 9 1-7 * 1' } },
            { id: 'mondays-2027', period: 'week', schedule: { cron: '0 9 * * 1 2027' } },
          ],
        },
      },
      async (h) => {
        const schedules = reportSchedules(h.config);
        for (const s of schedules) await applySchedule(h.client, s);
        try {
          const check = (now: Date, dates: string[]): Promise<MissingReport[]> =>
            new MockActivityEnvironment().run(
              (input: MissedReportCheckInput): Promise<MissingReport[]> =>
                createReportCheckActivities({
                  config: h.config,
                  temporal: h.client,
                  now: () => now,
                } as Pick<ActivityDeps, 'config' | 'temporal' | 'now'> as ActivityDeps).findMissingReports(input),
              { dates },
            );
          const missing = await check(new Date('2027-03-01T12:00:00Z'), days('2027-01-01', 59));
          const of = (id: string) => missing.filter((m) => m.report?.id === id).map((m) => m.reportDate);
          expect(of('first-monday')).toEqual(['2027-01-04', '2027-02-01']);
          expect(of('mondays-2027')).toEqual(days('2027-01-04', 56).filter((_, i) => i % 7 === 0));
          // Created today: the days before owe nothing, whatever the crons say of them.
          expect(await check(new Date(), days(addDays(new Date().toISOString().slice(0, 10), -40), 40))).toEqual([]);
        } finally {
          for (const s of schedules) await h.client.schedule.getHandle(s.id).delete();
        }
      },
    ));
});
