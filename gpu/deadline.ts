import { addDays, dateInZone, instantAtWallClock } from '../sales/dates';
import { planFleet, WEEKLY_REPORT, type FleetPlan, type InstanceProfile, type ReportWork } from './fleet-plan';

/**
 * When a morning's reports are due (schedule.deadline): a time of day in the schedule's zone ("09:30"), or a span
 * after the morning's nominal start ("45m", "1h30m", "90s").
 */
export type Deadline = { at: { hour: number; minute: number } } | { afterSeconds: number };

/** A deadline as the config writes it (its schema's pattern, schemas/config.schema.ts, admits only these forms). */
export function parseDeadline(text: string): Deadline {
  const clock = /^(\d{2}):(\d{2})$/.exec(text);
  if (clock) return { at: { hour: Number(clock[1]), minute: Number(clock[2]) } };
  const span = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  const seconds = span ? Number(span[1] ?? 0) * 3600 + Number(span[2] ?? 0) * 60 + Number(span[3] ?? 0) : 0;
  if (seconds <= 0)
    throw new Error(`schedule.deadline "${text}" is neither a time of day (09:30) nor a span (45m, 1h30m, 90s)`);
  return { afterSeconds: seconds };
}

/**
 * The instant a morning started at `start` (its nominal time) is due: the first `at` on or after it in `timeZone`
 * (a 09:30 deadline of a 23:00 morning is the next day's), or `start` plus the span.
 */
export function dueAt(deadline: Deadline, start: Date, timeZone: string): Date {
  if ('afterSeconds' in deadline) return new Date(start.getTime() + deadline.afterSeconds * 1000);
  const day = dateInZone(start, timeZone);
  const { hour, minute } = deadline.at;
  const today = instantAtWallClock(day, hour, minute, timeZone);
  if (today.getTime() >= start.getTime()) return today;
  return instantAtWallClock(addDays(day, 1), hour, minute, timeZone);
}

/** A past morning's tokens, from its audit: how many reports wrote, and their tokens of each kind. */
export interface MorningTokens {
  reportsWritten: number;
  promptTokens: number;
  cachedPromptTokens: number;
  completionTokens: number;
}

/**
 * What one report asks of the GPU, measured: the last mornings' tokens per report written, the worker's CPU kept
 * from the default. With no morning measured (a new deployment, or mornings recorded before tokens were kept by
 * kind), the default weekly report.
 */
export function measuredWork(
  mornings: readonly MorningTokens[],
  fallback: ReportWork = WEEKLY_REPORT,
): { work: ReportWork; basis: string } {
  const written = mornings.reduce((n, m) => n + m.reportsWritten, 0);
  if (written === 0) return { work: fallback, basis: 'the default weekly report (no morning measured yet)' };
  const per = (key: keyof Omit<MorningTokens, 'reportsWritten'>) =>
    Math.round(mornings.reduce((sum, m) => sum + m[key], 0) / written);
  return {
    work: {
      promptTokens: per('promptTokens'),
      cachedPromptTokens: per('cachedPromptTokens'),
      completionTokens: per('completionTokens'),
      workerCoreSeconds: fallback.workerCoreSeconds,
    },
    basis: `${written} reports of the last ${mornings.length} morning(s)`,
  };
}

/** The morning against its deadline: the plan of the instances it needs, and what the pool's instances do. */
export interface DeadlinePlan {
  dueAt: string;
  /** Seconds from the plan to the deadline: the morning's timer. */
  dueInSeconds: number;
  /** The fewest instances that meet it (gpu/fleet-plan.ts), uncapped. */
  needed: FleetPlan;
  /** The pool runs one instance: when it finishes the morning, and whether that is in time. */
  onOne: FleetPlan;
  /**
   * A fleet (gpu.pool.maxInstances above 1): the instances the pool starts for the morning, at most that many, when
   * they finish and whether that is in time. Unset for a pool of one (then `onOne`), and in plans made before fleets.
   */
  pool?: FleetPlan;
  /** Where the per-report work came from. */
  basis: string;
}

/** The most instances a plan names: past it, a deadline is a matter for the schedule, not the fleet. */
const MAX_PLANNED = 1_000;

/** How many instances the morning needs for its deadline, and whether the one it has will do. */
export function planDeadline(
  reports: number,
  measured: { work: ReportWork; basis: string },
  profile: InstanceProfile,
  due: Date,
  now: Date,
  /** Cores of a worker host: how many hosts the morning's CPU needs by then. */
  workerCoresPerHost: number,
  /** gpu.pool.maxInstances */
  maxInstances = 1,
): DeadlinePlan {
  const dueInSeconds = Math.max(0, (due.getTime() - now.getTime()) / 1000);
  // Reports may use most of a host's cores; the rest is the worker's own (heartbeats, workflow tasks).
  const limits = { workerCoresPerHost, workerUtilization: 0.8 };
  const onOne = planFleet(reports, measured.work, profile, dueInSeconds, { ...limits, maxInstances: 1 });
  const pool =
    maxInstances > 1
      ? planFleet(reports, measured.work, profile, dueInSeconds, { ...limits, maxInstances })
      : undefined;
  return {
    dueAt: due.toISOString(),
    dueInSeconds,
    // Due before an instance can boot: no count makes it, and more would only cost more.
    needed:
      dueInSeconds <= profile.bootSeconds
        ? onOne
        : planFleet(reports, measured.work, profile, dueInSeconds, { ...limits, maxInstances: MAX_PLANNED }),
    onOne,
    ...(pool && { pool }),
    basis: measured.basis,
  };
}

/** What the pool runs for the morning: its fleet's plan, or its one instance's. */
export function poolPlan(plan: DeadlinePlan): FleetPlan {
  return plan.pool ?? plan.onOne;
}
