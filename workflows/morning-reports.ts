import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  log,
  ParentClosePolicy,
  patched,
  proxyActivities,
  proxyLocalActivities,
  sleep,
  startChild,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  MORNING_CONFIG,
  MORNING_SCHEDULED_AT,
  reportDelivered,
  WORKFLOW_TYPES,
  type FailureType,
  type InvalidInputDetails,
  type MorningAudit,
  type MorningInput,
  type MorningReportResult,
  type ReportInput,
  type ReportOutcome as Outcome,
  type ReportRef,
  type ReportResult,
} from '../temporal/contracts';
import { ReportDate, ReportOutcome, ReportTrigger, TemporalScheduledStartTime } from '../temporal/search-attributes';
import { causeOf, rootMessage } from './failures';
import { poolPlan } from '../gpu/deadline';
import type { salesReport } from './sales-report';

const { planMorning } = proxyLocalActivities<Activities>({ startToCloseTimeout: '30 seconds' });
const { sendMorningDigest, sendConfigDriftAlert, sendDeadlineAlert, orderGpus } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 5 },
});

/**
 * morning-audited (2026-12-07): the morning keeps its own audit (memo, ReportOutcome), mails ops one digest of the
 * reports that failed or went out with the numbers only (its reports tell the webhooks, each its own line), and
 * ends failed when a report failed, so the Web UI shows it red. Mornings recorded before ended completed.
 */
const MORNING_AUDITED = 'morning-audited';

/**
 * config-drift-told (2026-12-07): a morning planned while the task queue's workers ran two configs (the server's
 * pollers say so, temporal/worker-configs.ts) tells ops, beside its reports. Mornings recorded before did not.
 */
const CONFIG_DRIFT_TOLD = 'config-drift-told';

/**
 * morning-keeps-deadline (2026-12-07): a morning the schedule started with schedule.deadline set tells ops at once when
 * one GPU instance will not make it, keeps a timer to the deadline and at it tells ops of every report not yet out,
 * and audits whether it was met. Mornings recorded before kept no deadline.
 */
const KEEPS_DEADLINE = 'morning-keeps-deadline';

/**
 * morning-orders-gpus (2026-12-08): a morning with a deadline whose pool is a fleet (gpu.pool.maxInstances above 1)
 * orders the instances its plan needs before it starts its reports, so they boot while the data loads. Mornings
 * recorded before ordered none.
 */
const ORDERS_GPUS = 'morning-orders-gpus';

/**
 * reports-named-sales-report (2026-12-08): a morning starts its reports as salesReport, the report run's name since
 * it writes every period; mornings recorded before started weeklySalesReport (still registered).
 */
const REPORTS_NAMED_SALES_REPORT = 'reports-named-sales-report';

/**
 * The morning's reports: every report and split value the config defines (or those named), each its own run of
 * salesReport, all started at once so they share one GPU boot (the pool) and one read of each source per worker
 * (sales/shared-reads.ts). One report's failure is that report's: its run alerts for it, the others go out.
 */
export async function morningReports(input: MorningInput = {}): Promise<MorningReportResult[]> {
  const info = workflowInfo();
  const audited = patched(MORNING_AUDITED); // asked in the first activation, before any local activity's result
  const driftTold = patched(CONFIG_DRIFT_TOLD);
  const keepsDeadline = patched(KEEPS_DEADLINE);
  const ordersGpus = patched(ORDERS_GPUS);
  const reportType = patched(REPORTS_NAMED_SALES_REPORT) ? WORKFLOW_TYPES.report : WORKFLOW_TYPES.reportAsNamedBefore;
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
    if (audited) {
      // Found in the Web UI and by the CLI as a failed morning of its date, like a refused report run.
      const [details] = (causeOf(err)?.details ?? []) as (InvalidInputDetails | undefined)[];
      upsertSearchAttributes([
        { key: ReportOutcome, value: 'failed' satisfies Outcome },
        { key: ReportTrigger, value: scheduledAt ? 'schedule' : 'manual' },
        ...(details?.reportDate ? [{ key: ReportDate, value: details.reportDate }] : []),
      ]);
    }
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

  // Told beside the reports, never in their way: a rollout half done is the operators' to finish.
  const driftAlert =
    driftTold && plan.configDrift
      ? sendConfigDriftAlert({
          morning: { workflowId: info.workflowId, runId: info.runId, reportDate: plan.reportDate },
          drift: plan.configDrift,
        }).catch((err: unknown) => log.warn('config drift alert not delivered', { error: rootMessage(err) }))
      : undefined;

  const morning = { workflowId: info.workflowId, runId: info.runId, reportDate: plan.reportDate };
  const deadline = keepsDeadline ? plan.deadline : undefined;
  const told = (kind: string) => (err: unknown) =>
    log.warn(`deadline alert (${kind}) not delivered`, { error: rootMessage(err) });
  // The fleet's instances, ordered before the reports ask, so they boot while the data loads. Never in the way.
  if (ordersGpus && deadline?.pool)
    await orderGpus({
      instances: deadline.pool.instances,
      reports: plan.runs.length,
      dueInSeconds: deadline.dueInSeconds,
      morning: info.workflowId,
    }).catch((err: unknown) =>
      log.warn('GPU order not delivered: the pool starts as the reports ask', { error: rootMessage(err) }),
    );
  // The pool's instances will not make it: said now, while there is time to act (start another, tell the readers).
  const riskAlert =
    deadline && !poolPlan(deadline).meetsDeadline
      ? sendDeadlineAlert({ morning, kind: 'at-risk', plan: deadline, reports: plan.runs.length }).catch(
          told('at-risk'),
        )
      : undefined;

  // What each report run reads of its morning: the nominal time (its trigger and date), the config planned with.
  const memo = {
    ...(scheduledAt && { [MORNING_SCHEDULED_AT]: scheduledAt }),
    ...(audited && plan.configFingerprint && { [MORNING_CONFIG]: plan.configFingerprint }),
  };
  const started = await Promise.all(
    plan.runs.map(async (report) => {
      const args: ReportInput = {
        reportDate: plan.reportDate,
        report: report.id,
        ...(report.split !== undefined && { split: report.split }),
        ...(plan.dryRun && { dryRun: true }),
      };
      const child = await startChild<typeof salesReport>(reportType, {
        workflowId: childWorkflowId(info.workflowId, report),
        args: [args],
        // A cancelled or terminated morning takes its reports with it; each one's lease goes with its run.
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        ...(Object.keys(memo).length > 0 && { memo }),
      });
      return { report, child };
    }),
  );
  const pending = new Map(started.map(({ report, child }) => [child.workflowId, report]));
  const allEnded = Promise.all(
    started.map(async ({ report, child }): Promise<MorningReportResult> => {
      try {
        return resultOf(report, child.workflowId, await child.result());
      } catch (err) {
        return { ...report, workflowId: child.workflowId, outcome: 'failed', audience: [], error: rootMessage(err) };
      } finally {
        pending.delete(child.workflowId);
      }
    }),
  );
  const missed = deadline ? await keptDeadline(deadline.dueInSeconds, allEnded, pending) : undefined;
  const missedAlert =
    deadline && missed && missed.length > 0
      ? sendDeadlineAlert({
          morning,
          kind: 'missed',
          plan: deadline,
          reports: plan.runs.length,
          pending: missed,
        }).catch(told('missed'))
      : undefined;
  const results = await allEnded;
  await Promise.all([driftAlert, riskAlert, missedAlert]);
  if (!audited) return results;

  const audit: MorningAudit = {
    ...morningAudit(results),
    ...(deadline && {
      deadline: {
        dueAt: deadline.dueAt,
        // Every report out by then: none still writing at the deadline, none failed or cancelled before it.
        met: missed?.length === 0 && results.every((r) => reportDelivered(r.outcome) || r.outcome === 'dry-run'),
        instancesNeeded: deadline.needed.instances,
        instancesPlanned: poolPlan(deadline).instances,
        oneInstanceFinishSeconds: Math.round(deadline.onOne.finishSeconds),
        basis: deadline.basis,
        derivation: poolPlan(deadline).derivation,
      },
    }),
  };
  upsertMemo({ audit });
  upsertSearchAttributes([{ key: ReportOutcome, value: audit.outcome }]);
  const needsHuman = results.filter((r) => r.outcome === 'failed' || r.outcome === 'sent-numbers-only');
  if (needsHuman.length > 0) {
    try {
      await sendMorningDigest({
        morning: { workflowId: info.workflowId, runId: info.runId },
        reportDate: plan.reportDate,
        reports: results.length,
        needsHuman,
      });
    } catch (err) {
      log.error('the morning digest could not be sent', { error: rootMessage(err) });
    }
  }
  const failed = results.filter((r) => r.outcome === 'failed');
  if (failed.length > 0) {
    // Red in the Web UI, with every report's end in the failure's details (and the memo).
    throw ApplicationFailure.create({
      type: 'ReportFailed' satisfies FailureType,
      message: `${failed.length} of ${results.length} reports failed: ${failed.map((r) => `${[r.id, r.split].filter((x) => x !== undefined).join(' · ')}: ${r.error ?? 'failed'}`).join('; ')}`,
      nonRetryable: true,
      details: [results],
    });
  }
  return results;
}

/**
 * Waits for the reports or the deadline, whichever comes first: the reports still running at the deadline (none when
 * every one ended in time). The timer is cancelled once they all end, so it wakes nothing; a morning cancelled while
 * it waits stops waiting and goes on to gather its reports' ends, as it did before it kept deadlines.
 */
async function keptDeadline(
  dueInSeconds: number,
  allEnded: Promise<unknown>,
  pending: Map<string, ReportRef>,
): Promise<ReportRef[]> {
  const timer = new CancellationScope();
  const due = timer
    .run(() => sleep(Math.max(1, Math.round(dueInSeconds * 1000))))
    .then(
      () => 'due' as const,
      (err: unknown) => {
        if (isCancellation(err)) return 'ended' as const;
        throw err;
      },
    );
  const first = await Promise.race([allEnded.then(() => 'ended' as const), due]);
  if (first === 'ended') {
    timer.cancel();
    return [];
  }
  return [...pending.values()];
}

/**
 * The morning's one word: failed when a report failed; sent-partial when one went out with its words withheld or
 * cut; else sent, or already-sent / dry-run when every report was.
 */
function morningOutcome(results: MorningReportResult[]): Outcome {
  const outcomes = new Set(results.map((r) => r.outcome));
  if (outcomes.has('failed') || outcomes.has('cancelled')) return 'failed';
  if (outcomes.has('sent-numbers-only') || outcomes.has('sent-partial') || outcomes.has('unknown'))
    return 'sent-partial';
  if (outcomes.size === 1 && (outcomes.has('already-sent') || outcomes.has('dry-run'))) return results[0]!.outcome;
  return 'sent';
}

function morningAudit(results: MorningReportResult[]): MorningAudit {
  return {
    outcome: morningOutcome(results),
    reports: results.map((r) => ({
      id: r.id,
      ...(r.split !== undefined && { split: r.split }),
      outcome: r.outcome,
      audience: r.audience.length,
      ...(r.tokens !== undefined && { tokens: r.tokens }),
      ...(r.gpuSeconds !== undefined && { gpuSeconds: r.gpuSeconds }),
    })),
    gpuSecondsShared: Math.round(results.reduce((sum, r) => sum + (r.gpuSeconds ?? 0), 0) * 10) / 10,
    tokens: results.reduce((sum, r) => sum + (r.tokens ?? 0), 0),
    usage: usageOf(results),
  };
}

/** The tokens by kind of the reports that wrote. */
function usageOf(results: MorningReportResult[]): NonNullable<MorningAudit['usage']> {
  const wrote = results.flatMap((r) => (r.usage ? [r.usage] : []));
  const sum = (of: (u: (typeof wrote)[number]) => number) => wrote.reduce((n, u) => n + of(u), 0);
  return {
    reportsWritten: wrote.length,
    promptTokens: sum((u) => u.promptTokens),
    cachedPromptTokens: sum((u) => u.cachedPromptTokens ?? 0),
    completionTokens: sum((u) => u.completionTokens),
  };
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
    ...(r.llm && { tokens: r.llm.usage.totalTokens, usage: r.llm.usage }),
    ...(r.gpu && { gpuSeconds: r.gpu.billedSeconds }),
    ...(r.llm?.narrativeWithheld && { withheld: r.llm.narrativeWithheld.reason }),
  };
}
