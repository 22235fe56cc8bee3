import {
  CancellationScope,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  deprecatePatch,
  log,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  acquireGpuSignal,
  gpuGrantedSignal,
  holdersQuery,
  llmSlotGrantedSignal,
  releaseGpuSignal,
  releaseLlmSlotSignal,
  requestLlmSlotSignal,
  type GpuBill,
  type GpuPoolCarry,
  type GpuPoolParams,
  type Holder,
  type LeaseGrant,
} from '../temporal/contracts';
import { holderKey, instanceKey } from '../gpu/holders';
import { gpuPoolActivities } from './activity-options';
import { rootMessage } from './failures';
import { gpuFleet } from './gpu-fleet';
import { instanceStopper } from './gpu-stop';

/**
 * Retired 2026-11-30 (deprecatePatch; remove the call once no pool started before that date runs): the pool became
 * the only path to a GPU under this patch. Pools recorded before it ran the opt-in pool of the own-instance era.
 */
const OWNS_GPU_LIFE = 'pool-owns-gpu-life';

/** pool-grants-at-once (2026-11-30): the pool answers every waiting run in one workflow task, not one by one. */
const GRANTS_AT_ONCE = 'pool-grants-at-once';

/**
 * pool-continues-when-calm (2026-11-30): the pool continues as new once its history is full and no run waits for it,
 * or when it is CALM_LIMIT times full. A continue-as-new is refused when a signal arrives while it is made, and the
 * pool is then replayed from its first event. In a morning of a thousand runs that happened once, and from then on each
 * replay of thousands of events outlasted the hundred signals the server lets wait for a task (it fails the task:
 * FORCE_CLOSE_COMMAND), until the server's limit of signals a run refused every release.
 */
const CONTINUES_WHEN_CALM = 'pool-continues-when-calm';
const CALM_LIMIT = 10;

type Served = 'released' | 'start failed' | 'continue as new';

/**
 * The one owner of the GPU's life. The first acquire starts an instance; every holder is granted it once it serves;
 * after the last release (or the last holder's death, noticed within holderCheckSeconds) and the idle grace it is
 * stopped. An acquire after the stop starts a new instance. Returns the bills of the instances this run stopped.
 */
export async function gpuPool(params: GpuPoolParams, carried?: GpuPoolCarry): Promise<GpuBill[]> {
  // Fixed by the pool's first run (its params), so every replay takes the same path.
  if ((params.maxInstances ?? 1) > 1) return gpuFleet(params, carried);
  const holders = new Map<string, Holder>((carried?.holders ?? []).map((h) => [holderKey(h), h]));
  const waiting: Holder[] = [...(carried?.waiting ?? [])];
  const slots = llmSlots(params.maxConcurrentRequests, carried?.slots);
  deprecatePatch(OWNS_GPU_LIFE);
  setHandler(acquireGpuSignal, (h) => {
    const key = holderKey(h);
    // Every acquire is answered, a repeated one too (a run that asks again after a Reset): grants are idempotent.
    if (!holders.has(key) || !waiting.some((w) => holderKey(w) === key)) {
      holders.set(key, h);
      waiting.push(h);
    }
  });
  setHandler(releaseGpuSignal, (h) => {
    const key = holderKey(h);
    holders.delete(key);
    // A run that gave up before its grant (it failed, or was cancelled) is not answered.
    waiting.splice(0, waiting.length, ...waiting.filter((w) => holderKey(w) !== key));
    slots.free(key); // a run that gave the GPU back calls the model no more
  });
  setHandler(requestLlmSlotSignal, (h) => slots.request(h));
  setHandler(releaseLlmSlotSignal, (h) => slots.free(holderKey(h)));
  setHandler(holdersQuery, () => [...holders.keys()]);

  const act = gpuPoolActivities(params.timeouts, params.lifecycleTaskQueue);
  const info = workflowInfo();
  const poolId = info.workflowId;
  const bills: GpuBill[] = [];

  const historyFull = () => {
    const { continueAsNewSuggested, historyLength } = workflowInfo();
    const limit = params.historyEventsBeforeContinueAsNew ?? Infinity;
    const full = continueAsNewSuggested || historyLength >= limit;
    if (!full || !patched(CONTINUES_WHEN_CALM)) return full;
    return (waiting.length === 0 && slots.queued() === 0) || historyLength >= CALM_LIMIT * limit;
  };

  /** Grants the instance to whoever waits for it, drops holders that died, until it is no longer needed. */
  async function serve(grant: LeaseGrant): Promise<Served> {
    for (;;) {
      // Slots first: a run waiting for one has its GPU already and bills while it waits.
      const grantSlot = (holder: Holder) =>
        getExternalWorkflowHandle(holder.workflowId, holder.runId)
          .signal(llmSlotGrantedSignal, { runId: holder.runId })
          .catch(() => slots.free(holderKey(holder))); // it ended while waiting
      const grantGpu = (holder: Holder) =>
        getExternalWorkflowHandle(holder.workflowId, holder.runId)
          .signal(gpuGrantedSignal, { ...grant, runId: holder.runId })
          .catch(() => holders.delete(holderKey(holder))); // it ended while waiting
      if (patched(GRANTS_AT_ONCE)) {
        // All at once: one answer after another costs a workflow task each, while the GPU bills and every run waits.
        await Promise.all([
          ...[...takeAll(() => slots.next())].map(grantSlot),
          ...[...takeAll(() => waiting.shift())].map(grantGpu),
        ]);
      } else {
        for (let next = slots.next(); next; next = slots.next()) await grantSlot(next);
        for (let next = waiting.shift(); next; next = waiting.shift()) await grantGpu(next);
      }
      if ('error' in grant) {
        holders.clear();
        return 'start failed';
      }
      if (historyFull()) return 'continue as new';
      if (holders.size === 0) {
        // Idle: keep it warm for a late re-run, but not for long.
        if (!(await condition(() => waiting.length > 0, params.idleGraceSeconds * 1000))) return 'released';
        continue;
      }
      const changed = await condition(
        () => waiting.length > 0 || holders.size === 0 || slots.grantable(),
        params.holderCheckSeconds * 1000,
      );
      if (changed) continue;
      // A terminated, reset or timed-out run never releases: drop holders that no longer run, and their slots.
      for (const { request: ended, status } of await act.endedHolders({ poolId, requests: [...holders.values()] })) {
        holders.delete(holderKey(ended));
        slots.free(holderKey(ended));
        log.warn('GPU holder ended without releasing', { holder: holderKey(ended), status });
      }
    }
  }

  const stopInstance = instanceStopper(act, poolId);
  const stop = (instance: string, grant: LeaseGrant | undefined, why: string) =>
    stopInstance(instance, grant && 'handle' in grant ? grant.handle.instanceId : undefined, why);

  let generation = carried?.generation ?? 0;
  let instance = carried?.instance;
  for (;;) {
    if (!instance) {
      if (holders.size === 0 && waiting.length === 0) break;
      generation += 1;
      const key = instanceKey(info, generation);
      let grant: LeaseGrant;
      try {
        const handle = await act.startGpu(key);
        await act.waitGpuReady({ owner: key, handle, model: params.model });
        grant = { handle };
      } catch (err) {
        if (isCancellation(err)) {
          await CancellationScope.nonCancellable(() => stop(key, undefined, 'pool cancelled while starting'));
          throw err;
        }
        grant = { error: rootMessage(err) };
      }
      instance = { owner: key, grant };
    }
    const { owner: key, grant } = instance;
    let served: Served;
    try {
      served = await serve(grant);
    } catch (err) {
      // Cancelled (or failed): the instance is stopped on the way out.
      await CancellationScope.nonCancellable(() => stop(key, grant, `pool ended: ${rootMessage(err)}`));
      throw err;
    }
    if (served === 'continue as new') {
      // The instance runs on; the next run of this pool holds it (the reaper follows the chain).
      await continueAsNew<typeof gpuPool>(params, {
        generation,
        instance,
        holders: [...holders.values()],
        waiting: [...waiting],
        slots: slots.carry(),
      });
    }
    const why =
      served === 'start failed'
        ? `start failed: ${'error' in grant ? grant.error : ''}`
        : `last holder gone; idle ${params.idleGraceSeconds}s`;
    const bill = await CancellationScope.nonCancellable(() => stop(key, grant, why));
    if (bill) bills.push(bill);
    log.info('GPU pool instance stopped', { instance: key, why, bill });
    instance = undefined;
  }
  return bills;
}

/**
 * The slots to call the model: at most `max` held at once (unbounded when the pool's params predate slots), the
 * rest waiting first come first served. A repeated request (a retried signal) keeps its place or its slot.
 */
function llmSlots(max: number | undefined, carried: GpuPoolCarry['slots']) {
  const holding = new Map<string, Holder>((carried?.holding ?? []).map((h) => [holderKey(h), h]));
  const queue: Holder[] = [...(carried?.waiting ?? [])];
  const limit = max ?? Infinity;
  return {
    request(h: Holder): void {
      const key = holderKey(h);
      if (holding.has(key))
        queue.push(h); // asked again: answered again, its slot kept
      else if (!queue.some((w) => holderKey(w) === key)) queue.push(h);
    },
    free(key: string): void {
      holding.delete(key);
      queue.splice(0, queue.length, ...queue.filter((w) => holderKey(w) !== key));
    },
    /** Runs waiting for a slot. */
    queued: () => queue.length,
    grantable: () => queue.length > 0 && (holding.has(holderKey(queue[0]!)) || holding.size < limit),
    /** The next run to grant a slot to, now holding it; undefined when none waits or none is free. */
    next(): Holder | undefined {
      if (!this.grantable()) return undefined;
      const h = queue.shift()!;
      holding.set(holderKey(h), h);
      return h;
    },
    carry: () => ({ holding: [...holding.values()], waiting: [...queue] }),
  };
}

/** Everything `next` gives until it gives nothing. */
function* takeAll<T>(next: () => T | undefined): Generator<T> {
  for (let item = next(); item !== undefined; item = next()) yield item;
}
