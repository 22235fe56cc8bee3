/**
 * npm run bench [-- --quick | --burst | --start | --batching | --morning | --real-model | --fleet [--no-deadline] | --fleet-model]: what users pay for, measured on this machine, with a peer in the same run.
 * Prints a table, writes bench/results/<date>.json and a PNG of measured / target.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { table } from '../cli/table';
import { parseConfig } from '../config/config';
import { startDevServer } from '../dev/dev-server';
import { freePort } from '../dev/free-port';
import { startLocalStack, type LocalStack } from '../dev/local-stack';
import { writeSampleCsv, writeSampleXlsx } from '../dev/sample-data';
import { REPO_ROOT, startSimulator } from '../dev/simulator/launch';
import { loaderNodeFlags } from '../sales/load-process';
import { SENT_OUTCOMES, WORKFLOW_TYPES } from '../temporal/contracts';
import { activityTimeline } from '../temporal/run-timeline';
import type { salesReport } from '../workflows';
import { renderBenchChart } from './chart';
import { OUT, pct, poolInstance, r2, REPORT_DATE, say, scenario, slowGpu, spanSeconds, type Env } from './scenario';
import { morningBench, morningTable } from './morning';
import { fleetModelTable } from './fleet-model';
import { fleetBench, fleetTable } from './fleet';
import { realModelBench, realModelTable } from './real-model';
import { benchPython } from './peers';
import { BENCH_QUERY, createOrdersSql } from './postgres-data';
import { startPostgres } from '../dev/postgres';
import { Client } from 'pg';

const ROOT = REPO_ROOT;
const quick = process.argv.includes('--quick');
/** `--burst`: the burst scenario alone (peak and settled worker RSS), without the rest of the benchmark. */
const burstOnly = process.argv.includes('--burst');
/** `--start`: worker start times alone, from the sources (tsx) and from the build. */
const startOnly = process.argv.includes('--start');
/** `--batching`: concurrent reports on one batching GPU alone (the bill against boot + tokens ÷ aggregate). */
const batchingOnly = process.argv.includes('--batching');
/** `--morning`: mornings of 1, 10, 100 and 1,000 reports split by store from one 1M-line source, alone. */
const morningOnly = process.argv.includes('--morning');
/** `--real-model`: a morning written by a real model on the CPU (llama.cpp's server, Gemma 3 270M), alone. */
const realModelOnly = process.argv.includes('--real-model');
/** `--fleet-model`: mornings of 10,000 and 100,000 reports on a fleet of L4s, modelled with the planner's code. */
const fleetModelOnly = process.argv.includes('--fleet-model');
/** `--fleet`: a morning of 1,000 reports on a fleet for its deadline, end to end on the dev server, alone. */
const fleetOnly = process.argv.includes('--fleet');
/** `--fleet --no-deadline`: the same morning's work with no deadline, on one instance three times as fast. */
const noDeadline = process.argv.includes('--no-deadline');
/** `--sizes 100,1000`: only these mornings. */
const sizesArg = process.argv[process.argv.indexOf('--sizes') + 1];
const MORNING_SIZES =
  process.argv.includes('--sizes') && sizesArg ? sizesArg.split(',').map(Number) : [1, 10, 100, 1000];
const MORNING_LINES = 1_000_000;

async function runOnce(stack: LocalStack, id: string) {
  const handle = await stack.client.workflow.start<typeof salesReport>(WORKFLOW_TYPES.report, {
    taskQueue: stack.config.temporal.taskQueue,
    workflowId: id,
    // Every bench run is a report of its own: same date and recipients would otherwise be sent once ("already-sent").
    args: [{ reportDate: REPORT_DATE, resend: true }],
  });
  const result = await handle.result();
  const d = await handle.describe();
  const spans = activityTimeline(await handle.fetchHistory());
  const wall = ((d.closeTime?.getTime() ?? 0) - d.startTime.getTime()) / 1000;
  return {
    result,
    spans,
    wall,
    overhead: wall - spanSeconds(spans, 'generateReport') - spanSeconds(spans, 'sendReportEmail'),
    handle,
  };
}

async function orchestration(env: Env, data: string) {
  const runs = quick ? 5 : 20;
  say(`orchestration: ${runs} sequential runs (simulator spawned per run by local-process, zero latency)`);
  const overheads = await scenario(env, 'orchestration', { config: {} }, data, async (stack) => {
    const out: number[] = [];
    for (let i = 0; i < runs; i++) out.push((await runOnce(stack, `bench-seq-${Date.now()}-${i}`)).overhead);
    return out;
  });

  // Overlapping runs would each want the local-process port, so concurrency uses one always-on simulator.
  const sim = await startSimulator();
  const levels = quick ? [1, 5] : [1, 2, 5, 10];
  const concurrency: { runs: number; p50Overhead: number; wallSeconds: number }[] = [];
  try {
    const alwaysOn = { provider: 'static' as const, hourlyPrice: 0, static: { endpoint: sim.url } };
    await scenario(env, 'concurrency', { config: { gpu: alwaysOn } }, data, async (stack) => {
      for (const n of levels) {
        const started = Date.now();
        const all = await Promise.all(
          Array.from({ length: n }, (_, i) => runOnce(stack, `bench-conc-${n}-${Date.now()}-${i}`)),
        );
        concurrency.push({
          runs: n,
          p50Overhead: r2(
            pct(
              all.map((a) => a.overhead),
              50,
            ),
          ),
          wallSeconds: r2((Date.now() - started) / 1000),
        });
        say(
          `  ${n} concurrent: p50 overhead ${concurrency.at(-1)!.p50Overhead}s, wall ${concurrency.at(-1)!.wallSeconds}s`,
        );
      }
    });
  } finally {
    sim.stop();
  }
  return { runs, p50: r2(pct(overheads, 50)), p95: r2(pct(overheads, 95)), concurrency };
}

/**
 * A burst: `runs` reports started at once on one worker, the worker's RSS sampled while they run (peak) and again
 * after they end and the heap settles, against the idle worker before.
 */
async function burst(env: Env, data: string, runs: number) {
  say(`burst: ${runs} runs started at once on one worker (one always-on simulator)`);
  const sim = await startSimulator();
  try {
    const alwaysOn = { provider: 'static' as const, hourlyPrice: 0, static: { endpoint: sim.url } };
    return await scenario(env, 'burst', { config: { gpu: alwaysOn } }, data, async (stack) => {
      const mb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
      await runOnce(stack, `bench-burst-warm-${Date.now()}`);
      const idleMB = mb();
      let peakMB = idleMB;
      const sampling = setInterval(() => (peakMB = Math.max(peakMB, mb())), 50);
      const started = Date.now();
      const all = await Promise.all(
        Array.from({ length: runs }, (_, i) => runOnce(stack, `bench-burst-${started}-${i}`)),
      );
      const wallSeconds = r2((Date.now() - started) / 1000);
      clearInterval(sampling);
      // Settled: what the worker keeps once the burst is over and its garbage is gone.
      for (let i = 0; i < 10; i++) {
        (globalThis as { gc?: () => void }).gc?.();
        await new Promise((r) => setTimeout(r, 500));
      }
      const settledMB = mb();
      const sent = all.filter((a) => SENT_OUTCOMES.includes(a.result.outcome)).length;
      say(
        `  ${runs} at once: ${sent} sent in ${wallSeconds}s; RSS idle ${idleMB} MB, peak ${peakMB} MB, settled ${settledMB} MB`,
      );
      return { runs, sent, wallSeconds, idleMB, peakMB, settledMB };
    });
  } finally {
    sim.stop();
  }
}

function child(
  command: string,
  args: string[],
  timeoutMs: number,
): { rows?: number; seconds?: number; peakRssMB?: number; error?: string } {
  const r = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 10 << 20 });
  const line = r.stdout?.trim().split('\n').at(-1);
  if (r.status !== 0 || !line?.startsWith('{'))
    return { error: r.error?.message ?? (r.stderr.trim().split('\n').at(-1) || `exit ${r.status}`) };
  return JSON.parse(line) as { rows: number; seconds: number; peakRssMB: number };
}

interface LoadRow {
  size: number;
  format: 'csv' | 'xlsx';
  rows?: number;
  seconds?: number;
  rowsPerSecond?: number;
  peakRssMB?: number;
  error?: string;
  peer: string;
  peerSeconds?: number;
  peerPeakRssMB?: number;
  peerError?: string;
  peerTimeRatio?: number;
}

async function dataLoading(): Promise<LoadRow[]> {
  const sizes = quick ? [10_000, 100_000] : [10_000, 100_000, 1_000_000];
  const dir = join(OUT, 'data');
  mkdirSync(dir, { recursive: true });
  const rows: LoadRow[] = [];
  const python = benchPython();
  for (const size of sizes) {
    for (const format of ['csv', 'xlsx'] as const) {
      const path = join(dir, `sales-${size}.${format}`);
      if (!existsSync(path)) {
        say(`generating ${path}`);
        const options = {
          endDate: '2026-11-19',
          days: 35,
          ordersPerDay: Math.round(size / 35 / 1.45),
          seed: 1,
          badRowsPerThousand: 1,
        };
        await (format === 'csv' ? writeSampleCsv : writeSampleXlsx)(path, options);
      }
      const ours = child(
        process.execPath,
        // The flags the product's loader process runs with (data.loaderHeapMB).
        [
          ...loaderNodeFlags(parseConfig({}).data.loaderHeapMB),
          '--require',
          'tsx/cjs',
          'bench/load-child.ts',
          'ours',
          path,
          REPORT_DATE,
        ],
        300_000,
      );
      const peerName = format === 'xlsx' ? 'openpyxl read-only' : 'pandas read_csv';
      const peer = child(python, ['bench/peer_openpyxl.py', format === 'xlsx' ? 'openpyxl' : 'pandas', path], 300_000);
      const row: LoadRow = {
        size,
        format,
        rows: ours.rows,
        seconds: ours.seconds === undefined ? undefined : r2(ours.seconds),
        rowsPerSecond: ours.seconds ? Math.round((ours.rows ?? 0) / ours.seconds) : undefined,
        peakRssMB: ours.peakRssMB,
        error: ours.error,
        peer: peerName,
        peerSeconds: peer.seconds === undefined ? undefined : r2(peer.seconds),
        peerPeakRssMB: peer.peakRssMB,
        peerError: peer.error,
        peerTimeRatio: peer.seconds && ours.seconds ? r2(peer.seconds / ours.seconds) : undefined,
      };
      rows.push(row);
      say(
        `  ${format} ${size}: ${row.seconds}s, ${row.rowsPerSecond} rows/s, ${row.peakRssMB} MB; ${peerName} ${row.peerSeconds ?? row.peerError}s`,
      );
    }
  }
  return rows;
}

/** The pool's instance: its bill from the ledger, its boot from the pool's history. Awaits the pool's end. */
async function gpuBilled(env: Env, data: string) {
  const bootMs = quick ? 5_000 : 60_000;
  const tokensPerSecond = quick ? 200 : 40;
  say(
    `GPU billing: simulator boot ${bootMs / 1000}s, ${tokensPerSecond} tokens/s, pool grace as configured by default`,
  );
  const { run, instance } = await scenario(
    env,
    'billing',
    { simulator: slowGpu(bootMs, tokensPerSecond), config: {} },
    data,
    async (stack) => {
      const once = await runOnce(stack, `bench-billing-${Date.now()}`);
      return { run: once, instance: await poolInstance(stack) };
    },
  );
  const generation = spanSeconds(run.spans, 'generateReport');
  const emailAcceptedAt = run.spans.find((s) => s.activity === 'sendReportEmail')!.closedMs!;
  return {
    bootSeconds: bootMs / 1000,
    tokensPerSecond,
    bootToReadySeconds: r2(instance.bootToReadySeconds),
    generationSeconds: r2(generation),
    billedSeconds: r2(instance.billedSeconds),
    runShareSeconds: run.result.gpu!.billedSeconds,
    billedRatio: r2(instance.billedSeconds / (instance.bootToReadySeconds + generation)),
    // Negative: the stop was confirmed before the email went out (the run gives the GPU back before rendering).
    stopAfterEmailSeconds: r2((instance.stoppedAt - emailAcceptedAt) / 1000),
    shared: [
      await sharedGpu(env, data, 3, bootMs, tokensPerSecond),
      await sharedGpu(env, data, 20, bootMs, tokensPerSecond),
    ],
  };
}

/** Overlapping runs on the pool's one GPU: what it billed against boot plus the window in which they generated. */
async function sharedGpu(env: Env, data: string, runs: number, bootMs: number, tokensPerSecond: number) {
  say(`shared GPU: ${runs} overlapping runs`);
  const setup = { simulator: slowGpu(bootMs, tokensPerSecond), config: {} };
  const { all, instance } = await scenario(env, `shared-${runs}`, setup, data, async (stack) => {
    const started = Date.now();
    const done = await Promise.all(
      Array.from({ length: runs }, (_, i) => runOnce(stack, `bench-shared-${started}-${i}`)),
    );
    return { all: done, instance: await poolInstance(stack) };
  });
  const generation = all.flatMap((r) => r.spans.filter((s) => s.activity === 'generateReport'));
  const windowSeconds =
    (Math.max(...generation.map((g) => g.closedMs!)) - Math.min(...generation.map((g) => g.scheduledMs))) / 1000;
  return {
    runs,
    sent: all.filter((r) => SENT_OUTCOMES.includes(r.result.outcome)).length,
    instances: instance.instances,
    bootToReadySeconds: r2(instance.bootToReadySeconds),
    generationWindowSeconds: r2(windowSeconds),
    billedSeconds: r2(instance.billedSeconds),
    runSharesSeconds: r2(all.reduce((sum, r) => sum + r.result.gpu!.billedSeconds, 0)),
    billedRatio: r2(instance.billedSeconds / (instance.bootToReadySeconds + windowSeconds)),
    separateInstancesWouldBill: r2(runs * (instance.bootToReadySeconds + windowSeconds / runs)),
  };
}

/**
 * Concurrent reports on one GPU that batches as vLLM does: a 7B model on an L4 (40 tok/s a stream, 800 in aggregate,
 * 64 sequences; `--quick` scales the rates and the boot), with llm.maxConcurrentRequests matching --max-num-seqs.
 * The bill is held against what the GPU had to do: boot, then every completion token at the aggregate rate.
 */
async function batchedGpu(env: Env, data: string, runs: number) {
  const scale = quick ? 5 : 1;
  const bootSeconds = quick ? 5 : 60;
  const perStream = 40 * scale;
  const aggregate = 800 * scale;
  const maxNumSeqs = 64;
  say(
    `batching GPU: ${runs} reports at once; boot ${bootSeconds}s, ${perStream} tok/s a stream, ${aggregate} in aggregate, ${maxNumSeqs} seqs`,
  );
  const simulator = [
    ...slowGpu(bootSeconds * 1000, perStream),
    '--aggregate-tokens-per-second',
    String(aggregate),
    '--max-num-seqs',
    String(maxNumSeqs),
  ];
  const setup = { simulator, config: { llm: { maxConcurrentRequests: maxNumSeqs } } };
  return scenario(env, `batching-${runs}`, setup, data, async (stack) => {
    const mb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
    let peakMB = mb();
    const sampling = setInterval(() => (peakMB = Math.max(peakMB, mb())), 100);
    const cpuBefore = process.cpuUsage();
    const started = Date.now();
    const all = await Promise.all(
      Array.from({ length: runs }, (_, i) => runOnce(stack, `bench-batch-${started}-${i}`)),
    );
    const wallSeconds = (Date.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    clearInterval(sampling);
    const instance = await poolInstance(stack);
    const tokens = all.reduce((sum, r) => sum + (r.result.llm?.usage.completionTokens ?? 0), 0);
    const floor = bootSeconds + tokens / aggregate;
    // Where the GPU's time went: until the last run had its data (each run loads the export itself), and the
    // window in which the model wrote.
    const spans = all.flatMap((r) => r.spans);
    const lastClosed = (activity: string) =>
      Math.max(...spans.filter((x) => x.activity === activity).map((x) => x.closedMs ?? x.scheduledMs));
    const firstScheduled = (activity: string) =>
      Math.min(...spans.filter((x) => x.activity === activity).map((x) => x.scheduledMs));
    const result = {
      runs,
      sent: all.filter((r) => SENT_OUTCOMES.includes(r.result.outcome)).length,
      instances: instance.instances,
      completionTokens: tokens,
      floorSeconds: r2(floor),
      billedSeconds: r2(instance.billedSeconds),
      billedRatio: r2(instance.billedSeconds / floor),
      wallSeconds: r2(wallSeconds),
      lastDataLoadedSeconds: r2((lastClosed('loadSalesMetrics') - started) / 1000),
      bootToReadySeconds: r2(instance.bootToReadySeconds),
      readyToFirstCallSeconds: r2((firstScheduled('generateReport') - instance.readyAt) / 1000),
      generationWindowSeconds: r2((lastClosed('generateReport') - firstScheduled('generateReport')) / 1000),
      lastWordToStopSeconds: r2((instance.stoppedAt - lastClosed('generateReport')) / 1000),
      // The worker's own process (workflows, activities, the client's polling): load and render included.
      cpuSecondsPerReport: r2((cpu.user + cpu.system) / 1e6 / runs),
      peakRssMB: peakMB,
    };
    say(
      `  ${runs}: ${result.sent} sent, ${tokens} tokens; billed ${result.billedSeconds}s = ×${result.billedRatio} of boot + tokens ÷ ${aggregate} (${result.floorSeconds}s); last data loaded at ${result.lastDataLoadedSeconds}s, generation window ${result.generationWindowSeconds}s; wall ${result.wallSeconds}s; ${result.cpuSecondsPerReport} core-s a report; RSS peak ${peakMB} MB`,
    );
    return result;
  });
}

function batchingTable(rows: Awaited<ReturnType<typeof batchedGpu>>[]): string {
  return table(
    ['reports', 'sent', 'tokens', 'boot + tokens ÷ agg. s', 'billed s', '×'],
    rows.map((b) => [b.runs, b.sent, b.completionTokens, b.floorSeconds, b.billedSeconds, b.billedRatio]),
  )
    .concat(
      '\n',
      table(
        ['reports', 'last data s', 'boot→ready s', 'ready→first call s', 'generation window s', 'last word→stop s'],
        rows.map((b) => [
          b.runs,
          b.lastDataLoadedSeconds,
          b.bootToReadySeconds,
          b.readyToFirstCallSeconds,
          b.generationWindowSeconds,
          b.lastWordToStopSeconds,
        ]),
      ),
    )
    .concat(
      '\n',
      table(
        ['reports', 'wall s', 'core-s / report', 'worker RSS peak MB'],
        rows.map((b) => [b.runs, b.wallSeconds, b.cpuSecondsPerReport, b.peakRssMB]),
      ),
    );
}

/** A process's time and peak RSS, read from /proc while it runs (for a peer that cannot report its own). */
async function measureProcess(
  command: string,
  args: string[],
): Promise<{ seconds?: number; peakRssMB?: number; error?: string }> {
  const started = Date.now();
  const proc = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let peakKb = 0;
  const poll = setInterval(() => {
    try {
      const kb = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))?.[1] ?? 0);
      peakKb = Math.max(peakKb, kb);
    } catch {
      // exited between polls
    }
  }, 20);
  const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
  clearInterval(poll);
  if (code !== 0) return { error: stderr.trim().split('\n').at(-1) || `exit ${code}` };
  return { seconds: (Date.now() - started) / 1000, peakRssMB: Math.round(peakKb / 1024) };
}

/**
 * PostgreSQL → metrics: the report week's lines streamed through a cursor, and the grouping pushed down, beside
 * psql's own \copy of the same rows to /dev/null (the floor: the cost of reading them at all).
 */
async function postgresLoading() {
  const rows = quick ? 1_000_000 : 10_000_000;
  say(`PostgreSQL: ${rows} order lines → metrics, streamed and pushed down; psql \\copy as the floor`);
  const pg = await startPostgres();
  try {
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    const made = Date.now();
    for (const sql of createOrdersSql(rows, '2026-11-19')) await client.query(sql);
    await client.end();
    say(`  table of ${rows} lines made in ${r2((Date.now() - made) / 1000)}s`);
    const load = (mode: string) =>
      child(process.execPath, ['--require', 'tsx/cjs', 'bench/load-child.ts', mode, pg.url, REPORT_DATE], 1_800_000);
    const streamed = load('pg-lines');
    say(`  streamed: ${streamed.seconds ?? streamed.error}s, ${streamed.peakRssMB} MB`);
    const pushedDown = load('pg-aggregate');
    say(`  pushed down: ${pushedDown.seconds ?? pushedDown.error}s, ${pushedDown.peakRssMB} MB`);
    const window = BENCH_QUERY.replace('$1', "'2026-11-06'").replace('$2', "'2026-11-19'").replace(/\s+/g, ' ');
    const floor = await measureProcess('psql', [pg.url, '-X', '-q', '-c', `\\copy (${window}) TO '/dev/null'`]);
    say(`  psql \\copy: ${floor.seconds ?? floor.error}s, ${floor.peakRssMB} MB`);
    const row = (name: string, m: { rows?: number; seconds?: number; peakRssMB?: number; error?: string }) => ({
      name,
      seconds: m.seconds === undefined ? undefined : r2(m.seconds),
      peakRssMB: m.peakRssMB,
      error: m.error,
      vsFloor: m.seconds && floor.seconds ? r2(m.seconds / floor.seconds) : undefined,
    });
    return {
      tableRows: rows,
      windowRows: streamed.rows,
      results: [
        row('streamed (cursor)', streamed),
        row('pushed down (GROUP BY)', pushedDown),
        row('psql \\copy to /dev/null', floor),
      ],
    };
  } finally {
    pg.stop();
  }
}

/**
 * How long a worker process takes from spawn to polling, from the sources through tsx (bundling the workflow code at
 * start) and from the build (`npm run build`, loading the prebuilt bundle): each started `times` times against the
 * bench's dev server, timed to its "worker started" log line.
 */
async function workerStart(env: Env, times: number) {
  say('worker start: tsx worker.ts against node dist/worker.js (npm run build first)');
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stderr}`);
  const dir = join(OUT, 'runs', 'worker-start');
  rmSync(dir, { recursive: true, force: true });
  const stack = await startLocalStack({ dir, temporal: { address: env.address }, config: {} });
  const configPath = join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify(stack.config));
  const startOnce = (args: string[]) =>
    new Promise<{ seconds: number; workflowCode: string }>((resolve, reject) => {
      const started = Date.now();
      const worker = spawn(process.execPath, [...args, '--config', configPath], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      const timer = setTimeout(() => worker.kill('SIGKILL'), 120_000);
      worker.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const line = out.split('\n').find((l) => l.includes('"message":"worker started"'));
        if (!line) return;
        const seconds = r2((Date.now() - started) / 1000);
        worker.once('exit', () => {
          clearTimeout(timer);
          resolve({ seconds, workflowCode: (JSON.parse(line) as { workflowCode: string }).workflowCode });
        });
        worker.kill('SIGTERM');
      });
      worker.once('exit', (code) => {
        if (!out.includes('worker started')) reject(new Error(`worker exited (${code}) before it started: ${out}`));
      });
    });
  const modes = [
    { mode: 'tsx worker.ts (sources)', args: ['--require', 'tsx/cjs', 'worker.ts'] },
    { mode: 'node dist/worker.js (build)', args: ['dist/worker.js'] },
  ];
  const results = [];
  try {
    for (const { mode, args } of modes) {
      const runs = [];
      for (let i = 0; i < times; i++) runs.push(await startOnce(args));
      results.push({
        mode,
        workflowCode: runs[0]?.workflowCode,
        p50Seconds: pct(
          runs.map((r) => r.seconds),
          50,
        ),
        maxSeconds: Math.max(...runs.map((r) => r.seconds)),
        times,
      });
    }
  } finally {
    await stack.close();
  }
  return results;
}

function coldPath() {
  say('cold path: npm run demo');
  const started = Date.now();
  const r = spawnSync('npm', ['run', '--silent', 'demo', '--', '--out', join(OUT, 'demo')], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 300_000,
  });
  const seconds = r2((Date.now() - started) / 1000);
  return { seconds, ok: r.status === 0 && r.stdout.includes('Email:') };
}

async function main(): Promise<void> {
  if (fleetModelOnly) {
    // A model, not a run: no server, no processes.
    const started = Date.now();
    console.log(fleetModelTable());
    console.log(`\n(modelled in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return;
  }
  // The worker's Prometheus endpoint: the product's own counters (how often the source was read) are read from it.
  const metricsPort = await freePort();
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { metrics: { prometheus: { bindAddress: `127.0.0.1:${metricsPort}` } } },
  });
  const metrics = { url: `http://127.0.0.1:${metricsPort}/metrics` };
  const mornings = async () => {
    const rows = [];
    for (const size of MORNING_SIZES) rows.push(await morningBench(env, metrics, size, MORNING_LINES, quick));
    return rows;
  };
  mkdirSync(OUT, { recursive: true });
  const benchStarted = Date.now();
  const server = await startDevServer();
  const env: Env = { address: server.address };
  const data = join(OUT, 'data', 'report-sample.xlsx');
  mkdirSync(join(OUT, 'data'), { recursive: true });
  await writeSampleXlsx(data, { endDate: '2026-11-19', days: 21, ordersPerDay: 120, seed: 3, badRowsPerThousand: 1 });
  try {
    if (startOnly) {
      const start = await workerStart(env, 3);
      console.log(
        table(
          ['worker', 'workflow code', 'p50 s', 'max s', 'starts'],
          start.map((r) => [r.mode, r.workflowCode, r.p50Seconds, r.maxSeconds, r.times]),
        ),
      );
      return;
    }
    if (realModelOnly) {
      const real = await realModelBench(env);
      console.log(`\n${realModelTable(real)}`);
      const dir = join(ROOT, 'bench', 'results');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${new Date().toISOString().slice(0, 10)}-real-model.json`);
      writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), realModel: real }, null, 2)}\n`);
      console.log(`wrote ${file.slice(ROOT.length + 1)}`);
      return;
    }
    if (morningOnly) {
      console.log(morningTable(await mornings()));
      return;
    }
    if (fleetOnly) {
      const shape = noDeadline ? 'one' : 'deadline';
      const fleet = await fleetBench(env, quick, shape);
      console.log(`\n${fleetTable(fleet)}`);
      const dir = join(ROOT, 'bench', 'results');
      mkdirSync(dir, { recursive: true });
      const name = `fleet${noDeadline ? '-no-deadline' : ''}${quick ? '-quick' : ''}`;
      const file = join(dir, `${new Date().toISOString().slice(0, 10)}-${name}.json`);
      writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), fleet }, null, 2)}\n`);
      console.log(`wrote ${file.slice(ROOT.length + 1)}`);
      return;
    }
    if (batchingOnly) {
      console.log(batchingTable([await batchedGpu(env, data, 10), await batchedGpu(env, data, 50)]));
      return;
    }
    if (burstOnly) {
      const b = await burst(env, data, 50);
      console.log(
        JSON.stringify({ date: new Date().toISOString(), machine: { cores: cpus().length }, burst: b }, null, 2),
      );
      return;
    }
    const results = {
      date: new Date().toISOString(),
      mode: quick ? 'quick' : 'full',
      machine: {
        cores: cpus().length,
        cpu: cpus()[0]?.model,
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
      },
      orchestration: await orchestration(env, data),
      burst: await burst(env, data, 50),
      dataLoading: await dataLoading(),
      postgres: await postgresLoading(),
      gpuBilled: await gpuBilled(env, data),
      batching: [await batchedGpu(env, data, 10), await batchedGpu(env, data, 50)],
      mornings: await mornings(),
      workerStart: await workerStart(env, quick ? 1 : 3),
      coldPath: coldPath(),
      seconds: 0,
    };
    results.seconds = r2((Date.now() - benchStarted) / 1000);
    report(results);
  } finally {
    await server.stop();
  }
}

type Results = {
  date: string;
  mode: string;
  machine: { cores: number; node: string };
  orchestration: Awaited<ReturnType<typeof orchestration>>;
  burst: Awaited<ReturnType<typeof burst>>;
  dataLoading: Awaited<ReturnType<typeof dataLoading>>;
  postgres: Awaited<ReturnType<typeof postgresLoading>>;
  gpuBilled: Awaited<ReturnType<typeof gpuBilled>>;
  batching: Awaited<ReturnType<typeof batchedGpu>>[];
  mornings: Awaited<ReturnType<typeof morningBench>>[];
  workerStart: Awaited<ReturnType<typeof workerStart>>;
  coldPath: ReturnType<typeof coldPath>;
  seconds: number;
};

function report(results: Results): void {
  const load = (format: string, size: number) =>
    results.dataLoading.find((d) => d.format === format && d.size === size);
  const biggest = Math.max(...results.dataLoading.map((d) => d.size));
  const xlsx = load('xlsx', biggest);
  const csv = load('csv', biggest);
  const targets = [
    { figure: 'orchestration overhead p50 (s)', measured: results.orchestration.p50, target: 1 },
    {
      figure: `${biggest} rows XLSX → metrics (s)`,
      measured: xlsx?.seconds as number,
      target: biggest === 1_000_000 ? 15 : (15 * biggest) / 1e6,
    },
    { figure: `${biggest} rows XLSX peak RSS (MB)`, measured: xlsx?.peakRssMB ?? NaN, target: 256 },
    {
      figure: `${biggest} rows CSV → metrics (s)`,
      measured: csv?.seconds as number,
      target: biggest === 1_000_000 ? 3 : (3 * biggest) / 1e6,
    },
    {
      figure: `PostgreSQL ${results.postgres.tableRows} lines, streamed: peak RSS (MB)`,
      measured: results.postgres.results[0]?.peakRssMB ?? NaN,
      target: 256,
    },
    { figure: 'GPU billed / (boot + generation)', measured: results.gpuBilled.billedRatio, target: 1.05 },
    { figure: 'stop confirmed after email (s)', measured: results.gpuBilled.stopAfterEmailSeconds, target: 5 },
  ];
  console.log(
    `\nmachine: ${results.machine.cores} cores, Node ${results.machine.node}; mode ${results.mode}; ${results.seconds}s\n`,
  );
  console.log(
    table(
      ['figure', 'measured', 'target', 'met'],
      targets.map((t) => [t.figure, t.measured, `≤ ${r2(t.target)}`, t.measured <= t.target ? 'yes' : 'NO']),
    ),
  );
  console.log(
    `\norchestration overhead: p50 ${results.orchestration.p50}s, p95 ${results.orchestration.p95}s over ${results.orchestration.runs} runs`,
  );
  console.log(
    table(
      ['concurrent runs', 'p50 overhead s', 'wall s'],
      results.orchestration.concurrency.map((c) => [c.runs, c.p50Overhead, c.wallSeconds]),
    ),
  );
  console.log('\nworker start, spawn to polling:');
  console.log(
    table(
      ['worker', 'workflow code', 'p50 s', 'max s', 'starts'],
      results.workerStart.map((r) => [r.mode, r.workflowCode, r.p50Seconds, r.maxSeconds, r.times]),
    ),
  );
  const b = results.burst;
  console.log(
    `\nburst: ${b.runs} runs at once on one worker → ${b.sent} sent in ${b.wallSeconds}s; worker RSS idle ${b.idleMB} MB, peak ${b.peakMB} MB, settled ${b.settledMB} MB`,
  );
  console.log('\ndata loading (loader + metrics, own process):');
  console.log(
    table(
      ['format', 'rows', 'seconds', 'rows/s', 'peak MB', 'peer', 'peer s', 'peer MB', 'peer/ours time'],
      results.dataLoading.map((d) => [
        d.format,
        d.rows,
        d.seconds,
        d.rowsPerSecond,
        d.peakRssMB,
        d.peer,
        d.peerSeconds ?? d.peerError,
        d.peerPeakRssMB,
        d.peerTimeRatio,
      ]),
    ),
  );
  const pg = results.postgres;
  console.log(`\nPostgreSQL: ${pg.tableRows} lines in the table, ${pg.windowRows} in the report's two weeks:`);
  console.log(
    table(
      ['reader', 'seconds', 'peak MB', 'time vs psql'],
      pg.results.map((r) => [r.name, r.seconds ?? r.error, r.peakRssMB, r.vsFloor]),
    ),
  );
  const g = results.gpuBilled;
  console.log(
    `\nGPU: boot ${g.bootSeconds}s, ${g.tokensPerSecond} tok/s → boot-to-ready ${g.bootToReadySeconds}s, generation ${g.generationSeconds}s, billed ${g.billedSeconds}s (×${g.billedRatio}); stop confirmed ${g.stopAfterEmailSeconds}s relative to the email`,
  );
  for (const sh of g.shared)
    console.log(
      `shared GPU: ${sh.runs} overlapping runs (${sh.sent} sent) → ${sh.instances} instance(s), billed ${sh.billedSeconds}s = ×${sh.billedRatio} of boot-to-ready ${sh.bootToReadySeconds}s + generation window ${sh.generationWindowSeconds}s; run shares ${sh.runSharesSeconds}s; separate instances ≈ ${sh.separateInstancesWouldBill}s`,
    );
  console.log('\nconcurrent reports on one batching GPU (each run loads the export itself):');
  console.log(batchingTable(results.batching));
  console.log('\na morning of reports split by store from one 1M-line source, on one batching GPU:');
  console.log(morningTable(results.mornings));
  console.log(
    `cold path: npm run demo → email saved in ${results.coldPath.seconds}s (${results.coldPath.ok ? 'ok' : 'FAILED'})`,
  );

  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = results.date.slice(0, 10) + (quick ? '-quick' : '');
  writeFileSync(join(dir, `${stamp}.json`), `${JSON.stringify({ ...results, targets }, null, 2)}\n`);
  writeFileSync(join(dir, `${stamp}.png`), renderBenchChart(targets));
  console.log(`\nwrote bench/results/${stamp}.json and .png`);
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
