import {
  ScheduleNotFoundError,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleDescription,
  type ScheduleOptionsStartWorkflowAction,
} from '@temporalio/client';
import type { Config } from './config';
import type { weeklySalesReport } from '../workflows';

/** What `schedule apply` makes true on the server: everything the config says about the schedule. */
export interface ScheduleSettings {
  id: string;
  cron: string;
  timezone: string;
  overlap: Config['schedule']['overlap'];
  catchupWindowSeconds: number;
  jitterSeconds: number;
  paused: boolean;
  note: string;
  taskQueue: string;
}

/** Where the applied settings are kept: the action's memo, which (unlike the schedule's) can be updated. */
const SETTINGS_MEMO_KEY = 'scheduleSettings';

export const WORKFLOW_TYPE = 'weeklySalesReport';

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
  };
}

function overlapPolicy(overlap: ScheduleSettings['overlap']): ScheduleOverlapPolicy {
  return overlap.toUpperCase() as ScheduleOverlapPolicy;
}

function action(settings: ScheduleSettings): ScheduleOptionsStartWorkflowAction<typeof weeklySalesReport> {
  return {
    type: 'startWorkflow',
    workflowType: WORKFLOW_TYPE,
    // The server appends the nominal time, so every run has its own id.
    workflowId: settings.id,
    taskQueue: settings.taskQueue,
    // {}: each run takes its report date from its nominal (scheduled) time.
    args: [{}],
    memo: { [SETTINGS_MEMO_KEY]: settings },
  };
}

function scheduleBody(settings: ScheduleSettings) {
  return {
    spec: {
      cronExpressions: [settings.cron],
      timezone: settings.timezone,
      jitter: settings.jitterSeconds * 1000,
    },
    action: action(settings),
    policies: {
      overlap: overlapPolicy(settings.overlap),
      catchupWindow: settings.catchupWindowSeconds * 1000,
    },
    state: { paused: settings.paused, note: settings.note || undefined },
  };
}

/** The settings last applied, as recorded on the schedule; undefined for a schedule not made by `apply`. */
export function appliedSettings(description: ScheduleDescription): ScheduleSettings | undefined {
  const memo = description.action.type === 'startWorkflow' ? description.action.memo : undefined;
  return memo?.[SETTINGS_MEMO_KEY] as ScheduleSettings | undefined;
}

export function diffSettings(before: ScheduleSettings | undefined, after: ScheduleSettings): string[] {
  if (!before) return ['settings: (not made by apply) → as configured'];
  return (Object.keys(after) as (keyof ScheduleSettings)[])
    .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .map((key) => `${key}: ${JSON.stringify(before[key])} → ${JSON.stringify(after[key])}`);
}

export type ApplyOutcome = { result: 'created' } | { result: 'updated'; changes: string[] } | { result: 'unchanged' };

/** Creates the schedule, or updates it to the settings, or leaves it alone when it already matches. */
export async function applySchedule(client: Client, settings: ScheduleSettings): Promise<ApplyOutcome> {
  const handle = client.schedule.getHandle(settings.id);
  let description: ScheduleDescription;
  try {
    description = await handle.describe();
  } catch (err) {
    if (!(err instanceof ScheduleNotFoundError)) throw err;
    await client.schedule.create({ scheduleId: settings.id, ...scheduleBody(settings) });
    return { result: 'created' };
  }
  const before = appliedSettings(description);
  const current = before && { ...before, paused: description.state.paused };
  const changes = diffSettings(current, settings);
  if (changes.length === 0) return { result: 'unchanged' };
  await handle.update(() => scheduleBody(settings));
  return { result: 'updated', changes };
}
