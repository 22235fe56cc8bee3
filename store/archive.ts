import type { RunRef } from '../temporal/contracts';
import { safeSegment } from './store';

/**
 * archive/<reportDate>/<workflowId>/<runId>/ in the store: a re-run, a reset or a retry on another host is a new
 * run id or the same one, so a run never overwrites another's archive.
 */
export function archivePrefix(run: RunRef): string {
  return `${ARCHIVE_ROOT}${run.reportDate}/${safeSegment(run.workflowId)}/${safeSegment(run.runId)}/`;
}

export const ARCHIVE_ROOT = 'archive/';

/** The archive's front page: every report by date, with links relative to it (report/render/archive-index.ts). */
export const ARCHIVE_INDEX = `${ARCHIVE_ROOT}index.html`;
