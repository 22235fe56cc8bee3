import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { parseConfig } from '../config/config';
import { probeVllm } from '../gpu/readiness';
import { factBook } from '../report/facts';
import { llmClient, requestReport } from '../report/llm';
import { loadPrompts } from '../report/prompts';
import type { Locale } from '../report/locale';
import { judgeAnswer } from '../report/verdict';
import type { PeriodKind } from '../sales/dates';
import { loadSalesMetrics } from '../sales/load';
import type { SalesMetrics } from '../sales/metrics';
import { freePort } from './free-port';
import { llamaServerSettings, resolveLlamaServer } from './llama';
import { mergePatch } from './local-stack';
import { REPO_ROOT } from './simulator/launch';
import { writeSampleCsv, YEAR_SAMPLE } from './sample-data';

const HELP = `Records what the real model (llama.cpp's server, Gemma 3 270M) writes for the sample morning: the weekly
and the daily report in both languages, one seed after another, each refused answer followed by the repair turn a
run sends. Each answer is kept as a fixture with the facts it was asked about and the product's verdict on it; the
unit tests run the checks on them again.

Usage: npm run corpus:record -- [options]
  --count N        answers to record (default 50)
  --threads N      the server's threads (default 2: run it alone)
  --max-tokens N   the answer's token limit (default 1024)
  --out DIR        where the corpus goes (default test/fixtures/real-model; emptied first)
  --resume         keep the answers there and go on from the seed after the last one recorded
`;

/** One recorded answer: what was asked, what came back, and the product's verdict when it was recorded. */
export interface RecordedAnswer {
  period: 'week' | 'day';
  locale: Locale;
  seed: number;
  /** 1: the first ask; 2: after the repair turn for the first answer. */
  attempt: number;
  /** The answer's token limit (llm.maxTokens) when it was asked. */
  maxTokens: number;
  finishReason: string | null;
  content: string;
  promptTokens: number;
  completionTokens: number;
  seconds: number;
  verdict: { refusedBy: string | null; dropped: string[] };
}

async function sampleMetrics(period: PeriodKind): Promise<SalesMetrics> {
  const dir = await mkdtemp(join(tmpdir(), 'sales-report-corpus-'));
  try {
    const path = join(dir, 'sales.csv');
    await writeSampleCsv(path, YEAR_SAMPLE.options);
    const defaults = parseConfig({});
    return await loadSalesMetrics({
      path,
      format: 'auto',
      columns: defaults.data.columns,
      maxBadRowShare: 0.05,
      badRowsShown: 5,
      reportDate: YEAR_SAMPLE.reportDate,
      currency: 'CNY',
      trendWeeks: 8,
      period,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '50' },
      threads: { type: 'string', default: '2' },
      'max-tokens': { type: 'string', default: '1024' },
      out: { type: 'string', default: 'test/fixtures/real-model' },
      resume: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return void process.stdout.write(HELP);
  const out = resolve(REPO_ROOT, values.out);
  const count = Number(values.count);

  const server = await resolveLlamaServer();
  const settings = llamaServerSettings(server, { threads: Number(values.threads) });
  const config = parseConfig(mergePatch(settings, { llm: { maxTokens: Number(values['max-tokens']) } }));
  const port = await freePort();
  const args = settings.gpu.localProcess.args.map((a) =>
    a.replaceAll('${port}', String(port)).replaceAll('${model}', config.llm.model),
  );
  const child = spawn(server.python, args, { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 120_000;
    while (!(await probeVllm(endpoint, config.llm.model, 'EMPTY', undefined, false)).ready) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`the model server did not serve`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const kept = values.resume ? await readdir(join(out, 'answers')).catch(() => []) : [];
    if (!values.resume) await rm(join(out, 'answers'), { recursive: true, force: true });
    await mkdir(join(out, 'answers'), { recursive: true });
    const client = llmClient(endpoint, 'EMPTY', config.llm);
    const metrics = { week: await sampleMetrics('week'), day: await sampleMetrics('day') } as const;
    for (const [period, m] of Object.entries(metrics))
      await writeFile(join(out, `metrics.${period}.json`), `${JSON.stringify(m, null, 2)}\n`);

    const variants = (['week', 'day'] as const).flatMap((period) =>
      (['zh-CN', 'en-US'] as const).map((locale) => ({ period, locale })),
    );
    let recorded = kept.length;
    const lastSeed = Math.max(0, ...kept.map((f) => Number(/seed(\d+)/.exec(f)?.[1] ?? 0)));
    // Round after round: each variant's next seed, so a short corpus still has all four.
    for (let seed = lastSeed + 1; recorded < count; seed++) {
      for (const { period, locale } of variants) {
        const prompts = loadPrompts(locale, period);
        const facts = factBook(metrics[period], locale);
        const messages: ChatCompletionMessageParam[] = [
          { role: 'system', content: prompts.system },
          { role: 'user', content: prompts.userMessage(metrics[period], facts) },
        ];
        for (let attempt = 1; attempt <= 2 && recorded < count; attempt++) {
          const started = performance.now();
          const { completion } = await requestReport(
            client,
            { ...config.llm, seed },
            messages,
            AbortSignal.timeout(config.llm.requestTimeoutSeconds * 1000),
          );
          const choice = completion.choices[0];
          const content = choice?.message.content ?? '';
          const verdict = judgeAnswer(content, choice?.finish_reason, metrics[period], { locale, facts });
          const answer: RecordedAnswer = {
            period,
            locale,
            seed,
            attempt,
            maxTokens: config.llm.maxTokens,
            finishReason: choice?.finish_reason ?? null,
            content,
            promptTokens: completion.usage?.prompt_tokens ?? 0,
            completionTokens: completion.usage?.completion_tokens ?? 0,
            seconds: Math.round((performance.now() - started) / 100) / 10,
            verdict: {
              refusedBy: verdict.refusedBy ?? null,
              dropped: verdict.printed?.dropped.map((d) => d.item) ?? [],
            },
          };
          recorded++;
          const name = `${String(recorded).padStart(2, '0')}-${period}-${locale}-seed${seed}-attempt${attempt}.json`;
          await writeFile(join(out, 'answers', name), `${JSON.stringify(answer, null, 2)}\n`);
          console.log(
            `${name}: ${answer.completionTokens} tokens in ${answer.seconds} s, ${answer.finishReason}, ${answer.verdict.refusedBy ?? 'printed'}`,
          );
          if (!verdict.refusedBy) break;
          messages.splice(2, messages.length, ...prompts.repairTurn(content, verdict.errors));
        }
        if (recorded >= count) break;
      }
    }
  } finally {
    child.kill('SIGTERM');
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
