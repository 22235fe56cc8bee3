import { condition, setHandler } from '@temporalio/workflow';
import {
  gpuGrantedSignal,
  nonRetryableFailure,
  type GpuBill,
  type GpuHandle,
  type LeaseGrant,
  type LeaseRequest,
  type ReportPlan,
} from '../../temporal/contracts';
import type { activitiesFor } from '../../workflows/activity-options';

type Acts = ReturnType<typeof activitiesFor>;

/** How a run gets its GPU and gives it back: an instance of its own, or a lease on the shared pool. */
export interface GpuAccess {
  /** Started at once, so the GPU boots while the data loads. */
  started: Promise<GpuHandle>;
  ready(handle: GpuHandle): Promise<void>;
  /** Asks again for this run's GPU: after a Reset, the one in the history belonged to the reset run. */
  restart(): Promise<GpuHandle>;
  /** Stop (own instance) or give back (lease), retrying for as long as it takes; safe to call twice. */
  release(): Promise<GpuBill>;
  /** The same, but giving up after a bounded time, so what follows (the report) is not held. */
  tryRelease(): Promise<GpuBill>;
}

export function ownGpu(act: Acts, owner: string, model: string): GpuAccess {
  return {
    started: act.startGpu(owner),
    ready: async (handle) => void (await act.waitGpuReady({ owner, handle, model })),
    restart: () => act.startGpu(owner),
    release: () => act.stopGpu(owner),
    tryRelease: () => act.tryStopGpu(owner),
  };
}

export function pooledGpu(act: Acts, pool: NonNullable<ReportPlan['gpuPool']>, request: LeaseRequest): GpuAccess {
  let grant: LeaseGrant | undefined;
  setHandler(gpuGrantedSignal, (g) => void (grant = g));
  const waitSeconds = pool.params.timeouts.gpuStartSeconds + pool.params.timeouts.gpuReadySeconds;
  const started = (async () => {
    await act.acquireGpuLease({ poolId: pool.id, params: pool.params, request });
    if (!(await condition(() => grant !== undefined, waitSeconds * 1000))) {
      throw nonRetryableFailure('GpuNotReady', `GPU pool ${pool.id} granted no GPU within ${waitSeconds}s`);
    }
    const answer = grant as LeaseGrant;
    if ('error' in answer) throw nonRetryableFailure('GpuFailed', `GPU pool ${pool.id}: ${answer.error}`);
    return answer.handle;
  })();
  return {
    started,
    // The pool grants only a GPU that already serves the model.
    ready: async () => {},
    // A lease is this run's already (the request carries its run id); the pool grants what serves.
    restart: () => started,
    release: () => act.releaseGpuLease({ poolId: pool.id, request }),
    tryRelease: () => act.releaseGpuLease({ poolId: pool.id, request }),
  };
}
