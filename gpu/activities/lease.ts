import { WorkflowNotFoundError } from '@temporalio/client';
import type { ActivityDeps } from '../../activities/deps';
import { JsonRecords } from '../../store/json-records';
import {
  acquireGpuSignal,
  releaseGpuSignal,
  WORKFLOW_TYPES,
  type AcquireLeaseRequest,
  type GpuBill,
  type LeaseRequest,
  type ReleaseLeaseRequest,
} from '../../temporal/contracts';
import { billFor, secondsBetween } from '../billing';
import { pricingOf } from '../fleet';
import { holderKey } from '../owner';
import { runState } from '../run-liveness';

interface LeaseRecord {
  poolId: string;
  holder: string;
  acquiredAt: string;
  releasedAt?: string;
}

export function createGpuLeaseActivities({
  config,
  temporal,
  gpuProvider,
  store,
  now = () => new Date(),
}: ActivityDeps) {
  const leases = new JsonRecords<LeaseRecord>(store, 'gpu/leases/');

  return {
    /** Asks the pool for the GPU, starting the pool workflow if none runs. The grant comes back as a signal. */
    async acquireGpuLease({ poolId, params, request }: AcquireLeaseRequest): Promise<void> {
      const key = holderKey(request);
      if (!(await leases.get(key))) await leases.put(key, { poolId, holder: key, acquiredAt: now().toISOString() });
      await temporal.workflow.signalWithStart(WORKFLOW_TYPES.gpuPool, {
        workflowId: poolId,
        taskQueue: config.temporal.taskQueue,
        args: [params],
        signal: acquireGpuSignal,
        signalArgs: [request],
      });
    },

    /**
     * Gives the GPU back. The run's bill is the time it held the lease (from asking to giving back, boot included):
     * what it kept the GPU on for. Overlapping runs each count the overlap; the pool's own result has the instance's bill.
     */
    async releaseGpuLease({ poolId, request }: ReleaseLeaseRequest): Promise<GpuBill> {
      try {
        await temporal.workflow.getHandle(poolId).signal(releaseGpuSignal, request);
      } catch (err) {
        // The pool is gone (it stopped the GPU already): nothing to give back.
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
      const key = holderKey(request);
      const record = await leases.get(key);
      const releasedAt = record?.releasedAt ?? now().toISOString();
      if (record && !record.releasedAt) await leases.put(key, { ...record, releasedAt });
      const seconds = record ? secondsBetween(record.acquiredAt, releasedAt) : 0;
      return { ...billFor(gpuProvider.name, [`pool:${poolId}`], seconds, pricingOf(config)), owner: key };
    },

    /** Which of these runs are still running: holders that died without giving the GPU back are dropped. */
    async runsAlive(requests: LeaseRequest[]): Promise<LeaseRequest[]> {
      const alive: LeaseRequest[] = [];
      for (const r of requests) if ((await runState(temporal, r)).running) alive.push(r);
      return alive;
    },
  };
}
