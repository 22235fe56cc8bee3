import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { inject } from 'vitest';
import { gpuPoolId, type Config, type Secrets } from '../../config/config';
import { freePort } from '../../dev/free-port';
import { mergePatch, startLocalStack, type ConfigPatch } from '../../dev/local-stack';
import { writeSampleXlsx } from '../../dev/sample-data';
import { REPO_ROOT } from '../../dev/simulator/launch';
import type { SmtpSink, SmtpSinkOptions } from '../../dev/smtp-sink';
import { InstanceLedger, type LedgerEntry } from '../../gpu/ledger';
import type { Store } from '../../store';
import { groupAlive } from '../../gpu/providers/local-process';
import { progressQuery, WORKFLOW_TYPES, type ReportInput, type Stage } from '../../temporal/contracts';
import type { salesReport } from '../../workflows';

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
  /** A Temporal server of the test's own (default: the run's shared dev server). */
  temporalAddress?: string;
  /** How long withWorker waits, after its work, for the pool to stop the GPU (default 60). */
  gpuPoolSettleSeconds?: number;
}

export interface Harness {
  dir: string;
  config: Config;
  store: Store;
  sink: SmtpSink;
  client: Client;
  start(input?: ReportInput): Promise<WorkflowHandle<typeof salesReport>>;
  /**
   * Runs a real worker until `until` settles and the GPU pool has stopped its instance (bounded by
   * gpuPoolSettleSeconds): the stop is the pool's, after the runs, and needs a worker.
   */
  withWorker<T>(until: Promise<T>): Promise<T>;
  /** The pool workflow every run of this harness leases its GPU from. */
  poolId: string;
  /** Until the pool has stopped its instance and ended (bounded by gpuPoolSettleSeconds). */
  poolSettled(): Promise<void>;
  /** Every instance the pool (or a run recorded before the pool) started. */
  ledgerEntries(): Promise<LedgerEntry[]>;
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
    gpu: {
      readyTimeoutSeconds: 30,
      stopTimeoutSeconds: 5,
      // Short, so the pool stops the GPU within a test: no grace, holders checked every second.
      pool: { idleGraceSeconds: 0, holderCheckSeconds: 1 },
    },
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
    temporal: { address: options.temporalAddress ?? inject('temporalAddress') },
    smtp: options.smtp,
    simulator: options.simArgs,
    config: mergePatch(testDefaults, options.config),
    secrets: { llmApiKey: 'EMPTY', ...options.secrets },
    workflowBundle: { code: inject('workflowBundleCode') },
  });
  const { config, client } = stack;
  const ledger = new InstanceLedger(stack.store);
  const poolId = gpuPoolId(config);
  /** Until the pool has no instance left to stop (it ends then), or the bound passes. */
  const poolSettled = async (): Promise<void> => {
    const deadline = Date.now() + (options.gpuPoolSettleSeconds ?? 60) * 1000;
    while (Date.now() < deadline) {
      const running = await client.workflow
        .getHandle(poolId)
        .describe()
        .then((d) => d.status.name === 'RUNNING')
        .catch(() => false);
      if (!running) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  return {
    dir,
    config,
    store: stack.store,
    sink: stack.sink,
    client,
    start: (input = { reportDate: REPORT_DATE }) =>
      client.workflow.start<typeof salesReport>(WORKFLOW_TYPES.report, {
        taskQueue: config.temporal.taskQueue,
        workflowId: `report-${randomUUID()}`,
        args: [input],
      }),
    withWorker: (until) =>
      stack.runWorker(async () => {
        try {
          return await until;
        } finally {
          await poolSettled();
        }
      }),
    poolId,
    poolSettled,
    ledgerEntries: () => ledger.all(),
    gpuProcessAlive: (entry) => {
      const pid = /^pid:(\d+):/.exec(entry.instanceId)?.[1];
      return pid !== undefined && groupAlive(Number(pid)); // a cloud instance's state is the cloud's to say
    },
    close: () => stack.close(),
  };
}

/** Every GPU started is confirmed stopped in the ledger and its process group is gone; returns the entries. */
export async function expectGpuStopped(h: Harness): Promise<LedgerEntry[]> {
  const entries = await h.ledgerEntries();
  if (entries.length === 0) throw new Error('no GPU was recorded');
  for (const entry of entries) {
    if (!entry.instanceId) throw new Error(`GPU of ${entry.owner} has no instance id`);
    if (!entry.stoppedAt) throw new Error(`GPU ${entry.instanceId} not confirmed stopped`);
    if (h.gpuProcessAlive(entry)) throw new Error(`GPU process ${entry.instanceId} still running`);
  }
  return entries;
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
 * With RECORD_HISTORIES=1, keeps the run's history under test/replay/histories/ for the replay test, which then fails
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
  await writeFile(join(ROOT, 'test', 'replay', 'histories', `${name}.json`), `${historyToJSON(history)}\n`);
}

/** Polls the run's `progress` query until it reports `stage`; bounded, so a run that never gets there fails the test. */
export async function waitForStage(
  handle: WorkflowHandle<typeof salesReport>,
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

/** A harness for the length of `body`, closed (servers stopped, workers shut down) also when the body fails. */
export async function withHarness<T>(options: HarnessOptions, body: (h: Harness) => Promise<T>): Promise<T> {
  const h = await createHarness(options);
  try {
    return await body(h);
  } finally {
    await h.close();
  }
}

/**
 * Runs a worker until `run` is generating (the GPU held), then terminates `target` (the run itself, or e.g. the
 * pool) as an operator would, and returns when that happened (epoch ms).
 */
export async function terminateWhileGenerating(
  h: Harness,
  run: WorkflowHandle,
  target: WorkflowHandle = run,
  reason = 'stuck',
): Promise<number> {
  return h.withWorker(
    (async () => {
      await waitForStage(run, 'generating report');
      await target.terminate(reason);
      return Date.now();
    })(),
  );
}
