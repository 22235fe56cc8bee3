import { Context } from '@temporalio/activity';
import type { RunRef } from '../temporal/contracts';

/**
 * The run an activity works for, by the run id Temporal gives the activity. A request recorded before a Reset point
 * names the reset run; the activity still archives and sends under the run it executes for, so it never writes into
 * another run's archive or claims its send.
 */
export function thisRun(run: RunRef): RunRef {
  return { ...run, runId: Context.current().info.workflowExecution?.runId ?? run.runId };
}
