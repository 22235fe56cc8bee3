import type { RunRef } from '../temporal/contracts';
import { safeSegment } from './store';

/**
 * archive/<reportDate>/<workflowId>/<runId>/ in the store: a re-run, a reset or a retry on another host is a new
 * run id or the same one, so a run never overwrites another's archive.
 */
export function archivePrefix(run: RunRef): string {
  return `archive/${run.reportDate}/${safeSegment(run.workflowId)}/${safeSegment(run.runId)}/`;
}
