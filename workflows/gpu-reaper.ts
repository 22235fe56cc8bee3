import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ReapedInstance } from '../temporal/contracts';

const { reapGpuInstances } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { maximumAttempts: 3 },
});

/** Started by its own schedule: stops GPU instances that no live report run holds. */
export async function gpuReaper(): Promise<ReapedInstance[]> {
  return reapGpuInstances();
}
