import { describe, expect, it } from 'vitest';
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
