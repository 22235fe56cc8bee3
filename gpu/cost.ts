import { addDays, dateInZone, daysOf, type IsoDate } from '../sales/dates';
import { billFor, secondsBetween, type Pricing } from './billing';
import type { LeaseRecord } from './leases';
import type { LedgerEntry } from './ledger';
import { isPoolInstance } from './holders';
import type { InstanceProfile } from './fleet-plan';

export interface CostDay {
  /** The day the GPU ran, in the report's time zone. */
  date: IsoDate;
  /** Report runs that held a GPU that day. */
  runs: number;
  /** Instances started that day. */
  instances: number;
  /** What the instances were billed: from the start request to the confirmed stop (to now while running). */
  gpuSeconds: number;
  /** The part some run held: the sum of the runs' shares. */
  heldSeconds: number;
  /** The part no run held: boot for runs that gave up, the idle grace, orphans. */
  unheldSeconds: number;
  cost: number;
}

export interface CostReport {
  month: string;
  currency: string;
  days: CostDay[];
  totals: Omit<CostDay, 'date'> & { stillRunning: number };
  /** The same GPU left on around the clock over the same days, at the configured price. */
  alwaysOn: { hours: number; cost: number };
  savedRatio: number | null;
}

/**
 * GPU seconds and money per day of a month, from the instances' own bills in the ledger (the truth), beside the
 * runs' shares from their leases: what no run held is its own line, never spread over the runs or lost.
 */
export function monthlyCost(
  month: string,
  records: { instances: readonly LedgerEntry[]; leases: readonly LeaseRecord[] },
  pricing: Pricing & { timezone: string },
  now: Date = new Date(),
): CostReport {
  const today = dateInZone(now, pricing.timezone);
  const first = `${month}-01`;
  const last = addDays(`${addDays(first, 31).slice(0, 7)}-01`, -1);
  const dayOf = (iso: string) => dateInZone(new Date(iso), pricing.timezone);
  const billed = (e: LedgerEntry) =>
    e.instanceId ? Math.max(0, secondsBetween(e.requestedAt, e.stoppedAt ?? now.toISOString())) : 0;

  const days = daysOf({ start: first, end: last < today ? last : today < first ? first : today }).map((date) => {
    const instances = records.instances.filter((e) => dayOf(e.requestedAt) === date);
    const leases = records.leases.filter((l) => dayOf(l.acquiredAt) === date);
    // A run recorded before the pool owned its instance alone: all of its bill was its own.
    const ownInstances = instances.filter((e) => !isPoolInstance(e.owner));
    const gpuSeconds = instances.reduce((s, e) => s + billed(e), 0);
    const heldSeconds =
      leases.reduce((s, l) => s + (l.shareSeconds ?? 0), 0) + ownInstances.reduce((s, e) => s + billed(e), 0);
    return {
      date,
      runs: leases.length + ownInstances.length,
      instances: instances.length,
      gpuSeconds: round(gpuSeconds, 1),
      heldSeconds: round(Math.min(heldSeconds, gpuSeconds), 1),
      unheldSeconds: round(Math.max(0, gpuSeconds - heldSeconds), 1),
      cost: billFor('', [], gpuSeconds, pricing).estimatedCost,
    };
  });
  const sum = (key: keyof Omit<CostDay, 'date'>, digits: number) =>
    round(
      days.reduce((s, d) => s + d[key], 0),
      digits,
    );
  const totals = {
    runs: sum('runs', 0),
    instances: sum('instances', 0),
    gpuSeconds: sum('gpuSeconds', 1),
    heldSeconds: sum('heldSeconds', 1),
    unheldSeconds: sum('unheldSeconds', 1),
    cost: sum('cost', 4),
    stillRunning: records.instances.filter((e) => e.instanceId && !e.stoppedAt).length,
  };
  const hours = first > today ? 0 : days.length * 24;
  const alwaysOnCost = round(hours * pricing.hourlyPrice, 2);
  return {
    month,
    currency: pricing.currency,
    days,
    totals,
    alwaysOn: { hours, cost: alwaysOnCost },
    savedRatio: alwaysOnCost === 0 ? null : round(1 - totals.cost / alwaysOnCost, 4),
  };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** One morning's GPU: the instances that ran while it did, each with its seconds, and its plan against its deadline. */
export interface MorningBill {
  workflowId: string;
  reportDate?: IsoDate;
  /** The instances its deadline plan ran it on (a fleet's order, else what it needed); absent without a deadline. */
  planned?: number;
  used: number;
  /**
   * Each instance's billed seconds (from its start request to its stop, or to now while it runs) and its share of the
   * morning's GPU seconds.
   */
  instances: { instanceId: string; seconds: number; share: number }[];
  gpuSeconds: number;
  cost: number;
  /**
   * What the GPU had to do, from the morning's tokens (its audit): each instance's boot, the prompt tokens the prefix
   * cache did not hold ÷ the prefill rate, the completion tokens ÷ the decode rate (gpu.serving). Absent for mornings
   * audited before tokens were kept by kind.
   */
  floorSeconds?: number;
  deadline?: { dueAt: string; met: boolean };
}

/**
 * Each morning's bill: the pool instances requested between the morning's start and its end (an instance started
 * for a morning's reports is requested once it runs; one started for another morning overlapping it is counted by
 * the morning it was requested in), beside what its plan said.
 */
export function morningBills(
  mornings: readonly {
    workflowId: string;
    reportDate?: IsoDate;
    startedAt: string;
    endedAt?: string;
    deadline?: { dueAt: string; met: boolean; instancesNeeded: number; instancesPlanned?: number };
    usage?: { promptTokens: number; cachedPromptTokens: number; completionTokens: number };
  }[],
  instances: readonly LedgerEntry[],
  pricing: Pricing,
  now: Date,
  serving: Pick<InstanceProfile, 'bootSeconds' | 'prefillTokensPerSecond' | 'decodeTokensPerSecond'>,
): MorningBill[] {
  return mornings.map((m) => {
    const from = Date.parse(m.startedAt);
    const to = m.endedAt ? Date.parse(m.endedAt) : now.getTime();
    const its = instances
      .filter((i) => isPoolInstance(i.owner))
      .filter((i) => Date.parse(i.requestedAt) >= from && Date.parse(i.requestedAt) <= to)
      .map((i) => ({
        instanceId: i.instanceId,
        seconds: secondsBetween(i.requestedAt, i.stoppedAt ?? now.toISOString()),
      }));
    const total = its.reduce((sum, i) => sum + i.seconds, 0);
    const bill = billFor('', [], total, pricing);
    return {
      workflowId: m.workflowId,
      ...(m.reportDate && { reportDate: m.reportDate }),
      ...(m.deadline && { planned: m.deadline.instancesPlanned ?? m.deadline.instancesNeeded }),
      used: its.length,
      instances: its.map((i) => ({ ...i, share: total > 0 ? round(i.seconds / total, 3) : 0 })),
      gpuSeconds: bill.billedSeconds,
      cost: bill.estimatedCost,
      ...(m.usage && {
        floorSeconds:
          Math.round(
            (its.length * serving.bootSeconds +
              (m.usage.promptTokens - m.usage.cachedPromptTokens) / serving.prefillTokensPerSecond +
              m.usage.completionTokens / serving.decodeTokensPerSecond) *
              10,
          ) / 10,
      }),
      ...(m.deadline && { deadline: { dueAt: m.deadline.dueAt, met: m.deadline.met } }),
    };
  });
}
