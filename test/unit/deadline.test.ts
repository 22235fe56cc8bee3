import { describe, expect, it } from 'vitest';
import { deadlineAlertWords } from '../../alerts/deadline';
import { parseConfig } from '../../config/config';
import { dueAt, measuredWork, parseDeadline, planDeadline } from '../../gpu/deadline';
import { L4, WEEKLY_REPORT } from '../../gpu/fleet-plan';
import { morningBills } from '../../gpu/cost';

describe("a morning's deadline (schedule.deadline)", () => {
  it('reads a time of day or a span, and refuses anything else in the config, naming the key', () => {
    expect(parseDeadline('09:30')).toEqual({ at: { hour: 9, minute: 30 } });
    expect(parseDeadline('1h30m')).toEqual({ afterSeconds: 5400 });
    expect(parseDeadline('45m')).toEqual({ afterSeconds: 2700 });
    expect(parseDeadline('90s')).toEqual({ afterSeconds: 90 });
    for (const bad of ['9:30', '24:00', '', '0m', '30 min'])
      expect(() => parseConfig({ schedule: { deadline: bad } }), bad).toThrow(
        /\/schedule\/deadline: must be a time of day such as "09:30" or a span/,
      );
  });

  it("is due at the first such time after the morning's nominal start, in the schedule's zone", () => {
    const zone = 'Asia/Shanghai';
    // 09:00 in Shanghai is 01:00Z: due 09:30 the same day.
    expect(dueAt(parseDeadline('09:30'), new Date('2026-12-07T01:00:00Z'), zone).toISOString()).toBe(
      '2026-12-07T01:30:00.000Z',
    );
    // A morning at 23:00 is due at 09:30 the next day.
    expect(dueAt(parseDeadline('09:30'), new Date('2026-12-07T15:00:00Z'), zone).toISOString()).toBe(
      '2026-12-08T01:30:00.000Z',
    );
    expect(dueAt(parseDeadline('45m'), new Date('2026-12-07T01:00:00Z'), zone).toISOString()).toBe(
      '2026-12-07T01:45:00.000Z',
    );
  });

  it("measures a report's tokens from the last mornings, and takes the default weekly report with none", () => {
    expect(measuredWork([]).work).toEqual(WEEKLY_REPORT);
    const { work, basis } = measuredWork([
      { reportsWritten: 10, promptTokens: 30_000, cachedPromptTokens: 5_000, completionTokens: 4_000 },
      { reportsWritten: 30, promptTokens: 90_000, cachedPromptTokens: 15_000, completionTokens: 12_000 },
    ]);
    expect(work).toEqual({ ...WEEKLY_REPORT, promptTokens: 3000, cachedPromptTokens: 500, completionTokens: 400 });
    expect(basis).toBe('40 reports of the last 2 morning(s)');
  });

  it('plans the instances the deadline needs, says whether one makes it, and words both alerts from the plan', () => {
    // 1,000 weekly reports: 1000 × (5,888 ÷ 4,000 + 400 ÷ 800) = 1,972 GPU-s; 30 minutes = 1,800 s, 60 s of it boot.
    const now = new Date('2026-12-07T01:00:00Z');
    const plan = planDeadline(1000, measuredWork([]), L4, new Date('2026-12-07T01:30:00Z'), now, 2);
    expect(plan.dueInSeconds).toBe(1800);
    expect(plan.needed.instances).toBe(2); // ⌈1,972 ÷ 1,740⌉
    expect(plan.onOne.meetsDeadline).toBe(false);
    expect(plan.onOne.finishSeconds).toBeCloseTo(60 + 1972, 0);
    const risk = deadlineAlertWords('at-risk', '2026-12-07', plan, 1000);
    expect(risk.subject).toBe(
      '[DEADLINE AT RISK] Sales reports 2026-12-07: 1000 reports on one GPU finish 3 min 52 s after 2026-12-07T01:30:00.000Z',
    );
    expect(risk.text).toContain('2 instances would make it');
    expect(risk.text).toContain('⌈1972 ÷ 1740⌉ = 2 instance(s)');
    const missed = deadlineAlertWords('missed', '2026-12-07', plan, 1000, [
      { id: 'weekly' },
      { id: 'by-region', split: '华东' },
    ]);
    expect(missed.subject).toBe(
      '[DEADLINE MISSED] Sales reports 2026-12-07: 2 of 1000 not out by 2026-12-07T01:30:00.000Z',
    );
    expect(missed.text).toContain('weekly, by-region · 华东');
  });

  it('a fleet plans at most gpu.pool.maxInstances, and the alert speaks of the fleet', () => {
    const now = new Date('2026-12-07T01:00:00Z');
    // 10 minutes: ⌈1,972 ÷ 540⌉ = 4 needed; a fleet of at most 3 finishes at 60 + 1,972 ÷ 3 ≈ 717 s, late.
    const capped = planDeadline(1000, measuredWork([]), L4, new Date('2026-12-07T01:10:00Z'), now, 2, 3);
    expect([capped.needed.instances, capped.pool?.instances, capped.pool?.meetsDeadline]).toEqual([4, 3, false]);
    expect(deadlineAlertWords('at-risk', '2026-12-07', capped, 1000).subject).toBe(
      '[DEADLINE AT RISK] Sales reports 2026-12-07: 1000 reports on 3 GPUs finish 1 min 57 s after 2026-12-07T01:10:00.000Z',
    );
    // 30 minutes: two of the fleet's ten make it; a pool of one has no fleet plan.
    const roomy = planDeadline(1000, measuredWork([]), L4, new Date('2026-12-07T01:30:00Z'), now, 2, 10);
    expect([roomy.pool?.instances, roomy.pool?.meetsDeadline]).toEqual([2, true]);
    expect(planDeadline(1000, measuredWork([]), L4, new Date('2026-12-07T01:30:00Z'), now, 2).pool).toBeUndefined();
  });
});

describe("a morning's bill (cost --mornings)", () => {
  it('counts the pool instances requested while the morning ran, each with its seconds, beside its plan', () => {
    const pricing = { hourlyPrice: 3.6, currency: 'USD' };
    const entry = (instanceId: string, owner: string, requestedAt: string, stoppedAt?: string) => ({
      instanceId,
      provider: 'local-process',
      owner,
      requestedAt,
      ...(stoppedAt && { stoppedAt }),
      endpoint: 'http://127.0.0.1:1/v1',
    });
    const run = (n: number) => `0000000${n}-0000-4000-8000-000000000000`;
    const bills = morningBills(
      [
        {
          workflowId: 'm1',
          reportDate: '2026-12-07',
          startedAt: '2026-12-07T01:00:00Z',
          endedAt: '2026-12-07T01:20:00Z',
          // A fleet of at most 2 ran what needed 4.
          deadline: { dueAt: '2026-12-07T01:30:00.000Z', met: true, instancesNeeded: 4, instancesPlanned: 2 },
          usage: { promptTokens: 600_000, cachedPromptTokens: 50_000, completionTokens: 40_000 },
        },
      ],
      [
        entry('i-1', `pool/${run(1)}/1`, '2026-12-07T01:00:05Z', '2026-12-07T01:10:05Z'),
        entry('i-2', `pool/${run(1)}/2`, '2026-12-07T01:00:06Z', '2026-12-07T01:05:06Z'),
        // Another day's, and a run's own instance from before the pool: not this morning's.
        entry('i-3', `pool/${run(0)}/1`, '2026-12-06T01:00:05Z', '2026-12-06T01:10:05Z'),
        entry('i-4', `wf/${run(2)}`, '2026-12-07T01:00:07Z', '2026-12-07T01:01:07Z'),
      ] as never,
      pricing,
      new Date('2026-12-07T02:00:00Z'),
      L4,
    );
    expect(bills).toEqual([
      {
        workflowId: 'm1',
        reportDate: '2026-12-07',
        planned: 2,
        used: 2,
        instances: [
          { instanceId: 'i-1', seconds: 600, share: 0.667 },
          { instanceId: 'i-2', seconds: 300, share: 0.333 },
        ],
        gpuSeconds: 900,
        cost: 0.9,
        // 2 boots of 60 s + 550,000 uncached prompt tokens ÷ 4,000 + 40,000 completion tokens ÷ 800.
        floorSeconds: 120 + 137.5 + 50,
        deadline: { dueAt: '2026-12-07T01:30:00.000Z', met: true },
      },
    ]);
  });
});
