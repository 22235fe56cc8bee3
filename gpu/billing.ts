import type { GpuBill } from '../temporal/contracts';

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
