import type { ActivityDeps } from './deps';
import { createEmailActivities } from './email';
import { createGpuLeaseActivities } from './gpu-lease';
import { createGpuActivities } from './gpu-lifecycle';
import { createGpuReaperActivities } from './gpu-reaper';
import { createPlanActivities } from './plan';
import { createRenderActivities } from './render';
import { createReportGenerationActivities } from './report-generation';
import { createSalesDataActivities } from './sales-data';

export type { ActivityDeps };

export function createActivities(deps: ActivityDeps) {
  return {
    ...createPlanActivities(deps),
    ...createSalesDataActivities(deps),
    ...createGpuActivities(deps),
    ...createGpuReaperActivities(deps),
    ...createGpuLeaseActivities(deps),
    ...createReportGenerationActivities(deps),
    ...createRenderActivities(deps),
    ...createEmailActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
