/**
 * A discrete-event model of a morning on a fleet of GPU instances, with the planner's own code (gpu/fleet-plan.ts):
 * no Temporal, no processes, seconds for 100,000 reports. Each report takes its worker CPU first (load share, plan,
 * check), then its GPU work on whichever instance frees first (the shared queue every run's slot request joins), then
 * its render and send, which hold no GPU. Instances start at once as planned; one more starts when the measured rate
 * falls behind the deadline; each stops one holder check after no report still needs it.
 */
import { table } from '../cli/table';
import {
  gpuSecondsPerReport,
  L4,
  planFleet,
  WEEKLY_REPORT,
  type FleetLimits,
  type InstanceProfile,
  type ReportWork,
} from '../gpu/fleet-plan';

export interface MorningModel {
  reports: number;
  /** The work the plan expects per report, and the work the reports turn out to take (they vary, and may be more). */
  planned: ReportWork;
  actualScale: number;
  profile: InstanceProfile;
  deadlineSeconds?: number;
  limits: FleetLimits;
  holderCheckSeconds: number;
  /** Worker CPU before the GPU (the rest of workerCoreSeconds is after it): the share that gates the GPU's queue. */
  preGpuShare: number;
  /** Worker hosts: the plan's count unless given. */
  workerHosts?: number;
}

export interface MorningOutcome {
  plannedInstances: number;
  usedInstances: number;
  workerHosts: number;
  finishSeconds: number;
  billedSeconds: number;
  floorSeconds: number;
  meetsDeadline: boolean;
  earliestDeadlineSeconds: number;
  perInstance: { startAt: number; stopAt: number; reports: number }[];
  derivation: string;
}

/** A small deterministic generator: the same morning every run. */
function random(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
}

/** A binary heap of numbers with payloads, smallest first. */
class Heap<T> {
  private readonly items: { at: number; value: T }[] = [];
  get size(): number {
    return this.items.length;
  }
  push(at: number, value: T): void {
    const a = this.items;
    a.push({ at, value });
    for (let i = a.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (a[p]!.at <= a[i]!.at) break;
      [a[p], a[i]] = [a[i]!, a[p]!];
      i = p;
    }
  }
  pop(): { at: number; value: T } | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length > 0 && last) {
      a[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]!.at < a[m]!.at) m = l;
        if (r < a.length && a[r]!.at < a[m]!.at) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

export function modelMorning(m: MorningModel): MorningOutcome {
  const plan = planFleet(m.reports, m.planned, m.profile, m.deadlineSeconds, m.limits);
  const hosts = m.workerHosts ?? plan.workerHosts;
  const cores = hosts * m.limits.workerCoresPerHost * m.limits.workerUtilization;
  const rnd = random(7);
  // Each report's actual work: ±20 % around the actual scale of the planned figures.
  const jitter = () => m.actualScale * (0.8 + 0.4 * rnd());
  const gpu = Array.from({ length: m.reports }, () => gpuSecondsPerReport(m.planned, m.profile) * jitter());
  const pre = m.planned.workerCoreSeconds * m.preGpuShare;

  // Worker CPU before the GPU: `cores` servers in parallel, first come first served; the render after holds no GPU.
  const readyForGpu: number[] = [];
  const cpu = new Heap<null>();
  for (let c = 0; c < Math.max(1, Math.floor(cores)); c++) cpu.push(0, null);
  for (let i = 0; i < m.reports; i++) {
    const free = cpu.pop()!.at;
    readyForGpu.push(free + pre);
    cpu.push(free + pre, null);
  }

  interface Instance {
    startAt: number;
    freeAt: number;
    reports: number;
    lastDone: number;
  }
  const instances: Instance[] = Array.from({ length: plan.instances }, () => ({
    startAt: 0,
    freeAt: m.profile.bootSeconds,
    reports: 0,
    lastDone: 0,
  }));
  const queue = new Heap<Instance>();
  for (const inst of instances) queue.push(inst.freeAt, inst);
  let done = 0;
  let workDone = 0;
  let finish = 0;
  for (let i = 0; i < m.reports; i++) {
    const { value: inst } = queue.pop()!;
    const start = Math.max(inst.freeAt, readyForGpu[i]!);
    const end = start + gpu[i]!;
    inst.freeAt = end;
    inst.lastDone = end;
    inst.reports++;
    done++;
    workDone += gpu[i]!;
    finish = Math.max(finish, end);
    queue.push(end, inst);
    // Behind the plan: the measured work per report, over the instances serving, projects past the deadline.
    if (m.deadlineSeconds !== undefined && instances.length < m.limits.maxInstances && done % 50 === 0) {
      const serving = instances.filter((x) => x.startAt + m.profile.bootSeconds <= start).length || 1;
      const projected = start + ((m.reports - done) * (workDone / done)) / serving;
      const booting = instances.some((x) => x.startAt + m.profile.bootSeconds > start);
      if (projected > m.deadlineSeconds && !booting) {
        const added: Instance = {
          startAt: start,
          freeAt: start + m.profile.bootSeconds,
          reports: 0,
          lastDone: start,
        };
        instances.push(added);
        queue.push(added.freeAt, added);
      }
    }
  }
  // Each instance stops one holder check after its last report (or after booting, if it served none).
  const perInstance = instances.map((x) => ({
    startAt: x.startAt,
    stopAt: Math.max(x.lastDone, x.startAt + m.profile.bootSeconds) + m.holderCheckSeconds,
    reports: x.reports,
  }));
  const billedSeconds = perInstance.reduce((sum, x) => sum + (x.stopAt - x.startAt), 0);
  // The floor of the planned count for the work the reports took: every planned instance's boot, and the GPU work.
  const actualWork = gpu.reduce((sum, g) => sum + g, 0);
  return {
    plannedInstances: plan.instances,
    usedInstances: instances.length,
    workerHosts: hosts,
    finishSeconds: finish,
    billedSeconds,
    floorSeconds: plan.instances * m.profile.bootSeconds + actualWork,
    meetsDeadline: m.deadlineSeconds === undefined || finish <= m.deadlineSeconds,
    earliestDeadlineSeconds: m.profile.bootSeconds + actualWork / m.limits.maxInstances,
    perInstance,
    derivation: plan.derivation,
  };
}

/** What `npm run bench -- --fleet-model` prints: mornings of 10,000 and 100,000 reports on L4s, three deadlines each. */
export function fleetModelTable(): string {
  const limits: FleetLimits = { maxInstances: 100, workerCoresPerHost: 8, workerUtilization: 0.8 };
  const rows: (string | number)[][] = [];
  for (const reports of [10_000, 100_000]) {
    for (const minutes of [15, 30, 60]) {
      const o = modelMorning({
        reports,
        planned: WEEKLY_REPORT,
        actualScale: 1.1, // the reports turn out 10 % longer than planned: the pool must add an instance
        profile: L4,
        deadlineSeconds: minutes * 60,
        limits,
        holderCheckSeconds: 5,
        preGpuShare: 0.3,
      });
      rows.push([
        reports.toLocaleString('en-US'),
        `${minutes} min`,
        o.plannedInstances,
        o.usedInstances,
        o.workerHosts,
        `${(o.finishSeconds / 60).toFixed(1)} min`,
        o.meetsDeadline ? 'met' : `missed; earliest ${(o.earliestDeadlineSeconds / 60).toFixed(1)} min`,
        Math.round(o.billedSeconds),
        (o.billedSeconds / o.floorSeconds).toFixed(3),
        ((o.billedSeconds / 3600) * L4.hourlyPrice).toFixed(2),
      ]);
    }
  }
  return table(
    [
      'reports',
      'deadline',
      'planned',
      'used',
      'worker hosts',
      'last report',
      'deadline',
      'GPU s billed',
      'bill ÷ floor',
      'USD',
    ],
    rows,
  );
}
