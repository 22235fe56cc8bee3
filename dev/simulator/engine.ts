/**
 * How long a completion takes on a batching engine, as vLLM schedules it: up to `maxNumSeqs` sequences decode
 * together (`--max-num-seqs`), each at most `tokensPerSecond`, all of them together at most
 * `aggregateTokensPerSecond` (what the GPU's memory bandwidth gives a 7B model); a request beyond `maxNumSeqs` waits,
 * first come first served, until one finishes. So ten requests at once take about as long as one when the GPU has
 * room for them, which is what makes one GPU window for a morning of reports worth having.
 *
 * Before it decodes, an admitted sequence's prompt is prefilled: compute-bound, one sequence at a time at
 * `prefillTokensPerSecond`, while decoding waits (a prefill step holds the GPU). So the GPU's busy time is the prompt
 * tokens not in the prefix cache ÷ the prefill rate plus the completion tokens ÷ the decode rate.
 */
export interface BatchingOptions {
  /** One sequence's decode speed; 0 = instant. */
  tokensPerSecond: number;
  /** All running sequences together; 0 = no cap beyond each sequence's own speed. */
  aggregateTokensPerSecond: number;
  /** Sequences decoded at once; 0 = no limit. */
  maxNumSeqs: number;
  /** Prompt tokens prefilled a second (the GPU's compute for them); 0 = instant. */
  prefillTokensPerSecond?: number;
}

interface Sequence {
  /** Prompt tokens still to prefill before it decodes. */
  prefill: number;
  remaining: number;
  done: () => void;
}

/** A request whose client went away: vLLM aborts it and frees its place in the batch. */
export class Aborted extends Error {}

/** What the engine is doing now, and the most it has done at once: vLLM's gauges, and a high-water mark. */
export interface EngineStats {
  running: number;
  waiting: number;
  maxRunning: number;
  maxWaiting: number;
  /** Requests finished, and the tokens they generated. */
  finished: number;
  generatedTokens: number;
  /** Prompt tokens prefilled (those the prefix cache did not hold). */
  prefilledTokens: number;
}

export class BatchingEngine {
  private readonly running: Sequence[] = [];
  private readonly waiting: Sequence[] = [];
  private lastAdvance = performance.now();
  private timer?: NodeJS.Timeout;
  private readonly high = { running: 0, waiting: 0 };
  private finished = 0;
  private generated = 0;
  private prefilled = 0;

  constructor(private readonly options: BatchingOptions) {}

  /**
   * Resolves when `prefillTokens` prompt tokens have been prefilled and `tokens` completion tokens decoded for this
   * request; rejects with `Aborted` when `signal` aborts first (the client closed the connection), the sequence
   * leaving the batch as vLLM's does.
   */
  generate(tokens: number, signal?: AbortSignal, prefillTokens = 0): Promise<void> {
    const prefill = (this.options.prefillTokensPerSecond ?? 0) > 0 ? Math.max(0, prefillTokens) : 0;
    const decode = this.options.tokensPerSecond > 0 ? Math.max(0, tokens) : 0;
    this.generated += Math.max(0, tokens);
    this.prefilled += Math.max(0, prefillTokens);
    if (prefill <= 0 && decode <= 0) {
      this.finished++;
      return Promise.resolve();
    }
    return new Promise<void>((done, fail) => {
      this.advance();
      const sequence: Sequence = { prefill, remaining: decode, done };
      this.waiting.push(sequence);
      signal?.addEventListener('abort', () => {
        this.advance();
        for (const queue of [this.running, this.waiting]) {
          const at = queue.indexOf(sequence);
          if (at >= 0) queue.splice(at, 1);
        }
        this.admitAndSchedule();
        fail(new Aborted('the client closed the connection'));
      });
      this.admitAndSchedule();
    });
  }

  stats(): EngineStats {
    return {
      running: this.running.length,
      waiting: this.waiting.length,
      maxRunning: this.high.running,
      maxWaiting: this.high.waiting,
      finished: this.finished,
      generatedTokens: this.generated,
      prefilledTokens: this.prefilled,
    };
  }

  /** The admitted sequence whose prompt the GPU is prefilling now, if any: the first admitted with prompt left. */
  private prefilling(): Sequence | undefined {
    return this.running.find((s) => s.prefill > 1e-6);
  }

  /** Each decoding sequence's speed now: its own, or its share of the aggregate, whichever is lower. */
  private rate(): number {
    const { tokensPerSecond, aggregateTokensPerSecond } = this.options;
    const n = this.running.length;
    if (n === 0) return tokensPerSecond;
    return aggregateTokensPerSecond > 0 ? Math.min(tokensPerSecond, aggregateTokensPerSecond / n) : tokensPerSecond;
  }

  /**
   * Brings the work up to now, event by event: a prefill that ends part-way hands the rest of the time to the next
   * prefill or to decoding, and a sequence that finishes makes room (and leaves its share of the rate) for the others.
   * So a timer that fires late (a busy event loop) loses none of the GPU's time: it only tells of the work late.
   */
  private advance(): void {
    const now = performance.now();
    let seconds = (now - this.lastAdvance) / 1000;
    this.lastAdvance = now;
    while (seconds > 1e-9) {
      this.retireAndAdmit();
      if (this.running.length === 0) return;
      const prefilling = this.prefilling();
      if (prefilling) {
        const rate = this.options.prefillTokensPerSecond ?? 0;
        const used = Math.min(seconds, prefilling.prefill / rate);
        prefilling.prefill = used * rate >= prefilling.prefill - 1e-6 ? 0 : prefilling.prefill - used * rate;
        seconds -= used;
        continue;
      }
      const rate = this.rate();
      const used = Math.min(seconds, Math.min(...this.running.map((s) => s.remaining)) / rate);
      for (const s of this.running) s.remaining -= used * rate;
      seconds -= used;
    }
  }

  /** Finished sequences leave and waiting ones take their places, first come first served. */
  private retireAndAdmit(): void {
    // A small epsilon: a sequence's last step leaves a hair of floating point.
    for (let i = this.running.length - 1; i >= 0; i--) {
      const s = this.running[i]!;
      if (s.remaining <= 1e-6 && s.prefill <= 1e-6) {
        this.running.splice(i, 1);
        this.finished++;
        s.done();
      }
    }
    const limit = this.options.maxNumSeqs > 0 ? this.options.maxNumSeqs : Infinity;
    while (this.running.length < limit && this.waiting.length > 0) this.running.push(this.waiting.shift()!);
    this.high.running = Math.max(this.high.running, this.running.length);
    this.high.waiting = Math.max(this.high.waiting, this.waiting.length);
  }

  private admitAndSchedule(): void {
    this.retireAndAdmit();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running.length === 0) return;
    const prefilling = this.prefilling();
    const seconds = prefilling
      ? prefilling.prefill / (this.options.prefillTokensPerSecond ?? 1)
      : Math.min(...this.running.map((s) => s.remaining)) / this.rate();
    this.timer = setTimeout(
      () => {
        this.advance();
        this.admitAndSchedule();
      },
      Math.max(0, seconds * 1000),
    );
  }
}
