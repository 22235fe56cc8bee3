/** What GPU time cost: an instance's own bill, or a run's share of its lease on the pool's instance. */
export interface GpuBill {
  provider: string;
  /** Whose it was (a holder key, gpu/holders.ts): a run counts only its own bill, also after a Reset. */
  owner?: string;
  /** The instances billed; a run's share of a lease names its pool instead: "pool:<poolId>". */
  instanceIds: string[];
  /** From the start request to the confirmed stop (an instance), or the lease's share (a run). */
  billedSeconds: number;
  estimatedCost: number;
  currency: string;
}

/** A run's bill for a lease is its share of the pool's instance: its instanceIds hold "pool:<poolId>". */
export function poolShareId(poolId: string): string {
  return `pool:${poolId}`;
}

export function isPoolShare(bill: GpuBill | undefined): boolean {
  return bill?.instanceIds.some((i) => i.startsWith('pool:')) ?? false;
}

export interface Pricing {
  hourlyPrice: number;
  currency: string;
}

/** The one bill formula: seconds (to 0.1 s) times the hourly price (to 0.0001 of the currency). */
export function billFor(provider: string, instanceIds: string[], seconds: number, pricing: Pricing): GpuBill {
  const billed = Math.max(0, seconds);
  return {
    provider,
    instanceIds,
    billedSeconds: Math.round(billed * 10) / 10,
    estimatedCost: Math.round(((billed * pricing.hourlyPrice) / 3600) * 10_000) / 10_000,
    currency: pricing.currency,
  };
}

/** Seconds from one ISO instant to another. */
export function secondsBetween(fromIso: string, toIso: string): number {
  return (Date.parse(toIso) - Date.parse(fromIso)) / 1000;
}

/** A lease's time on the GPU, as epoch milliseconds; `to` undefined while it is held. */
export interface LeaseSpan {
  from: number;
  to?: number;
}

/**
 * A holder's share of the GPU over its lease [from, to]: each moment is split evenly among the leases held then, so
 * overlapping runs' shares add up to the time the GPU was held, not a multiple of it. Others still holding count
 * as holding through `to`.
 */
export function leaseShareSeconds(own: Required<LeaseSpan>, others: readonly LeaseSpan[]): number {
  const overlapping = others
    .map((o) => ({ from: Math.max(o.from, own.from), to: Math.min(o.to ?? own.to, own.to) }))
    .filter((o) => o.to > o.from);
  const points = [...new Set([own.from, own.to, ...overlapping.flatMap((o) => [o.from, o.to])])].sort((a, b) => a - b);
  let ms = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const [start, end] = [points[i]!, points[i + 1]!];
    const holders = 1 + overlapping.filter((o) => o.from <= start && o.to >= end).length;
    ms += (end - start) / holders;
  }
  return ms / 1000;
}
