import {
  CancellationScope,
  condition,
  defineQuery,
  defineSignal,
  getExternalWorkflowHandle,
  log,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { GpuBill, GpuPoolParams, LeaseGrant, LeaseRequest } from '../lib/contracts';
import { activitiesFor } from './activity-options';
import { rootMessage } from './failures';

export const acquireGpuSignal = defineSignal<[LeaseRequest]>('acquireGpu');
export const releaseGpuSignal = defineSignal<[LeaseRequest]>('releaseGpu');
export const gpuGrantedSignal = defineSignal<[LeaseGrant]>('gpuGranted');
export const holdersQuery = defineQuery<string[]>('holders');

const keyOf = (r: LeaseRequest) => `${r.workflowId}/${r.runId}`;

/**
 * One GPU shared by overlapping report runs. The first acquire starts it; every holder is granted the same
 * instance once it serves; after the last release (or the last holder's death) and a grace, it is stopped. An acquire
 * that arrives after the stop starts a new instance. Returns the bills of the instances it ran.
 */
export async function gpuPool(params: GpuPoolParams): Promise<GpuBill[]> {
  const holders = new Map<string, LeaseRequest>();
  const toGrant: LeaseRequest[] = [];
  setHandler(acquireGpuSignal, (r) => {
    if (!holders.has(keyOf(r))) {
      holders.set(keyOf(r), r);
      toGrant.push(r);
    }
  });
  setHandler(releaseGpuSignal, (r) => void holders.delete(keyOf(r)));
  setHandler(holdersQuery, () => [...holders.keys()]);

  const act = activitiesFor(params.timeouts);
  const info = workflowInfo();
  const bills: GpuBill[] = [];

  for (let generation = 1; holders.size > 0 || toGrant.length > 0; generation++) {
    const owner = `${info.workflowId}/${info.runId}/${generation}`;
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
            .catch(() => holders.delete(keyOf(holder))); // it ended while waiting
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
          const alive = new Set((await act.runsAlive([...holders.values()])).map(keyOf));
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
