import {
  ApplicationFailure,
  ParentClosePolicy,
  proxyLocalActivities,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  MORNING_SCHEDULED_AT,
  WORKFLOW_TYPES,
  type FailureType,
  type MorningInput,
  type MorningReportResult,
  type ReportInput,
  type ReportRef,
  type ReportResult,
} from '../temporal/contracts';
import { ReportDate, ReportTrigger, TemporalScheduledStartTime } from '../temporal/search-attributes';
import { rootMessage } from './failures';
import type { weeklySalesReport } from './weekly-sales-report';

const { planMorning } = proxyLocalActivities<Activities>({ startToCloseTimeout: '30 seconds' });

/**
 * The morning's reports: every report and split value the config defines (or those named), each its own run of
 * weeklySalesReport, all started at once so they share one GPU boot (the pool) and one read of each source per worker
 * (sales/shared-reads.ts). One report's failure is that report's: its run alerts for it, the others go out.
 */
export async function morningReports(input: MorningInput = {}): Promise<MorningReportResult[]> {
  const info = workflowInfo();
  const scheduledAt = info.typedSearchAttributes.get(TemporalScheduledStartTime)?.toISOString();
  let plan;
  try {
    plan = await planMorning({
      input,
      workflowId: info.workflowId,
      runId: info.runId,
      scheduledAt,
      startedAt: info.startTime.toISOString(),
    });
  } catch (err) {
    throw ApplicationFailure.create({
      type: 'ReportFailed' satisfies FailureType,
      message: `Morning reports not started: ${rootMessage(err)}`,
      nonRetryable: true,
      cause: err as Error,
    });
  }
  upsertSearchAttributes([
    { key: ReportDate, value: plan.reportDate },
    { key: ReportTrigger, value: scheduledAt ? 'schedule' : 'manual' },
  ]);

  const started = await Promise.all(
    plan.runs.map(async (report) => {
      const args: ReportInput = {
        reportDate: plan.reportDate,
        report: report.id,
        ...(report.split !== undefined && { split: report.split }),
        ...(plan.dryRun && { dryRun: true }),
      };
      const child = await startChild<typeof weeklySalesReport>(WORKFLOW_TYPES.report, {
        workflowId: childWorkflowId(info.workflowId, report),
        args: [args],
        // A cancelled or terminated morning takes its reports with it; each one's lease goes with its run.
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        ...(scheduledAt && { memo: { [MORNING_SCHEDULED_AT]: scheduledAt } }),
      });
      return { report, child };
    }),
  );
  return Promise.all(
    started.map(async ({ report, child }) => {
      try {
        return resultOf(report, child.workflowId, await child.result());
      } catch (err) {
        return { ...report, workflowId: child.workflowId, outcome: 'failed', audience: [], error: rootMessage(err) };
      }
    }),
  );
}

/** "<morning's workflow id>/<report id>[/<split value>]": each report of a morning found by its name. */
function childWorkflowId(morning: string, report: ReportRef): string {
  return [morning, report.id, ...(report.split === undefined ? [] : [report.split])].join('/');
}

function resultOf(report: ReportRef, workflowId: string, r: ReportResult): MorningReportResult {
  return {
    ...report,
    workflowId,
    outcome: r.outcome,
    audience: r.recipients.to,
    ...(r.llm && { tokens: r.llm.usage.totalTokens }),
    ...(r.gpu && { gpuSeconds: r.gpu.billedSeconds }),
  };
}
