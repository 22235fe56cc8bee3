import { createHash } from 'node:crypto';
import type { Store } from './store';

/**
 * Small JSON records under one prefix of the store (the GPU ledger, leases, sent-records), one object per key.
 */
/**
 * A store name for an id with characters no file system or URL likes (a Message-ID, a run key): the first `length`
 * hex digits of its sha256. The one naming of hashed records.
 */
export function hashedName(id: string, length = 40): string {
  return createHash('sha256').update(id).digest('hex').slice(0, length);
}

/** How many records `all` reads at once. */
const ALL_AT_ONCE = 32;

export class JsonRecords<T> {
  constructor(
    private readonly store: Store,
    private readonly prefix: string,
    private readonly nameOf: (id: string) => string = (id) => encodeURIComponent(id),
  ) {}

  async get(id: string): Promise<T | undefined> {
    const body = await this.store.get(this.keyOf(id));
    return body && (JSON.parse(body.toString('utf8')) as T);
  }

  put(id: string, value: T): Promise<void> {
    return this.store.put(this.keyOf(id), JSON.stringify(value, null, 2));
  }

  /** Writes the record only where none exists; false when one does. */
  create(id: string, value: T): Promise<boolean> {
    return this.store.create(this.keyOf(id), JSON.stringify(value, null, 2));
  }

  /** Every record under the prefix, read ALL_AT_ONCE at a time: thousands of records are thousands of files. */
  async all(): Promise<T[]> {
    const keys = (await this.store.list(this.prefix)).filter((k) => k.endsWith('.json'));
    return (await readJsonRecords<T>(this.store, keys)).map(([, record]) => record);
  }

  private keyOf(id: string): string {
    return `${this.prefix}${this.nameOf(id)}.json`;
  }
}

/** These keys' JSON records (those still there), each with its key, read ALL_AT_ONCE at a time. */
export async function readJsonRecords<T>(store: Store, keys: readonly string[]): Promise<[string, T][]> {
  const records: [string, T][] = [];
  for (let i = 0; i < keys.length; i += ALL_AT_ONCE) {
    const batch = keys.slice(i, i + ALL_AT_ONCE);
    const bodies = await Promise.all(batch.map((k) => store.get(k)));
    for (const [j, b] of bodies.entries())
      if (b !== undefined) records.push([batch[j]!, JSON.parse(b.toString('utf8')) as T]);
  }
  return records;
}
