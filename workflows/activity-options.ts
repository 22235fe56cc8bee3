import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ReportPlan } from '../temporal/contracts';

/** Every activity with its own time limit and retry policy, from the run's plan (config fixed at start). */
export function activitiesFor(t: ReportPlan['timeouts']) {
  const ms = (seconds: number) => seconds * 1000;
  const retry = { initialInterval: ms(t.retryInitialIntervalSeconds), maximumAttempts: t.retryMaximumAttempts };
  const heartbeatTimeout = ms(t.heartbeatSeconds);

  const { loadSalesMetrics } = proxyActivities<Activities>({
    startToCloseTimeout: ms(t.loadDataSeconds),
    heartbeatTimeout,
    retry,
  });
  const { generateReport } = proxyActivities<Activities>({
    startToCloseTimeout: ms(t.llmSeconds + 30),
    heartbeatTimeout,
    retry,
  });
  const { renderReport } = proxyActivities<Activities>({ startToCloseTimeout: ms(t.renderSeconds), retry });
  // Heartbeats: a send on a worker that died is retried on another within seconds, not after emailSeconds.
  const { sendReportEmail, sendFailureAlert } = proxyActivities<Activities>({
    startToCloseTimeout: ms(t.emailSeconds),
    heartbeatTimeout,
    retry,
  });
  const { acquireGpuLease, releaseGpuLease, runsAlive, endedHolders } = proxyActivities<Activities>({
    startToCloseTimeout: '1 minute',
    retry,
  });
  const { sendGpuStopAlert } = proxyActivities<Activities>({
    startToCloseTimeout: ms(t.emailSeconds),
    heartbeatTimeout,
    retry,
  });

  return {
    ...gpuLifecycleActivities(t),
    acquireGpuLease,
    releaseGpuLease,
    runsAlive,
    endedHolders,
    sendGpuStopAlert,
    loadSalesMetrics,
    generateReport,
    renderReport,
    sendReportEmail,
    sendFailureAlert,
  };
}

/**
 * An instance's life: start, wait until it serves, stop. On `taskQueue` when given (the host of a local-process
 * server), else the workflow's own.
 */
export function gpuLifecycleActivities(t: ReportPlan['timeouts'], taskQueue?: string) {
  const ms = (seconds: number) => seconds * 1000;
  const retry = { initialInterval: ms(t.retryInitialIntervalSeconds), maximumAttempts: t.retryMaximumAttempts };
  const common = { heartbeatTimeout: ms(t.heartbeatSeconds), ...(taskQueue && { taskQueue }) };
  const { startGpu } = proxyActivities<Activities>({
    ...common,
    startToCloseTimeout: ms(t.gpuStartSeconds),
    retry,
    // A cancelled start is waited for, so the instance it made is in the ledger before the stop that follows.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  const { waitGpuReady } = proxyActivities<Activities>({
    ...common,
    startToCloseTimeout: ms(t.gpuReadySeconds + 60),
    retry,
  });
  // A first, bounded try at stopping: if it fails, a human is told at once and stopping goes on.
  const { stopGpu: tryStopGpu } = proxyActivities<Activities>({
    ...common,
    startToCloseTimeout: ms(t.gpuStopSeconds + 30),
    scheduleToCloseTimeout: ms(3 * (t.gpuStopSeconds + 30)),
    retry: { initialInterval: retry.initialInterval, maximumInterval: '10 seconds' },
  });
  // Then stopping is retried until it works (for up to a day): giving up would leave a GPU billing by the hour.
  // Permanent refusals (not authorised, no such instance) fail at once instead: see gpu/activities/lifecycle.ts.
  const { stopGpu } = proxyActivities<Activities>({
    ...common,
    startToCloseTimeout: ms(t.gpuStopSeconds + 30),
    scheduleToCloseTimeout: '24 hours',
    retry: { initialInterval: retry.initialInterval, maximumInterval: '1 minute' },
  });
  return { startGpu, waitGpuReady, tryStopGpu, stopGpu };
}
