import { mkdirSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { WorkflowFailedError } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { randomBytes } from 'node:crypto';
import { secretsFromEnv, type Config } from '../config/config';
import { parseEncryptionKeys } from '../config/encryption-keys';
import { addDays, dateInZone } from '../sales/dates';
import { WORKFLOW_TYPES } from '../temporal/contracts';
import { activityTimeline, formatTimeline } from '../temporal/run-timeline';
import { runUrl } from '../temporal/ui-links';
import type { weeklySalesReport } from '../workflows';
import { freePort } from './free-port';
import { startLocalStack, type LocalStack } from './local-stack';
import { writeSampleTargets, writeSampleXlsx } from './sample-data';
import { describeTemporalCli, resolveTemporalCli } from './temporal-cli';

const HELP = `Runs one weekly sales report on embedded components: a Temporal dev server with its Web UI, an SMTP sink that
saves every message, a worker, sample data, and the vLLM simulator started as the "GPU" by the local-process provider.

Usage: npm run demo -- [options]
  --out DIR               where data, archive and mail go (default out/demo; emptied first)
  --boot-delay-ms MS      simulated GPU boot time (default 3000)
  --tokens-per-second N   simulated generation speed (default 300)
  --locale zh-CN|en-US    report language (default zh-CN)
  --keep-open             keep the Temporal UI running after the report, until Ctrl-C
`;

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'out/demo' },
    'boot-delay-ms': { type: 'string', default: '3000' },
    'tokens-per-second': { type: 'string', default: '300' },
    locale: { type: 'string', default: 'zh-CN' },
    'keep-open': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

let stack: LocalStack | undefined;
let cancelRun: (() => Promise<unknown>) | undefined;
let stopping = false;

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
  stack = await startLocalStack({
    dir: join(out, 'state'),
    secrets,
    temporal: { cli, uiPort: await freePort() },
    smtp: { saveDir: join(out, 'mail') },
    simulator: ['--boot-delay-ms', values['boot-delay-ms'], '--tokens-per-second', values['tokens-per-second']],
    config: {
      temporal: { taskQueue: 'sales-report-demo', encryption: { enabled: true } },
      report: { timezone, locale: values.locale as Config['report']['locale'] },
      data: { path: dataPath },
      targets: { path: targetsPath },
      gpu: { readyTimeoutSeconds: 120, pollIntervalSeconds: 0.5 },
      store: { dir: join(out, 'store') },
    },
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

  const handle = await client.workflow.start<typeof weeklySalesReport>(WORKFLOW_TYPES.report, {
    taskQueue: config.temporal.taskQueue,
    workflowId: `weekly-sales-report-${reportDate}-demo`,
    args: [{}],
  });
  cancelRun = () => handle.cancel();
  const url = runUrl(config.temporal.uiUrl, config.temporal.namespace, handle.workflowId, handle.firstExecutionRunId);
  say(`started ${handle.workflowId} with input {} → report date ${reportDate} (${timezone})`);
  say(`follow it in the Temporal UI: ${url}`);
  say('bundling workflows and starting the worker…');

  let code = 0;
  try {
    const result = await stack.runWorker(handle.result());
    cancelRun = undefined;
    const timeline = activityTimeline(await handle.fetchHistory());
    say(
      `report ${result.outcome}: period ${result.period.start} – ${result.period.end}, ${result.llm?.attempts} LLM attempt(s)`,
    );
    console.log(`\nStages (wall time, from the run's history):\n${formatTimeline(timeline)}\n`);
    const mail = sink.messages.at(-1);
    console.log(
      `Email:      ${mail?.savedAs ? rel(mail.savedAs) : '(none)'}  (open the .html next to it in a browser)`,
    );
    console.log(`Workbook:   ${result.artefacts ? rel(stack.store.locate(result.artefacts.files.xlsx)) : '(none)'}`);
    console.log(`Archive:    ${result.artefacts ? rel(result.artefacts.archive) : '(none)'}`);
    console.log(
      `GPU:        ${result.gpu?.billedSeconds} s billed, ~${result.gpu?.estimatedCost} ${result.gpu?.currency} at ${config.gpu.hourlyPrice} ${config.gpu.priceCurrency}/h (${result.gpu?.provider})`,
    );
    console.log(`Temporal:   ${url}\n`);
  } catch (err) {
    code = 1;
    const cause = err instanceof WorkflowFailedError ? (err.cause?.message ?? err.message) : (err as Error).message;
    say(`the report failed: ${cause}`);
  }

  if (values['keep-open'] && !stopping) {
    say(`Temporal UI stays up at ${server?.uiUrl} — press Ctrl-C to stop everything.`);
    await new Promise<void>((resolveWait) => process.once('SIGINT', () => resolveWait()));
  }
  return code;
}

function rel(path: string): string {
  return relative(process.cwd(), path);
}

async function cleanup(): Promise<void> {
  // Ctrl-C mid-run: cancel it, so its GPU is stopped by the workflow's own cleanup.
  if (stopping) await cancelRun?.().catch(() => undefined);
  await stack?.close().catch((err: Error) => console.error(`cleanup: ${err.message}`));
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
