import { WorkflowNotFoundError } from '@temporalio/client';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { GpuBill, GpuPoolParams, LeaseRequest } from '../lib/contracts';
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
  const dir = resolve(config.gpu.stateDir, 'leases');
  const pathOf = (r: LeaseRequest) => join(dir, `${encodeURIComponent(`${r.workflowId}/${r.runId}`)}.json`);

  async function read(r: LeaseRequest): Promise<LeaseRecord | undefined> {
    try {
      return JSON.parse(await readFile(pathOf(r), 'utf8')) as LeaseRecord;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

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
      await mkdir(dir, { recursive: true });
      if (!(await read(request))) {
        const record: LeaseRecord = {
          poolId,
          holder: `${request.workflowId}/${request.runId}`,
          acquiredAt: now().toISOString(),
        };
        await writeFile(pathOf(request), JSON.stringify(record, null, 2));
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
      const record = await read(request);
      const releasedAt = record?.releasedAt ?? now().toISOString();
      if (record && !record.releasedAt)
        await writeFile(pathOf(request), JSON.stringify({ ...record, releasedAt }, null, 2));
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
