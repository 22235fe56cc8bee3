interface Shared<T> {
  result: Promise<T>;
  /** Set once the read is done: when the kept result goes. */
  expiry?: NodeJS.Timeout;
  /** The signals of the runs waiting for it (undefined: a run that cannot be cancelled). */
  waiting: (AbortSignal | undefined)[];
  abort: AbortController;
}

/**
 * Runs that read the same source for the same report at the same time share one read: a morning's reports start
 * together, and each re-reading the export costs a parse per run, with the GPU billing meanwhile. A morning of a
 * thousand reports does not start them all at once (a worker executes so many activities at a time), so a finished
 * read is kept for `keepMs` after the last run that took it: the morning's later runs take it too, and once runs stop
 * coming it goes, so a re-run later reads the source again. A failed read is not kept. A read is aborted only once
 * every run waiting for it is (a cancelled run does not take the others' data).
 */
export class SharedReads<T> {
  private readonly inFlight = new Map<string, Shared<T>>();

  constructor(private readonly options: { keepMs?: number } = {}) {}

  /** `read`'s result for `key`: the read in flight for it (or kept), or a new one. */
  read(key: string, read: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    let shared = this.inFlight.get(key);
    if (!shared) {
      const abort = new AbortController();
      const entry: Shared<T> = {
        result: read(abort.signal).then(
          (value) => {
            this.keep(key, entry);
            return value;
          },
          (err: unknown) => {
            this.inFlight.delete(key);
            throw err;
          },
        ),
        waiting: [],
        abort,
      };
      shared = entry;
      this.inFlight.set(key, shared);
    } else if (shared.expiry) {
      this.keep(key, shared);
    }
    const entry = shared;
    entry.waiting.push(signal);
    signal?.addEventListener(
      'abort',
      () => {
        if (entry.waiting.every((s) => s?.aborted)) entry.abort.abort();
      },
      { once: true },
    );
    return entry.result;
  }

  /** Keeps a finished read for keepMs from now (0: not at all). */
  private keep(key: string, entry: Shared<T>): void {
    clearTimeout(entry.expiry);
    const keepMs = this.options.keepMs ?? 0;
    if (keepMs <= 0) {
      this.inFlight.delete(key);
      return;
    }
    entry.expiry = setTimeout(() => {
      if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
    }, keepMs);
    // A kept read does not hold the process up.
    entry.expiry.unref();
  }
}
