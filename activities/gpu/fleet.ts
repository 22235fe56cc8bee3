import type { GpuBill, GpuHandle } from '../../lib/contracts';
import { InstanceLedger, type LedgerEntry } from './ledger';
import type { GpuProvider } from './provider';

export interface Pricing {
  hourlyPrice: number;
  currency: string;
}

/**
 * The instances this product manages, through one provider, with their ledger: start (idempotent per holder), stop
 * (idempotent, waits for the confirmation), and the bill from start request to confirmed stop.
 */
export class GpuFleet {
  constructor(
    readonly provider: GpuProvider,
    readonly ledger: InstanceLedger,
    private readonly pricing: Pricing,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async start(owner: string): Promise<GpuHandle> {
    const existing = await this.ledger.get(owner);
    if (existing?.instanceId && !existing.stoppedAt) {
      const { state } = await this.provider.describe(existing);
      if (state === 'running' || state === 'starting') {
        return { provider: existing.provider, instanceId: existing.instanceId, endpoint: existing.endpoint };
      }
    }
    const requestedAt = this.now().toISOString();
    // Recorded before the request, so a crash mid-start leaves a trace an operator or the reaper can follow.
    await this.ledger.put({ owner, provider: this.provider.name, requestedAt, instanceId: '', endpoint: '' });
    const instance = await this.provider.start(owner);
    await this.ledger.put({ owner, provider: this.provider.name, requestedAt, ...instance });
    return { provider: this.provider.name, ...instance };
  }

  async stop(owner: string, reason?: string): Promise<GpuBill> {
    const entry = await this.ledger.get(owner);
    if (!entry || entry.stoppedAt) return this.bill(entry);
    return this.bill(await this.stopEntry(entry, reason));
  }

  async stopEntry(entry: LedgerEntry, reason?: string): Promise<LedgerEntry> {
    if (entry.instanceId) await this.provider.stop(entry);
    const stopped: LedgerEntry = {
      ...entry,
      stoppedAt: this.now().toISOString(),
      ...(reason && { stopReason: reason }),
    };
    await this.ledger.put(stopped);
    return stopped;
  }

  bill(entry: LedgerEntry | undefined): GpuBill {
    const seconds =
      entry?.stoppedAt && entry.instanceId
        ? Math.max(0, (Date.parse(entry.stoppedAt) - Date.parse(entry.requestedAt)) / 1000)
        : 0;
    return {
      provider: this.provider.name,
      instanceIds: entry?.instanceId ? [entry.instanceId] : [],
      billedSeconds: Math.round(seconds * 10) / 10,
      estimatedCost: Math.round(((seconds * this.pricing.hourlyPrice) / 3600) * 10_000) / 10_000,
      currency: this.pricing.currency,
    };
  }
}
