/**
 * What the server says of the runs around a pool: whether a pool runs to ask (`gpuPoolChain`, for runs waiting for a
 * slot) and which holders' runs ended without giving their lease back (`endedHolders`, for the pool).
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { holderKey } from '../gpu/holders';
import type { EndedHolder, EndedHoldersRequest } from '../temporal/contracts';
import { runState } from '../temporal/run-liveness';
import type { LeaseContext } from './deps';

/**
 * Which pool is there to ask: the first run id of the running pool's chain (continue-as-new keeps it), or null
 * when none runs. A run waiting for a model slot checks with this instead of asking the pool again: a thousand
 * waiting runs asking every few seconds would flood the one pool workflow with signals.
 */
export async function gpuPoolChain({ temporal }: LeaseContext, poolId: string): Promise<string | null> {
  try {
    const d = await temporal.workflow.getHandle(poolId).describe();
    if (d.status.name !== 'RUNNING') return null;
    return d.raw.workflowExecutionInfo?.firstRunId || d.runId;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
}

/**
 * The holders among these whose runs ended (terminated, reset, timed out: no cleanup code ran), and how. Their
 * leases are closed as of when each run ended, so their share is billed; the pool drops them.
 */
export async function endedHolders(
  { temporal, leases, now }: LeaseContext,
  { poolId, requests }: EndedHoldersRequest,
): Promise<EndedHolder[]> {
  const ended: EndedHolder[] = [];
  for (const holder of requests) {
    const state = await runState(temporal, holder);
    if (state.running) continue;
    const status = state.status ?? 'NOT FOUND';
    await leases.close(
      poolId,
      holderKey(holder),
      state.closedAt ?? now(),
      `run ${status.toLowerCase()} holding the lease`,
    );
    ended.push({ request: holder, status });
  }
  return ended;
}
