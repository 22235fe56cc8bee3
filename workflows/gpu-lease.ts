import { condition, deprecatePatch, setHandler } from '@temporalio/workflow';
import {
  gpuGrantedSignal,
  nonRetryableFailure,
  type GpuBill,
  type GpuHandle,
  type Holder,
  type LeaseGrant,
  type ReportPlan,
} from '../temporal/contracts';
import type { reportActivities } from './activity-options';

type Acts = Pick<ReturnType<typeof reportActivities>, 'acquireGpuLease' | 'releaseGpuLease'>;

/**
 * Retired 2026-11-30 (deprecatePatch; remove the call once no run started before that date can be open): after a
 * Reset, a run leases again under its own run id, because the lease in its history was the reset run's.
 */
const RESET_LEASES_AGAIN = 'reset-leases-again';

/** A run's lease on the pool's GPU: the pool starts it, grants it once it serves, and stops it when no run holds it. */
export interface GpuLease {
  /** Asked for at once, so the GPU boots while the data loads; resolves with a GPU that already serves the model. */
  granted: Promise<GpuHandle>;
  /** Asks again, under this run's id: after a Reset, the grant in the history was the reset run's. */
  leaseAgain(): Promise<GpuHandle>;
  /** Gives the GPU back and returns this run's share of its bill; safe to call twice. */
  release(): Promise<GpuBill>;
}

export function leaseGpu(act: Acts, pool: ReportPlan['gpuPool'], holder: Holder): GpuLease {
  let grant: LeaseGrant | undefined;
  let leasedAgain = false;
  setHandler(gpuGrantedSignal, (g) => {
    // Once it has asked again, a run takes only grants that name it, not one meant for the run it replaced.
    if (!leasedAgain || g.runId === undefined || g.runId === holder.runId) grant = g;
  });
  const waitSeconds = pool.params.timeouts.gpuStartSeconds + pool.params.timeouts.gpuReadySeconds;
  const lease = async (): Promise<GpuHandle> => {
    await act.acquireGpuLease({ poolId: pool.id, params: pool.params, request: holder });
    if (!(await condition(() => grant !== undefined, waitSeconds * 1000))) {
      throw nonRetryableFailure('GpuNotReady', `GPU pool ${pool.id} granted no GPU within ${waitSeconds}s`);
    }
    const answer = grant as LeaseGrant;
    if ('error' in answer) throw nonRetryableFailure('GpuFailed', `GPU pool ${pool.id}: ${answer.error}`);
    return answer.handle;
  };
  return {
    granted: lease(),
    leaseAgain: async () => {
      deprecatePatch(RESET_LEASES_AGAIN);
      leasedAgain = true;
      grant = undefined;
      return lease();
    },
    release: () => act.releaseGpuLease({ poolId: pool.id, request: holder }),
  };
}
