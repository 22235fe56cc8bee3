import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { FailureType } from '../temporal/contracts';

/** The innermost message: "activity task failed" wrappers say nothing a reader needs. */
export function rootMessage(err: unknown): string {
  let e = err as Error | undefined;
  while (e instanceof ActivityFailure && e.cause) e = e.cause;
  if (e instanceof ApplicationFailure && e.type === ('ReportFailed' satisfies FailureType) && e.cause) e = e.cause;
  return e?.message ?? String(err);
}

/** The ApplicationFailure an activity raised, under the "activity task failed" wrapper. */
export function causeOf(err: unknown): ApplicationFailure | undefined {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure ? cause : undefined;
}
