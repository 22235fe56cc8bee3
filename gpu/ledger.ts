import { JsonRecords } from '../store/json-records';
import type { Store } from '../store/store';
import type { GpuInstance } from './providers/provider';

/** One instance the product started, kept in the store so a restarted worker, on any host, can stop and bill it. */
export interface LedgerEntry extends GpuInstance {
  provider: string;
  /**
   * The instance key (gpu/holders.ts): "<poolId>/<poolRunId>/<generation>". Stored as `owner` since the first
   * ledgers; entries written before the pool was the only path hold a run's own key, "<workflowId>/<runId>".
   */
  owner: string;
  /** When the start was requested: billing starts here. */
  requestedAt: string;
  /** When the stop was confirmed: billing ends here. */
  stoppedAt?: string;
  /** Set when someone other than the holder stopped it (the reaper), and why. */
  stopReason?: string;
}

/**
 * A durable record of managed instances, one JSON record per instance key under gpu/ledger/ in the store. Starting
 * consults it first (a retried start reuses the running instance instead of paying for a second one); stopping works
 * from it even when the start activity's result never reached the workflow.
 */
export class InstanceLedger {
  private readonly records: JsonRecords<LedgerEntry>;

  constructor(store: Store) {
    this.records = new JsonRecords(store, 'gpu/ledger/');
  }

  get(owner: string): Promise<LedgerEntry | undefined> {
    return this.records.get(owner);
  }

  put(entry: LedgerEntry): Promise<void> {
    return this.records.put(entry.owner, entry);
  }

  /** Every instance it ever recorded. */
  all(): Promise<LedgerEntry[]> {
    return this.records.all();
  }

  /** Every instance not confirmed stopped: what a reaper or an operator looks at. */
  async live(): Promise<LedgerEntry[]> {
    return (await this.all()).filter((e) => !e.stoppedAt);
  }
}
