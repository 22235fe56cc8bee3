// Workflow code imports this file (through gpu/holders.ts): it must stay free of I/O and Node modules.
import { safeSegment } from './store';

/** The run an archive (and a send) belongs to: its ids and the date it reports on. */
export interface RunRef {
  workflowId: string;
  runId: string;
  /** YYYY-MM-DD */
  reportDate: string;
}

/** The one spelling of a run's key, "<workflowId>/<runId>": archive paths, GPU holders, message headers. */
export function runKey(run: Pick<RunRef, 'workflowId' | 'runId'>): string {
  return `${run.workflowId}/${run.runId}`;
}

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
