import {
  reportDelivered,
  type MissedReportCheckInput,
  type MissingReport,
  type ReportRef,
} from '../temporal/contracts';
import { definitionOf, everyReportSlice, reportDatesOwed } from '../report/definitions';
import { listRuns } from '../temporal/runs';
import { scheduleIdOf, servedSchedule } from '../temporal/served-schedules';
import type { ServedSchedule } from '../report/schedule-calendar';
import type { ActivityDeps } from './deps';

export function createReportCheckActivities({ config, temporal, now = () => new Date() }: ActivityDeps) {
  return {
    /**
     * The report dates due by now (today and the schedule.missedCheck.lookbackDays - 1 days before, in each report's
     * time zone, on the days its schedule fires as the server holds it, since it exists), or the dates asked for,
     * with no run that sent their report, and what ran for each.
     */
    async findMissingReports({ dates }: MissedReportCheckInput): Promise<MissingReport[]> {
      // With reports defined, each report and split value is owed its own: a region without one is missed. Each
      // is owed on the days its schedule fires (reports[].schedule), in its time zone.
      const owed: (ReportRef | undefined)[] = config.reports ? everyReportSlice(config) : [undefined];
      const { lookbackDays } = config.schedule.missedCheck;
      // The fire times are the server's: the calendars it compiled from each schedule's cron, asked once each.
      const served = new Map<string, Promise<ServedSchedule | undefined>>();
      const scheduleOf = (report: ReportRef | undefined) => {
        const id = scheduleIdOf(config, report?.id);
        if (!served.has(id)) served.set(id, servedSchedule(temporal, id));
        return served.get(id)!;
      };
      const datesOf = new Map<ReportRef | undefined, string[]>();
      for (const report of owed) {
        const { timezone } = definitionOf(config, report);
        datesOf.set(report, reportDatesOwed(await scheduleOf(report), timezone, now(), lookbackDays, dates));
      }
      const missing: MissingReport[] = [];
      for (const reportDate of [...new Set([...datesOf.values()].flat())].sort()) {
        const runs = await listRuns(temporal, {
          from: reportDate,
          to: reportDate,
          taskQueue: config.temporal.taskQueue,
        });
        for (const report of owed) {
          if (!datesOf.get(report)!.includes(reportDate)) continue;
          const its = runs.filter((r) => r.report === report?.id && r.split === report?.split);
          if (its.some((r) => reportDelivered(r.outcome))) continue;
          missing.push({
            reportDate,
            ...(report && { report }),
            runs: its.map((r) => ({ workflowId: r.workflowId, runId: r.runId, status: r.status, outcome: r.outcome })),
          });
        }
      }
      return missing;
    },
  };
}
