import type { ActivityDeps } from './deps';
import { createPlanActivities } from './plan';
import { createSalesDataActivities } from './sales-data';
import { createGpuLeaseActivities } from './gpu-lease';
import { createGpuLifecycleActivities } from './gpu-lifecycle';
import { createGenerateReportActivities } from './generate-report';
import { createRenderActivities } from './render';
import { createEmailActivities } from './email';
import { createChatActivities } from './chat';
import { createGpuReaperActivities } from './gpu-reaper';
import { createReportCheckActivities } from './report-check';

export type { ActivityDeps };

/**
 * Every activity the worker registers, in the order a report run meets them: plan, load the data while the lease is
 * asked for (the pool starts, probes and stops the instance), generate, give the lease back, render, email and the chat groups' cards; then
 * the reaper's sweep, the second line behind the pool, and the check that no report date went without a report.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createPlanActivities(deps),
    ...createSalesDataActivities(deps),
    ...createGpuLeaseActivities(deps),
    ...createGpuLifecycleActivities(deps),
    ...createGenerateReportActivities(deps),
    ...createRenderActivities(deps),
    ...createEmailActivities(deps),
    ...createChatActivities(deps),
    ...createGpuReaperActivities(deps),
    ...createReportCheckActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
