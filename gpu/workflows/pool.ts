import {
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  log,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  acquireGpuSignal,
  gpuGrantedSignal,
  holdersQuery,
  releaseGpuSignal,
  type GpuBill,
  type GpuPoolParams,
  type LeaseGrant,
  type LeaseRequest,
} from '../../temporal/contracts';
import { holderKey } from '../owner';
import { activitiesFor } from '../../workflows/activity-options';
import { rootMessage } from '../../workflows/failures';

/**
 * One GPU shared by overlapping report runs. The first acquire starts it; every holder is granted the same
 * instance once it serves; after the last release (or the last holder's death) and a grace, it is stopped. An acquire
 * that arrives after the stop starts a new instance. Returns the bills of the instances it ran.
 */
export async function gpuPool(params: GpuPoolParams): Promise<GpuBill[]> {
  const holders = new Map<string, LeaseRequest>();
  const toGrant: LeaseRequest[] = [];
  setHandler(acquireGpuSignal, (r) => {
    if (!holders.has(holderKey(r))) {
      holders.set(holderKey(r), r);
      toGrant.push(r);
    }
  });
  setHandler(releaseGpuSignal, (r) => void holders.delete(holderKey(r)));
  setHandler(holdersQuery, () => [...holders.keys()]);

  const act = activitiesFor(params.timeouts);
  const info = workflowInfo();
  const bills: GpuBill[] = [];

  for (let generation = 1; holders.size > 0 || toGrant.length > 0; generation++) {
    const owner = holderKey(info, generation);
    try {
      let grant: LeaseGrant;
      try {
        const handle = await act.startGpu(owner);
        await act.waitGpuReady({ owner, handle, model: params.model });
        grant = { handle };
      } catch (err) {
        grant = { error: rootMessage(err) };
      }
      for (;;) {
        for (let r = toGrant.shift(); r; r = toGrant.shift()) {
          const holder = r;
          await getExternalWorkflowHandle(holder.workflowId, holder.runId)
            .signal(gpuGrantedSignal, grant)
            .catch(() => holders.delete(holderKey(holder))); // it ended while waiting
        }
        if ('error' in grant) {
          holders.clear();
          break;
        }
        if (holders.size === 0) {
          // Idle: keep it warm for a late re-run, but not for long.
          if (!(await condition(() => toGrant.length > 0, params.idleGraceSeconds * 1000))) break;
          continue;
        }
        const changed = await condition(
          () => toGrant.length > 0 || holders.size === 0,
          params.holderCheckSeconds * 1000,
        );
        if (!changed) {
          // A terminated run never releases: drop holders that are no longer running.
          const alive = new Set((await act.runsAlive([...holders.values()])).map((r) => holderKey(r)));
          for (const key of [...holders.keys()]) if (!alive.has(key)) holders.delete(key);
        }
      }
    } finally {
      bills.push(await CancellationScope.nonCancellable(() => act.stopGpu(owner)));
      log.info('GPU pool instance stopped', { owner, bill: bills.at(-1) });
    }
  }
  return bills;
}
