/**
 * What must outlive a worker and be seen by every worker host: run archives, sent-records, the GPU ledger and
 * leases. Keys are "/"-separated paths such as "archive/2026-11-20/<workflowId>/<runId>/report.html".
 */
export interface Store {
  /** Where a key is, for people: a file path, or s3://bucket/key. */
  locate(key: string): string;
  put(key: string, body: string | Buffer): Promise<void>;
  /**
   * Creates the object only where none exists: false when one does (another host got there first). This is how two
   * hosts cannot both claim the same thing.
   */
  create(key: string, body: string | Buffer): Promise<boolean>;
  get(key: string): Promise<Buffer | undefined>;
  /** Every key under a prefix, in no particular order. */
  list(prefix: string): Promise<string[]>;
}

/** A key segment from an id typed by a person (a workflow id): no path tricks, nothing a file system dislikes. */
export function safeSegment(id: string): string {
  return id.replace(/[^\w.-]/g, '_').replace(/^\.+/, '_');
}
