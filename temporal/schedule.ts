import {
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleDescription,
  type ScheduleOptionsStartWorkflowAction,
  type ScheduleSpec,
} from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import type { Config } from '../config/config';
import { WORKFLOW_TYPES } from './contracts';

/** What `schedule apply` makes true on the server: everything the config says about the schedule. */
export interface ScheduleSettings extends Settings {
  id: string;
  cron: string;
  timezone: string;
  overlap: Config['schedule']['overlap'];
  catchupWindowSeconds: number;
  jitterSeconds: number;
  paused: boolean;
  note: string;
  taskQueue: string;
  /** weeklySalesReport, or morningReports when the config defines reports. */
  workflowType: string;
}

/** Where the applied settings are kept: the action's memo, which (unlike the schedule's) can be updated. */
const SETTINGS_MEMO_KEY = 'scheduleSettings';

type Settings = Record<string, string | number | boolean>;

/** A schedule as `apply` manages it: the settings that define it, and the body the server gets. */
export interface ScheduleDefinition<S extends Settings = Settings> {
  id: string;
  /** When it fires, in words. */
  summary: string;
  settings: S;
  body: {
    spec: ScheduleSpec;
    action: ScheduleOptionsStartWorkflowAction<Workflow>;
    policies: { overlap: ScheduleOverlapPolicy; catchupWindow: number };
    state: { paused: boolean; note?: string };
  };
}

export function scheduleSettingsFrom(config: Config): ScheduleSettings {
  const s = config.schedule;
  return {
    id: s.id,
    cron: s.cron,
    timezone: config.report.timezone,
    overlap: s.overlap,
    catchupWindowSeconds: s.catchupWindowSeconds,
    jitterSeconds: s.jitterSeconds,
    paused: s.paused,
    note: s.note,
    taskQueue: config.temporal.taskQueue,
    // With reports defined, the morning writes them all (workflows/morning-reports.ts); else the one report.
    workflowType: config.reports ? WORKFLOW_TYPES.morning : WORKFLOW_TYPES.report,
  };
}

/** The 9 AM report. */
export function reportSchedule(config: Config): ScheduleDefinition<ScheduleSettings> {
  const settings = scheduleSettingsFrom(config);
  return {
    id: settings.id,
    summary: `"${settings.cron}" in ${settings.timezone}`,
    settings,
    body: {
      spec: { cronExpressions: [settings.cron], timezone: settings.timezone, jitter: settings.jitterSeconds * 1000 },
      action: {
        type: 'startWorkflow',
        workflowType: settings.workflowType,
        // The server appends the nominal time, so every run has its own id.
        workflowId: settings.id,
        taskQueue: settings.taskQueue,
        // {}: each run takes its report date from its nominal (scheduled) time.
        args: [{}],
        memo: { [SETTINGS_MEMO_KEY]: settings },
      },
      policies: {
        overlap: settings.overlap.toUpperCase() as ScheduleOverlapPolicy,
        catchupWindow: settings.catchupWindowSeconds * 1000,
      },
      state: { paused: settings.paused, note: settings.note || undefined },
    },
  };
}

/** The GPU reaper, every gpu.reaper.intervalSeconds; never paused by the report's `paused` flag. */
export function reaperSchedule(config: Config): ScheduleDefinition {
  const settings = {
    id: `${config.schedule.id}-gpu-reaper`,
    intervalSeconds: config.gpu.reaper.intervalSeconds,
    taskQueue: config.temporal.taskQueue,
  };
  return {
    id: settings.id,
    summary: `every ${settings.intervalSeconds}s`,
    settings,
    body: {
      spec: { intervals: [{ every: settings.intervalSeconds * 1000 }] },
      action: {
        type: 'startWorkflow',
        workflowType: WORKFLOW_TYPES.gpuReaper,
        workflowId: settings.id,
        taskQueue: settings.taskQueue,
        args: [],
        memo: { [SETTINGS_MEMO_KEY]: settings },
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: 60_000 },
      state: { paused: false },
    },
  };
}

/** The missed-report check, at schedule.missedCheck.cron in the report's time zone; never paused with the report. */
export function missedReportSchedule(config: Config): ScheduleDefinition {
  const settings = {
    id: `${config.schedule.id}-missed-report-check`,
    cron: config.schedule.missedCheck.cron,
    timezone: config.report.timezone,
    lookbackDays: config.schedule.missedCheck.lookbackDays,
    taskQueue: config.temporal.taskQueue,
  };
  return {
    id: settings.id,
    summary: `"${settings.cron}" in ${settings.timezone}, the last ${settings.lookbackDays} report date(s)`,
    settings,
    body: {
      spec: { cronExpressions: [settings.cron], timezone: settings.timezone },
      action: {
        type: 'startWorkflow',
        workflowType: WORKFLOW_TYPES.missedReportCheck,
        workflowId: settings.id,
        taskQueue: settings.taskQueue,
        args: [{}],
        memo: { [SETTINGS_MEMO_KEY]: settings },
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: 24 * 3600_000 },
      state: { paused: false },
    },
  };
}

/** The schedules `apply` creates and `delete` removes, together. */
export function managedSchedules(config: Config): ScheduleDefinition[] {
  return [reportSchedule(config), reaperSchedule(config), missedReportSchedule(config)];
}

/** The settings last applied, as recorded on the schedule; undefined for a schedule not made by `apply`. */
export function appliedSettings<S extends Settings = ScheduleSettings>(
  description: ScheduleDescription,
): S | undefined {
  const memo = description.action.type === 'startWorkflow' ? description.action.memo : undefined;
  return memo?.[SETTINGS_MEMO_KEY] as S | undefined;
}

export function diffSettings(before: Settings | undefined, after: Settings): string[] {
  if (!before) return ['settings: (not made by apply) → as configured'];
  return Object.keys(after)
    .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .map((key) => `${key}: ${JSON.stringify(before[key])} → ${JSON.stringify(after[key])}`);
}

export type ApplyOutcome = { result: 'created' } | { result: 'updated'; changes: string[] } | { result: 'unchanged' };

/** Creates the schedule, or updates it to the settings, or leaves it alone when it already matches. */
export async function applySchedule(client: Client, definition: ScheduleDefinition): Promise<ApplyOutcome> {
  const handle = client.schedule.getHandle(definition.id);
  let description: ScheduleDescription;
  try {
    description = await handle.describe();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
    await client.schedule.create({ scheduleId: definition.id, ...definition.body });
    return { result: 'created' };
  }
  const before = appliedSettings<Settings>(description);
  const current =
    before && ('paused' in definition.settings ? { ...before, paused: description.state.paused } : before);
  const changes = diffSettings(current, definition.settings);
  if (changes.length === 0) return { result: 'unchanged' };
  await handle.update(() => definition.body);
  return { result: 'updated', changes };
}
