import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSampleCsv } from '../../dev/sample-data';
import { addDays, dateInZone } from '../../sales/dates';
import { describe, expect, it } from 'vitest';
import type { MorningAudit } from '../../temporal/contracts';
import { applySchedule, mainReportSchedule } from '../../temporal/schedule';
import { recordHistory, withHarness, type Harness } from '../helpers/harness';
import { salesReport, writeConfig } from '../helpers/cli';
import type { MorningBill } from '../../gpu/cost';

/**
 * A morning as the schedule starts it: the product's schedule, created paused on the test's task queue and triggered
 * (as "Trigger" in the Web UI does), so the morning has its nominal time. Returns the morning's handle.
 */
async function triggeredMorning(h: Harness) {
  const schedule = mainReportSchedule(h.config);
  await applySchedule(h.client, schedule);
  const handle = h.client.schedule.getHandle(schedule.id);
  await handle.trigger();
  for (let i = 0; i < 100; i++) {
    const { info } = await handle.describe();
    const started = [...info.runningActions, ...info.recentActions.map((a) => a.action)][0];
    if (started) return { schedule: handle, morning: h.client.workflow.getHandle(started.workflow.workflowId) };
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the schedule started no morning');
}

/** An export through yesterday where the schedule is (Asia/Shanghai): what a morning triggered now reports on. */
async function exportThroughYesterday(): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'sales-report-deadline-')), 'sales.csv');
  const yesterday = addDays(dateInZone(new Date(), 'Asia/Shanghai'), -1);
  await writeSampleCsv(path, { endDate: yesterday, days: 21, ordersPerDay: 30, seed: 4, badRowsPerThousand: 0 });
  return path;
}

/** The morning the schedule started after `firstId`. */
async function secondMorning(h: Harness, firstId: string) {
  const schedule = h.client.schedule.getHandle(mainReportSchedule(h.config).id);
  for (let i = 0; i < 100; i++) {
    const { info } = await schedule.describe();
    const other = [...info.runningActions, ...info.recentActions.map((a) => a.action)].find(
      (a) => a.workflow.workflowId !== firstId,
    );
    if (other) return h.client.workflow.getHandle(other.workflow.workflowId);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the schedule started no second morning');
}

const REPORTS = [
  { id: 'daily', period: 'day' as const },
  { id: 'weekly', period: 'week' as const },
];

describe('a morning against its deadline (schedule.deadline)', () => {
  it('one GPU too slow for it: ops hear at the start ([DEADLINE AT RISK]) and at the deadline of each report not out ([DEADLINE MISSED]); the audit says missed', async () =>
    withHarness(
      {
        dataPath: await exportThroughYesterday(),
        // Each report takes seconds to write: the 3-second deadline passes while both still write.
        simArgs: ['--tokens-per-second', '150', '--max-num-seqs', '1'],
        config: {
          reports: REPORTS,
          schedule: { id: `deadline-${randomUUID().slice(0, 8)}`, paused: true, deadline: '3s' },
          // A boot of 10 minutes: one instance cannot make 3 seconds, nor can any number.
          gpu: { serving: { bootSeconds: 600 } },
        },
      },
      async (h) => {
        const { schedule, morning } = await triggeredMorning(h);
        try {
          await h.withWorker(morning.result().catch(() => undefined));
          const ops = h.sink.messages.filter((m) => m.envelope.to.includes('ops@example.com'));
          const subjects = ops.map((m) => m.parsed.subject ?? '');
          const risk = ops.find((m) => m.parsed.subject?.startsWith('[DEADLINE AT RISK]'));
          const missed = ops.find((m) => m.parsed.subject?.startsWith('[DEADLINE MISSED]'));
          expect(risk, subjects.join('\n')).toBeDefined();
          expect(risk!.parsed.text).toContain('no number of instances makes it');
          expect(risk!.parsed.text).toContain("A report's tokens: the default weekly report (no morning measured yet)");
          expect(missed, subjects.join('\n')).toBeDefined();
          expect(missed!.parsed.subject).toMatch(/: 2 of 2 not out by /);
          expect(missed!.parsed.text).toContain('were not out yet: daily, weekly');
          // Told at the deadline, before the reports it names went out.
          const reports = h.sink.messages.filter((m) => !m.envelope.to.includes('ops@example.com'));
          expect(reports).toHaveLength(2);
          expect(h.sink.messages.indexOf(missed!)).toBeLessThan(h.sink.messages.indexOf(reports[0]!));
          await recordHistory(morning, 'morning-reports-deadline-missed');
          const audit = (await morning.describe()).memo?.audit as MorningAudit;
          expect(audit.deadline).toMatchObject({ met: false });
          expect(audit.usage).toMatchObject({ reportsWritten: 2 });
          expect(audit.usage!.completionTokens).toBeGreaterThan(0);
          // The bill beside the plan: the operator's cost command, per morning.
          const cli = await salesReport(
            await writeConfig(h.dir, h.config),
            'cost',
            '--mornings',
            '--month',
            audit.deadline!.dueAt.slice(0, 7),
            '--json',
          );
          expect(cli.code, cli.stderr).toBe(0);
          const bills = JSON.parse(cli.stdout) as MorningBill[];
          const bill = bills.find((b) => b.workflowId === morning.workflowId);
          expect(bill).toMatchObject({ used: 1, deadline: { met: false } });
          // Due before any instance boots: no count makes it, so the plan names one, not more.
          expect(bill!.planned).toBe(1);
          expect(bill!.instances[0]!.seconds).toBeGreaterThan(0);
          expect(bill!.gpuSeconds).toBeCloseTo(bill!.instances[0]!.seconds, 0);
          // The floor from the morning's own tokens, its one boot at gpu.serving's 600 s included.
          expect(bill!.floorSeconds).toBeGreaterThan(600);
        } finally {
          await schedule.delete();
        }
      },
    ));

  it('in time: no alert, the audit says met; the next morning plans with the tokens this one measured', async () =>
    withHarness(
      {
        dataPath: await exportThroughYesterday(),
        config: {
          reports: REPORTS,
          schedule: { id: `deadline-${randomUUID().slice(0, 8)}`, paused: true, deadline: '10m' },
          gpu: { serving: { bootSeconds: 1 } },
        },
      },
      async (h) => {
        const first = await triggeredMorning(h);
        try {
          await h.withWorker(first.morning.result());
          const audit = (await first.morning.describe()).memo?.audit as MorningAudit;
          expect(audit.deadline).toMatchObject({ met: true, instancesNeeded: 1 });
          expect(h.sink.messages.filter((m) => m.parsed.subject?.includes('[DEADLINE'))).toEqual([]);
          expect(audit.usage?.reportsWritten).toBe(2);
          expect(audit.deadline?.basis).toBe('the default weekly report (no morning measured yet)');
          // The next morning of the schedule measures a report by this one's tokens.
          await first.schedule.trigger();
          const next = await secondMorning(h, first.morning.workflowId);
          await h.withWorker(next.result());
          const nextAudit = (await next.describe()).memo?.audit as MorningAudit;
          expect(nextAudit.deadline?.basis).toBe('2 reports of the last 1 morning(s)');
        } finally {
          await first.schedule.delete();
        }
      },
    ));
});
