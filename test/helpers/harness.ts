import { simulatorArgs } from '../../sim/command';
import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { inject } from 'vitest';
import { createGpuProvider } from '../../activities/gpu';
import { InstanceLedger, type LedgerEntry } from '../../activities/gpu/ledger';
import { groupAlive } from '../../activities/gpu/local-process';
import { parseConfig, type Config } from '../../lib/config';
import { freePort } from '../../lib/free-port';
export { freePort };
import type { ReportInput, Stage } from '../../lib/contracts';
import { writeSampleXlsx } from '../../lib/sales/sample-data';
import { startSmtpSink, type SmtpSink, type SmtpSinkOptions } from '../../lib/smtp-sink';
import { progressQuery, type weeklySalesReport } from '../../workflows';
import { createReportWorker } from '../../worker';

// Once per test process: the SDK's INFO lines would bury the test output.
Runtime.install({ logger: new DefaultLogger('WARN') });

export const ROOT = resolve(__dirname, '..', '..');
export const REPORT_DATE = '2026-11-20';

/** Sample sales (Chinese headers, a few dirty rows) covering the weeks REPORT_DATE reports on. */
export async function sampleSalesFile(dir: string, seed = 7): Promise<string> {
  const path = join(dir, 'sales.xlsx');
  await writeSampleXlsx(path, { endDate: '2026-11-19', days: 21, ordersPerDay: 25, seed, badRowsPerThousand: 3 });
  return path;
}

type DeepPartial<T> = {
  [K in keyof T]?: NonNullable<T[K]> extends unknown[]
    ? T[K]
    : NonNullable<T[K]> extends object
      ? DeepPartial<NonNullable<T[K]>>
      : T[K];
};

export interface HarnessOptions {
  /** Extra simulator flags: fault switches, boot delay, latency. */
  simArgs?: string[];
  smtp?: SmtpSinkOptions;
  config?: DeepPartial<Config>;
  dataPath?: string;
}

export interface Harness {
  dir: string;
  config: Config;
  sink: SmtpSink;
  client: Client;
  start(input?: ReportInput): Promise<WorkflowHandle<typeof weeklySalesReport>>;
  /** Runs a real worker until `until` settles, and returns its outcome. */
  withWorker<T>(until: Promise<T>): Promise<T>;
  ledgerEntry(workflowId: string, runId: string): Promise<LedgerEntry | undefined>;
  gpuProcessAlive(entry: LedgerEntry): boolean;
  close(): Promise<void>;
}

function merge<T>(base: T, patch: unknown): T {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return (patch ?? base) as T;
  const out = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) out[k] = merge(out[k], v);
  return out as T;
}

/** Real collaborators on loopback: the shared dev server, an SMTP sink, the simulator as a process. */
export async function createHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'sales-report-test-'));
  const sink = await startSmtpSink(options.smtp);
  const raw = {
    temporal: { address: inject('temporalAddress'), taskQueue: `test-${randomUUID()}` },
    report: { timezone: 'Asia/Shanghai', locale: 'zh-CN', currency: 'CNY' },
    data: { path: options.dataPath ?? (await sampleSalesFile(dir)) },
    gpu: {
      provider: 'local-process',
      readyTimeoutSeconds: 30,
      pollIntervalSeconds: 0.2,
      stopTimeoutSeconds: 5,
      stateDir: join(dir, 'gpu'),
      localProcess: {
        command: process.execPath,
        args: simulatorArgs(options.simArgs),
        cwd: ROOT,
        port: await freePort(),
      },
    },
    llm: { requestTimeoutSeconds: 20, maxAttempts: 3 },
    email: {
      smtp: { port: sink.port, connectionTimeoutSeconds: 5 },
      to: ['sales@example.com'],
      cc: ['lead@example.com'],
      alertTo: ['ops@example.com'],
      sentRecordDir: join(dir, 'sent'),
    },
    archive: { dir: join(dir, 'archive') },
    timeouts: { heartbeatSeconds: 3, retryInitialIntervalSeconds: 0.2, retryMaximumAttempts: 4 },
  };
  const config = parseConfig(merge(raw, options.config), 'test');
  const clientConnection = await Connection.connect({ address: config.temporal.address });
  const client = new Client({ connection: clientConnection, namespace: config.temporal.namespace });
  const ledger = new InstanceLedger(join(config.gpu.stateDir, 'ledger'));

  return {
    dir,
    config,
    sink,
    client,
    start: (input = { reportDate: REPORT_DATE }) =>
      client.workflow.start<typeof weeklySalesReport>('weeklySalesReport', {
        taskQueue: config.temporal.taskQueue,
        workflowId: `report-${randomUUID()}`,
        args: [input],
      }),
    async withWorker(until) {
      const connection = await NativeConnection.connect({ address: config.temporal.address });
      try {
        const worker = await createReportWorker({
          config,
          secrets: { llmApiKey: 'EMPTY' },
          connection,
          client,
          workflowBundle: { code: inject('workflowBundleCode') },
        });
        return await worker.runUntil(until);
      } finally {
        await connection.close();
      }
    },
    ledgerEntry: (workflowId, runId) => ledger.get(`${workflowId}/${runId}`),
    gpuProcessAlive: (entry) => groupAlive(Number(/^pid:(\d+):/.exec(entry.instanceId)?.[1])),
    async close() {
      // Like a reaper: a test that failed mid-run must not leave its simulator running.
      const provider = createGpuProvider(config);
      for (const entry of await ledger.live()) if (entry.instanceId) await provider.stop(entry);
      await clientConnection.close();
      await sink.close();
    },
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
