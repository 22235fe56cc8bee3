import type { MissedReportCheckInput, MissingReport, ReportRef } from '../temporal/contracts';
import { everyReportSlice } from '../report/definitions';
import { addDays, dateInZone } from '../sales/dates';
import { listRuns } from '../temporal/runs';
import type { ActivityDeps } from './deps';

/** Outcomes that mean the date's report reached its readers. */
const DELIVERED = new Set(['sent', 'already-sent']);

export function createReportCheckActivities({ config, temporal, now = () => new Date() }: ActivityDeps) {
  return {
    /**
     * The report dates due by now (today and the schedule.missedCheck.lookbackDays - 1 days before, in the report's
     * time zone), or the dates asked for, with no run that sent their report, and what ran for each.
     */
    async findMissingReports({ dates }: MissedReportCheckInput): Promise<MissingReport[]> {
      const today = dateInZone(now(), config.report.timezone);
      const due =
        dates ??
        Array.from({ length: config.schedule.missedCheck.lookbackDays }, (_, i) => addDays(today, -i)).reverse();
      const missing: MissingReport[] = [];
      for (const reportDate of due) {
        const runs = await listRuns(temporal, {
          from: reportDate,
          to: reportDate,
          taskQueue: config.temporal.taskQueue,
        });
        // With reports defined, each report and split value is owed its own: a region without one is missed.
        const owed: (ReportRef | undefined)[] = config.reports ? everyReportSlice(config) : [undefined];
        for (const report of owed) {
          const its = runs.filter((r) => r.report === report?.id && r.split === report?.split);
          if (its.some((r) => r.outcome !== undefined && DELIVERED.has(r.outcome))) continue;
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
