import {
  CancellationScope,
  condition,
  ContinueAsNew,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  patched,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import {
  acquireGpuSignal,
  gpuGrantedSignal,
  holdersQuery,
  llmSlotGrantedSignal,
  orderGpusSignal,
  releaseGpuSignal,
  releaseLlmSlotSignal,
  requestLlmSlotSignal,
  type FleetOrder,
  type GpuBill,
  type GpuHandle,
  type GpuPoolCarry,
  type GpuPoolParams,
  type Holder,
} from '../temporal/contracts';
import { holderKey, instanceKey } from '../gpu/holders';
import { fallsBehind, freePlace, instanceForSlot, instancesWanted, instanceToDrain, roundOf } from '../gpu/fleet-pool';
import { gpuPoolActivities } from './activity-options';
import { rootMessage } from './failures';
import { instanceStopper } from './gpu-stop';

type State = 'starting' | 'serving' | 'draining' | 'stopping';

interface Instance {
  owner: string;
  place: number;
  /** Known once its start returns. */
  handle?: GpuHandle;
  state: State;
  /** It was told to drain while it started: it stops as soon as it serves. */
  drainOnReady?: boolean;
  holding: Map<string, Holder>;
}

/**
 * The rate that tells a fleet it falls behind is measured over the holder checks with a call in flight, once each
 * instance has written a round of its slots.
 */
const BUSY_ROUNDS = 'fleet-rate-of-busy-rounds';

/** Starts that fail one after another, with no instance left, before the runs waiting are told the GPU failed. */
const START_TRIES = 3;

/** How many times its history limit a busy fleet lets its history grow before it continues as new anyway. */
const CALM_LIMIT = 10;

/**
 * The pool as a fleet (params.maxInstances above 1): as many instances as the morning's order asks (one without),
 * started at once; one more when the reports fall behind the order's deadline while runs wait for slots; each
 * instance drained once the reports left fit on fewer, and stopped when its last slot comes back. A run is granted the
 * GPU once any instance serves; each slot names the instance it is on, and a run whose instance stopped under it (its
 * provider stopped it) is given a slot on another. Returns the bills of the instances it stopped.
 */
export async function gpuFleet(params: GpuPoolParams, carried?: GpuPoolCarry): Promise<GpuBill[]> {
  const maxInstances = params.maxInstances ?? 1;
  const slotsPerInstance = params.maxConcurrentRequests ?? Infinity;
  const checkSeconds = params.holderCheckSeconds;
  const busyRounds = patched(BUSY_ROUNDS);
  const holders = new Map<string, Holder>((carried?.holders ?? []).map((h) => [holderKey(h), h]));
  const waiting: Holder[] = [...(carried?.waiting ?? [])];
  const queue: Holder[] = [...(carried?.slots?.waiting ?? [])];
  const fleet = new Map<string, Instance>(
    (carried?.fleet?.instances ?? []).map((i) => [
      i.owner,
      {
        owner: i.owner,
        place: i.place,
        handle: i.handle,
        state: i.draining ? 'draining' : 'serving',
        holding: new Map(i.holding.map((h) => [holderKey(h), h])),
      },
    ]),
  );
  const carriedOrder = carried?.fleet?.order;
  let order: (FleetOrder & { seen: Set<string>; ticks: number }) | undefined = carriedOrder && {
    ...carriedOrder,
    seen: new Set(carriedOrder.seen),
  };
  let written = carried?.fleet?.written ?? 0;
  let servingTicks = carried?.fleet?.servingTicks ?? 0;
  let writtenAt = carried?.fleet?.writtenAt ?? { servingTicks, orderTicks: order?.ticks ?? 0 };
  let added = carried?.fleet?.added ?? 0;
  let refused = 0;
  let failedInARow = 0;
  let startError: string | undefined;
  let generation = carried?.generation ?? 0;
  /** Set by every signal and every instance that changes state: the loop looks again. */
  let changed = true;
  let tickDue = false;
  /** Signals since the last holder check: while runs come and go, none has ended unseen that matters yet. */
  let signalsSinceCheck = 0;

  const slotOf = (key: string) => [...fleet.values()].find((i) => i.holding.has(key));
  const freeSlot = (key: string): boolean => {
    const on = slotOf(key);
    on?.holding.delete(key);
    queue.splice(0, queue.length, ...queue.filter((w) => holderKey(w) !== key));
    return on !== undefined;
  };

  setHandler(acquireGpuSignal, (h) => {
    const key = holderKey(h);
    if (!holders.has(key) || !waiting.some((w) => holderKey(w) === key)) {
      holders.set(key, h);
      waiting.push(h);
    }
    order?.seen.add(key);
    changed = true;
    signalsSinceCheck += 1;
  });
  setHandler(releaseGpuSignal, (h) => {
    const key = holderKey(h);
    holders.delete(key);
    waiting.splice(0, waiting.length, ...waiting.filter((w) => holderKey(w) !== key));
    freeSlot(key);
    changed = true;
    signalsSinceCheck += 1;
  });
  setHandler(requestLlmSlotSignal, (h) => {
    // Asked again (a retried signal): answered again, its slot kept.
    if (!queue.some((w) => holderKey(w) === holderKey(h))) queue.push(h);
    changed = true;
    signalsSinceCheck += 1;
  });
  setHandler(releaseLlmSlotSignal, (h) => {
    if (freeSlot(holderKey(h))) {
      written += 1;
      writtenAt = { servingTicks, orderTicks: order?.ticks ?? 0 };
    }
    changed = true;
    signalsSinceCheck += 1;
  });
  setHandler(orderGpusSignal, (o) => {
    // A later morning's order replaces the one before.
    order = { ...o, seen: new Set(), ticks: 0 };
    changed = true;
  });
  setHandler(holdersQuery, () => [...holders.keys()]);

  const act = gpuPoolActivities(params.timeouts, params.lifecycleTaskQueue);
  const info = workflowInfo();
  const poolId = info.workflowId;
  const stopInstance = instanceStopper(act, poolId);
  const bills: GpuBill[] = [];
  /** Instances starting or stopping: waited for before the pool ends or continues as new. */
  const inFlight = new Set<Promise<void>>();
  const track = (work: Promise<void>) => {
    inFlight.add(work);
    const done = () => {
      inFlight.delete(work);
      changed = true;
    };
    void work.then(done, done);
  };
  // Starts one after another (each returns once its instance is known), so each avoids the ones before it; the
  // boots then run side by side.
  let startChain: Promise<unknown> = Promise.resolve();

  const live = () => [...fleet.values()].filter((i) => i.state !== 'stopping');
  const serving = () => [...fleet.values()].filter((i) => i.state === 'serving' || i.state === 'draining');
  const slotView = (i: Instance) => ({ place: i.place, holding: i.holding.size, open: i.state === 'serving' });

  function retire(instance: Instance, why: string): void {
    if (instance.state === 'stopping') return;
    instance.state = 'stopping';
    // Runs still holding a slot on it (its provider stopped it under them) go first in line for another.
    queue.unshift(...[...instance.holding.values()].filter((h) => !queue.some((w) => holderKey(w) === holderKey(h))));
    instance.holding.clear();
    track(
      CancellationScope.nonCancellable(async () => {
        const bill = await stopInstance(instance.owner, instance.handle?.instanceId, why);
        if (bill) bills.push(bill);
        log.info('GPU fleet instance stopped', { instance: instance.owner, why, bill });
        fleet.delete(instance.owner);
      }),
    );
  }

  function launch(): void {
    generation += 1;
    const instance: Instance = {
      owner: instanceKey(info, generation),
      place: freePlace(
        live().map((i) => i.place),
        maxInstances,
      ),
      state: 'starting',
      holding: new Map(),
    };
    fleet.set(instance.owner, instance);
    const started = startChain.then(() =>
      act.startGpu(instance.owner, {
        place: instance.place,
        avoid: live().flatMap((i) => (i !== instance && i.handle ? [i.handle] : [])),
      }),
    );
    startChain = started.catch(() => undefined);
    track(
      (async () => {
        try {
          instance.handle = await started;
          await act.waitGpuReady({ owner: instance.owner, handle: instance.handle, model: params.model });
          failedInARow = 0;
          // The rate is measured anew over the fleet as it is now.
          [written, servingTicks] = [0, 0];
          writtenAt = { servingTicks: 0, orderTicks: order?.ticks ?? 0 };
          if (instance.state === 'starting') instance.state = instance.drainOnReady ? 'draining' : 'serving';
        } catch (err) {
          if (isCancellation(err)) throw err;
          failedInARow += 1;
          refused += 1;
          log.warn('GPU fleet instance did not start; the plan goes on with the others', {
            instance: instance.owner,
            error: rootMessage(err),
          });
          startError = rootMessage(err);
          retire(instance, `start failed: ${rootMessage(err)}`);
        }
      })(),
    );
  }
  const grantGpu = (holder: Holder, handle: GpuHandle) =>
    getExternalWorkflowHandle(holder.workflowId, holder.runId)
      .signal(gpuGrantedSignal, { handle, runId: holder.runId })
      .catch(() => holders.delete(holderKey(holder)));
  const refuseGpu = (holder: Holder, error: string) =>
    getExternalWorkflowHandle(holder.workflowId, holder.runId)
      .signal(gpuGrantedSignal, { error, runId: holder.runId })
      .catch(() => undefined);
  const grantSlot = (holder: Holder, instance: Instance) =>
    getExternalWorkflowHandle(holder.workflowId, holder.runId)
      .signal(llmSlotGrantedSignal, { runId: holder.runId, handle: instance.handle! })
      .catch(() => instance.holding.delete(holderKey(holder))); // it ended while waiting

  /** Grants, slots and the fleet's size, from the state as it is now. */
  async function answer(): Promise<void> {
    const sends: Promise<unknown>[] = [];
    const first = serving().sort((a, b) => Number(a.state === 'draining') - Number(b.state === 'draining'))[0];
    if (first) sends.push(...waiting.splice(0).map((h) => grantGpu(h, first.handle!)));
    else if (failedInARow > 0 && live().length === 0) {
      // Nothing serves and the last start failed: the runs waiting are told why, as a pool of one tells them.
      const error = startError ?? 'no GPU instance started';
      for (const h of waiting.splice(0)) {
        holders.delete(holderKey(h));
        sends.push(refuseGpu(h, error));
      }
    }
    // Slots, first come first served; a run already holding one is answered with the same instance.
    while (queue.length > 0) {
      const next = queue[0]!;
      const instance =
        slotOf(holderKey(next)) ??
        instanceForSlot(
          serving().map((i) => ({ ...slotView(i), instance: i })),
          slotsPerInstance,
        )?.instance;
      if (!instance) break;
      queue.shift();
      instance.holding.set(holderKey(next), next);
      sends.push(grantSlot(next, instance));
    }
    await Promise.all(sends);

    const remaining = holders.size + (order ? Math.max(0, order.reports - order.seen.size) : 0);
    const wanted = instancesWanted({
      ordered: order?.instances ?? 1,
      added,
      refused,
      maxInstances,
      remaining,
      slotsPerInstance,
    });
    const active = live().filter((i) => i.state !== 'draining' && !i.drainOnReady);
    // A new instance waits for one still stopping: until its stop is confirmed the ledger has it running, so its
    // port or candidate would be avoided and the new one might find none free.
    const mayStart = failedInARow < START_TRIES && ![...fleet.values()].some((i) => i.state === 'stopping');
    for (let n = active.length; n < wanted && mayStart && live().length < maxInstances; n++) launch();
    for (let n = active.length; n > Math.max(wanted, 1); n--) {
      const victim = instanceToDrain(
        live()
          .filter((i) => i.state !== 'draining' && !i.drainOnReady)
          .map((i) => ({ ...slotView(i), instance: i })),
      )?.instance;
      if (!victim) break;
      if (victim.state === 'starting') victim.drainOnReady = true;
      else victim.state = 'draining';
      log.info('GPU fleet instance drains: the reports left fit on fewer', { instance: victim.owner, remaining });
    }
    for (const i of live())
      if (i.state === 'draining' && i.holding.size === 0) retire(i, 'drained: no report needs it');
  }

  /**
   * The holder check: runs that ended without releasing (asked only after a check with no signal from any run, as a
   * pool of one asks: a busy morning's thousand holders are not described every few seconds), instances their
   * provider stopped, the rate.
   */
  async function check(): Promise<void> {
    const quiet = signalsSinceCheck === 0;
    signalsSinceCheck = 0;
    if (quiet && holders.size > 0) {
      for (const { request: ended, status } of await act.endedHolders({ poolId, requests: [...holders.values()] })) {
        holders.delete(holderKey(ended));
        freeSlot(holderKey(ended));
        log.warn('GPU holder ended without releasing', { holder: holderKey(ended), status });
      }
    }
    const up = serving();
    if (up.length > 0) {
      // Fleets started before the patch counted every tick with an instance serving, also those before the first
      // reports came for a slot (their data still loading): the rate read low and a fleet on time added one.
      if (!busyRounds || up.some((i) => i.holding.size > 0)) servingTicks += 1;
      const gone = await act.instancesGone(up.map((i) => i.owner));
      up.forEach((instance, i) => {
        if (!gone[i]) return;
        log.warn('GPU fleet instance stopped by its provider: its runs move, another takes its place', {
          owner: instance.owner,
        });
        retire(instance, 'stopped by its provider');
      });
    }
    if (!order) return;
    order.ticks += 1;
    const remaining = holders.size + Math.max(0, order.reports - order.seen.size);
    const starting = live().some((i) => i.state === 'starting');
    // Fleets started before the patch took the rate over every tick an instance served, as of now, after two
    // reports an instance.
    const behind = fallsBehind({
      written,
      remaining,
      elapsedSeconds: order.ticks * checkSeconds,
      dueInSeconds: order.dueInSeconds,
      serving: up.length,
      ...(busyRounds
        ? {
            servingSeconds: writtenAt.servingTicks * checkSeconds,
            writtenAtSeconds: Math.min(writtenAt.orderTicks, order.ticks) * checkSeconds,
            round: roundOf(slotsPerInstance),
          }
        : { servingSeconds: servingTicks * checkSeconds, writtenAtSeconds: order.ticks * checkSeconds, round: 2 }),
    });
    if (behind && queue.length > 0 && !starting && live().length < maxInstances) {
      added += 1;
      log.info('GPU fleet falls behind its order: one more instance', { written, remaining, added });
    }
  }

  /**
   * Time to continue as new: the history is full and no run waits (a continue-as-new is refused when a signal arrives
   * while it is made, and the pool is then replayed from its first event), or it is CALM_LIMIT times full. Never while
   * an instance starts or stops: that work is this run's.
   */
  const timeToContinue = () => {
    if (inFlight.size > 0) return false;
    const { continueAsNewSuggested, historyLength } = workflowInfo();
    const limit = params.historyEventsBeforeContinueAsNew ?? Infinity;
    if (!continueAsNewSuggested && historyLength < limit) return false;
    return (waiting.length === 0 && queue.length === 0) || historyLength >= CALM_LIMIT * limit;
  };

  // The holder check's clock: a durable timer, so the rate and the deadline are measured in replay-safe time.
  void (async () => {
    for (;;) {
      await sleep(checkSeconds * 1000);
      tickDue = true;
    }
  })().catch(() => undefined); // cancelled with the pool

  try {
    for (;;) {
      changed = false;
      await answer();
      if (fleet.size === 0 && holders.size === 0 && waiting.length === 0) {
        // Nothing runs and nobody holds: wait out the grace for a late run (or a morning's order) before ending.
        if (!(await condition(() => waiting.length > 0, params.idleGraceSeconds * 1000))) break;
        continue;
      }
      if (holders.size === 0 && waiting.length === 0 && inFlight.size === 0) {
        // Idle: keep the instances warm for a late re-run, but not for long.
        if (!(await condition(() => waiting.length > 0, params.idleGraceSeconds * 1000))) {
          for (const i of live()) retire(i, `last holder gone; idle ${params.idleGraceSeconds}s`);
          await Promise.all([...inFlight]);
        }
        continue;
      }
      if (timeToContinue()) {
        await continueAsNew<typeof gpuFleet>(params, {
          generation,
          holders: [...holders.values()],
          waiting: [...waiting],
          slots: { holding: [], waiting: [...queue] },
          fleet: {
            instances: serving().map((i) => ({
              owner: i.owner,
              place: i.place,
              handle: i.handle!,
              draining: i.state === 'draining',
              holding: [...i.holding.values()],
            })),
            ...(order && { order: { ...order, seen: [...order.seen] } }),
            written,
            servingTicks,
            writtenAt,
            added,
          },
        });
      }
      await condition(() => changed || tickDue);
      if (tickDue) {
        tickDue = false;
        await check();
      }
    }
  } catch (err) {
    // Continued as new: the instances run on, held by the next run.
    if (err instanceof ContinueAsNew) throw err;
    // Cancelled (or failed): every instance is stopped on the way out, those still starting too (by their key).
    await CancellationScope.nonCancellable(async () => {
      await Promise.allSettled([...inFlight]);
      for (const i of live()) retire(i, `pool ended: ${rootMessage(err)}`);
      await Promise.allSettled([...inFlight]);
    });
    throw err;
  }
  await Promise.all([...inFlight]);
  return bills;
}
