import { describe, expect, it } from 'vitest';
import { withHarness, type Harness } from '../helpers/harness';

/** The simulator's high-water mark of requests waiting for a place in the batch, or undefined when it is down. */
async function maxWaiting(h: Harness): Promise<number | undefined> {
  const text = await fetch(`http://127.0.0.1:${h.config.gpu.localProcess.port}/metrics`)
    .then((r) => r.text())
    .catch(() => undefined);
  const value = text && /^vllm_simulator:max_num_requests_waiting\{[^}]*\} (\d+)$/m.exec(text)?.[1];
  return value ? Number(value) : undefined;
}

/**
 * A model slower than llm.requestTimeoutSeconds, on a server that decodes one sequence at a time: the timed-out
 * request is abandoned for real (its connection closed, so the server drops it), and the retry is served at once
 * instead of queueing behind an answer nobody will read.
 */
describe('a model that times out', () => {
  it('is abandoned for real: the retry never waits behind the abandoned answer', () =>
    withHarness(
      {
        // About 25 s an answer at 20 tokens/s, one sequence at a time; the client gives up after 1.5 s.
        simArgs: ['--tokens-per-second', '20', '--max-num-seqs', '1'],
        config: { llm: { requestTimeoutSeconds: 1.5 }, timeouts: { retryMaximumAttempts: 3 } },
      },
      async (h) => {
        const handle = await h.start();
        let done = false;
        let waited = 0;
        let seen = false;
        const result = h.withWorker(handle.result()).finally(() => (done = true));
        while (!done) {
          const w = await maxWaiting(h);
          if (w !== undefined) [waited, seen] = [Math.max(waited, w), true];
          await new Promise((r) => setTimeout(r, 100));
        }
        const r = await result;
        expect(seen).toBe(true);
        expect(r.outcome).toBe('sent-numbers-only');
        expect(r.llm?.narrativeWithheld?.cause).toBe('model-unreachable');
        expect(r.llm?.narrativeWithheld?.reason).toMatch(/3 call\(s\) to the model/);
        // Three calls, one at a time on a one-sequence server, and none ever waited for a place.
        expect(waited).toBe(0);
      },
    ));
});
