import type { Config } from '../config/config';
import type { Store } from '../store/store';
import type { GpuBill, GpuHandle } from '../temporal/contracts';
import { billFor, secondsBetween, type Pricing } from './billing';
import { InstanceLedger, type LedgerEntry } from './ledger';
import type { GpuProvider } from './providers/provider';

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
    const seconds = entry?.stoppedAt && entry.instanceId ? secondsBetween(entry.requestedAt, entry.stoppedAt) : 0;
    return billFor(this.provider.name, entry?.instanceId ? [entry.instanceId] : [], seconds, this.pricing);
  }
}

export function createFleet(config: Config, provider: GpuProvider, store: Store, now?: () => Date): GpuFleet {
  return new GpuFleet(provider, new InstanceLedger(store), pricingOf(config), now);
}

export function pricingOf(config: Config): Pricing {
  return { hourlyPrice: config.gpu.hourlyPrice, currency: config.gpu.priceCurrency };
}
