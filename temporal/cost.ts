import type { Client } from '@temporalio/client';
import { addDays, dateInZone, daysOf, type IsoDate } from '../sales/dates';
import { listRuns } from './runs';

export interface CostDay {
  date: IsoDate;
  runs: number;
  gpuSeconds: number;
  cost: number;
}

export interface CostReport {
  month: string;
  currency: string;
  days: CostDay[];
  totals: { runs: number; gpuSeconds: number; cost: number };
  /** The same GPU left on around the clock over the same days, at the configured price. */
  alwaysOn: { hours: number; cost: number };
  savedRatio: number | null;
}

/**
 * GPU time and money per day of a month, from the audit memos of the runs (by report date), next to what an
 * always-on instance would have cost. Days after `today` are not counted as always-on hours.
 */
export async function monthlyCost(
  client: Client,
  month: string,
  pricing: { hourlyPrice: number; currency: string; timezone: string },
  today: IsoDate = dateInZone(new Date(), pricing.timezone),
): Promise<CostReport> {
  const first = `${month}-01`;
  const last = addDays(`${addDays(first, 31).slice(0, 7)}-01`, -1);
  const runs = await listRuns(client, { from: first, to: last });
  const days = daysOf({ start: first, end: last < today ? last : today < first ? first : today }).map((date) => {
    const ofDay = runs.filter((r) => r.reportDate === date);
    const gpuSeconds = ofDay.reduce((s, r) => s + (r.gpuSeconds ?? 0), 0);
    return {
      date,
      runs: ofDay.length,
      gpuSeconds: round(gpuSeconds, 1),
      cost: round(
        ofDay.reduce((s, r) => s + (r.gpuCost ?? 0), 0),
        4,
      ),
    };
  });
  const totals = {
    runs: days.reduce((s, d) => s + d.runs, 0),
    gpuSeconds: round(
      days.reduce((s, d) => s + d.gpuSeconds, 0),
      1,
    ),
    cost: round(
      days.reduce((s, d) => s + d.cost, 0),
      4,
    ),
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
