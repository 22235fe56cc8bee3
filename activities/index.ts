import { createGpuActivities } from '../gpu/activities';
import type { ActivityDeps } from './deps';
import { createEmailActivities } from './email';
import { createPlanActivities } from './plan';
import { createRenderActivities } from './render';
import { createReportGenerationActivities } from './report-generation';
import { createSalesDataActivities } from './sales-data';

export type { ActivityDeps };

/** Every activity the worker registers, in the order a report run calls them. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createPlanActivities(deps),
    ...createSalesDataActivities(deps),
    ...createGpuActivities(deps),
    ...createReportGenerationActivities(deps),
    ...createRenderActivities(deps),
    ...createEmailActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
