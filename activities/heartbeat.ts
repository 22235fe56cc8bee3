import { Context } from '@temporalio/activity';

/**
 * Heartbeats on a timer while `work` runs. Heartbeats are how a cancelled workflow's cancellation reaches the
 * activity (through Context.cancellationSignal) and how a dead worker is noticed before startToClose runs out.
 */
export async function withHeartbeat<T>(work: (signal: AbortSignal) => Promise<T>, details?: () => unknown): Promise<T> {
  const ctx = Context.current();
  const heartbeatMs = ctx.info.heartbeatTimeoutMs;
  const everyMs = heartbeatMs ? Math.max(200, Math.floor(heartbeatMs / 3)) : 5_000;
  ctx.heartbeat(details?.());
  const timer = setInterval(() => ctx.heartbeat(details?.()), everyMs);
  try {
    return await work(ctx.cancellationSignal);
  } catch (err) {
    // A library aborted by the signal throws its own error (fetch's AbortError, the SDK's APIUserAbortError);
    // rethrow the CancelledFailure behind it so the server records a cancellation, not a failure.
    if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason;
    throw err;
  } finally {
    clearInterval(timer);
  }
}
