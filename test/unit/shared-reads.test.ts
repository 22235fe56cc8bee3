import { describe, expect, it, vi } from 'vitest';
import { SharedReads } from '../../sales/shared-reads';

/** A read that resolves when told to, counting how often it was started and whether it was aborted. */
function controlledRead() {
  const state = { started: 0, aborted: false, finish: (_: string) => {} };
  const read = (signal: AbortSignal) => {
    state.started++;
    signal.addEventListener('abort', () => (state.aborted = true));
    return new Promise<string>((resolve) => (state.finish = resolve));
  };
  return { state, read };
}

describe('shared reads of one source', () => {
  it('runs reading the same key at once share one read; a later run reads again; another key reads apart', async () => {
    const reads = new SharedReads<string>();
    const { state, read } = controlledRead();
    const a = reads.read('2026-11-20', read);
    const b = reads.read('2026-11-20', read);
    expect(state.started).toBe(1);
    state.finish('metrics');
    expect(await Promise.all([a, b])).toEqual(['metrics', 'metrics']);
    // Not a cache: once the read is over, the next run reads the source again (a re-exported file is seen).
    const c = reads.read('2026-11-20', read);
    expect(state.started).toBe(2);
    state.finish('fresh');
    expect(await c).toBe('fresh');
    const other = controlledRead();
    const d = reads.read('2026-11-21', other.read);
    expect(other.state.started).toBe(1);
    other.state.finish('other day');
    expect(await d).toBe('other day');
  });

  it('aborts a shared read only when every run waiting for it is cancelled', async () => {
    const reads = new SharedReads<string>();
    const { state, read } = controlledRead();
    const [first, second] = [new AbortController(), new AbortController()];
    const a = reads.read('k', read, first.signal);
    const b = reads.read('k', read, second.signal);
    first.abort();
    expect(state.aborted).toBe(false); // the second run still wants it
    second.abort();
    expect(state.aborted).toBe(true);
    state.finish('late');
    expect(await Promise.all([a, b])).toEqual(['late', 'late']);
    // A run that cannot be cancelled keeps the read alive.
    const again = controlledRead();
    const c = new AbortController();
    void reads.read('j', again.read, c.signal);
    void reads.read('j', again.read);
    c.abort();
    expect(again.state.aborted).toBe(false);
    again.state.finish('x');
  });
});

describe('a finished read kept for a morning', () => {
  it('is taken by runs that come within keepMs of the last, read again once they stop, and never kept when it failed', async () => {
    vi.useFakeTimers();
    try {
      const reads = new SharedReads<string>({ keepMs: 1000 });
      const { state, read } = controlledRead();
      const first = reads.read('k', read);
      state.finish('morning');
      expect(await first).toBe('morning');
      // Later runs of the morning, each within a second of the last: the same read.
      for (let i = 0; i < 3; i++) {
        await vi.advanceTimersByTimeAsync(900);
        expect(await reads.read('k', read)).toBe('morning');
      }
      expect(state.started).toBe(1);
      // Runs stopped coming: the next one reads the source again.
      await vi.advanceTimersByTimeAsync(1001);
      const later = reads.read('k', read);
      expect(state.started).toBe(2);
      state.finish('re-run');
      expect(await later).toBe('re-run');
      // A failed read is not kept: the next run tries again.
      let failures = 0;
      const failing = () => Promise.reject(new Error(`export unreadable ${++failures}`));
      await expect(reads.read('bad', failing)).rejects.toThrow('export unreadable 1');
      await expect(reads.read('bad', failing)).rejects.toThrow('export unreadable 2');
    } finally {
      vi.useRealTimers();
    }
  });
});
