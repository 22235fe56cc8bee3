import { afterEach, describe, expect, it, vi } from 'vitest';
import { BatchingEngine } from '../../dev/simulator/engine';

/** Engine time, not wall time: the clock and timers are the test's, advanced until every request is done. */
async function secondsToFinish(
  engine: BatchingEngine,
  requests: number,
  tokens: number,
  promptTokens = 0,
): Promise<number> {
  const start = performance.now();
  let done = 0;
  let last = start;
  for (let i = 0; i < requests; i++)
    void engine.generate(tokens, undefined, promptTokens).then(() => {
      done++;
      last = performance.now();
    });
  for (let step = 0; step < 20_000 && done < requests; step++) await vi.advanceTimersByTimeAsync(100);
  expect(done).toBe(requests);
  return (last - start) / 1000;
}

describe("the simulator's batching engine (vLLM's scheduling, on a fake clock)", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives one stream its own speed, shares the aggregate among many, and queues beyond --max-num-seqs', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const options = { tokensPerSecond: 40, aggregateTokensPerSecond: 800, maxNumSeqs: 64 };
    // One request of 400 tokens at 40 tok/s: 10 s.
    expect(await secondsToFinish(new BatchingEngine(options), 1, 400)).toBeCloseTo(10, 1);
    // 20 at once still each get 40 tok/s (20 × 40 = 800): 10 s, not 200.
    expect(await secondsToFinish(new BatchingEngine(options), 20, 400)).toBeCloseTo(10, 1);
    // 100: 64 decode at 12.5 tok/s each, 36 wait; the GPU stays at 800 tok/s throughout: 40,000 ÷ 800 = 50 s.
    const engine = new BatchingEngine(options);
    expect(await secondsToFinish(engine, 100, 400)).toBeCloseTo(50, 0);
    expect(engine.stats()).toMatchObject({ maxRunning: 64, maxWaiting: 36, finished: 100, generatedTokens: 40_000 });
    // Without batching (one sequence at a time) the same 100 take 100 × 10 s.
    const serial = new BatchingEngine({ ...options, maxNumSeqs: 1 });
    expect(await secondsToFinish(serial, 100, 400)).toBeCloseTo(1000, -1);
  });

  it('prefills each prompt before it decodes, holding the GPU: busy time is prompt ÷ prefill + completion ÷ decode', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const options = {
      tokensPerSecond: 40,
      aggregateTokensPerSecond: 800,
      maxNumSeqs: 64,
      prefillTokensPerSecond: 4000,
    };
    // One report: 6,000 prompt tokens at 4,000 tok/s (1.5 s), then 400 at 40 tok/s (10 s).
    expect(await secondsToFinish(new BatchingEngine(options), 1, 400, 6000)).toBeCloseTo(11.5, 1);
    // 100 at once: 100 × 1.5 s of prefill and 40,000 ÷ 800 = 50 s of decoding, added: the floor's two terms.
    const engine = new BatchingEngine(options);
    expect(await secondsToFinish(engine, 100, 400, 6000)).toBeCloseTo(200, 0);
    expect(engine.stats()).toMatchObject({ finished: 100, generatedTokens: 40_000, prefilledTokens: 600_000 });
    // A prefill rate of 0 is instant, as before.
    expect(
      await secondsToFinish(new BatchingEngine({ ...options, prefillTokensPerSecond: 0 }), 1, 400, 6000),
    ).toBeCloseTo(10, 1);
  });

  it('loses no GPU time to a timer that fires late: the time goes on to the next prefill and to decoding', async () => {
    // The engine's clock is the test's, its timers real: the clock jumps 5 s while the first timer (0.1 s) waits.
    vi.useFakeTimers({ toFake: ['performance'] });
    const engine = new BatchingEngine({
      tokensPerSecond: 100,
      aggregateTokensPerSecond: 1_000,
      maxNumSeqs: 4,
      prefillTokensPerSecond: 1_000,
    });
    let done = 0;
    // The work: 10 prompts of 100 tokens at 1,000 a second (1 s) and 10 answers of 50 tokens, 4 at a time at 100 a
    // second each (at most 3 × 0.5 s): under 2.5 s of the GPU's time, all of it inside the 5 s that pass.
    for (let i = 0; i < 10; i++) void engine.generate(50, undefined, 100).then(() => done++);
    vi.advanceTimersByTime(5_000);
    // One late timer brings all of it up to date. Before, the first prefill took the whole 5 s and each step after
    // waited its own timer: 2.5 s more of real time.
    await vi.waitFor(() => expect(done).toBe(10), { timeout: 1_000, interval: 20 });
    expect(engine.stats()).toMatchObject({ running: 0, waiting: 0, finished: 10, maxRunning: 4 });
  });
});
