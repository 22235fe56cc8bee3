/**
 * What the config fixes for every run, as the plan hands it on: how a run was started, its time limits, and the pool
 * it leases from.
 */
import { gpuPoolId, type Config } from '../config/config';
import { lifecycleTaskQueue } from '../gpu/lifecycle-queue';
import type { PlanRequest, ReportPlan, ReportTimeouts, ReportTrigger } from '../temporal/contracts';

/**
 * The server marks every schedule-started run with its nominal time but does not say whether the spec, a manual
 * trigger or a backfill started it. A normal action starts within the catch-up window (plus jitter) of its nominal
 * time; a run whose nominal time is further back than that can only be a backfill. A trigger counts as "schedule".
 */
export function triggerOf(request: Pick<PlanRequest, 'scheduledAt' | 'startedAt'>, config: Config): ReportTrigger {
  if (!request.scheduledAt) return 'manual';
  const lateMs = Date.parse(request.startedAt) - Date.parse(request.scheduledAt);
  const allowedMs = (config.schedule.catchupWindowSeconds + config.schedule.jitterSeconds + 60) * 1000;
  return lateMs > allowedMs ? 'backfill' : 'schedule';
}

/** A report run's time limits, from the config: the plan fixes them, and the pool's params take their GPU part. */
export function reportTimeouts(config: Config): ReportTimeouts {
  const t = config.timeouts;
  const gpu = config.gpu;
  return {
    loadDataSeconds: t.loadDataSeconds,
    gpuStartSeconds: t.gpuStartSeconds,
    gpuReadySeconds: gpu.readyTimeoutSeconds,
    gpuStopSeconds: gpu.stopTimeoutSeconds,
    llmSeconds: config.llm.requestTimeoutSeconds * config.llm.maxAttempts,
    llmSlotWaitSeconds: config.llm.slotWaitSeconds,
    renderSeconds: t.renderSeconds,
    // A send waits for the relay's answer to the end of DATA for as long as RFC 5321 allows.
    emailSeconds: Math.max(
      t.emailSeconds,
      config.email.smtp.dataTimeoutSeconds + 2 * config.email.smtp.connectionTimeoutSeconds,
    ),
    heartbeatSeconds: t.heartbeatSeconds,
    retryInitialIntervalSeconds: t.retryInitialIntervalSeconds,
    retryMaximumAttempts: t.retryMaximumAttempts,
  };
}

/** The pool a run leases from, and how it runs: the same for every run and for a morning's order to it. */
export function gpuPoolOf(config: Config): ReportPlan['gpuPool'] {
  const pool = config.gpu.pool;
  const lifecycleQueue = lifecycleTaskQueue(config);
  return {
    id: gpuPoolId(config),
    params: {
      model: config.llm.model,
      idleGraceSeconds: pool.idleGraceSeconds,
      holderCheckSeconds: pool.holderCheckSeconds,
      timeouts: reportTimeouts(config),
      ...(lifecycleQueue && { lifecycleTaskQueue: lifecycleQueue }),
      historyEventsBeforeContinueAsNew: pool.historyEventsBeforeContinueAsNew,
      maxConcurrentRequests: config.llm.maxConcurrentRequests,
      // A pool of one runs as pools always have; its params (and so its recorded history) are unchanged.
      ...(pool.maxInstances > 1 && { maxInstances: pool.maxInstances }),
    },
  };
}
