import { JsonRecords, readJsonRecords } from '../store/json-records';
import type { Store } from '../store/store';
import { leaseShareSeconds } from './billing';

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
 * files at once: the worker ran out of file descriptors.) In a day's folder an open lease is a marker whose name says
 * when it began and whose it is (open/<ms>~<holder>.json: listed, never read), and a closed one a record that never
 * changes again (closed/<holder>.json: read once per worker, then kept). A thousand releases in a morning then list
 * the folder each and read only what closed since, instead of every record each (a million reads). A lease longer
 * than a day is not shared with one begun two days before it; leases filed before the day index are found by holder
 * only, and those filed straight in a day's folder are read as before.
 */
export class LeaseBook {
  private readonly byHolder: JsonRecords<LeaseRecord>;
  /** Closed records this worker has read, by store key: they do not change. */
  private readonly closed = new Map<string, LeaseRecord>();

  constructor(private readonly store: Store) {
    this.byHolder = leaseRecords(store);
  }

  get(holder: string): Promise<LeaseRecord | undefined> {
    return this.byHolder.get(holder);
  }

  async put(record: LeaseRecord): Promise<void> {
    const day = dayFolder(record.poolId, record.acquiredAt.slice(0, 10));
    const name = encodeURIComponent(record.holder);
    await Promise.all([
      this.byHolder.put(record.holder, record),
      record.releasedAt === undefined
        ? this.store.put(`${day}open/${Date.parse(record.acquiredAt)}~${name}.json`, '{}')
        : this.store.put(`${day}closed/${name}.json`, JSON.stringify(record, null, 2)),
    ]);
  }

  /**
   * Closes a holder's lease as of `at` (unless it was released before) with its share of the time, time held together
   * with the pool's other leases split among them. Once: a second close returns the first.
   */
  async close(poolId: string, holder: string, at: Date, endedBy?: string): Promise<LeaseRecord | undefined> {
    const record = await this.get(holder);
    if (!record || record.shareSeconds !== undefined) return record;
    const releasedAt = record.releasedAt ?? at.toISOString();
    const others = (await this.mayOverlap(poolId, record.acquiredAt, releasedAt))
      .filter((l) => l.poolId === poolId && l.holder !== holder)
      .map((l) => ({ from: Date.parse(l.acquiredAt), ...(l.releasedAt && { to: Date.parse(l.releasedAt) }) }));
    const shareSeconds = leaseShareSeconds({ from: Date.parse(record.acquiredAt), to: Date.parse(releasedAt) }, others);
    const closed = { ...record, releasedAt, shareSeconds, ...(endedBy && { endedBy }) };
    await this.put(closed);
    return closed;
  }

  /** The pool's leases begun from the day before `fromIso` to the day of `toIso`: all that can overlap them. */
  async mayOverlap(poolId: string, fromIso: string, toIso: string): Promise<LeaseRecord[]> {
    const DAY_MS = 86_400_000;
    const days: string[] = [];
    for (let t = Date.parse(fromIso.slice(0, 10)) - DAY_MS; t <= Date.parse(toIso.slice(0, 10)); t += DAY_MS)
      days.push(new Date(t).toISOString().slice(0, 10));
    return (await Promise.all(days.map((day) => this.onDay(poolId, day)))).flat();
  }

  private async onDay(poolId: string, day: string): Promise<LeaseRecord[]> {
    const folder = dayFolder(poolId, day);
    const keys = (await this.store.list(folder)).filter((k) => k.endsWith('.json'));
    const byHolder = new Map<string, LeaseRecord>();
    const toRead: string[] = [];
    for (const key of keys) {
      const rest = key.slice(folder.length);
      if (rest.startsWith('open/')) {
        const [ms, name] = rest.slice('open/'.length, -'.json'.length).split('~') as [string, string];
        const holder = decodeURIComponent(name);
        if (!byHolder.has(holder))
          byHolder.set(holder, { poolId, holder, acquiredAt: new Date(Number(ms)).toISOString() });
      } else if (this.closed.has(key)) {
        const record = this.closed.get(key)!;
        byHolder.set(record.holder, record);
      } else toRead.push(key);
    }
    for (const [key, record] of await readJsonRecords<LeaseRecord>(this.store, toRead)) {
      // A closed record (or one filed before open and closed were told apart, once closed) does not change.
      if (record.releasedAt !== undefined && record.shareSeconds !== undefined) this.closed.set(key, record);
      const known = byHolder.get(record.holder);
      if (!known || known.releasedAt === undefined) byHolder.set(record.holder, record);
    }
    return [...byHolder.values()];
  }
}

function dayFolder(poolId: string, day: string): string {
  return `gpu/lease-days/${encodeURIComponent(poolId)}/${day}/`;
}
