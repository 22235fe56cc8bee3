import type { Config } from '../config/config';
import type { Store } from '../store/store';
import { billFor, secondsBetween, type GpuBill, type Pricing } from './billing';
import { InstanceLedger, type LedgerEntry } from './ledger';
import type { GpuHandle, GpuProvider, StartPlace } from './providers/provider';

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

  /**
   * `where`: a fleet's instance, started at its place and clear of the instances its fleet runs and of every other
   * instance the ledger has running (another pool's, one left over).
   */
  async start(owner: string, where?: StartPlace): Promise<GpuHandle> {
    const existing = await this.ledger.get(owner);
    const unfinished = existing && !existing.stoppedAt ? existing : undefined;
    if (unfinished?.instanceId && unfinished.endpoint) {
      const { state } = await this.provider.describe(unfinished);
      if (state === 'running' || state === 'starting') {
        return { provider: unfinished.provider, instanceId: unfinished.instanceId, endpoint: unfinished.endpoint };
      }
    }
    // Billing starts at the first request, also when a retry finishes a start that failed half-way.
    const requestedAt = unfinished?.requestedAt ?? this.now().toISOString();
    const entry = { owner, provider: this.provider.name, requestedAt, instanceId: '', endpoint: '' };
    // Recorded before the request, and again with the instance before the cloud is asked: a start that fails
    // half-way (an instance left pending) is still found and stopped.
    await this.ledger.put({ ...entry, instanceId: unfinished?.instanceId ?? '' });
    const place = where && {
      place: where.place,
      avoid: [
        ...where.avoid,
        ...(await this.ledger.live()).filter((e) => e.owner !== owner && e.provider === this.provider.name),
      ],
    };
    const instance = await this.provider.start(owner, (instanceId) => this.ledger.put({ ...entry, instanceId }), place);
    await this.ledger.put({ ...entry, ...instance });
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

  /** Stops every instance a pool started that the ledger has running (keyed "<poolId>/<poolRunId>/<generation>"). */
  async stopPoolInstances(poolId: string, reason: string): Promise<void> {
    for (const entry of await this.ledger.all())
      if (!entry.stoppedAt && entry.owner.startsWith(`${poolId}/`)) await this.stopEntry(entry, reason);
  }

  bill(entry: LedgerEntry | undefined): GpuBill {
    const seconds = entry?.stoppedAt && entry.instanceId ? secondsBetween(entry.requestedAt, entry.stoppedAt) : 0;
    const bill = billFor(this.provider.name, entry?.instanceId ? [entry.instanceId] : [], seconds, this.pricing);
    return entry ? { ...bill, owner: entry.owner } : bill;
  }
}

export function createFleet(config: Config, provider: GpuProvider, store: Store, now?: () => Date): GpuFleet {
  return new GpuFleet(provider, new InstanceLedger(store), pricingOf(config), now);
}

export function pricingOf(config: Config): Pricing {
  return { hourlyPrice: config.gpu.hourlyPrice, currency: config.gpu.priceCurrency };
}
