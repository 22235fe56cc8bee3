/**
 * How many GPU instances a morning needs to meet its deadline, at the least cost: a pure function of the morning's
 * work, the instance type, and the deadline. The pool's plan and the discrete-event model of a morning
 * (bench/fleet-model.ts) are both this code.
 */

/** An instance type's serving figures for the model, as measured or derived (see L4). */
export interface InstanceProfile {
  name: string;
  /** From the start request until the model server answers. */
  bootSeconds: number;
  /** Completion tokens a second, all sequences together (memory-bandwidth bound). */
  decodeTokensPerSecond: number;
  /** Prompt tokens a second (compute bound); the cached prefix costs nothing. */
  prefillTokensPerSecond: number;
  hourlyPrice: number;
}

/**
 * An L4 serving Qwen2.5-7B-Instruct in FP16 with vLLM. Decode: about 800 tok/s in aggregate at 64 sequences (the
 * benchmark's figure, docs/benchmark.md). Prefill: 121 dense FP16 TFLOPS at half of peak, over 2 × 7.6 B = 15.2 GFLOP a
 * token, is 121e12 × 0.5 ÷ 15.2e9 ≈ 3,980 tokens a second: 4,000. Boot: 60 s (instance, image, weights from a cache).
 */
export const L4: InstanceProfile = {
  name: 'g6.xlarge (L4)',
  bootSeconds: 60,
  decodeTokensPerSecond: 800,
  prefillTokensPerSecond: 4000,
  hourlyPrice: 0.8048,
};

/** What one report asks of the GPU and of a worker host, on average (the last mornings' audit, or the defaults). */
export interface ReportWork {
  promptTokens: number;
  /** Of those, the prefix the server's cache holds (the fixed system prompt): free. */
  cachedPromptTokens: number;
  completionTokens: number;
  /** Worker and render CPU a report takes (load share, plan, check, render, send), in core-seconds. */
  workerCoreSeconds: number;
}

/**
 * A weekly report by Qwen2.5's tokenizer: about 6,400 prompt tokens, 520 of them the fixed system prompt (cached
 * after the first), about 400 completion tokens; 0.53 core-s of worker and render CPU (docs/benchmark.md).
 */
export const WEEKLY_REPORT: ReportWork = {
  promptTokens: 6400,
  cachedPromptTokens: 512,
  completionTokens: 400,
  workerCoreSeconds: 0.53,
};

export interface FleetLimits {
  /** gpu.pool.maxInstances */
  maxInstances: number;
  /** Cores of one worker host, and the share of them the reports may use. */
  workerCoresPerHost: number;
  workerUtilization: number;
}

export interface FleetPlan {
  reports: number;
  instances: number;
  workerHosts: number;
  /** GPU-seconds of work: uncached prompt tokens ÷ prefill rate + completion tokens ÷ decode rate, for every report. */
  gpuWorkSeconds: number;
  /** When the last report is written, from the start: boot + the work spread over the instances. */
  finishSeconds: number;
  /** The least bill of the plan: each instance billed from its start request to the end of its share. */
  floorBilledSeconds: number;
  floorCost: number;
  /** Whether the plan meets the deadline; when not, the earliest deadline `maxInstances` instances can meet. */
  meetsDeadline: boolean;
  earliestDeadlineSeconds: number;
  /** How the count was derived, in words a person checks by hand. */
  derivation: string;
}

/** GPU-seconds one report takes: its uncached prompt at the prefill rate, its completion at the decode rate. */
export function gpuSecondsPerReport(work: ReportWork, profile: InstanceProfile): number {
  const uncached = Math.max(0, work.promptTokens - work.cachedPromptTokens);
  return uncached / profile.prefillTokensPerSecond + work.completionTokens / profile.decodeTokensPerSecond;
}

/**
 * The fewest instances that finish `reports` by `deadlineSeconds` (from the morning's start), all started at once: the
 * smallest N with boot + work ÷ N ≤ deadline. Without a deadline, one instance (the cheapest: every extra instance
 * pays its boot). Never more than `maxInstances`; when even that misses the deadline, that many, and the earliest
 * deadline they meet is said.
 */
export function planFleet(
  reports: number,
  work: ReportWork,
  profile: InstanceProfile,
  deadlineSeconds: number | undefined,
  limits: FleetLimits,
): FleetPlan {
  const perReport = gpuSecondsPerReport(work, profile);
  const gpuWorkSeconds = reports * perReport;
  const window = deadlineSeconds === undefined ? Infinity : deadlineSeconds - profile.bootSeconds;
  const needed = window === Infinity ? 1 : window <= 0 ? Infinity : Math.ceil(gpuWorkSeconds / window);
  const instances = Math.max(1, Math.min(limits.maxInstances, needed));
  const finishSeconds = profile.bootSeconds + gpuWorkSeconds / instances;
  const earliestDeadlineSeconds = profile.bootSeconds + gpuWorkSeconds / limits.maxInstances;
  const meetsDeadline = deadlineSeconds === undefined || finishSeconds <= deadlineSeconds + 1e-9;
  const floorBilledSeconds = instances * profile.bootSeconds + gpuWorkSeconds;
  // Worker CPU runs beside the GPU: the hosts must get through every report's core-seconds by the deadline.
  const cpuWindow = deadlineSeconds ?? finishSeconds;
  const workerHosts = Math.max(
    1,
    Math.ceil((reports * work.workerCoreSeconds) / (cpuWindow * limits.workerCoresPerHost * limits.workerUtilization)),
  );
  const uncached = Math.max(0, work.promptTokens - work.cachedPromptTokens);
  const derivation = [
    `${reports} reports × (${uncached} uncached prompt tokens ÷ ${profile.prefillTokensPerSecond} + ${work.completionTokens} completion tokens ÷ ${profile.decodeTokensPerSecond}) = ${round(gpuWorkSeconds)} GPU-s`,
    deadlineSeconds === undefined
      ? 'no deadline: 1 instance'
      : `deadline ${deadlineSeconds} s − boot ${profile.bootSeconds} s = ${round(window)} s: ⌈${round(gpuWorkSeconds)} ÷ ${round(window)}⌉ = ${needed === Infinity ? '∞' : needed}${needed > limits.maxInstances ? `, capped at ${limits.maxInstances}` : ''} instance(s)`,
  ].join('; ');
  return {
    reports,
    instances,
    workerHosts,
    gpuWorkSeconds,
    finishSeconds,
    floorBilledSeconds,
    floorCost: (floorBilledSeconds / 3600) * profile.hourlyPrice,
    meetsDeadline,
    earliestDeadlineSeconds,
    derivation,
  };
}

const round = (x: number) => Math.round(x * 10) / 10;
