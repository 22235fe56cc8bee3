import type { ActivityDeps, ReaperContext } from './deps';
import { withHeartbeat } from './heartbeat';
import type { ReapedInstance } from '../temporal/contracts';
import { createFleet } from '../gpu/fleet';
import { holderOf } from '../gpu/holders';
import { reaperVerdict } from '../gpu/reaper-verdict';
import { runState, type RunState } from '../temporal/run-liveness';

/** The reaper's sweep, the second line behind the pool: the rule for each instance is gpu/reaper-verdict.ts. */
export function createGpuReaperActivities({
  config,
  gpuProvider,
  temporal,
  store,
  now = () => new Date(),
}: ActivityDeps) {
  const context: ReaperContext = {
    config,
    gpuProvider,
    temporal,
    fleet: createFleet(config, gpuProvider, store, now),
    now,
  };
  return {
    /**
     * Stops every managed instance that no live run holds (after a grace, so a run's own stop goes first) and every
     * instance up longer than the hard limit. Terminated and timed-out runs run no cleanup code: this is their cleanup.
     */
    reapGpuInstances: (): Promise<ReapedInstance[]> =>
      withHeartbeat(async () => [...(await reapLedger(context)), ...(await reapUntracked(context))]),
  };
}

/** Whether the run named in the ledger is still running, and since when it is not. */
async function holderState(temporal: ReaperContext['temporal'], owner: string): Promise<RunState> {
  const holder = holderOf(owner);
  return holder ? runState(temporal, holder) : { running: false };
}

/** The instances the ledger has running: each kept, stopped or left for a person, with why. */
async function reapLedger({ config, temporal, fleet, now }: ReaperContext): Promise<ReapedInstance[]> {
  const report: ReapedInstance[] = [];
  for (const entry of await fleet.ledger.live()) {
    const upSeconds = Math.round((now().getTime() - Date.parse(entry.requestedAt)) / 1000);
    const base = { instanceId: entry.instanceId, holder: entry.owner, upSeconds };
    const verdict = await reaperVerdict(
      new Date(entry.requestedAt),
      () => holderState(temporal, entry.owner),
      config.gpu.reaper,
      now(),
    );
    if (!entry.instanceId) {
      // The start was requested but its instance id never recorded (a crash mid-start).
      if (verdict.stop)
        report.push({
          ...base,
          action: 'needs attention',
          reason: `start requested at ${entry.requestedAt} but no instance id was recorded; check the provider`,
        });
      continue;
    }
    if (!verdict.stop) {
      report.push({ ...base, action: 'kept', reason: verdict.reason });
      continue;
    }
    try {
      await fleet.stopEntry(entry, `reaper: ${verdict.reason}`);
      report.push({ ...base, action: 'stopped', reason: verdict.reason });
    } catch (err) {
      // One instance the cloud refuses to stop must not keep the sweep from the others; the next sweep tries
      // it again, and the report says why it is still running.
      report.push({
        ...base,
        action: 'needs attention',
        reason: `${verdict.reason}; stop failed: ${(err as Error).message}`,
      });
    }
  }
  return report;
}

/** The second line: what the cloud says is ours but no live ledger entry holds (a ledger lost, a store moved). */
async function reapUntracked({ config, gpuProvider, fleet, now }: ReaperContext): Promise<ReapedInstance[]> {
  const { idleGraceSeconds } = config.gpu.reaper;
  const report: ReapedInstance[] = [];
  const held = new Set((await fleet.ledger.live()).map((e) => e.instanceId));
  for (const managed of (await gpuProvider.managedInstances?.()) ?? []) {
    if (held.has(managed.instanceId)) continue;
    const upSeconds = managed.launchedAt ? (now().getTime() - managed.launchedAt.getTime()) / 1000 : Infinity;
    const base = {
      instanceId: managed.instanceId,
      holder: managed.holder ?? '',
      upSeconds: Math.round(upSeconds),
    };
    if (upSeconds < idleGraceSeconds) {
      report.push({ ...base, action: 'kept', reason: 'tagged as ours, held by no run; within the grace' });
      continue;
    }
    const reason = 'tagged as managed by sales-report but held by no run in the ledger';
    try {
      await gpuProvider.stop({ instanceId: managed.instanceId, endpoint: '' });
      report.push({ ...base, action: 'stopped', reason });
    } catch (err) {
      report.push({
        ...base,
        action: 'needs attention',
        reason: `${reason}; stop failed: ${(err as Error).message}`,
      });
    }
  }
  return report;
}
