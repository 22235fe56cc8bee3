import type { Client } from '@temporalio/client';
import type { MetricMeter } from '@temporalio/common';
import type { Config } from '../config/config';
import { gpuPoolId } from '../config/config';
import { configFingerprint } from '../config/fingerprint';
import { InstanceLedger } from '../gpu/ledger';
import { definitionOf, everyReportSlice, lastReportDue, reportDefinitions } from '../report/definitions';
import type { IsoDate } from '../sales/dates';
import type { Store } from '../store/store';
import { holdersQuery, reportDelivered, WORKFLOW_TYPES } from './contracts';
import { pulseMetrics, reportTag } from './product-metrics';
import { listRuns } from './runs';
import { scheduleIdOf, servedSchedule } from './served-schedules';
import { timestampMs } from './run-timeline';

/** One report's standing by its schedule: the date last due, and how many of its reports for that date went out. */
export interface ReportPulse {
  /** The metrics tag: reports[].id, or "default". */
  report: string;
  reportDate?: IsoDate;
  dueAt?: Date;
  /** Reports owed for that date: one per split value (one for a report without a split). */
  owed: number;
  sent: number;
  lastSentAt?: Date;
}

/** What a dead man's switch outside the product needs, read from Temporal and the store. */
export interface Pulse {
  reports: ReportPulse[];
  missedCheckLastRunAt?: Date;
  gpu: { live: number; unheld: number };
  /**
   * The GPU pool's workflow task, when one is pending: how long since it was first scheduled and its attempt (above
   * 1: it failed or timed out). Every run waits on the pool for its model slot, so a stalled pool task stalls them all.
   */
  poolTask?: { pendingSeconds: number; attempt: number };
}

/** A pool task pending longer than this (seconds), or on a second attempt, is logged as stalled. */
export const POOL_TASK_STALLED_SECONDS = 10;

/** Reads the pulse: the truth is the server's and the store's, so any worker, restarted or not, says the same. */
export async function readPulse(client: Client, config: Config, store: Store, now: Date): Promise<Pulse> {
  const slices = config.reports ? everyReportSlice(config) : [undefined];
  const reports = await Promise.all(
    reportDefinitions(config).map(async (definition): Promise<ReportPulse> => {
      const ref = config.reports ? { id: definition.id } : undefined;
      const owedSlices = slices.filter((s) => s?.id === ref?.id);
      const schedule = await servedSchedule(client, scheduleIdOf(config, ref?.id));
      const { timezone } = definitionOf(config, ref);
      const due = lastReportDue(schedule, timezone, now, config.schedule.missedCheck.lookbackDays);
      const base = { report: reportTag(ref), owed: owedSlices.length, sent: 0 };
      if (!due) return base;
      const runs = await listRuns(client, {
        from: due.reportDate,
        to: due.reportDate,
        taskQueue: config.temporal.taskQueue,
        ...(ref && { report: ref.id }),
      });
      const delivered = runs.filter((r) => reportDelivered(r.outcome));
      const sent = owedSlices.filter((s) => delivered.some((r) => r.split === s?.split)).length;
      const ends = delivered.map((r) => Date.parse(r.startedAt) + (r.durationSeconds ?? 0) * 1000);
      return {
        ...base,
        reportDate: due.reportDate,
        dueAt: due.dueAt,
        sent,
        ...(ends.length > 0 && { lastSentAt: new Date(Math.max(...ends)) }),
      };
    }),
  );
  return {
    reports,
    missedCheckLastRunAt: await lastMissedCheck(client, config),
    gpu: await gpuStanding(client, config, store),
    poolTask: await poolTask(client, config, now),
  };
}

async function poolTask(client: Client, config: Config, now: Date): Promise<Pulse['poolTask']> {
  const described = await client.workflow
    .getHandle(gpuPoolId(config))
    .describe()
    .catch(() => undefined); // no pool yet, or ended: nothing pending
  const pending = described?.status.name === 'RUNNING' ? described.raw.pendingWorkflowTask : undefined;
  if (!pending) return undefined;
  const since = timestampMs(pending.originalScheduledTime ?? pending.scheduledTime);
  return { pendingSeconds: Math.max(0, (now.getTime() - since) / 1000), attempt: pending.attempt ?? 1 };
}

async function lastMissedCheck(client: Client, config: Config): Promise<Date | undefined> {
  const query = `WorkflowType = '${WORKFLOW_TYPES.missedReportCheck}' AND TaskQueue = '${config.temporal.taskQueue}' AND ExecutionStatus = 'Completed'`;
  for await (const run of client.workflow.list({ query, pageSize: 1 })) return run.closeTime;
  return undefined;
}

/** Instances the ledger has not seen stop, and of those the ones no run holds (the pool is gone or holds none). */
async function gpuStanding(client: Client, config: Config, store: Store): Promise<Pulse['gpu']> {
  const live = (await new InstanceLedger(store).live()).length;
  if (live === 0) return { live, unheld: 0 };
  const pool = client.workflow.getHandle(gpuPoolId(config));
  const holders = await pool
    .query(holdersQuery)
    .then((h) => h.length)
    .catch(() => 0); // a pool that has ended holds no one
  return { live, unheld: holders > 0 ? 0 : live };
}

const seconds = (d: Date) => d.getTime() / 1000;

/** Sets the pulse gauges; a report not yet due by its schedule has no due time, and none is exported for it. */
export function exportPulse(meter: MetricMeter, pulse: Pulse, now: Date): void {
  const m = pulseMetrics(meter);
  for (const r of pulse.reports) {
    const tags = { report: r.report };
    m.valuesOwed.set(r.owed, tags);
    m.valuesSent.set(r.sent, tags);
    if (r.dueAt) m.due.set(seconds(r.dueAt), tags);
    if (r.lastSentAt) m.lastSent.set(seconds(r.lastSentAt), tags);
  }
  if (pulse.missedCheckLastRunAt) m.missedCheckLastRun.set(seconds(pulse.missedCheckLastRunAt));
  m.gpuLive.set(pulse.gpu.live);
  m.gpuUnheld.set(pulse.gpu.unheld);
  m.poolTaskPending.set(pulse.poolTask?.pendingSeconds ?? 0);
  m.poolTaskAttempt.set(pulse.poolTask?.attempt ?? 0);
  m.pulse.set(seconds(now));
}

/**
 * Reads and exports the pulse every `worker.pulseSeconds`, first at once. A read that fails leaves the gauges as they
 * were and the pulse's own timestamp old, which the rules notice (SalesReportPulseStale).
 */
export function startPulse(
  deps: { client: Client; config: Config; store: Store; meter: MetricMeter; now?: () => Date },
  warn: (message: string, attrs: Record<string, unknown>) => void,
): () => void {
  const now = deps.now ?? (() => new Date());
  let running = false;
  const beat = async () => {
    if (running) return;
    running = true;
    try {
      const at = now();
      const pulse = await readPulse(deps.client, deps.config, deps.store, at);
      exportPulse(deps.meter, pulse, at);
      const task = pulse.poolTask;
      if (task && (task.attempt > 1 || task.pendingSeconds > POOL_TASK_STALLED_SECONDS))
        warn("the GPU pool's workflow task is stalled: runs wait for their model slot", {
          poolId: gpuPoolId(deps.config),
          pendingSeconds: Math.round(task.pendingSeconds),
          attempt: task.attempt,
        });
    } catch (err) {
      warn('pulse not read: the dead-man metrics are stale', { error: (err as Error).message });
    } finally {
      running = false;
    }
  };
  pulseMetrics(deps.meter).config.set(1, { fingerprint: configFingerprint(deps.config) });
  void beat();
  const timer = setInterval(() => void beat(), deps.config.worker.pulseSeconds * 1000);
  timer.unref();
  return () => clearInterval(timer);
}
