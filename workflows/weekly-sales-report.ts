import {
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  log,
  patched,
  proxyLocalActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import {
  progressQuery,
  type AuditMemo,
  type EmailReceipt,
  type FailureType,
  type GpuBill,
  type GpuHandle,
  type InvalidInputDetails,
  type LlmCallsDetails,
  type ReportInput,
  type ReportOutcome,
  type ReportPlan,
  type ReportResult,
  type Stage,
} from '../temporal/contracts';
import { holderKey } from '../gpu/owner';
import { activitiesFor } from './activity-options';
import { ownGpu, pooledGpu } from '../gpu/workflows/access';
import { causeOf, rootMessage } from './failures';
import {
  ReportAlert,
  ReportDate,
  ReportOutcome as ReportOutcomeKey,
  ReportTrigger,
  TemporalScheduledStartTime,
} from '../temporal/search-attributes';

const { planReport } = proxyLocalActivities<Activities>({ startToCloseTimeout: '30 seconds' });

/**
 * Workflow changes, by patch id, so runs recorded before each change replay as they ran (test/histories/).
 * gpu-stop-does-not-hold-report: a GPU stop that fails no longer fails the run before the email; the report goes
 * out, ops are told "GPU NOT stopped", and stopping goes on in the background.
 */
const PATCHES = {
  stopDoesNotHoldReport: 'gpu-stop-does-not-hold-report',
  /** Invalid input: the run records ReportOutcome "failed" and the date it would have reported on. */
  invalidInputAudited: 'invalid-input-audited',
  /** After a Reset, the run starts (or reuses) a GPU of its own instead of the one in the history. */
  resetGetsItsOwnGpu: 'reset-gets-its-own-gpu',
} as const;

/**
 * The weekly sales report: load the numbers while the GPU boots, have the model write the words, stop the GPU,
 * render, email. The GPU is stopped on every way out, cancellation included.
 */
export async function weeklySalesReport(input: ReportInput = {}): Promise<ReportResult> {
  let stage: Stage = 'planning';
  setHandler(progressQuery, () => stage);
  const stopDoesNotHoldReport = patched(PATCHES.stopDoesNotHoldReport);

  const info = workflowInfo();
  const scheduledAt = info.typedSearchAttributes.get(TemporalScheduledStartTime);
  let plan: ReportPlan;
  try {
    plan = await planReport({
      input: input ?? {},
      workflowId: info.workflowId,
      runId: info.runId,
      scheduledAt: scheduledAt?.toISOString(),
      startedAt: info.startTime.toISOString(),
    });
  } catch (err) {
    // A typo in the Web UI's input: nothing started, but the run's audit record says it failed, and for which date.
    if (patched(PATCHES.invalidInputAudited)) {
      const [details] = (causeOf(err)?.details ?? []) as (InvalidInputDetails | undefined)[];
      upsertSearchAttributes([
        { key: ReportOutcomeKey, value: 'failed' satisfies ReportOutcome },
        ...(details?.reportDate ? [{ key: ReportDate, value: details.reportDate }] : []),
      ]);
      throw ApplicationFailure.create({
        type: 'ReportFailed' satisfies FailureType,
        message: `Sales report not started: ${rootMessage(err)}`,
        nonRetryable: true,
        cause: err as Error,
      });
    }
    throw err;
  }
  upsertSearchAttributes([
    { key: ReportDate, value: plan.run.reportDate },
    { key: ReportTrigger, value: plan.trigger },
  ]);

  // After a Reset the recorded plan is the reset run's: this run archives, sends and is alerted on under its own id,
  // so it never overwrites that run's archive nor claims its send.
  const run = { ...plan.run, runId: info.runId };
  const resetFromRun = plan.run.runId !== info.runId ? plan.run.runId : undefined;
  const act = activitiesFor(plan.timeouts);
  const owner = holderKey(info);
  // A bill recorded before a Reset point is the reset run's: counting it here would bill those GPU seconds twice.
  const ownBill = (bill: GpuBill | undefined) => (bill && (!bill.owner || bill.owner === owner) ? bill : undefined);
  let gpuBill: GpuBill | undefined;
  let gpuInstance: string | undefined;
  let gpuStopError: string | undefined;
  let failure: unknown;
  let reportFailure: ApplicationFailure | undefined;
  let alert: AuditMemo['alert'];
  let result: ReportResult | undefined;

  // Every run plans a lease on the pool; only runs recorded before that (no gpuPool in their plan) own an instance.
  const gpu = plan.gpuPool
    ? pooledGpu(act, plan.gpuPool, { workflowId: info.workflowId, runId: info.runId })
    : ownGpu(act, owner, plan.model);
  // The GPU boots while the data loads: boot time is the bulk of what we pay for.
  const gpuStart = gpu.started;
  /**
   * After a Reset, the GPU in the history was the reset run's, stopped or about to be: at the first step this run
   * executes live, it asks for its own (a no-op when the reset point came before the start). Checked at each step
   * that uses the GPU, because the steps before the reset point only replay.
   */
  let restartedAfterReset = false;
  const ownGpuAfterReset = async (handle: GpuHandle): Promise<GpuHandle> => {
    if (resetFromRun === undefined || restartedAfterReset || !patched(PATCHES.resetGetsItsOwnGpu)) return handle;
    restartedAfterReset = true;
    return gpu.restart();
  };
  gpuStart.catch(() => undefined); // observed below; this only keeps an early rejection from going unhandled

  try {
    stage = 'loading data and starting GPU';
    const metrics = await act.loadSalesMetrics(run);

    stage = 'waiting for GPU';
    let handle = await ownGpuAfterReset(await gpuStart);
    gpuInstance = handle.instanceId;
    await gpu.ready(handle);

    stage = 'generating report';
    const fresh = await ownGpuAfterReset(handle);
    if (fresh !== handle) {
      handle = fresh;
      gpuInstance = handle.instanceId;
      await gpu.ready(handle);
    }
    const generated = await act.generateReport({ run, gpu: handle, metrics });

    // The model's work is done: stop paying before rendering and email.
    stage = 'stopping GPU';
    if (stopDoesNotHoldReport) {
      try {
        gpuBill = await gpu.tryRelease();
      } catch (err) {
        if (isCancellation(err)) throw err;
        // The report does not wait on the cloud: it goes out, and `finally` tells ops and keeps stopping.
        gpuStopError = rootMessage(err);
        log.error('GPU stop failed; the report goes out and stopping goes on', { owner, error: gpuStopError });
      }
    } else {
      gpuBill = await gpu.release();
    }

    stage = 'rendering';
    const rendered = await act.renderReport({ run, metrics, generated, gpu: gpuBill });

    let receipt: EmailReceipt | undefined;
    if (!plan.dryRun) {
      stage = 'sending email';
      receipt = await act.sendReportEmail({ run, rendered, recipients: plan.recipients });
    }

    stage = 'done';
    const { report: _words, ...llm } = generated; // the words are in the archive and the email, not in history twice
    result = {
      workflowId: info.workflowId,
      runId: info.runId,
      reportDate: plan.run.reportDate,
      trigger: plan.trigger,
      period: metrics.period,
      outcome: plan.dryRun ? 'dry-run' : 'sent',
      messageId: receipt?.messageId,
      recipients: plan.recipients,
      artefacts: rendered,
      llm,
      gpu: ownBill(gpuBill),
      dataQuality: { dataRows: metrics.dataQuality.dataRows, skippedRows: metrics.dataQuality.skippedRows },
    };
    return result;
  } catch (err) {
    failure = err;
    if (isCancellation(err)) throw err;
    reportFailure = ApplicationFailure.create({
      type: 'ReportFailed' satisfies FailureType,
      message: `Sales report for ${plan.run.reportDate} failed while ${stage}: ${rootMessage(err)}`,
      nonRetryable: true,
      cause: err as Error,
    });
    throw reportFailure;
  } finally {
    await CancellationScope.nonCancellable(async () => {
      // A start still in flight must land in the ledger before we stop, or its instance would be missed.
      await gpuStart.catch(() => undefined);
      const outcome: ReportOutcome = result?.outcome ?? (isCancellation(failure) ? 'cancelled' : 'failed');
      const stopGpu = async (patiently: boolean) => {
        try {
          gpuBill = await (patiently ? gpu.release() : gpu.tryRelease());
          gpuStopError = undefined;
        } catch (err) {
          gpuStopError = rootMessage(err);
          log.error('GPU stop failed; the reaper or an operator must stop it', { owner, error: gpuStopError });
        }
      };
      // Before patching, one patient stop came first; now a bounded one does, so a human hears at once.
      if (gpuBill === undefined && gpuStopError === undefined) await stopGpu(!stopDoesNotHoldReport);
      const gpuStopped = gpuBill !== undefined;
      const failed = failure !== undefined && !isCancellation(failure);
      // The report went out with its narrative withheld (the model's words failed the checks): ops hear why.
      const withheld = failed ? undefined : result?.llm?.narrativeWithheld;
      if (failed || (stopDoesNotHoldReport && !gpuStopped) || withheld) {
        try {
          const receipt = await act.sendFailureAlert({
            run,
            stage,
            error: failed
              ? rootMessage(failure)
              : !gpuStopped && stopDoesNotHoldReport
                ? `GPU NOT stopped: ${gpuStopError ?? 'not confirmed'}`
                : `narrative withheld: ${withheld?.reason ?? ''}`,
            ...(withheld && { narrativeWithheld: withheld }),
            gpuStopped,
            gpu: gpuBill,
            ...(gpuStopError !== undefined && { gpuStopError: { instanceId: gpuInstance, error: gpuStopError } }),
            ...(!failed && result !== undefined && { reportDelivered: true }),
          });
          // Runs recorded before alerts had receipts got an email receipt here: no channel list.
          alert = { delivered: receipt?.delivered ?? ['email'] };
        } catch (err) {
          alert = { delivered: [], error: rootMessage(err) };
          log.error('failure alert could not be sent', { error: alert.error });
          // The run's own failure says that no one was told, for whoever looks at it first.
          if (reportFailure) reportFailure.message += ` (NO ALERT DELIVERED: ${alert.error})`;
        }
      }
      upsertSearchAttributes([
        { key: ReportOutcomeKey, value: outcome },
        ...(alert ? [{ key: ReportAlert, value: alert.delivered.length > 0 ? 'delivered' : 'undelivered' }] : []),
      ]);
      upsertMemo({
        audit: { ...auditMemo(plan, outcome, result, ownBill(gpuBill), llmCallsOf(failure)), ...(alert && { alert }) },
      });
      if (stopDoesNotHoldReport && !gpuStopped) {
        // Ops know; keep stopping in the background (for up to a day), then record the bill.
        await stopGpu(true);
        if (gpuBill)
          upsertMemo({
            audit: {
              ...auditMemo(plan, outcome, result, ownBill(gpuBill), llmCallsOf(failure)),
              ...(alert && { alert }),
            },
          });
      }
    });
  }
}

/** How many calls to the model a failed generateReport had made, from its failure's details. */
function llmCallsOf(failure: unknown): number | undefined {
  const [details] = (causeOf(failure)?.details ?? []) as (Partial<LlmCallsDetails> | undefined)[];
  return typeof details?.llmCalls === 'number' ? details.llmCalls : undefined;
}

function auditMemo(
  plan: ReportPlan,
  outcome: ReportOutcome,
  result: ReportResult | undefined,
  gpu: GpuBill | undefined,
  /** Calls to the model of a run that failed (from its failure): result has them for the others. */
  llmCalls?: number,
): AuditMemo {
  return {
    trigger: plan.trigger,
    outcome,
    model: result?.llm?.model ?? plan.model,
    promptSha256: result?.llm?.promptSha256,
    schemaId: result?.llm?.schemaId,
    attempts: result?.llm?.attempts ?? llmCalls,
    totalTokens: result?.llm?.usage.totalTokens,
    gpuSeconds: gpu?.billedSeconds,
    gpuCost: gpu?.estimatedCost,
    gpuCurrency: gpu?.currency,
    messageId: result?.messageId,
    recipientCount: plan.recipients.to.length + plan.recipients.cc.length + plan.recipients.bcc.length,
  };
}
