import { randomUUID } from 'node:crypto';
import Long from 'long';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/config';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSampleXlsx } from '../../dev/sample-data';
import { addDays, dateInZone, daysOf } from '../../sales/dates';
import type { CostReport } from '../../gpu/cost';
import { leaseRecords } from '../../gpu/leases';
import { listRuns, type RunSummary } from '../../temporal/runs';
import { ReportDate, ReportTrigger } from '../../temporal/search-attributes';
import { salesReport, startWorkerProcess, temporalCli, writeConfig } from '../helpers/cli';
import type { morningReports } from '../../workflows';
import { createHarness, expectGpuStopped, REPORT_DATE, type Harness } from '../helpers/harness';

/** Polls the visibility store (eventually consistent) until `done` holds; bounded. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline) throw new Error(`gave up waiting; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 250));
    value = await read();
  }
  return value;
}

describe('schedule, re-runs and audit, through the operator CLI', () => {
  let h: Harness;
  let configPath: string;
  const scheduleId = `weekly-sales-report-test-${randomUUID().slice(0, 8)}`;
  const closed = (runs: RunSummary[], n: number) =>
    runs.length >= n && runs.every((r) => r.status !== 'RUNNING' && r.outcome);

  beforeAll(async () => {
    // Runs here report on fixed dates (backfill from 2026-11-18) and on today: the export reaches yesterday, as a
    // fresh one does, so no run fails as stale.
    const dataDir = await mkdtemp(join(tmpdir(), 'sales-report-schedule-'));
    const end = addDays(dateInZone(new Date(), 'Asia/Shanghai'), -1);
    const dataPath = join(dataDir, 'sales.xlsx');
    const days = daysOf({ start: '2026-11-04', end }).length;
    await writeSampleXlsx(dataPath, { endDate: end, days, ordersPerDay: 10, seed: 5, badRowsPerThousand: 0 });
    h = await createHarness({
      dataPath,
      config: { schedule: { id: scheduleId, paused: true, note: 'created by the tests' } },
    });
    configPath = await writeConfig(h.dir, h.config);
  });
  afterAll(async () => {
    await salesReport(configPath, 'schedule', 'delete', '--yes');
    await h?.close();
  });

  it('applies the schedule idempotently and describes it with the next fire times in its time zone', async () => {
    const created = await salesReport(configPath, 'schedule', 'apply');
    expect(created.stderr).toBe('');
    expect(created.stdout).toContain(`created schedule ${scheduleId}: "0 9 * * *" in Asia/Shanghai`);
    expect(created.stdout).toContain(`created schedule ${scheduleId}-gpu-reaper: every 600s`);
    expect(created.stdout).toContain(
      `created schedule ${scheduleId}-missed-report-check: "0 12 * * *" in Asia/Shanghai, the last 3 report date(s)`,
    );

    const again = await salesReport(configPath, 'schedule', 'apply');
    expect(again.stdout).toContain('already matches the config: no change');

    const changedPath = await writeConfig(
      h.dir,
      parseConfig({ ...h.config, schedule: { ...h.config.schedule, cron: '30 8 * * 1-5' } }),
    );
    const changed = await salesReport(changedPath, 'schedule', 'apply');
    expect(changed.stdout).toContain('cron: "0 9 * * *" → "30 8 * * 1-5"');
    await writeConfig(h.dir, h.config);
    expect((await salesReport(configPath, 'schedule', 'apply')).stdout).toContain('cron: "30 8 * * 1-5" → "0 9 * * *"');

    const described = await salesReport(configPath, 'schedule', 'describe', '--json');
    const d = JSON.parse(described.stdout) as {
      cron: string;
      timezone: string;
      paused: boolean;
      nextFireTimes: string[];
    };
    // A schedule created today missed nothing: no alarm for days before it existed.
    expect(d).toMatchObject({ cron: '0 9 * * *', timezone: 'Asia/Shanghai', paused: true, missedFires: [] });
    expect(d.nextFireTimes).toHaveLength(5);
    for (const t of d.nextFireTimes) {
      expect(
        new Intl.DateTimeFormat('en-GB', {
          timeZone: 'Asia/Shanghai',
          hour: '2-digit',
          minute: '2-digit',
          hourCycle: 'h23',
        }).format(new Date(t)),
      ).toBe('09:00');
    }
    const human = await salesReport(configPath, 'schedule', 'describe');
    expect(human.stdout).toMatch(/next fire times \(Asia\/Shanghai\):\n {2}\d{4}-\d\d-\d\d 09:00/);

    // An independent client sees the same schedule.
    const fromCli = (await temporalCli(
      h.config.temporal.address,
      'schedule',
      'describe',
      '--schedule-id',
      scheduleId,
    )) as {
      schedule: { spec: { timezoneName: string }; state: { paused: boolean } };
    };
    expect(fromCli.schedule.spec.timezoneName).toBe('Asia/Shanghai');
    expect(fromCli.schedule.state.paused).toBe(true);

    await salesReport(configPath, 'schedule', 'unpause', '--note', 'go');
    expect(JSON.parse((await salesReport(configPath, 'schedule', 'describe', '--json')).stdout)).toMatchObject({
      paused: false,
      note: 'go',
    });
    await salesReport(configPath, 'schedule', 'pause', '--note', 'hold');
    expect(JSON.parse((await salesReport(configPath, 'schedule', 'describe', '--json')).stdout)).toMatchObject({
      paused: true,
      note: 'hold',
    });
  });

  it('backfills one run per day, each reporting on its own date, and trigger runs now', async () => {
    await h.withWorker(
      (async () => {
        const backfill = await salesReport(
          configPath,
          'schedule',
          'backfill',
          '--from',
          '2026-11-18',
          '--to',
          '2026-11-20',
        );
        expect(backfill.stdout).toContain('backfill requested: 2026-11-18 … 2026-11-20');
        const client = h.client;
        // The dev server is shared with other test files: keep to this schedule's runs.
        const ours = async (from: string, to: string) =>
          (await listRuns(client, { from, to })).filter((r) => r.workflowId.startsWith(`${scheduleId}-`));
        const backfilled = await eventually(
          () => ours('2026-11-18', '2026-11-20'),
          (r) => closed(r, 3),
        );
        expect(backfilled.map((r) => [r.reportDate, r.trigger, r.outcome])).toEqual([
          ['2026-11-20', 'backfill', 'sent'],
          ['2026-11-19', 'backfill', 'sent'],
          ['2026-11-18', 'backfill', 'sent'],
        ]);

        // A backfill from another client that names no overlap policy (as the Web UI may): the schedule's own
        // (allow_all) applies, and every day runs, each on the pool's one GPU.
        await h.client.schedule.getHandle(scheduleId).backfill({
          start: new Date('2026-11-15T16:00:00Z'),
          end: new Date('2026-11-17T15:59:59Z'),
        });
        const fromOtherClient = await eventually(
          () => ours('2026-11-16', '2026-11-17'),
          (r) => closed(r, 2),
        );
        expect(fromOtherClient.map((r) => [r.reportDate, r.trigger, r.outcome])).toEqual([
          ['2026-11-17', 'backfill', 'sent'],
          ['2026-11-16', 'backfill', 'sent'],
        ]);

        const triggered = await salesReport(configPath, 'schedule', 'trigger');
        expect(triggered.code).toBe(0);
        const today = dateInZone(new Date(), 'Asia/Shanghai');
        const fromTrigger = await eventually(
          () => ours(today, today),
          (r) => closed(r, 1),
        );
        expect(fromTrigger[0]).toMatchObject({ reportDate: today, trigger: 'schedule', outcome: 'sent' });
      })(),
    );

    // The independent CLI finds the same run by its search attribute.
    const listed = (await temporalCli(
      h.config.temporal.address,
      'workflow',
      'list',
      '--query',
      "ReportDate='2026-11-19'",
    )) as {
      execution: { workflowId: string };
    }[];
    const ours = listed.filter((w) => w.execution.workflowId.startsWith(scheduleId));
    expect(ours).toHaveLength(1);

    // runs list / show agree with it, and show the audit record and the stages.
    const list = await salesReport(configPath, 'runs', 'list', '--from', '2026-11-19', '--to', '2026-11-19', '--json');
    const rows = (JSON.parse(list.stdout) as RunSummary[]).filter((r) => r.workflowId.startsWith(scheduleId));
    expect(rows.map((r) => r.workflowId)).toEqual([ours[0]!.execution.workflowId]);
    expect(rows[0]).toMatchObject({ outcome: 'sent', trigger: 'backfill', attempts: 1 });
    expect(rows[0]!.gpuSeconds).toBeGreaterThan(0);
    const table = await salesReport(configPath, 'runs', 'list', '--from', '2026-11-18', '--to', '2026-11-20');
    expect(table.stdout).toMatch(/^date\s+trigger\s+outcome\s+duration\s+attempts\s+GPU s\s+cost\s+workflow id/);
    // cost: the instances' own bills from the ledger, split into what runs held and what none did.
    const cost = JSON.parse((await salesReport(configPath, 'cost', '--json')).stdout) as CostReport;
    const instances = await h.ledgerEntries();
    const billed = instances.reduce((sum, e) => sum + (Date.parse(e.stoppedAt!) - Date.parse(e.requestedAt)) / 1000, 0);
    const leases = await leaseRecords(h.store).all();
    const shares = leases.reduce((sum, l) => sum + (l.shareSeconds ?? 0), 0);
    expect(leases.length).toBeGreaterThanOrEqual(6); // three and two backfilled days, one trigger
    expect(cost.totals.runs).toBe(leases.length);
    expect(cost.totals.instances).toBe(instances.length);
    expect(cost.totals.instances).toBeLessThan(leases.length); // overlapping backfilled days shared one
    expect(cost.totals.gpuSeconds).toBeCloseTo(billed, 0);
    expect(cost.totals.heldSeconds).toBeCloseTo(shares, 0);
    expect(cost.totals.unheldSeconds).toBeCloseTo(billed - shares, 0);
    expect(cost.totals.stillRunning).toBe(0);
    expect(cost.alwaysOn.cost).toBeCloseTo(cost.alwaysOn.hours * h.config.gpu.hourlyPrice, 2);
    expect(cost.savedRatio).toBeGreaterThan(0.99);
    const costTable = (await salesReport(configPath, 'cost')).stdout;
    expect(costTable).toMatch(/^date\s+runs\s+instances\s+GPU s\s+held s\s+unheld s\s+cost USD/);
    expect(costTable).toContain(`${leases.length} runs on ${instances.length} instances`);
    console.log(costTable);
    const show = await salesReport(configPath, 'runs', 'show', rows[0]!.workflowId);
    expect(show.stdout).toContain('report date 2026-11-19, trigger backfill, status COMPLETED, outcome sent');
    expect(show.stdout).toMatch(/prompt sha256 [0-9a-f]{64}/);
    expect(show.stdout).toMatch(/generateReport\s+\d+\.\d\ds\s+completed/);
    expect(show.stdout).toMatch(/^ {2}xlsx: \/.*\.xlsx$/m);
  });

  it('starts a manual run with {} on the default date, and with a date on that date, never overwriting', async () => {
    // One after another: with the local-process provider, overlapping runs would each want the GPU host's port.
    const first = await h.start({});
    const r1 = await h.withWorker(first.result());
    // Dry runs, so each renders under its own run whatever this file sent for the date before (a plain re-run of a
    // sent date ends already-sent before rendering).
    const second = await h.start({ reportDate: REPORT_DATE, dryRun: true });
    const r2 = await h.withWorker(second.result());
    const third = await h.start({ reportDate: REPORT_DATE, dryRun: true });
    const r3 = await h.withWorker(third.result());
    const started = (await first.describe()).startTime;
    expect(r1.reportDate).toBe(dateInZone(started, 'Asia/Shanghai'));
    expect(r1.trigger).toBe('manual');
    expect((await first.describe()).typedSearchAttributes.get(ReportTrigger)).toBe('manual');
    expect((await second.describe()).typedSearchAttributes.get(ReportDate)).toBe(REPORT_DATE);
    expect(r2.artefacts!.archive).not.toBe(r3.artefacts!.archive);
  });

  it('gives a report with a cron of its own its own schedule, which writes only it, and drops it when it moves back', async () => {
    const reports = [
      { id: 'flash', period: 'day' as const },
      { id: 'month-end', period: 'month' as const, schedule: { cron: '0 9 1 * *' } },
    ];
    const ownPath = await writeConfig(h.dir, parseConfig({ ...h.config, reports }));
    try {
      const applied = await salesReport(ownPath, 'schedule', 'apply');
      expect(applied.stderr).toBe('');
      expect(applied.stdout).toContain(
        `created schedule ${scheduleId}-month-end: "0 9 1 * *" in Asia/Shanghai (month-end)`,
      );
      // The morning's schedule now starts the flash alone (updated, or created when this test runs alone).
      expect(applied.stdout).toMatch(
        new RegExp(`(created schedule ${scheduleId}: .*\\(flash\\)|reports: undefined → "flash")`),
      );
      const described = JSON.parse(
        (await salesReport(ownPath, 'schedule', 'describe', '--json', '--schedule', `${scheduleId}-month-end`)).stdout,
      ) as { cron: string; nextFireTimes: string[] };
      expect(described.cron).toBe('0 9 1 * *');
      for (const t of described.nextFireTimes) expect(dateInZone(new Date(t), 'Asia/Shanghai').slice(8)).toBe('01');
      const typo = await salesReport(ownPath, 'schedule', 'trigger', '--schedule', `${scheduleId}-monthend`);
      expect(typo.code).toBe(2);
      expect(typo.stderr).toContain(`no report schedule ${scheduleId}-monthend in the config`);

      // Triggered, it starts a morning of its own report only.
      const before = new Date();
      expect((await salesReport(ownPath, 'schedule', 'trigger', '--schedule', `${scheduleId}-month-end`)).code).toBe(0);
      const [morning] = await eventually(
        async () => {
          const found = [];
          for await (const w of h.client.workflow.list({
            query: `WorkflowType = 'morningReports' AND TaskQueue = '${h.config.temporal.taskQueue}' AND StartTime > '${before.toISOString()}'`,
          }))
            found.push(w);
          return found;
        },
        (found) => found.length > 0,
      );
      expect(morning!.workflowId.startsWith(`${scheduleId}-month-end`)).toBe(true);
      // Written by a worker of the config that made the schedule, as an operator deploys them together.
      const worker = startWorkerProcess(ownPath);
      try {
        const written = await h.client.workflow.getHandle<typeof morningReports>(morning!.workflowId).result();
        expect(written.map((r) => [r.id, r.outcome])).toEqual([['month-end', 'sent']]);
        await expectGpuStopped(h);
      } finally {
        worker.kill('SIGTERM');
      }

      // Moved back to the morning's cron, its schedule goes: it would otherwise be written twice on the 1st.
      const back = await writeConfig(
        h.dir,
        parseConfig({ ...h.config, reports: [reports[0]!, { ...reports[1]!, schedule: undefined }] }),
      );
      const reapplied = await salesReport(back, 'schedule', 'apply');
      expect(reapplied.stdout).toContain(
        `deleted schedule ${scheduleId}-month-end: no report is written at its time any more`,
      );
      expect(reapplied.stdout).toContain('reports: "flash" → undefined');
      await expect(h.client.schedule.getHandle(`${scheduleId}-month-end`).describe()).rejects.toThrow();
    } finally {
      // One config file: the reports' config deletes what it made, the suite's makes its schedules again.
      await salesReport(await writeConfig(h.dir, parseConfig({ ...h.config, reports })), 'schedule', 'delete', '--yes');
      await salesReport(await writeConfig(h.dir, h.config), 'schedule', 'apply');
    }
  });

  it('runs a report from the CLI and waits for it; usage mistakes exit 2 with one line', async () => {
    const [done] = await h.withWorker(
      Promise.all([salesReport(configPath, 'run', '--date', REPORT_DATE, '--dry-run', '--wait')]),
    );
    expect(done.code).toBe(0);
    expect(done.stdout).toContain(`dry-run: ${REPORT_DATE} (2026-11-13 – 2026-11-19)`);
    const bad = await salesReport(configPath, 'run', '--date', '20-11-2026');
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe('sales-report: --date: "20-11-2026" is not a YYYY-MM-DD date');
    const unknown = await salesReport(configPath, 'schedule', 'explode');
    expect(unknown.code).toBe(2);
  });

  it('registers the search attributes on a namespace that lacks them, idempotently', async () => {
    const namespace = `setup-test-${randomUUID().slice(0, 8)}`;
    await h.client.connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(86_400) },
    });
    const path = await writeConfig(h.dir, parseConfig({ ...h.config, temporal: { ...h.config.temporal, namespace } }));
    const first = await eventually(
      () => salesReport(path, 'setup'),
      (r) => r.code === 0 || !r.stderr.includes('not found'),
    );
    expect(first.stdout).toContain('registered ReportDate, ReportOutcome, ReportTrigger');
    const again = await salesReport(path, 'setup');
    expect(again.stdout).toContain('already registered: ReportDate, ReportOutcome, ReportTrigger');
  });
});
