import type { AcquireLeaseRequest, EndedHoldersRequest, FleetOrder, ReleaseLeaseRequest } from '../temporal/contracts';
import { createFleet } from '../gpu/fleet';
import { LeaseBook } from '../gpu/leases';
import type { ActivityDeps, LeaseContext } from './deps';
import { acquireGpuLease, orderGpus, releaseGpuLease } from './lease-requests';
import { endedHolders, gpuPoolChain } from './pool-watch';

/**
 * A run's lease on the pool's GPU: asked for, ordered by a morning and given back (activities/lease-requests.ts), and
 * what the server says of the pool and of the runs holding it (activities/pool-watch.ts).
 */
export function createGpuLeaseActivities({
  config,
  temporal,
  gpuProvider,
  store,
  now = () => new Date(),
}: ActivityDeps) {
  const context: LeaseContext = {
    config,
    temporal,
    gpuProvider,
    leases: new LeaseBook(store),
    fleet: createFleet(config, gpuProvider, store, now),
    now,
  };
  return {
    acquireGpuLease: (request: AcquireLeaseRequest) => acquireGpuLease(context, request),
    orderGpus: (order: FleetOrder) => orderGpus(context, order),
    releaseGpuLease: (request: ReleaseLeaseRequest) => releaseGpuLease(context, request),
    gpuPoolChain: (poolId: string) => gpuPoolChain(context, poolId),
    endedHolders: (request: EndedHoldersRequest) => endedHolders(context, request),
  };
}
