/**
 * What a run and a morning ask of the GPU pool, by signal: a lease (`acquireGpuLease`, the grant comes back as a
 * signal), a morning's order of instances (`orderGpus`), and giving the lease back with its share of the bill
 * (`releaseGpuLease`).
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { billFor, poolShareId } from '../gpu/billing';
import { pricingOf } from '../gpu/fleet';
import { holderKey } from '../gpu/holders';
import {
  acquireGpuSignal,
  orderGpusSignal,
  releaseGpuSignal,
  WORKFLOW_TYPES,
  type AcquireLeaseRequest,
  type FleetOrder,
  type GpuBill,
  type ReleaseLeaseRequest,
} from '../temporal/contracts';
import type { LeaseContext } from './deps';
import { activityMetrics } from './metrics';
import { gpuPoolOf } from './run-settings';

const POOL_TASK_TIMEOUT = '60 seconds';

/** Asks the pool for the GPU, starting the pool workflow if none runs. The grant comes back as a signal. */
export async function acquireGpuLease(
  { config, temporal, leases, now }: LeaseContext,
  { poolId, params, request: holder }: AcquireLeaseRequest,
): Promise<void> {
  const key = holderKey(holder);
  if (!(await leases.get(key))) await leases.put({ poolId, holder: key, acquiredAt: now().toISOString() });
  await temporal.workflow.signalWithStart(WORKFLOW_TYPES.gpuPool, {
    workflowId: poolId,
    taskQueue: config.temporal.taskQueue,
    args: [params],
    // A pool busy with a thousand runs has a long history; replayed on another worker it needs more than the
    // default 10 s, or every attempt times out and replays again.
    workflowTaskTimeout: POOL_TASK_TIMEOUT,
    signal: acquireGpuSignal,
    signalArgs: [holder],
  });
}

/**
 * A morning's order for a fleet: the instances its reports need by its deadline. Starts the pool if none runs,
 * with the params every run of the morning asks with, so the instances boot while the reports load their data.
 */
export async function orderGpus({ config, temporal }: LeaseContext, order: FleetOrder): Promise<void> {
  const pool = gpuPoolOf(config);
  await temporal.workflow.signalWithStart(WORKFLOW_TYPES.gpuPool, {
    workflowId: pool.id,
    taskQueue: config.temporal.taskQueue,
    args: [pool.params],
    workflowTaskTimeout: POOL_TASK_TIMEOUT,
    signal: orderGpusSignal,
    signalArgs: [order],
  });
}

/**
 * Gives the GPU back. The run's bill is its share of the lease (from asking to giving back, boot included), time
 * shared with overlapping runs split among them; the instance's own bill is the pool's.
 */
export async function releaseGpuLease(
  { config, temporal, gpuProvider, leases, fleet, now }: LeaseContext,
  { poolId, request: holder }: ReleaseLeaseRequest,
): Promise<GpuBill> {
  try {
    await temporal.workflow.getHandle(poolId).signal(releaseGpuSignal, holder);
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    // No pool runs. It stops its instance before it ends, unless an operator terminated it: then nobody else
    // will, and the GPU would bill until the reaper came. The instance this run held is stopped here.
    await fleet.stopPoolInstances(poolId, `pool ${poolId} gone (terminated?): stopped by a run giving its lease back`);
  }
  const record = await leases.close(poolId, holderKey(holder), now());
  activityMetrics().gpuSeconds.record(record?.shareSeconds ?? 0, { state: 'held' });
  return {
    ...billFor(gpuProvider.name, [poolShareId(poolId)], record?.shareSeconds ?? 0, pricingOf(config)),
    owner: holderKey(holder),
  };
}
