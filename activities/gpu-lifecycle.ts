import {
  nonRetryableFailure,
  type GpuBill,
  type GpuHandle,
  type StartGpuOptions,
  type WaitGpuReadyRequest,
} from '../temporal/contracts';
import type { ActivityDeps, LifecycleContext } from './deps';
import { createFleet } from '../gpu/fleet';
import { CloudError } from '../gpu/providers/provider';
import { activityMetrics } from './metrics';
import { withHeartbeat } from './heartbeat';
import { waitGpuReady } from './wait-gpu-ready';

/** A cloud's permanent refusal (not authorised, no such instance) fails the activity for good, at once. */
async function refusalsFinal<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof CloudError && err.permanent) throw nonRetryableFailure('GpuCloudRefused', err.message);
    throw err;
  }
}

/**
 * An instance's life, run by the pool: started (`startGpu`), waited for until it serves (`waitGpuReady`,
 * activities/wait-gpu-ready.ts), asked whether it stopped under the fleet (`instancesGone`), stopped (`stopGpu`).
 */
export function createGpuLifecycleActivities({
  config,
  secrets,
  gpuProvider,
  store,
  now = () => new Date(),
}: ActivityDeps) {
  const context: LifecycleContext = {
    config,
    secrets,
    gpuProvider,
    fleet: createFleet(config, gpuProvider, store, now),
    now,
  };
  return {
    startGpu: (owner: string, where?: StartGpuOptions) => startGpu(context, owner, where),
    instancesGone: (owners: string[]) => instancesGone(context, owners),
    waitGpuReady: (request: WaitGpuReadyRequest) => waitGpuReady(context, request),
    stopGpu: (owner: string, reason?: string) => stopGpu(context, owner, reason),
  };
}

/**
 * Asks for a GPU and returns as soon as its endpoint is known. Idempotent per owner: a retry after a worker
 * crash finds the instance in the ledger and reuses it rather than paying for a second one.
 */
export async function startGpu(
  { fleet }: LifecycleContext,
  owner: string,
  where?: StartGpuOptions,
): Promise<GpuHandle> {
  return withHeartbeat(() => refusalsFinal(fleet.start(owner, where)));
}

/**
 * Whether each of a fleet's instances (by instance key, in the order asked) is one its provider says is stopped (a
 * spot reclaim, someone's stop in the console, a server process that died): the fleet moves their runs and starts
 * another in their place. Answered in the order asked, not by key: the answer is recorded in the pool's history,
 * and read back by position it means the same under any workflow id.
 */
export async function instancesGone({ fleet, gpuProvider }: LifecycleContext, owners: string[]): Promise<boolean[]> {
  return Promise.all(
    owners.map(async (owner) => {
      const entry = await fleet.ledger.get(owner);
      if (!entry?.instanceId) return false;
      return entry.stoppedAt !== undefined || (await gpuProvider.describe(entry)).state === 'stopped';
    }),
  );
}

/**
 * Stops whatever the ledger holds for the owner and waits for the confirmation, recording why it was stopped.
 * Stopping twice is success.
 */
export async function stopGpu({ fleet }: LifecycleContext, owner: string, reason?: string): Promise<GpuBill> {
  const bill = await withHeartbeat(() => refusalsFinal(fleet.stop(owner, reason)));
  activityMetrics().gpuSeconds.record(bill.billedSeconds, { state: 'billed' });
  return bill;
}
