import type { ActivityDeps } from '../../activities/deps';
import { createGpuLeaseActivities } from './lease';
import { createGpuLifecycleActivities } from './lifecycle';
import { createGpuReaperActivities } from './reaper';

/** The GPU's activities: an instance's life (start, ready, stop), leases on the pool, and the reaper's sweep. */
export function createGpuActivities(deps: ActivityDeps) {
  return {
    ...createGpuLifecycleActivities(deps),
    ...createGpuLeaseActivities(deps),
    ...createGpuReaperActivities(deps),
  };
}
