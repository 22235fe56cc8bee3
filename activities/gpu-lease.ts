import { WorkflowNotFoundError } from '@temporalio/client';
import { join } from 'node:path';
import type { GpuBill, GpuPoolParams, LeaseRequest } from '../lib/contracts';
import { JsonFileStore } from '../lib/json-file-store';
import type { ActivityDeps } from './deps';

interface LeaseRecord {
  poolId: string;
  holder: string;
  acquiredAt: string;
  releasedAt?: string;
}

export const POOL_WORKFLOW_TYPE = 'gpuPool';
export const ACQUIRE_SIGNAL = 'acquireGpu';
export const RELEASE_SIGNAL = 'releaseGpu';

export function createGpuLeaseActivities({ config, temporal, gpuProvider, now = () => new Date() }: ActivityDeps) {
  const leases = new JsonFileStore<LeaseRecord>(join(config.gpu.stateDir, 'leases'));
  const keyOf = (r: LeaseRequest) => `${r.workflowId}/${r.runId}`;

  return {
    /** Asks the pool for the GPU, starting the pool workflow if none runs. The grant comes back as a signal. */
    async acquireGpuLease({
      poolId,
      params,
      request,
    }: {
      poolId: string;
      params: GpuPoolParams;
      request: LeaseRequest;
    }): Promise<void> {
      if (!(await leases.get(keyOf(request)))) {
        await leases.put(keyOf(request), { poolId, holder: keyOf(request), acquiredAt: now().toISOString() });
      }
      await temporal.workflow.signalWithStart(POOL_WORKFLOW_TYPE, {
        workflowId: poolId,
        taskQueue: config.temporal.taskQueue,
        args: [params],
        signal: ACQUIRE_SIGNAL,
        signalArgs: [request],
      });
    },

    /**
     * Gives the GPU back. The run's bill is the time it held the lease (from asking to giving back, boot included):
     * what it kept the GPU on for. Overlapping runs each count the overlap; the pool's own result has the instance's bill.
     */
    async releaseGpuLease({ poolId, request }: { poolId: string; request: LeaseRequest }): Promise<GpuBill> {
      try {
        await temporal.workflow.getHandle(poolId).signal(RELEASE_SIGNAL, request);
      } catch (err) {
        // The pool is gone (it stopped the GPU already): nothing to give back.
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
      const record = await leases.get(keyOf(request));
      const releasedAt = record?.releasedAt ?? now().toISOString();
      if (record && !record.releasedAt) await leases.put(keyOf(request), { ...record, releasedAt });
      const seconds = record ? Math.max(0, (Date.parse(releasedAt) - Date.parse(record.acquiredAt)) / 1000) : 0;
      return {
        provider: gpuProvider.name,
        instanceIds: [`pool:${poolId}`],
        billedSeconds: Math.round(seconds * 10) / 10,
        estimatedCost: Math.round(((seconds * config.gpu.hourlyPrice) / 3600) * 10_000) / 10_000,
        currency: config.gpu.priceCurrency,
      };
    },

    /** Which of these runs are still running: holders that died without giving the GPU back are dropped. */
    async runsAlive(requests: LeaseRequest[]): Promise<LeaseRequest[]> {
      const alive: LeaseRequest[] = [];
      for (const r of requests) {
        try {
          const d = await temporal.workflow.getHandle(r.workflowId, r.runId).describe();
          if (d.status.name === 'RUNNING') alive.push(r);
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        }
      }
      return alive;
    },
  };
}
