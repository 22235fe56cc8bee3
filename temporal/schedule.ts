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
import { reportDefinitions } from '../report/definitions';

/** What `schedule apply` makes true on the server: everything the config says about a report schedule. */
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
  /** salesReport, or morningReports when the config defines reports. */
  workflowType: string;
}

/** A report schedule that starts some of the config's reports, not all: their ids, comma-separated. */
interface ReportsSettings extends ScheduleSettings {
  reports?: string;
}

/** Where the applied settings are kept: the action's memo, which (unlike the schedule's) can be updated. */
const SETTINGS_MEMO_KEY = 'scheduleSettings';

type Settings = Record<string, string | number | boolean | undefined>;

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

/**
 * The schedules that start the reports: one for the reports written at schedule.cron (the morning's, under
 * schedule.id), and one for each other cron and time zone some reports have (reports[].schedule), under
 * "<schedule.id>-<its first report's id>". Each starts only its own reports; reports due at the same moment still
 * share the GPU's boot (the pool) and each source's read (sales/shared-reads.ts).
 */
export function reportSchedules(config: Config): ScheduleDefinition<ReportsSettings>[] {
  const base = scheduleSettingsFrom(config);
  if (!config.reports) return [scheduleOf(base, undefined)];
  const groups = new Map<string, { cron: string; timezone: string; ids: string[] }>();
  for (const d of reportDefinitions(config)) {
    const key = JSON.stringify([d.cron, d.timezone]);
    if (!groups.has(key)) groups.set(key, { cron: d.cron, timezone: d.timezone, ids: [] });
    groups.get(key)!.ids.push(d.id);
  }
  const baseKey = JSON.stringify([base.cron, base.timezone]);
  const all = groups.size === 1 && groups.has(baseKey);
  return [...groups].map(([key, g]) =>
    scheduleOf(
      { ...base, id: key === baseKey ? base.id : `${base.id}-${g.ids[0]}`, cron: g.cron, timezone: g.timezone },
      all ? undefined : g.ids,
    ),
  );
}

/** The report schedule that `schedule describe` shows by default: the morning's, or the first there is. */
export function mainReportSchedule(config: Config): ScheduleDefinition<ReportsSettings> {
  const all = reportSchedules(config);
  return all.find((s) => s.id === config.schedule.id) ?? all[0]!;
}

function scheduleOf(base: ScheduleSettings, reports: string[] | undefined): ScheduleDefinition<ReportsSettings> {
  const settings: ReportsSettings = { ...base, ...(reports && { reports: reports.join(',') }) };
  return {
    id: settings.id,
    summary: `"${settings.cron}" in ${settings.timezone}${reports ? ` (${reports.join(', ')})` : ''}`,
    settings,
    body: {
      spec: { cronExpressions: [settings.cron], timezone: settings.timezone, jitter: settings.jitterSeconds * 1000 },
      action: {
        type: 'startWorkflow',
        workflowType: settings.workflowType,
        // The server appends the nominal time, so every run has its own id.
        workflowId: settings.id,
        taskQueue: settings.taskQueue,
        // Each run takes its report date from its nominal (scheduled) time; {} writes every report.
        args: [reports ? { reports } : {}],
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
  return [...reportSchedules(config), reaperSchedule(config), missedReportSchedule(config)];
}

/**
 * Report schedules an earlier `apply` made for a cron no report has any more ("<schedule.id>-<report id>", starting
 * some reports): what `apply` deletes, so a report moved to another time is not also written at the old one.
 */
export async function staleReportSchedules(client: Client, config: Config): Promise<string[]> {
  const managed = new Set(managedSchedules(config).map((s) => s.id));
  const stale: string[] = [];
  for await (const summary of client.schedule.list()) {
    const id = summary.scheduleId;
    if (managed.has(id) || !id.startsWith(`${config.schedule.id}-`)) continue;
    const description = await client.schedule.getHandle(id).describe();
    const settings = appliedSettings<ReportsSettings>(description);
    if (settings?.reports !== undefined && settings.taskQueue === config.temporal.taskQueue) stale.push(id);
  }
  return stale;
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
  // Both sides' keys: a setting dropped (a schedule that now starts every report) is a change too.
  return [...new Set([...Object.keys(before), ...Object.keys(after)])]
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
