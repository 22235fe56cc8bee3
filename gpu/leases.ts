import { JsonRecords } from '../store/json-records';
import type { Store } from '../store/store';

/** One run's lease on a pool's GPU, kept in the store: its share of the bill and the cost report come from these. */
export interface LeaseRecord {
  poolId: string;
  /** The run's holder key ("<workflowId>/<runId>"). */
  holder: string;
  acquiredAt: string;
  releasedAt?: string;
  /** Its share of the GPU's time: the lease, with time held together with others split among them. */
  shareSeconds?: number;
  /** Set when the pool gave the lease up for a run that ended without releasing it. */
  endedBy?: string;
}

/** Leases, one record per holder key under gpu/leases/ in the store. */
export function leaseRecords(store: Store): JsonRecords<LeaseRecord> {
  return new JsonRecords<LeaseRecord>(store, 'gpu/leases/');
}
