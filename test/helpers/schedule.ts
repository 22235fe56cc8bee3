import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSampleCsv } from '../../dev/sample-data';
import { addDays, dateInZone } from '../../sales/dates';
import { applySchedule, mainReportSchedule } from '../../temporal/schedule';
import type { Harness } from './harness';

/**
 * A morning as the schedule starts it: the product's schedule, created paused on the test's task queue and triggered
 * (as "Trigger" in the Web UI does), so the morning has its nominal time. Returns the morning's handle.
 */
export async function triggeredMorning(h: Harness) {
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

/** The morning the schedule started after `firstId`. */
export async function secondMorning(h: Harness, firstId: string) {
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

/** An export through yesterday where the schedule is (Asia/Shanghai): what a morning triggered now reports on. */
export async function exportThroughYesterday(): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'sales-report-morning-')), 'sales.csv');
  const yesterday = addDays(dateInZone(new Date(), 'Asia/Shanghai'), -1);
  await writeSampleCsv(path, { endDate: yesterday, days: 21, ordersPerDay: 30, seed: 4, badRowsPerThousand: 0 });
  return path;
}
