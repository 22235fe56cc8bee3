import type { ActivityDeps } from './deps';
import { withHeartbeat } from './heartbeat';
import type { ReapedInstance } from '../temporal/contracts';
import { createFleet } from '../gpu/fleet';
import type { LedgerEntry } from '../gpu/ledger';
import { holderOf } from '../gpu/holders';
import { runState, type RunState } from '../temporal/run-liveness';

export function createGpuReaperActivities({
  config,
  gpuProvider,
  temporal,
  store,
  now = () => new Date(),
}: ActivityDeps) {
  const fleet = createFleet(config, gpuProvider, store, now);
  const { idleGraceSeconds, maxUptimeSeconds } = config.gpu.reaper;

  /** Whether the run named in the ledger is still running, and since when it is not. */
  async function holderState(owner: string): Promise<RunState> {
    const holder = holderOf(owner);
    return holder ? runState(temporal, holder) : { running: false };
  }

  async function judge(entry: LedgerEntry): Promise<{ stop: boolean; reason: string }> {
    const upSeconds = (now().getTime() - Date.parse(entry.requestedAt)) / 1000;
    if (upSeconds > maxUptimeSeconds)
      return { stop: true, reason: `up ${Math.round(upSeconds)}s, over the ${maxUptimeSeconds}s limit` };
    const holder = await holderState(entry.owner);
    if (holder.running) return { stop: false, reason: 'its run is still going' };
    const idleSince = holder.closedAt ?? new Date(Date.parse(entry.requestedAt));
    const idleSeconds = (now().getTime() - idleSince.getTime()) / 1000;
    if (idleSeconds < idleGraceSeconds)
      return { stop: false, reason: `its run ended ${Math.round(idleSeconds)}s ago; within the grace` };
    return {
      stop: true,
      reason: holder.closedAt
        ? `its run ended at ${holder.closedAt.toISOString()} without stopping it`
        : 'its run does not exist',
    };
  }

  return {
    /**
     * Stops every managed instance that no live run holds (after a grace, so a run's own stop goes first) and every
     * instance up longer than the hard limit. Terminated and timed-out runs run no cleanup code: this is their cleanup.
     */
    async reapGpuInstances(): Promise<ReapedInstance[]> {
      return withHeartbeat(async () => {
        const report: ReapedInstance[] = [];
        for (const entry of await fleet.ledger.live()) {
          const upSeconds = Math.round((now().getTime() - Date.parse(entry.requestedAt)) / 1000);
          const base = { instanceId: entry.instanceId, holder: entry.owner, upSeconds };
          const verdict = await judge(entry);
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
        // Second line: what the cloud says is ours but no live ledger entry holds (a ledger lost, a store moved).
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
      });
    },
  };
}
