import {
  ActivityFailure,
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  log,
  patched,
  setHandler,
} from '@temporalio/workflow';
import {
  llmSlotGrantedSignal,
  nonRetryableFailure,
  releaseLlmSlotSignal,
  type FailureType,
  requestLlmSlotSignal,
  type GpuHandle,
  type Holder,
} from '../temporal/contracts';
import { causeOf, rootMessage } from './failures';

/**
 * Writes on the instance the fleet's slot is on; when the fleet moves the run (its instance stopped under it, so the
 * call in flight cannot be answered) the call is cancelled and made again on the instance of the new slot. A call
 * that failed first (the instance went away before the fleet's holder check saw it) waits up to `moveWithinSeconds`
 * for the move; a failure with no move stands, and an answer that stayed wrong is never moved.
 */
async function writeMoving<T>(
  current: () => GpuHandle,
  write: (on: GpuHandle) => Promise<T>,
  moveWithinSeconds: number,
): Promise<T> {
  for (;;) {
    const on = current();
    const movedAway = () => current().instanceId !== on.instanceId;
    const scope = new CancellationScope();
    const call = scope.run(() => write(on));
    const moved = condition(movedAway).then(() => 'moved' as const);
    const first = await Promise.race([
      call.then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
      moved,
    ]);
    if (first !== 'moved' && 'value' in first) return first.value;
    if (first !== 'moved') {
      const { error } = first;
      const wrongAnswer = causeOf(error)?.type === ('ReportSchemaViolation' satisfies FailureType);
      // Only a call to the model can fail for its instance's sake (not a run's own stop, nor a wrong answer).
      const modelCall = error instanceof ActivityFailure && !wrongAnswer;
      if (isCancellation(error) || !modelCall || !(await condition(movedAway, moveWithinSeconds * 1000))) throw error;
    } else {
      scope.cancel();
      await call.catch(() => undefined);
    }
    log.warn('the model instance stopped under this run: written again on another', {
      from: on.instanceId,
      to: current().instanceId,
    });
  }
}

/** Not a change to retire: how a run after a Reset tells the steps it replays from the first it executes live. */
const RESET_ASKS_FOR_ITS_OWN_SLOT = 'reset-asks-for-its-own-llm-slot';

/**
 * slot-wait-looks-not-asks (2026-11-30): a waiting run looks whether its pool still runs (a local activity) instead
 * of asking it again, less and less often. A thousand runs asking every holderCheckSeconds sent the one pool workflow
 * ten thousand signals in a morning: the server's limit a run, after which its acquires and releases were refused.
 */
const LOOKS_NOT_ASKS = 'slot-wait-looks-not-asks';

/** How much longer each look waits than the one before, up to MAX_LOOK_FACTOR × recheckSeconds. */
const LOOK_BACKOFF = 2;
const MAX_LOOK_FACTOR = 8;

/**
 * Runs `write` holding one of the pool's slots to call the model (llm.maxConcurrentRequests across every host), so
 * the model server never has more requests than it batches and none waits inside it while the GPU bills. The slot
 * goes back however `write` ends; a run that ends without giving it back loses it at the pool's next holder check.
 * While it waits it looks whether its pool still runs, after `recheckSeconds` and then less often (the pool keeps its
 * place): a pool that is gone (terminated by an operator) bounds nothing, and the run writes without a slot rather
 * than wait for an answer that cannot come; a new pool in its place is asked.
 */
export async function withLlmSlot<T>(
  poolId: string,
  holder: Holder,
  {
    waitSeconds,
    recheckSeconds,
    resetFrom,
    poolChain,
  }: {
    waitSeconds: number;
    recheckSeconds: number;
    /** After a Reset: the run this one was reset from, whose request and grant its history holds. */
    resetFrom?: string;
    /** The running pool's chain (its first run id), or null when none runs: activities/gpu-lease.ts gpuPoolChain. */
    poolChain: () => Promise<string | null>;
  },
  /** Calls the model; given the instance the slot is on when the pool is a fleet. */
  write: (on?: GpuHandle) => Promise<T>,
): Promise<T> {
  let granted = false;
  let grantedToResetRun = false;
  /** A fleet's slot is on one instance; a later grant (its instance stopped under it) moves the run. */
  let slotOn: GpuHandle | undefined;
  setHandler(llmSlotGrantedSignal, ({ runId, handle }) => {
    if (runId === holder.runId) {
      granted = true;
      if (handle) slotOn = handle;
    } else if (runId === resetFrom) grantedToResetRun = true;
  });
  const pool = getExternalWorkflowHandle(poolId);
  /** False when the pool is gone. */
  const ask = () =>
    pool.signal(requestLlmSlotSignal, holder).then(
      () => true,
      (err: unknown) => {
        log.warn('GPU pool gone: the model is called without a slot', { poolId, error: rootMessage(err) });
        return false;
      },
    );
  // Two holder checks: the fleet looks at its instances once a check, and then grants the moved slot.
  const writeOnFleet = () => writeMoving(() => slotOn!, write, 2 * recheckSeconds);
  let poolThere = await ask();
  const looks = patched(LOOKS_NOT_ASKS);
  // The pool asked: a pool started after it (an operator terminated this one) would not know this run.
  let chain = looks && poolThere ? await poolChain() : null;
  let interval = recheckSeconds;
  try {
    for (let waited = 0; poolThere && !granted;) {
      if (waited >= waitSeconds)
        throw nonRetryableFailure(
          'GpuNotReady',
          `no slot to call the model within ${waitSeconds}s: llm.maxConcurrentRequests runs held them all (llm.slotWaitSeconds)`,
        );
      const step = Math.min(interval, waitSeconds - waited);
      if (await condition(() => granted || grantedToResetRun, step * 1000)) {
        if (granted) break;
        grantedToResetRun = false;
        // The grant the reset run was given. Where this run's history replays that run's steps, it goes on as that
        // run did; once live (the marker is recorded then), it asks for a slot of its own and waits for it.
        if (!patched(RESET_ASKS_FOR_ITS_OWN_SLOT)) break;
        poolThere = await ask();
      } else {
        waited += step;
        if (!looks) {
          poolThere = await ask();
          continue;
        }
        interval = Math.min(interval * LOOK_BACKOFF, recheckSeconds * MAX_LOOK_FACTOR);
        const now = await poolChain();
        if (now === null) {
          poolThere = false;
          log.warn('GPU pool gone: the model is called without a slot', { poolId });
        } else if (now !== chain) {
          chain = now;
          poolThere = await ask();
        }
      }
    }
    return await (slotOn ? writeOnFleet() : write());
  } finally {
    if (poolThere)
      await CancellationScope.nonCancellable(() => pool.signal(releaseLlmSlotSignal, holder)).catch(() => undefined);
  }
}
