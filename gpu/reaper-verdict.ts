/**
 * The reaper's rule for one instance the ledger has running: stop it when it is up past the hard limit, or when the
 * run holding it ended (or never existed) longer ago than the grace, so that a run's own stop goes first.
 */
export interface ReaperLimits {
  /** gpu.reaper.idleGraceSeconds */
  idleGraceSeconds: number;
  /** gpu.reaper.maxUptimeSeconds */
  maxUptimeSeconds: number;
}

/** What the server says of the run holding it: running, or closed (when, if it existed). */
export interface HolderRun {
  running: boolean;
  closedAt?: Date;
}

export interface ReaperVerdict {
  stop: boolean;
  reason: string;
}

/** `holder` is asked only when the uptime alone does not decide: the server is not asked about an instance up too long. */
export async function reaperVerdict(
  requestedAt: Date,
  holder: () => Promise<HolderRun>,
  limits: ReaperLimits,
  now: Date,
): Promise<ReaperVerdict> {
  const upSeconds = (now.getTime() - requestedAt.getTime()) / 1000;
  if (upSeconds > limits.maxUptimeSeconds)
    return { stop: true, reason: `up ${Math.round(upSeconds)}s, over the ${limits.maxUptimeSeconds}s limit` };
  const run = await holder();
  if (run.running) return { stop: false, reason: 'its run is still going' };
  const idleSeconds = (now.getTime() - (run.closedAt ?? requestedAt).getTime()) / 1000;
  if (idleSeconds < limits.idleGraceSeconds)
    return { stop: false, reason: `its run ended ${Math.round(idleSeconds)}s ago; within the grace` };
  return {
    stop: true,
    reason: run.closedAt
      ? `its run ended at ${run.closedAt.toISOString()} without stopping it`
      : 'its run does not exist',
  };
}
