import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { HolderRef } from './owner';

export interface RunState {
  running: boolean;
  /** When it closed, if it did; undefined also for a run the server does not know. */
  closedAt?: Date;
}

/**
 * The one "is this run still alive" check, asked of the server. Terminated, reset and timed-out runs run no cleanup
 * code, so whoever lends them a GPU (the pool, the reaper) must ask.
 */
export async function runState(client: Client, ref: HolderRef): Promise<RunState> {
  try {
    const d = await client.workflow.getHandle(ref.workflowId, ref.runId).describe();
    return { running: d.status.name === 'RUNNING', closedAt: d.closeTime };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { running: false };
    throw err;
  }
}
