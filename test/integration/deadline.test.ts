import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MorningAudit } from '../../temporal/contracts';
import { recordHistory, withHarness } from '../helpers/harness';
import { exportThroughYesterday, secondMorning, triggeredMorning } from '../helpers/schedule';
import { salesReport, writeConfig } from '../helpers/cli';
import type { MorningBill } from '../../gpu/cost';

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
