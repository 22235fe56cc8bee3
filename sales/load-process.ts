import { childEnvironment } from '../config/child-env';
import { collectText } from '../config/child-output';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { SalesDataError, type LoadSalesOptions } from './load';
import type { RowProblem } from './metrics';
import type { MetricsByView } from './slices';

/** The loader's entry in the form this process runs: compiled JavaScript from the build, else the sources via tsx. */
const LOADER_ENTRY =
  extname(__filename) === '.js'
    ? [join(__dirname, 'load-main.js')]
    : ['--require', require.resolve('tsx/cjs'), join(__dirname, 'load-main.ts')];

type Answer = { views: MetricsByView } | { error: { message: string; salesData: boolean; problems?: RowProblem[] } };

/**
 * Node flags of the loader process. The old-space cap bounds memory; a 32 MB young generation lets the short-lived
 * per-cell garbage of the XLSX reader die young instead of being collected over and over near the cap (measured on
 * a 1M-row workbook: 14–15 s at about 230 MB, against 15–26 s with the default young generation).
 */
export function loaderNodeFlags(heapMB: number): string[] {
  return [`--max-old-space-size=${heapMB}`, '--max-semi-space-size=32'];
}

/**
 * Loads in a child process with a capped heap. Streaming keeps the live data small, but V8 lets garbage pile up to
 * whatever heap it is given: capped, a million-row workbook peaks under 200 MB, and the worker's own heap stays as it
 * was. The answer is the metrics (small) or the loader's error, file, rows and columns included. The child's temp
 * folder is its own and goes with it: the XLSX reader spills worksheets it meets before the shared strings into
 * temp files (raw order lines), which must not outlive the load, even a killed one.
 */
export async function loadSalesViewsInChild(
  options: LoadSalesOptions,
  heapMB: number,
  signal?: AbortSignal,
): Promise<MetricsByView> {
  // A burst of runs must not start a loader each at once: they would starve the worker (and its heartbeats).
  const release = await loaderSlot(signal);
  try {
    return await loadInChild(options, heapMB, signal);
  } finally {
    release();
  }
}

/**
 * Loader processes at once, per worker process: parsing is CPU-bound, so one per core but one, leaving a core to the
 * worker itself (its heartbeats, workflow tasks and sends). Measured: with one per core, 20 runs at once on 2 cores
 * starved the worker past a 3 s heartbeat timeout.
 */
const LOADERS_AT_ONCE = Math.max(1, availableParallelism() - 1);
let running = 0;
const queued: (() => void)[] = [];

async function loaderSlot(signal?: AbortSignal): Promise<() => void> {
  while (running >= LOADERS_AT_ONCE) {
    signal?.throwIfAborted();
    await new Promise<void>((resolve) => queued.push(resolve));
  }
  running++;
  return () => {
    running--;
    queued.shift()?.();
  };
}

function loadInChild(options: LoadSalesOptions, heapMB: number, signal?: AbortSignal): Promise<MetricsByView> {
  const temp = mkdtempSync(join(tmpdir(), 'sales-report-load-'));
  const cleanUp = () => rmSync(temp, { recursive: true, force: true });
  return new Promise<MetricsByView>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...loaderNodeFlags(heapMB), ...LOADER_ENTRY],
      // The loader parses files from outside: it sees none of the worker's secrets.
      { stdio: ['pipe', 'pipe', 'pipe'], signal, env: { ...childEnvironment(process.env), TMPDIR: temp } },
    );
    const stdoutText = collectText(child.stdout);
    const stderrText = collectText(child.stderr);
    child.once('error', (err) => {
      cleanUp();
      reject(err);
    });
    child.once('close', (code, sig) => {
      cleanUp();
      const stdout = stdoutText();
      const stderr = stderrText();
      let answer: Answer;
      try {
        answer = JSON.parse(stdout) as Answer;
      } catch {
        const why = /heap out of memory/i.test(stderr)
          ? `ran out of its ${heapMB} MB heap (raise data.loaderHeapMB)`
          : `exited ${code ?? sig}`;
        reject(
          new Error(`${options.path}: the loader process ${why}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`),
        );
        return;
      }
      if ('views' in answer) resolve(answer.views);
      else
        reject(
          answer.error.salesData
            ? new SalesDataError(answer.error.message, answer.error.problems)
            : new Error(answer.error.message),
        );
    });
    child.stdin.end(JSON.stringify(options));
  });
}
