import { WorkflowNotFoundError } from '@temporalio/client';
import type { ActivityDeps } from '../../activities/deps';
import {
  acquireGpuSignal,
  releaseGpuSignal,
  WORKFLOW_TYPES,
  poolShareId,
  type AcquireLeaseRequest,
  type EndedHolder,
  type EndedHoldersRequest,
  type GpuBill,
  type LeaseRequest,
  type ReleaseLeaseRequest,
} from '../../temporal/contracts';
import { billFor, leaseShareSeconds } from '../billing';
import { pricingOf } from '../fleet';
import { holderKey } from '../owner';
import { leaseRecords, type LeaseRecord } from '../leases';
import { runState } from '../run-liveness';

export function createGpuLeaseActivities({
  config,
  temporal,
  gpuProvider,
  store,
  now = () => new Date(),
}: ActivityDeps) {
  const leases = leaseRecords(store);

  /** Closes a lease at `releasedAt` with its share of the time, once: a second close returns the first. */
  async function close(
    poolId: string,
    request: LeaseRequest,
    ended?: { by: string; at?: Date },
  ): Promise<LeaseRecord | undefined> {
    const key = holderKey(request);
    const record = await leases.get(key);
    if (!record || record.shareSeconds !== undefined) return record;
    const releasedAt = record.releasedAt ?? (ended?.at ?? now()).toISOString();
    const others = (await leases.all())
      .filter((l) => l.poolId === poolId && l.holder !== key)
      .map((l) => ({ from: Date.parse(l.acquiredAt), ...(l.releasedAt && { to: Date.parse(l.releasedAt) }) }));
    const shareSeconds = leaseShareSeconds({ from: Date.parse(record.acquiredAt), to: Date.parse(releasedAt) }, others);
    const closed = { ...record, releasedAt, shareSeconds, ...(ended && { endedBy: ended.by }) };
    await leases.put(key, closed);
    return closed;
  }

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
     * Gives the GPU back. The run's bill is its share of the lease (from asking to giving back, boot included), time
     * shared with overlapping runs split among them; the instance's own bill is the pool's.
     */
    async releaseGpuLease({ poolId, request }: ReleaseLeaseRequest): Promise<GpuBill> {
      try {
        await temporal.workflow.getHandle(poolId).signal(releaseGpuSignal, request);
      } catch (err) {
        // The pool is gone (it stopped the GPU already): nothing to give back.
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      }
      const record = await close(poolId, request);
      return {
        ...billFor(gpuProvider.name, [poolShareId(poolId)], record?.shareSeconds ?? 0, pricingOf(config)),
        owner: holderKey(request),
      };
    },

    /** Which of these runs are still running: holders that died without giving the GPU back are dropped. */
    async runsAlive(requests: LeaseRequest[]): Promise<LeaseRequest[]> {
      const alive: LeaseRequest[] = [];
      for (const r of requests) if ((await runState(temporal, r)).running) alive.push(r);
      return alive;
    },

    /**
     * The holders among these whose runs ended (terminated, reset, timed out: no cleanup code ran), and how. Their
     * leases are closed as of when each run ended, so their share is billed; the pool drops them.
     */
    async endedHolders({ poolId, requests }: EndedHoldersRequest): Promise<EndedHolder[]> {
      const ended: EndedHolder[] = [];
      for (const request of requests) {
        const state = await runState(temporal, request);
        if (state.running) continue;
        const status = state.status ?? 'NOT FOUND';
        await close(poolId, request, { by: `run ${status.toLowerCase()} holding the lease`, at: state.closedAt });
        ended.push({ request, status });
      }
      return ended;
    },
  };
}
