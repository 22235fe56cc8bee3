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
  const { startGpu } = proxyActivities<Activities>({
    startToCloseTimeout: ms(t.gpuStartSeconds),
    heartbeatTimeout,
    retry,
    // A cancelled start is waited for, so the instance it made is in the ledger before the stop that follows.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  const { waitGpuReady } = proxyActivities<Activities>({
    startToCloseTimeout: ms(t.gpuReadySeconds + 60),
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
  // A first, bounded try at stopping: if it fails, the report still goes out and a human is told at once.
  const { stopGpu: tryStopGpu } = proxyActivities<Activities>({
    startToCloseTimeout: ms(t.gpuStopSeconds + 30),
    heartbeatTimeout,
    scheduleToCloseTimeout: ms(3 * (t.gpuStopSeconds + 30)),
    retry: { initialInterval: retry.initialInterval, maximumInterval: '10 seconds' },
  });
  // Then stopping is retried until it works (for up to a day): giving up would leave a GPU billing by the hour.
  const { stopGpu } = proxyActivities<Activities>({
    startToCloseTimeout: ms(t.gpuStopSeconds + 30),
    heartbeatTimeout,
    scheduleToCloseTimeout: '24 hours',
    retry: { initialInterval: retry.initialInterval, maximumInterval: '1 minute' },
  });

  const { acquireGpuLease, releaseGpuLease, runsAlive } = proxyActivities<Activities>({
    startToCloseTimeout: '1 minute',
    retry,
  });

  return {
    acquireGpuLease,
    releaseGpuLease,
    runsAlive,
    loadSalesMetrics,
    startGpu,
    waitGpuReady,
    generateReport,
    renderReport,
    sendReportEmail,
    sendFailureAlert,
    stopGpu,
    tryStopGpu,
  };
}
