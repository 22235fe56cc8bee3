import { randomBytes } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import type { Command } from 'commander';
import { isIsoDate } from '../../sales/dates';
import { formatTimeline } from '../../temporal/run-timeline';
import { auditFromStore, listRuns, outcomeText, showRun, type RunSummary } from '../../temporal/runs';
import { REPORT_NARRATIVES, REPORT_OUTCOMES, WORKFLOW_TYPES, type ReportInput } from '../../temporal/contracts';
import { createStore } from '../../store';
import { runUrl } from '../../temporal/ui-links';
import type { salesReport } from '../../workflows';
import { UsageError, type CliContext } from '../context';
import { table } from '../table';

function checkDate(value: string | undefined, flag: string): void {
  if (value !== undefined && !isIsoDate(value)) throw new UsageError(`${flag}: "${value}" is not a YYYY-MM-DD date`);
}

function money(value: number | undefined, currency: string | undefined): string | undefined {
  return value === undefined ? undefined : `${value.toFixed(4)} ${currency ?? ''}`.trim();
}

export function runsTable(runs: RunSummary[]): string {
  const unreadable = runs.filter((r) => r.auditUnreadable).length;
  const note = unreadable
    ? `\n${unreadable} run(s) without audit figures: their memo is encrypted with a key this client does not have ` +
      '(set SALES_REPORT_ENCRYPTION_KEYS and temporal.encryption.enabled)'
    : '';
  // The report column shows only where reports are defined (config reports): a single-report deployment reads as before.
  const reports = runs.some((r) => r.report !== undefined);
  const reportOf = (r: RunSummary) => (r.split === undefined ? r.report : `${r.report ?? '-'} · ${r.split}`);
  return `${table(
    [
      ...(reports ? ['report'] : []),
      'date',
      'trigger',
      'outcome',
      'duration',
      'attempts',
      'GPU s',
      'cost',
      'workflow id',
    ],
    runs.map((r) => [
      ...(reports ? [reportOf(r)] : []),
      r.reportDate,
      r.trigger,
      [
        outcomeText(r.outcome, r.narrativeWithheld) ?? r.status.toLowerCase(),
        // A morning: how its reports ended, so "failed" reads as 1 of 3, not the whole morning.
        ...(r.reports
          ? [
              `(${Object.entries(r.reports)
                .map(([outcome, n]) => `${n} ${outcome}`)
                .join(', ')})`,
            ]
          : []),
        // A morning with a deadline: whether every report was out by then.
        ...(r.deadline ? [`deadline ${r.deadline.met ? 'met' : 'missed'}`] : []),
      ].join(' '),
      r.durationSeconds === undefined ? undefined : `${r.durationSeconds}s`,
      r.attempts,
      r.gpuSeconds,
      money(r.gpuCost, r.gpuCurrency),
      r.workflowId,
    ]),
  )}${note}`;
}

interface RunOptions {
  date?: string;
  recipients?: string;
  report?: string;
  split?: string;
  dryRun?: boolean;
  wait?: boolean;
}

interface RunListOptions {
  from?: string;
  to?: string;
  outcome?: string;
  report?: string;
  split?: string;
  narrative?: string;
  mornings?: boolean;
  limit: string;
  json?: boolean;
}

export function runCommands(program: Command, context: () => CliContext): void {
  program
    .command('run')
    .description('start a report now (a new run: earlier runs of the same date are kept)')
    .option('--date <YYYY-MM-DD>', 'report date (default: today in the configured time zone)')
    .option('--recipients <list>', 'comma-separated addresses replacing the configured "to"')
    .option('--report <id>', 'which report (config reports[].id; default: the first)')
    .option('--split <value>', 'for a split report: the value whose report to write, e.g. 华东')
    .option('--dry-run', 'render and archive, send nothing')
    .option('--wait', 'wait for the outcome; exit 1 if the run fails')
    .action(async (options: RunOptions) => {
      checkDate(options.date, '--date');
      const ctx = context();
      const input: ReportInput = {
        ...(options.date && { reportDate: options.date }),
        ...(options.report && { report: options.report }),
        ...(options.split && { split: options.split }),
        ...(options.recipients && {
          recipients: options.recipients
            .split(',')
            .map((r) => r.trim())
            .filter(Boolean),
        }),
        ...(options.dryRun && { dryRun: true }),
      };
      const client = await ctx.client();
      const handle = await client.workflow.start<typeof salesReport>(WORKFLOW_TYPES.report, {
        taskQueue: ctx.config.temporal.taskQueue,
        workflowId: `sales-report-manual-${options.date ?? 'today'}-${randomBytes(4).toString('hex')}`,
        args: [input],
      });
      const url = runUrl(
        ctx.config.temporal.uiUrl,
        ctx.config.temporal.namespace,
        handle.workflowId,
        handle.firstExecutionRunId,
      );
      if (!options.wait) {
        ctx.print(
          { workflowId: handle.workflowId, runId: handle.firstExecutionRunId, url },
          () => `started ${handle.workflowId}\n${url}`,
        );
        return;
      }
      try {
        const result = await handle.result();
        ctx.print(
          result,
          () =>
            `${outcomeText(result.outcome, result.llm?.narrativeWithheld !== undefined)}: ${result.reportDate}${result.period ? ` (${result.period.start} – ${result.period.end})` : ''}, ${result.sentBy ? `sent by ${result.sentBy}` : `message ${result.messageId ?? '-'}`}, GPU ${result.gpu?.billedSeconds ?? 0}s\n${url}`,
        );
      } catch (err) {
        if (err instanceof WorkflowFailedError)
          throw new Error(`run ${handle.workflowId} failed: ${err.cause?.message ?? err.message} (${url})`);
        throw err;
      }
    });

  const runs = program.command('runs').description('the audit trail: what ran, how, and what it cost');

  runs
    .command('list')
    .description('report runs from the visibility store, newest date first')
    .option('--from <YYYY-MM-DD>', 'first report date')
    .option('--to <YYYY-MM-DD>', 'last report date')
    .option('--outcome <outcome>', `one of ${REPORT_OUTCOMES.join(', ')}`)
    .option('--report <id>', 'only runs of this report (config reports[].id)')
    .option('--split <value>', "only runs of this value of the report's split, e.g. 华东")
    .option('--narrative <kind>', `only runs whose model's words were printed so: ${REPORT_NARRATIVES.join(', ')}`)
    .option('--mornings', 'mornings instead of report runs: one per schedule fire, with how its reports ended')
    .option('--limit <n>', 'at most this many', '200')
    .option('--json', 'JSON instead of a table')
    .action(async (options: RunListOptions) => {
      checkDate(options.from, '--from');
      checkDate(options.to, '--to');
      if (options.outcome && !(REPORT_OUTCOMES as readonly string[]).includes(options.outcome))
        throw new UsageError(`--outcome must be one of ${REPORT_OUTCOMES.join(', ')}`);
      if (options.narrative && !(REPORT_NARRATIVES as readonly string[]).includes(options.narrative))
        throw new UsageError(`--narrative must be one of ${REPORT_NARRATIVES.join(', ')}`);
      const ctx = context();
      // This deployment's runs: several deployments may share a namespace.
      const listed = await listRuns(await ctx.client(), {
        ...options,
        limit: Number(options.limit),
        taskQueue: ctx.config.temporal.taskQueue,
      });
      // Terminated and timed-out runs recorded no audit: their GPU share and model calls are in the store.
      const found = options.mornings ? listed : await auditFromStore(listed, createStore(ctx.config), ctx.config);
      console.log(options.json ? JSON.stringify(found, null, 2) : found.length ? runsTable(found) : 'no runs match');
    });

  runs
    .command('show <workflowId>')
    .description('one run: its audit record, its stages with their times, its artefacts')
    .option('--run-id <runId>', 'a specific run of that workflow id (default: the latest)')
    .option('--json', 'JSON instead of text')
    .action(async (workflowId: string, options: { runId?: string; json?: boolean }) => {
      const ctx = context();
      const details = await showRun(await ctx.client(), workflowId, options.runId);
      details.summary = (await auditFromStore([details.summary], createStore(ctx.config), ctx.config))[0]!;
      if (options.json) {
        console.log(JSON.stringify(details, null, 2));
        return;
      }
      const { summary: s, audit, result } = details;
      const lines = [
        `${s.workflowId} / ${s.runId}`,
        `report date ${s.reportDate ?? '-'}, trigger ${s.trigger ?? '-'}, status ${s.status}, outcome ${outcomeText(s.outcome, s.narrativeWithheld) ?? '-'}`,
        `started ${s.startedAt}${s.durationSeconds === undefined ? '' : `, took ${s.durationSeconds}s`}`,
      ];
      if (audit) {
        lines.push(
          `model ${audit.model ?? '-'}, prompt sha256 ${audit.promptSha256 ?? '-'}, schema ${audit.schemaId ?? '-'}`,
          `LLM attempts ${audit.attempts ?? '-'}, tokens ${audit.totalTokens ?? '-'}, GPU ${audit.gpuSeconds ?? '-'}s ≈ ${money(audit.gpuCost, audit.gpuCurrency) ?? '-'}`,
          `email ${audit.messageId ?? '-'} to ${audit.recipientCount} recipient(s)${audit.refusedRecipients ? `, ${audit.refusedRecipients} refused` : ''}`,
        );
      } else {
        // The run recorded no audit (terminated, timed out): what the store knows of it.
        lines.push(
          `no audit recorded; from the store: LLM attempts ${s.attempts ?? '-'}, GPU ${s.gpuSeconds ?? '-'}s ≈ ${money(s.gpuCost, s.gpuCurrency) ?? '-'}`,
        );
      }
      const usage = result?.llm?.usage;
      if (usage)
        lines.push(
          `prompt ${usage.promptTokens} tokens (${usage.cachedPromptTokens === undefined ? 'cache not reported' : `${usage.cachedPromptTokens} from the prefix cache`}), completion ${usage.completionTokens}: the GPU's prefill and decode work`,
        );
      if (result?.refusedRecipients) lines.push(`refused by the relay: ${result.refusedRecipients.join(', ')}`);
      if (result?.sentBy) lines.push(`already sent by ${result.sentBy}`);
      if (result?.recipients)
        lines.push(
          `recipients: to ${result.recipients.to.join(', ')}${result.recipients.cc.length ? `; cc ${result.recipients.cc.join(', ')}` : ''}`,
        );
      if (result?.llm?.narrativeWithheld) lines.push(`narrative withheld: ${result.llm.narrativeWithheld.reason}`);
      for (const d of result?.llm?.itemsDropped ?? []) lines.push(`left out ${d.item}: "${d.written}" ${d.reason}`);
      if (details.failure) lines.push(`failure: ${details.failure}`);
      lines.push('stages:', formatTimeline(details.stages));
      if (result?.artefacts) {
        const store = createStore(ctx.config);
        lines.push(
          `artefacts: ${result.artefacts.archive}`,
          ...Object.entries(result.artefacts.files).map(([name, key]) => `  ${name}: ${store.locate(key)}`),
        );
      }
      console.log(lines.join('\n'));
    });
}
