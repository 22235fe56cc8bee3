import { WorkflowFailedError, type Client, type WorkflowExecutionInfo, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import {
  WORKFLOW_TYPES,
  REPORT_WORKFLOW_TYPES,
  type AuditMemo,
  type MorningAudit,
  type MorningReportResult,
  type ReportResult,
} from './contracts';
import type { Config } from '../config/config';
import type { MorningTokens } from '../gpu/deadline';
import { billFor } from '../gpu/billing';
import { pricingOf } from '../gpu/fleet';
import { leaseRecords } from '../gpu/leases';
import { runKey } from '../store/archive';
import { llmCallsOf } from '../store/llm-calls';
import type { Store } from '../store/store';
import { activityTimeline, type ActivitySpan } from './run-timeline';
import { ReportDate, ReportId, ReportNarrative, ReportOutcome, ReportSplit, ReportTrigger } from './search-attributes';

/**
 * A morning's reports, each with its end, whether the morning completed or failed (a morning with a failed report
 * fails, with every report's end in its failure's details).
 */
export async function morningResults(handle: WorkflowHandle): Promise<MorningReportResult[]> {
  try {
    return (await handle.result()) as MorningReportResult[];
  } catch (err) {
    const cause = err instanceof WorkflowFailedError ? err.cause : undefined;
    const [results] = cause instanceof ApplicationFailure ? (cause.details ?? []) : [];
    if (Array.isArray(results)) return results as MorningReportResult[];
    throw err;
  }
}

/** An outcome in the one vocabulary: a run recorded before 2026-12-07 said "sent" for a report sent with its words withheld. */
export function outcomeText(outcome: string | undefined, narrativeWithheld?: boolean): string | undefined {
  return outcome === 'sent' && narrativeWithheld ? 'sent-numbers-only' : outcome;
}

/** One row of `runs list`: from the visibility store, without reading each run's history. */
export interface RunSummary {
  reportDate?: string;
  /** The report the config defines (reports[].id) and its split value; unset for the default report. */
  report?: string;
  split?: string;
  trigger?: string;
  outcome?: string;
  /** The report went out with the narrative withheld (runs recorded before 2026-12-07 said "sent" for it). */
  narrativeWithheld?: boolean;
  /** What became of the model's words (ReportNarrative): full, partial or withheld. */
  narrative?: string;
  status: string;
  startedAt: string;
  durationSeconds?: number;
  attempts?: number;
  gpuSeconds?: number;
  gpuCost?: number;
  gpuCurrency?: string;
  workflowId: string;
  runId: string;
  /** Why the audit memo could not be read (encrypted with a key this client lacks); the row still shows. */
  auditUnreadable?: string;
  /** A morning's reports by how each ended, from its audit (MorningAudit), e.g. { sent: 2, failed: 1 }. */
  reports?: Record<string, number>;
  /** A morning's tokens by kind (MorningAudit.usage), what the next mornings plan with. */
  usage?: MorningAudit['usage'];
  /** A morning with a deadline (schedule.deadline): whether every report was out by then. */
  deadline?: MorningAudit['deadline'];
}

export interface RunFilter {
  from?: string;
  to?: string;
  outcome?: string;
  /** Only runs of this report (reports[].id), and of this value of its split. */
  report?: string;
  split?: string;
  /** Only runs whose words were printed so (ReportNarrative): full, partial or withheld. */
  narrative?: string;
  limit?: number;
  /** Only runs of this deployment's task queue (several deployments may share a namespace). */
  taskQueue?: string;
  /** Mornings (morningReports: one per schedule fire, starting each report) instead of report runs. */
  mornings?: boolean;
}

/** A visibility query; values are quoted because they come from the command line. */
export function runsQuery(filter: RunFilter): string {
  const quote = (v: string) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const clauses = [
    filter.mornings
      ? `WorkflowType = ${quote(WORKFLOW_TYPES.morning)}`
      : `WorkflowType IN (${REPORT_WORKFLOW_TYPES.map(quote).join(', ')})`,
  ];
  if (filter.from) clauses.push(`ReportDate >= ${quote(filter.from)}`);
  if (filter.to) clauses.push(`ReportDate <= ${quote(filter.to)}`);
  if (filter.report) clauses.push(`ReportId = ${quote(filter.report)}`);
  if (filter.split) clauses.push(`ReportSplit = ${quote(filter.split)}`);
  if (filter.narrative) clauses.push(`ReportNarrative = ${quote(filter.narrative)}`);
  if (filter.taskQueue) clauses.push(`TaskQueue = ${quote(filter.taskQueue)}`);
  if (filter.outcome === 'failed') {
    // Terminated and timed-out runs ran no code to record their outcome (Temporal runs none for them): they failed too.
    clauses.push(`(ReportOutcome = 'failed' OR ExecutionStatus = 'Terminated' OR ExecutionStatus = 'TimedOut')`);
  } else if (filter.outcome) clauses.push(`ReportOutcome = ${quote(filter.outcome)}`);
  return clauses.join(' AND ');
}

export function summarize(info: Omit<WorkflowExecutionInfo, 'raw'>): RunSummary {
  const audit = (info.memo?.audit ?? {}) as Partial<AuditMemo> &
    Partial<Pick<MorningAudit, 'reports' | 'gpuSecondsShared' | 'usage' | 'deadline'>>;
  const ended = Array.isArray(audit.reports) ? audit.reports : undefined;
  const sa = info.typedSearchAttributes;
  return {
    reportDate: sa.get(ReportDate),
    report: sa.get(ReportId),
    split: sa.get(ReportSplit),
    trigger: sa.get(ReportTrigger) ?? audit.trigger,
    outcome: sa.get(ReportOutcome),
    ...(audit.narrative === 'withheld' && { narrativeWithheld: true }),
    ...((sa.get(ReportNarrative) ?? audit.narrative) && { narrative: sa.get(ReportNarrative) ?? audit.narrative }),
    status: info.status.name,
    startedAt: info.startTime.toISOString(),
    durationSeconds: info.closeTime
      ? Math.round((info.closeTime.getTime() - info.startTime.getTime()) / 100) / 10
      : undefined,
    attempts: audit.attempts,
    gpuSeconds: audit.gpuSeconds ?? audit.gpuSecondsShared,
    gpuCost: audit.gpuCost,
    gpuCurrency: audit.gpuCurrency,
    workflowId: info.workflowId,
    runId: info.runId,
    ...(audit.usage && { usage: audit.usage }),
    ...(audit.deadline && { deadline: audit.deadline }),
    ...(ended && {
      reports: ended.reduce<Record<string, number>>(
        (counts, r) => ({ ...counts, [r.outcome]: (counts[r.outcome] ?? 0) + 1 }),
        {},
      ),
    }),
  };
}

/**
 * The runs a visibility query finds. Unlike the SDK's list, one run whose memo this client cannot decode (its payloads
 * encrypted with a key not configured here) does not hide every other run: it is listed without its audit memo.
 */
async function* listExecutions(client: Client, query: string): AsyncGenerator<RunSummary> {
  const { namespace, loadedDataConverter } = client.workflow.options;
  let nextPageToken: Uint8Array | undefined;
  do {
    const page = await client.workflowService.listWorkflowExecutions({ namespace, query, nextPageToken });
    for (const raw of page.executions) {
      try {
        yield summarize(await executionInfoFromRaw(raw, loadedDataConverter, raw, namespace));
      } catch (err) {
        const info = await executionInfoFromRaw({ ...raw, memo: undefined }, loadedDataConverter, raw, namespace);
        yield { ...summarize(info), auditUnreadable: (err as Error).message };
      }
    }
    nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (nextPageToken);
}

export async function listRuns(client: Client, filter: RunFilter = {}): Promise<RunSummary[]> {
  const runs: RunSummary[] = [];
  for await (const run of listExecutions(client, runsQuery(filter))) {
    runs.push(run);
    if (filter.limit && runs.length >= filter.limit) break;
  }
  return runs.sort(
    (a, b) => (b.reportDate ?? '').localeCompare(a.reportDate ?? '') || b.startedAt.localeCompare(a.startedAt),
  );
}

/**
 * The tokens of this task queue's last mornings that kept them by kind (at most `count`), newest first: what a
 * morning's deadline plan measures a report by (gpu/deadline.ts measuredWork).
 */
export async function recentMorningTokens(client: Client, taskQueue: string, count = 7): Promise<MorningTokens[]> {
  const found: MorningTokens[] = [];
  const query = `${runsQuery({ mornings: true, taskQueue })} AND ExecutionStatus != 'Running'`;
  // Looked at no further back than this many mornings: a morning's plan is a local activity, and a year of mornings
  // recorded before tokens were kept by kind would page through them all.
  let looked = 0;
  for await (const run of listExecutions(client, query)) {
    if (run.usage && run.usage.reportsWritten > 0) found.push(run.usage);
    if (found.length >= count || ++looked >= count * 4) break;
  }
  return found;
}

/**
 * The audit of runs that recorded none: a terminated, reset or timed-out run runs no code of its own, but its lease
 * (its share of the GPU, closed by the pool as of its end) and its model calls are in the store.
 */
export async function auditFromStore(runs: RunSummary[], store: Store, config: Config): Promise<RunSummary[]> {
  const leases = leaseRecords(store);
  return Promise.all(
    runs.map(async (run) => {
      if (run.status === 'RUNNING' || (run.attempts !== undefined && run.gpuSeconds !== undefined)) return run;
      const lease = await leases.get(runKey(run));
      const calls = run.reportDate
        ? await llmCallsOf(store, {
            workflowId: run.workflowId,
            runId: run.runId,
            reportDate: run.reportDate,
            ...(run.report !== undefined && {
              report: { id: run.report, ...(run.split !== undefined && { split: run.split }) },
            }),
          }).get('calls')
        : undefined;
      const bill =
        lease?.shareSeconds === undefined ? undefined : billFor('', [], lease.shareSeconds, pricingOf(config));
      return {
        ...run,
        attempts: run.attempts ?? calls?.calls,
        ...(bill && {
          gpuSeconds: run.gpuSeconds ?? bill.billedSeconds,
          gpuCost: run.gpuCost ?? bill.estimatedCost,
          gpuCurrency: run.gpuCurrency ?? bill.currency,
        }),
      };
    }),
  );
}

export interface RunDetails {
  summary: RunSummary;
  audit?: AuditMemo;
  result?: ReportResult;
  failure?: string;
  stages: ActivitySpan[];
}

/** Everything known about one run: its audit memo, its result (artefact paths included) and its stages. */
export async function showRun(client: Client, workflowId: string, runId?: string): Promise<RunDetails> {
  const handle = client.workflow.getHandle(workflowId, runId);
  const description = await handle.describe();
  const details: RunDetails = {
    summary: summarize(description),
    audit: description.memo?.audit as AuditMemo | undefined,
    stages: activityTimeline(await handle.fetchHistory()),
  };
  if (description.status.name === 'COMPLETED') {
    details.result = (await handle.result()) as ReportResult;
  } else if (description.status.name !== 'RUNNING') {
    details.failure = await handle.result().then(
      () => undefined,
      (err: Error) => {
        const messages: string[] = [];
        for (let e: Error | undefined = err; e; e = e.cause as Error | undefined) messages.push(e.message);
        return messages.at(-1) ?? err.message;
      },
    );
  }
  return details;
}

/** One report's part of the GPU bill: its runs' shares, added up. */
export interface ReportCost {
  /** "by-region · 华东"; the default report's runs are "weekly". */
  report: string;
  runs: number;
  gpuSeconds: number;
  gpuCost: number;
  currency?: string;
}

/** The runs' GPU shares by report and split value, largest first: how a morning's bill splits across its reports. */
export function costByReport(runs: readonly RunSummary[]): ReportCost[] {
  const by = new Map<string, ReportCost>();
  for (const r of runs) {
    const report = r.split === undefined ? (r.report ?? 'weekly') : `${r.report ?? '-'} · ${r.split}`;
    const row = by.get(report) ?? { report, runs: 0, gpuSeconds: 0, gpuCost: 0 };
    row.runs++;
    row.gpuSeconds = Math.round((row.gpuSeconds + (r.gpuSeconds ?? 0)) * 10) / 10;
    row.gpuCost += r.gpuCost ?? 0;
    row.currency ??= r.gpuCurrency;
    by.set(report, row);
  }
  return [...by.values()].sort((a, b) => b.gpuSeconds - a.gpuSeconds || a.report.localeCompare(b.report));
}
