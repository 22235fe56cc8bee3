interface Shared<T> {
  result: Promise<T>;
  /** The signals of the runs waiting for it (undefined: a run that cannot be cancelled). */
  waiting: (AbortSignal | undefined)[];
  abort: AbortController;
}

/**
 * Runs that read the same source for the same report at the same time share one read: a morning's reports start
 * together, and each re-reading the export costs a parse per run, with the GPU billing meanwhile. Only reads in flight
 * are shared, nothing is cached: a run started after a read finished reads again, so a re-exported file is never
 * missed. A read is aborted only once every run waiting for it is (a cancelled run does not take the others' data).
 */
export class SharedReads<T> {
  private readonly inFlight = new Map<string, Shared<T>>();

  /** `read`'s result for `key`: the read in flight for it, or a new one. */
  read(key: string, read: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    let shared = this.inFlight.get(key);
    if (!shared) {
      const abort = new AbortController();
      shared = { result: read(abort.signal).finally(() => this.inFlight.delete(key)), waiting: [], abort };
      this.inFlight.set(key, shared);
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
}
