import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { inject } from 'vitest';
import type { Config, Secrets } from '../../config/config';
import { freePort } from '../../dev/free-port';
import { mergePatch, startLocalStack, type ConfigPatch } from '../../dev/local-stack';
import { writeSampleXlsx } from '../../dev/sample-data';
import { REPO_ROOT } from '../../dev/simulator/launch';
import type { SmtpSink, SmtpSinkOptions } from '../../dev/smtp-sink';
import { InstanceLedger, type LedgerEntry } from '../../gpu/ledger';
import type { Store } from '../../store';
import { holderKey } from '../../gpu/owner';
import { groupAlive } from '../../gpu/providers/local-process';
import { progressQuery, WORKFLOW_TYPES, type ReportInput, type Stage } from '../../temporal/contracts';
import type { weeklySalesReport } from '../../workflows';

export { freePort };

// Once per test process: the SDK's INFO lines would bury the test output.
Runtime.install({ logger: new DefaultLogger('WARN') });

export const ROOT = REPO_ROOT;
export const REPORT_DATE = '2026-11-20';

/** Sample sales (Chinese headers, a few dirty rows) covering the weeks REPORT_DATE reports on. */
export async function sampleSalesFile(dir: string, seed = 7): Promise<string> {
  const path = join(dir, 'sales.xlsx');
  await writeSampleXlsx(path, { endDate: '2026-11-19', days: 21, ordersPerDay: 25, seed, badRowsPerThousand: 3 });
  return path;
}

export interface HarnessOptions {
  /** Extra simulator flags: fault switches, boot delay, latency. */
  simArgs?: string[];
  smtp?: SmtpSinkOptions;
  config?: ConfigPatch;
  dataPath?: string;
  /** Extra secrets, as the environment would give them (encryption keys, codec token). */
  secrets?: Partial<Secrets>;
}

export interface Harness {
  dir: string;
  config: Config;
  store: Store;
  sink: SmtpSink;
  client: Client;
  start(input?: ReportInput): Promise<WorkflowHandle<typeof weeklySalesReport>>;
  /** Runs a real worker until `until` settles, and returns its outcome. */
  withWorker<T>(until: Promise<T>): Promise<T>;
  ledgerEntry(workflowId: string, runId: string): Promise<LedgerEntry | undefined>;
  gpuProcessAlive(entry: LedgerEntry): boolean;
  close(): Promise<void>;
}

/**
 * The local stack on the run's shared dev server, with the test's own task queue, SMTP sink and simulator process,
 * and short configured timeouts.
 */
export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'sales-report-test-'));
  const testDefaults: ConfigPatch = {
    temporal: { taskQueue: `test-${randomUUID()}` },
    report: { timezone: 'Asia/Shanghai', locale: 'zh-CN', currency: 'CNY' },
    data: { path: options.dataPath ?? (await sampleSalesFile(dir)) },
    gpu: { readyTimeoutSeconds: 30, stopTimeoutSeconds: 5 },
    llm: { requestTimeoutSeconds: 20, maxAttempts: 3 },
    email: {
      smtp: { connectionTimeoutSeconds: 5 },
      to: ['sales@example.com'],
      cc: ['lead@example.com'],
      alertTo: ['ops@example.com'],
    },
    timeouts: { heartbeatSeconds: 3, retryInitialIntervalSeconds: 0.2, retryMaximumAttempts: 4 },
  };
  const stack = await startLocalStack({
    dir,
    temporal: { address: inject('temporalAddress') },
    smtp: options.smtp,
    simulator: options.simArgs,
    config: mergePatch(testDefaults, options.config),
    secrets: { llmApiKey: 'EMPTY', ...options.secrets },
    workflowBundle: { code: inject('workflowBundleCode') },
  });
  const { config, client } = stack;
  const ledger = new InstanceLedger(stack.store);

  return {
    dir,
    config,
    store: stack.store,
    sink: stack.sink,
    client,
    start: (input = { reportDate: REPORT_DATE }) =>
      client.workflow.start<typeof weeklySalesReport>(WORKFLOW_TYPES.report, {
        taskQueue: config.temporal.taskQueue,
        workflowId: `report-${randomUUID()}`,
        args: [input],
      }),
    withWorker: (until) => stack.runWorker(until),
    ledgerEntry: (workflowId, runId) => ledger.get(holderKey({ workflowId, runId })),
    gpuProcessAlive: (entry) => groupAlive(Number(/^pid:(\d+):/.exec(entry.instanceId)?.[1])),
    close: () => stack.close(),
  };
}

/** The run's GPU is confirmed stopped in the ledger and its process group is gone. */
export async function expectGpuStopped(h: Harness, workflowId: string, runId: string): Promise<void> {
  const entry = await h.ledgerEntry(workflowId, runId);
  if (!entry?.instanceId) throw new Error(`no GPU was recorded for ${workflowId}/${runId}`);
  if (!entry.stoppedAt) throw new Error(`GPU ${entry.instanceId} not confirmed stopped`);
  if (h.gpuProcessAlive(entry)) throw new Error(`GPU process ${entry.instanceId} still running`);
}

/** The failure a workflow run ended with, with the messages of its whole cause chain joined. */
export async function failureOf(run: Promise<unknown>): Promise<{ error: Error; messages: string }> {
  try {
    await run;
  } catch (err) {
    const messages: string[] = [];
    for (let e = err as Error | undefined; e; e = (e as { cause?: Error }).cause) messages.push(e.message);
    return { error: err as Error, messages: messages.join(' <- ') };
  }
  throw new Error('expected the run to fail, but it succeeded');
}

/**
 * With RECORD_HISTORIES=1, keeps the run's history under test/histories/ for the replay test, which then fails
 * when a workflow change would break executions already running in production.
 */
export async function recordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (!process.env.RECORD_HISTORIES) return;
  const history = await handle.fetchHistory();
  // The replayer runs a history under the run id in its first event. A Reset copies that event from the reset run,
  // while a worker replays the new run under its own id: record that id, so the replay is the one production does.
  const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const { runId } = await handle.describe();
  if (started && started.originalExecutionRunId !== runId) started.originalExecutionRunId = runId;
  await writeFile(join(ROOT, 'test', 'histories', `${name}.json`), `${historyToJSON(history)}\n`);
}

/** Polls the run's `progress` query until it reports `stage`; bounded, so a run that never gets there fails the test. */
export async function waitForStage(
  handle: WorkflowHandle<typeof weeklySalesReport>,
  stage: Stage,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    last = await handle.query(progressQuery).catch(() => last); // not picked up by a worker yet
    if (last === stage) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`run never reached "${stage}" (last: "${last}")`);
}
