/** What every bench scenario shares: one dev server, a local stack per scenario, and the GPU pool's own bill. */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { gpuPoolId } from '../config/config';
import { startLocalStack, type ConfigPatch, type LocalStack } from '../dev/local-stack';
import { REPO_ROOT } from '../dev/simulator/launch';
import { secondsBetween } from '../gpu/billing';
import { InstanceLedger } from '../gpu/ledger';
import { activityTimeline, type ActivitySpan } from '../temporal/run-timeline';

export const OUT = join(REPO_ROOT, 'out', 'bench');
export const REPORT_DATE = '2026-11-20';

export const say = (line: string) => console.log(`[bench] ${line}`);
export const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};
export const r2 = (x: number) => Math.round(x * 100) / 100;
export const spanSeconds = (spans: ActivitySpan[], name: string) =>
  spans
    .filter((s) => s.activity === name)
    .reduce((sum, s) => sum + ((s.closedMs ?? s.scheduledMs) - s.scheduledMs) / 1000, 0);

export interface Env {
  /** The bench's one dev server; every scenario runs its own stack (task queue, SMTP sink, GPU) on it. */
  address: string;
}

/** One scenario on the local stack: a real worker runs while `body` does; the stack is closed after. */
export async function scenario<T>(
  env: Env,
  name: string,
  setup: { simulator?: string[]; config: ConfigPatch },
  data: string,
  body: (stack: LocalStack) => Promise<T>,
): Promise<T> {
  // A fresh directory: the store (GPU ledger, leases) must hold this scenario's records only.
  const dir = join(OUT, 'runs', name);
  rmSync(dir, { recursive: true, force: true });
  const stack = await startLocalStack({
    dir,
    temporal: { address: env.address },
    simulator: setup.simulator,
    secrets: { llmApiKey: 'EMPTY' },
    config: {
      ...setup.config,
      temporal: { taskQueue: `bench-${name}` },
      data: { path: data },
      gpu: { pollIntervalSeconds: 0.1, readyTimeoutSeconds: 300, ...setup.config.gpu },
      timeouts: { retryInitialIntervalSeconds: 0.2 },
    },
  });
  try {
    return await stack.runWorker(() => body(stack));
  } finally {
    await stack.close();
  }
}

/** The simulator as a GPU that takes `bootMs` to load and writes `tokensPerSecond`. */
export const slowGpu = (bootMs: number, tokensPerSecond: number) => [
  '--boot-delay-ms',
  String(bootMs),
  '--tokens-per-second',
  String(tokensPerSecond),
];

/** The pool's one instance: how many were started, its bill, boot and stop. */
export async function poolInstance(stack: LocalStack) {
  const pool = stack.client.workflow.getHandle(gpuPoolId(stack.config));
  await pool.result();
  // The boot is in the pool's first run: a pool of many holders continues as new before it ends.
  const firstRunId = (await pool.describe()).raw.workflowExecutionInfo?.firstRunId || undefined;
  const first = stack.client.workflow.getHandle(gpuPoolId(stack.config), firstRunId);
  const spans = activityTimeline(await first.fetchHistory());
  const entries = await new InstanceLedger(stack.store).all();
  const bootStarted = spans.find((s) => s.activity === 'startGpu')?.scheduledMs ?? NaN;
  const readyAt = spans.find((s) => s.activity === 'waitGpuReady')?.closedMs ?? NaN;
  return {
    instances: entries.length,
    billedSeconds: entries.reduce((sum, e) => sum + secondsBetween(e.requestedAt, e.stoppedAt!), 0),
    bootToReadySeconds: (readyAt - bootStarted) / 1000,
    readyAt,
    stoppedAt: Math.max(...entries.map((e) => Date.parse(e.stoppedAt!))),
  };
}
