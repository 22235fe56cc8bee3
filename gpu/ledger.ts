import { JsonFileStore } from '../store/json-file-store';
import type { GpuInstance } from './providers/provider';

/** One instance the product started, kept on disk so a restarted worker can still stop and bill it. */
export interface LedgerEntry extends GpuInstance {
  provider: string;
  /** The run that holds it: "<workflowId>/<runId>". */
  owner: string;
  /** When the start was requested: billing starts here. */
  requestedAt: string;
  /** When the stop was confirmed: billing ends here. */
  stoppedAt?: string;
  /** Set when someone other than the holder stopped it (the reaper), and why. */
  stopReason?: string;
}

/**
 * A durable record of managed instances, one JSON file per owner. Starting consults it first (a retried start reuses
 * the running instance instead of paying for a second one); stopping works from it even when the start activity's
 * result never reached the workflow.
 */
export class InstanceLedger {
  private readonly store: JsonFileStore<LedgerEntry>;

  constructor(dir: string) {
    this.store = new JsonFileStore(dir);
  }

  get(owner: string): Promise<LedgerEntry | undefined> {
    return this.store.get(owner);
  }

  put(entry: LedgerEntry): Promise<void> {
    return this.store.put(entry.owner, entry);
  }

  /** Every instance not confirmed stopped: what a reaper or an operator looks at. */
  async live(): Promise<LedgerEntry[]> {
    return (await this.store.all()).filter((e) => !e.stoppedAt);
  }
}
