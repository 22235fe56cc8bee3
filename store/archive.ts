// Workflow code imports this file (through gpu/holders.ts): it must stay free of I/O and Node modules.
import { safeSegment } from './store';

/** The run an archive (and a send) belongs to: its ids and the date it reports on. */
export interface RunRef {
  workflowId: string;
  runId: string;
  /** YYYY-MM-DD */
  reportDate: string;
  /** Which report (config `reports`) and which of its split values the run writes; absent: the default report. */
  report?: ReportRef;
}

/** A report the config defines, and the value of its split a run writes. */
export interface ReportRef {
  id: string;
  split?: string;
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
  return `${archiveRootOf(run.report)}${run.reportDate}/${safeSegment(run.workflowId)}/${safeSegment(run.runId)}/`;
}

export const ARCHIVE_ROOT = 'archive/';

/**
 * Where a report's archive and its front page (index.html, report/render/archive-index.ts) live: the default
 * report's at the root, every other report's, and each split value's, in a folder of its own, so a regional reader's
 * archive lists no other region's reports.
 */
export function archiveRootOf(report: ReportRef | undefined): string {
  if (!report) return ARCHIVE_ROOT;
  const split = report.split === undefined ? '' : `${readableSegment(report.split)}/`;
  return `${ARCHIVE_ROOT}${REPORTS_FOLDER}${readableSegment(report.id)}/${split}`;
}

/** Under the archive root, beside the default report's dates. */
const REPORTS_FOLDER = 'reports/';

/**
 * A value as a path segment, its letters kept in any script (华东 stays 华东); a value that needed changing gets a
 * short hash of itself, so two values never share a folder.
 */
function readableSegment(value: string): string {
  const safe = value.replace(/[^\p{L}\p{N}_.-]/gu, '_').replace(/^\.+/, '_');
  return safe === value ? safe : `${safe}-${fnv1a(value)}`;
}

/** FNV-1a, 32 bits, as hex: pure code, for workflow code too. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}
