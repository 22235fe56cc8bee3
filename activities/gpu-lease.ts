import { WorkflowNotFoundError } from '@temporalio/client';
import type { ActivityDeps } from './deps';
import {
  acquireGpuSignal,
  orderGpusSignal,
  releaseGpuSignal,
  WORKFLOW_TYPES,
  type AcquireLeaseRequest,
  type EndedHolder,
  type EndedHoldersRequest,
  type FleetOrder,
  type GpuBill,
  type Holder,
  type ReleaseLeaseRequest,
} from '../temporal/contracts';
import { billFor, leaseShareSeconds, poolShareId } from '../gpu/billing';
import { createFleet, pricingOf } from '../gpu/fleet';
import { holderKey } from '../gpu/holders';
import { LeaseBook, type LeaseRecord } from '../gpu/leases';
import { activityMetrics } from './metrics';
import { runState } from '../temporal/run-liveness';
import { gpuPoolOf } from './plan';

const POOL_TASK_TIMEOUT = '60 seconds';

export function createGpuLeaseActivities({
  config,
  temporal,
  gpuProvider,
  store,
  now = () => new Date(),
}: ActivityDeps) {
  const leases = new LeaseBook(store);
  const fleet = createFleet(config, gpuProvider, store, now);

  /** Closes a lease at `releasedAt` with its share of the time, once: a second close returns the first. */
  async function close(
    poolId: string,
    holder: Holder,
    ended?: { by: string; at?: Date },
  ): Promise<LeaseRecord | undefined> {
    const key = holderKey(holder);
    const record = await leases.get(key);
    if (!record || record.shareSeconds !== undefined) return record;
    const releasedAt = record.releasedAt ?? (ended?.at ?? now()).toISOString();
    const others = (await leases.mayOverlap(poolId, record.acquiredAt, releasedAt))
      .filter((l) => l.poolId === poolId && l.holder !== key)
      .map((l) => ({ from: Date.parse(l.acquiredAt), ...(l.releasedAt && { to: Date.parse(l.releasedAt) }) }));
    const shareSeconds = leaseShareSeconds({ from: Date.parse(record.acquiredAt), to: Date.parse(releasedAt) }, others);
    const closed = { ...record, releasedAt, shareSeconds, ...(ended && { endedBy: ended.by }) };
    await leases.put(closed);
    return closed;
  }

  /** Stops the instances of a pool that no longer runs (the ledger keys them "<poolId>/<poolRunId>/<generation>"). */
  async function stopOrphans(poolId: string): Promise<void> {
    for (const entry of await fleet.ledger.all()) {
      if (entry.stoppedAt || !entry.owner.startsWith(`${poolId}/`)) continue;
      await fleet.stopEntry(entry, `pool ${poolId} gone (terminated?): stopped by a run giving its lease back`);
    }
  }

  return {
    /** Asks the pool for the GPU, starting the pool workflow if none runs. The grant comes back as a signal. */
    async acquireGpuLease({ poolId, params, request: holder }: AcquireLeaseRequest): Promise<void> {
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
    },

    /**
     * A morning's order for a fleet: the instances its reports need by its deadline. Starts the pool if none runs,
     * with the params every run of the morning asks with, so the instances boot while the reports load their data.
     */
    async orderGpus(order: FleetOrder): Promise<void> {
      const pool = gpuPoolOf(config);
      await temporal.workflow.signalWithStart(WORKFLOW_TYPES.gpuPool, {
        workflowId: pool.id,
        taskQueue: config.temporal.taskQueue,
        args: [pool.params],
        workflowTaskTimeout: POOL_TASK_TIMEOUT,
        signal: orderGpusSignal,
        signalArgs: [order],
      });
    },

    /**
     * Gives the GPU back. The run's bill is its share of the lease (from asking to giving back, boot included), time
     * shared with overlapping runs split among them; the instance's own bill is the pool's.
     */
    async releaseGpuLease({ poolId, request: holder }: ReleaseLeaseRequest): Promise<GpuBill> {
      try {
        await temporal.workflow.getHandle(poolId).signal(releaseGpuSignal, holder);
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
        // No pool runs. It stops its instance before it ends, unless an operator terminated it: then nobody else
        // will, and the GPU would bill until the reaper came. The instance this run held is stopped here.
        await stopOrphans(poolId);
      }
      const record = await close(poolId, holder);
      activityMetrics().gpuSeconds.record(record?.shareSeconds ?? 0, { state: 'held' });
      return {
        ...billFor(gpuProvider.name, [poolShareId(poolId)], record?.shareSeconds ?? 0, pricingOf(config)),
        owner: holderKey(holder),
      };
    },

    /**
     * Which pool is there to ask: the first run id of the running pool's chain (continue-as-new keeps it), or null
     * when none runs. A run waiting for a model slot checks with this instead of asking the pool again: a thousand
     * waiting runs asking every few seconds would flood the one pool workflow with signals.
     */
    async gpuPoolChain(poolId: string): Promise<string | null> {
      try {
        const d = await temporal.workflow.getHandle(poolId).describe();
        if (d.status.name !== 'RUNNING') return null;
        return d.raw.workflowExecutionInfo?.firstRunId || d.runId;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return null;
        throw err;
      }
    },

    /**
     * The holders among these whose runs ended (terminated, reset, timed out: no cleanup code ran), and how. Their
     * leases are closed as of when each run ended, so their share is billed; the pool drops them.
     */
    async endedHolders({ poolId, requests }: EndedHoldersRequest): Promise<EndedHolder[]> {
      const ended: EndedHolder[] = [];
      for (const holder of requests) {
        const state = await runState(temporal, holder);
        if (state.running) continue;
        const status = state.status ?? 'NOT FOUND';
        await close(poolId, holder, { by: `run ${status.toLowerCase()} holding the lease`, at: state.closedAt });
        ended.push({ request: holder, status });
      }
      return ended;
    },
  };
}
