import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Holder } from '../gpu/holders';

export interface RunState {
  running: boolean;
  /** How it closed (TERMINATED, TIMED_OUT, FAILED, …); undefined while running or for a run the server does not know. */
  status?: string;
  /** When it closed, if it did; undefined also for a run the server does not know. */
  closedAt?: Date;
}

/**
 * The one "is this run still alive" check, asked of the server. Terminated, reset and timed-out runs run no cleanup
 * code, so whoever lends them a GPU (the pool, the reaper) must ask. A run that continued as new lives on in the
 * latest run of its workflow id (the pool carries its instance across).
 */
export async function runState(client: Client, ref: Holder): Promise<RunState> {
  try {
    const d = await client.workflow.getHandle(ref.workflowId, ref.runId).describe();
    if (d.status.name === 'CONTINUED_AS_NEW') {
      const latest = await client.workflow.getHandle(ref.workflowId).describe();
      if (latest.status.name === 'RUNNING') return { running: true };
    }
    return d.status.name === 'RUNNING'
      ? { running: true }
      : { running: false, status: d.status.name, closedAt: d.closeTime };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { running: false };
    throw err;
  }
}
