import { ActivityFailure, ApplicationFailure, ChildWorkflowFailure } from '@temporalio/workflow';
import type { FailureType } from '../temporal/contracts';

/** The innermost message: "activity task failed" and "child workflow execution failed" say nothing a reader needs. */
export function rootMessage(err: unknown): string {
  let e = err as Error | undefined;
  for (;;) {
    const wrapper =
      e instanceof ActivityFailure ||
      e instanceof ChildWorkflowFailure ||
      (e instanceof ApplicationFailure && e.type === ('ReportFailed' satisfies FailureType));
    if (!wrapper || !e?.cause) break;
    e = e.cause as Error;
  }
  return e?.message ?? String(err);
}

/** The ApplicationFailure an activity raised, under the "activity task failed" wrapper. */
export function causeOf(err: unknown): ApplicationFailure | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? cause : undefined;
}
