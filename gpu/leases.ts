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

/**
 * The leases, each kept twice: by its holder (what a run's audit and the cost report look up) and under its pool and
 * the day it began (UTC), so giving a lease back reads the leases that can overlap it, the ones begun that day or the
 * day before, not every lease there ever was. (Reading them all made each of a thousand releases read a thousand
 * files at once: the worker ran out of file descriptors.) A lease longer than a day is not shared with one begun two
 * days before it; leases filed before the day index began are found by holder only.
 */
export class LeaseBook {
  private readonly byHolder: JsonRecords<LeaseRecord>;

  constructor(private readonly store: Store) {
    this.byHolder = leaseRecords(store);
  }

  get(holder: string): Promise<LeaseRecord | undefined> {
    return this.byHolder.get(holder);
  }

  async put(record: LeaseRecord): Promise<void> {
    await Promise.all([
      this.byHolder.put(record.holder, record),
      this.onDay(record.poolId, record.acquiredAt.slice(0, 10)).put(record.holder, record),
    ]);
  }

  /** The pool's leases begun from the day before `fromIso` to the day of `toIso`: all that can overlap them. */
  async mayOverlap(poolId: string, fromIso: string, toIso: string): Promise<LeaseRecord[]> {
    const DAY_MS = 86_400_000;
    const days: string[] = [];
    for (let t = Date.parse(fromIso.slice(0, 10)) - DAY_MS; t <= Date.parse(toIso.slice(0, 10)); t += DAY_MS)
      days.push(new Date(t).toISOString().slice(0, 10));
    return (await Promise.all(days.map((day) => this.onDay(poolId, day).all()))).flat();
  }

  private onDay(poolId: string, day: string): JsonRecords<LeaseRecord> {
    return new JsonRecords<LeaseRecord>(this.store, `gpu/lease-days/${encodeURIComponent(poolId)}/${day}/`);
  }
}
