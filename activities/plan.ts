import type { Config } from '../config/config';
import { nonRetryableFailure, type PlanRequest, type ReportPlan, type ReportTrigger } from '../temporal/contracts';
import { dateInZone, isIsoDate } from '../sales/dates';
import type { ActivityDeps } from './deps';

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

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

export function createPlanActivities({ config }: ActivityDeps) {
  return {
    /**
     * Fixes the run's parameters from the input and the config. The date comes from the nominal time the workflow
     * passes (schedule time or start time), never from this activity's clock, so a late retry reports the same day.
     */
    async planReport(request: PlanRequest): Promise<ReportPlan> {
      const { input } = request;
      const problems: string[] = [];
      if (input.reportDate !== undefined && !isIsoDate(input.reportDate)) {
        problems.push(`reportDate "${String(input.reportDate)}" is not a YYYY-MM-DD calendar date`);
      }
      if (input.recipients !== undefined) {
        if (!Array.isArray(input.recipients) || input.recipients.length === 0) {
          problems.push('recipients must be a non-empty list of e-mail addresses');
        } else {
          const bad = input.recipients.filter((r) => typeof r !== 'string' || !EMAIL.test(r));
          if (bad.length > 0)
            problems.push(`recipients: not e-mail addresses: ${bad.map((b) => JSON.stringify(b)).join(', ')}`);
        }
      }
      if (input.dryRun !== undefined && typeof input.dryRun !== 'boolean')
        problems.push('dryRun must be true or false');
      if (problems.length > 0) {
        throw nonRetryableFailure('InvalidInput', `Invalid workflow input: ${problems.join('; ')}`);
      }

      const nominalTime = request.scheduledAt ?? request.startedAt;
      const reportDate = input.reportDate ?? dateInZone(new Date(nominalTime), config.report.timezone);
      const t = config.timeouts;
      const gpu = config.gpu;
      const timeouts = {
        loadDataSeconds: t.loadDataSeconds,
        gpuStartSeconds: t.gpuStartSeconds,
        gpuReadySeconds: gpu.readyTimeoutSeconds,
        gpuStopSeconds: gpu.stopTimeoutSeconds,
        llmSeconds: config.llm.requestTimeoutSeconds * config.llm.maxAttempts,
        renderSeconds: t.renderSeconds,
        emailSeconds: t.emailSeconds,
        heartbeatSeconds: t.heartbeatSeconds,
        retryInitialIntervalSeconds: t.retryInitialIntervalSeconds,
        retryMaximumAttempts: t.retryMaximumAttempts,
      };
      const sharing = gpu.sharing;
      return {
        run: { workflowId: request.workflowId, runId: request.runId, reportDate },
        trigger: triggerOf(request, config),
        dryRun: input.dryRun ?? false,
        recipients: { to: input.recipients ?? config.email.to, cc: config.email.cc, bcc: config.email.bcc },
        locale: config.report.locale,
        timezone: config.report.timezone,
        model: config.llm.model,
        gpuProvider: gpu.provider,
        ...(sharing.enabled && {
          gpuPool: {
            id: sharing.poolId ?? `${config.temporal.taskQueue}-gpu-pool`,
            params: {
              model: config.llm.model,
              idleGraceSeconds: sharing.idleGraceSeconds,
              holderCheckSeconds: sharing.holderCheckSeconds,
              timeouts,
            },
          },
        }),
        timeouts,
      };
    },
  };
}
