import { ActivityFailure, isCancellation, sleep } from '@temporalio/workflow';
import type { ReportPlan } from '../temporal/contracts';
import { causeOf, rootMessage } from './failures';

/** A send whose activity gave up on a relay that was away (4xx, refused, timed out): worth another try later. */
function relayAway(err: unknown): boolean {
  if (!(err instanceof ActivityFailure) || isCancellation(err)) return false;
  const cause = causeOf(err);
  return cause === undefined || !cause.nonRetryable; // a 5xx (SmtpRejected) or a StoreFault is final
}

/**
 * Sends, and while the relay is away tries again after a durable timer, doubling the wait up to
 * `maxRetrySeconds`, until `withinSeconds` of waiting have passed; then the last failure stands. A permanent refusal
 * stops at once. `waiting` hears of each wait before it starts (with the seconds waited so far).
 */
export async function deliverPatiently<T>(
  send: () => Promise<T>,
  policy: NonNullable<ReportPlan['delivery']>,
  waiting: (wait: { error: string; seconds: number; waitedSeconds: number; giveUpInSeconds: number }) => Promise<void>,
): Promise<T> {
  let waited = 0;
  let next = policy.firstRetrySeconds;
  for (;;) {
    try {
      return await send();
    } catch (err) {
      if (!relayAway(err) || waited + next > policy.withinSeconds) throw err;
      await waiting({
        error: rootMessage(err),
        seconds: next,
        waitedSeconds: waited,
        giveUpInSeconds: policy.withinSeconds - waited,
      });
      await sleep(next * 1000);
      waited += next;
      next = Math.min(next * 2, policy.maxRetrySeconds);
    }
  }
}
