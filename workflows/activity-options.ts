import { ActivityCancellationType, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { GpuTimeouts, ReportTimeouts } from '../temporal/contracts';

const ms = (seconds: number) => seconds * 1000;
const retryOf = (t: GpuTimeouts) => ({
  initialInterval: ms(t.retryInitialIntervalSeconds),
  maximumAttempts: t.retryMaximumAttempts,
});

/** A report run's activities, each with its own time limit and retry policy, from the run's plan. */
export function reportActivities(t: ReportTimeouts) {
  const retry = retryOf(t);
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
  const { withholdNarrative } = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry });
  const { renderReport } = proxyActivities<Activities>({ startToCloseTimeout: ms(t.renderSeconds), retry });
  // Heartbeats: a send on a worker that died is retried on another within seconds, not after emailSeconds.
  const { sendReportEmail, sendFailureAlert, sendDelayNotice } = proxyActivities<Activities>({
    startToCloseTimeout: ms(t.emailSeconds),
    heartbeatTimeout,
    retry,
  });
  const { acquireGpuLease, releaseGpuLease } = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry });
  const { postReportCards } = proxyActivities<Activities>({ startToCloseTimeout: '2 minutes', retry });
  // A look at the server, not work: local, so it costs the run one marker and the pool nothing.
  const { gpuPoolChain } = proxyLocalActivities<Activities>({ startToCloseTimeout: '30 seconds', retry });
  return {
    gpuPoolChain,
    loadSalesMetrics,
    acquireGpuLease,
    generateReport,
    withholdNarrative,
    releaseGpuLease,
    renderReport,
    sendReportEmail,
    postReportCards,
    sendFailureAlert,
    sendDelayNotice,
  };
}

/**
 * The pool's activities. An instance's life (start, wait until it serves, stop) runs on `lifecycleTaskQueue` when
 * given (the host of a local-process server), else the pool's own task queue.
 */
export function gpuPoolActivities(t: GpuTimeouts, lifecycleTaskQueue?: string) {
  const retry = retryOf(t);
  const heartbeatTimeout = ms(t.heartbeatSeconds);
  const life = { heartbeatTimeout, ...(lifecycleTaskQueue && { taskQueue: lifecycleTaskQueue }) };
  const { startGpu } = proxyActivities<Activities>({
    ...life,
    startToCloseTimeout: ms(t.gpuStartSeconds),
    retry,
    // A cancelled start is waited for, so the instance it made is in the ledger before the stop that follows.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });
  const { waitGpuReady } = proxyActivities<Activities>({
    ...life,
    startToCloseTimeout: ms(t.gpuReadySeconds + 60),
    retry,
  });
  // A first, bounded try at stopping: if it fails, a human is told at once and stopping goes on.
  const { stopGpu: tryStopGpu } = proxyActivities<Activities>({
    ...life,
    startToCloseTimeout: ms(t.gpuStopSeconds + 30),
    scheduleToCloseTimeout: ms(3 * (t.gpuStopSeconds + 30)),
    retry: { initialInterval: retry.initialInterval, maximumInterval: '10 seconds' },
  });
  // Then stopping is retried until it works (for up to a day): giving up would leave a GPU billing by the hour.
  // Permanent refusals (not authorised, no such instance) fail at once instead: see activities/gpu-lifecycle.ts.
  const { stopGpu } = proxyActivities<Activities>({
    ...life,
    startToCloseTimeout: ms(t.gpuStopSeconds + 30),
    scheduleToCloseTimeout: '24 hours',
    retry: { initialInterval: retry.initialInterval, maximumInterval: '1 minute' },
  });
  const { endedHolders } = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry });
  // A fleet looks at each holder check whether a provider stopped one of its instances (on the instances' host).
  const { instancesGone } = proxyActivities<Activities>({
    ...life,
    startToCloseTimeout: '1 minute',
    retry,
  });
  const { sendGpuStopAlert } = proxyActivities<Activities>({
    startToCloseTimeout: ms(t.emailSeconds),
    heartbeatTimeout,
    retry,
  });
  return { startGpu, waitGpuReady, tryStopGpu, stopGpu, endedHolders, instancesGone, sendGpuStopAlert };
}
