import { describe, expect, it } from 'vitest';
import { modelMorning } from '../../bench/fleet-model';
import { gpuSecondsPerReport, L4, planFleet, WEEKLY_REPORT } from '../../gpu/fleet-plan';

const limits = { maxInstances: 10, workerCoresPerHost: 8, workerUtilization: 0.8 };

describe('the fleet planner: enough GPUs for the deadline, at the least cost', () => {
  it('counts prefill: a weekly report is 5,888 uncached prompt tokens ÷ 4,000 plus 400 completion tokens ÷ 800', () => {
    expect(gpuSecondsPerReport(WEEKLY_REPORT, L4)).toBeCloseTo(5888 / 4000 + 400 / 800, 6);
    // The cached system prompt is free: without the cache the same report costs 512 ÷ 4,000 s more.
    expect(gpuSecondsPerReport({ ...WEEKLY_REPORT, cachedPromptTokens: 0 }, L4)).toBeCloseTo(6400 / 4000 + 0.5, 6);
  });

  it('plans the fewest instances that meet the deadline, says how, and one without a deadline', () => {
    // 1,000 reports: 1,972 GPU-s. By 12 minutes: 720 − 60 s of boot leaves 660 s, ⌈1972 ÷ 660⌉ = 3.
    const plan = planFleet(1000, WEEKLY_REPORT, L4, 720, limits);
    expect(plan.instances).toBe(3);
    expect(plan.meetsDeadline).toBe(true);
    expect(plan.finishSeconds).toBeCloseTo(60 + 1972 / 3, 1);
    expect(plan.floorBilledSeconds).toBeCloseTo(3 * 60 + 1972, 1);
    expect(plan.derivation).toContain('= 1972 GPU-s; deadline 720 s − boot 60 s = 660 s: ⌈1972 ÷ 660⌉ = 3 instance(s)');
    const none = planFleet(1000, WEEKLY_REPORT, L4, undefined, limits);
    expect(none.instances).toBe(1);
    expect(none.floorBilledSeconds).toBeCloseTo(60 + 1972, 1);
  });

  it('caps at maxInstances and names the earliest deadline that can be met; a deadline inside the boot cannot be met', () => {
    const capped = planFleet(1000, WEEKLY_REPORT, L4, 720, { ...limits, maxInstances: 2 });
    expect(capped.instances).toBe(2);
    expect(capped.meetsDeadline).toBe(false);
    expect(capped.earliestDeadlineSeconds).toBeCloseTo(60 + 1972 / 2, 1);
    expect(capped.derivation).toContain('capped at 2');
    const tooSoon = planFleet(1000, WEEKLY_REPORT, L4, 30, limits);
    expect(tooSoon.meetsDeadline).toBe(false);
    expect(tooSoon.instances).toBe(10);
  });

  it('counts the worker hosts the reports need by the deadline', () => {
    // 100,000 × 0.53 core-s in 15 minutes on 8 cores at 80 %: ⌈53,000 ÷ 5,760⌉ = 10 hosts.
    expect(planFleet(100_000, WEEKLY_REPORT, L4, 900, { ...limits, maxInstances: 300 }).workerHosts).toBe(10);
  });
});

describe('the morning modelled with the planner (bench/fleet-model.ts)', () => {
  const base = { planned: WEEKLY_REPORT, profile: L4, limits, holderCheckSeconds: 5, preGpuShare: 0.3 };

  it('without a deadline: one instance, billed within 1.10 × boot + the GPU work, prefill included', () => {
    const o = modelMorning({ ...base, reports: 1000, actualScale: 1 });
    expect(o.usedInstances).toBe(1);
    expect(o.billedSeconds).toBeLessThanOrEqual(1.1 * o.floorSeconds);
  });

  it('reports 10 % longer than planned: the pool adds an instance and still meets the deadline; each stops one holder check after its last report', () => {
    const o = modelMorning({ ...base, reports: 1000, actualScale: 1.1, deadlineSeconds: 720 });
    expect(o.plannedInstances).toBe(3);
    expect(o.usedInstances).toBeGreaterThan(3);
    expect(o.meetsDeadline).toBe(true);
    expect(o.billedSeconds).toBeLessThanOrEqual(1.1 * o.floorSeconds);
    for (const i of o.perInstance) expect(i.reports).toBeGreaterThan(0);
    // Without adding (the limit reached) the same morning misses it.
    const fixed = modelMorning({
      ...base,
      reports: 1000,
      actualScale: 1.1,
      deadlineSeconds: 720,
      limits: { ...limits, maxInstances: 3 },
    });
    expect(fixed.meetsDeadline).toBe(false);
  });
});
