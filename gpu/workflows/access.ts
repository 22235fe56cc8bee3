import { condition, patched, setHandler } from '@temporalio/workflow';
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

/** After a Reset, a pooled run leases again under its own run id: the lease in its history was the reset run's. */
const RESET_LEASES_AGAIN = 'reset-leases-again';

/** How a run gets its GPU and gives it back. */
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

/**
 * An instance of the run's own, started and stopped by the run. Only runs planned before the pool became the only
 * path take it (their recorded plan has no gpuPool): kept so they replay and finish under this code.
 */
export function ownGpu(act: Acts, owner: string, model: string): GpuAccess {
  return {
    started: act.startGpu(owner),
    ready: async (handle) => void (await act.waitGpuReady({ owner, handle, model })),
    restart: () => act.startGpu(owner),
    release: () => act.stopGpu(owner),
    tryRelease: () => act.tryStopGpu(owner),
  };
}

/** A lease on the pool's GPU: the pool starts it, grants it once it serves, and stops it when no run holds it. */
export function pooledGpu(act: Acts, pool: NonNullable<ReportPlan['gpuPool']>, request: LeaseRequest): GpuAccess {
  let grant: LeaseGrant | undefined;
  let leasedAgain = false;
  setHandler(gpuGrantedSignal, (g) => {
    // Once it has asked again, a run takes only grants that name it, not one meant for the run it replaced.
    if (!leasedAgain || g.runId === undefined || g.runId === request.runId) grant = g;
  });
  const waitSeconds = pool.params.timeouts.gpuStartSeconds + pool.params.timeouts.gpuReadySeconds;
  const lease = async (): Promise<GpuHandle> => {
    await act.acquireGpuLease({ poolId: pool.id, params: pool.params, request });
    if (!(await condition(() => grant !== undefined, waitSeconds * 1000))) {
      throw nonRetryableFailure('GpuNotReady', `GPU pool ${pool.id} granted no GPU within ${waitSeconds}s`);
    }
    const answer = grant as LeaseGrant;
    if ('error' in answer) throw nonRetryableFailure('GpuFailed', `GPU pool ${pool.id}: ${answer.error}`);
    return answer.handle;
  };
  const started = lease();
  return {
    started,
    // The pool grants only a GPU that already serves the model.
    ready: async () => {},
    // After a Reset the lease in the history is the reset run's (the pool drops it once that run is gone): this run,
    // whose request carries its own run id, asks again.
    restart: async () => {
      if (!patched(RESET_LEASES_AGAIN)) return started;
      leasedAgain = true;
      grant = undefined;
      return lease();
    },
    release: () => act.releaseGpuLease({ poolId: pool.id, request }),
    tryRelease: () => act.releaseGpuLease({ poolId: pool.id, request }),
  };
}
