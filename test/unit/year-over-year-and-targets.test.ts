import { beforeAll, describe, expect, it } from 'vitest';
import { metricsFromPrompt, writeDocument } from '../../dev/simulator/report-writer';
import { checkClaims } from '../../report/fact-check';
import { loadPrompts } from '../../report/prompts';
import { SalesDataError } from '../../sales/errors';
import type { SalesMetrics } from '../../sales/metrics';
import { parseTargets, targetsFor, type TargetRow } from '../../sales/targets';
import { narrativeSchema, type Narrative } from '../../schemas/narrative.schema';
import { sampleReportWeek } from '../helpers/load';

const pct = (ratio: number | null | undefined) => (Math.abs(ratio ?? 0) * 100).toFixed(1);
const up = (ratio: number | null | undefined) => ((ratio ?? 0) > 0 ? '增长' : '下降');
const down = (ratio: number | null | undefined) => ((ratio ?? 0) > 0 ? '下降' : '增长');

const TARGETS: TargetRow[] = [
  { period: '2026-11', kpi: 'revenue', target: 400_000 },
  { period: '2026-11', kpi: 'orders', target: 1_500 },
  { period: '2026-11', kpi: 'revenue', dimension: 'region', name: '华东', target: 80_000 },
];

/** The honest answer the simulator writes, its headline replaced by `sentence`; what the check says of it. */
function check(m: SalesMetrics, sentence: string) {
  const base = writeDocument(
    narrativeSchema,
    metricsFromPrompt(loadPrompts('zh-CN').userMessage(m)),
    'zh',
  ) as Narrative;
  return checkClaims({ ...base, headline: sentence }, m, { locale: 'zh-CN' }).filter((p) => p.field === 'headline');
}

describe('year over year and targets, in the figures and in the check', () => {
  let withYear: SalesMetrics;
  let short: SalesMetrics;
  beforeAll(async () => {
    const year = await sampleReportWeek({ days: 371, ordersPerDay: 12, seed: 11, yearlyGrowth: 0.2 });
    withYear = { ...year, targets: targetsFor(year, TARGETS) };
    short = await sampleReportWeek({ days: 21, ordersPerDay: 12, seed: 11 });
  });

  it('computes the same week a year earlier (52 weeks back) and the month to date, and the targets against them', () => {
    const r = withYear.kpis.revenue;
    expect(withYear.yearAgo).toEqual({ period: { start: '2025-11-14', end: '2025-11-20' }, available: true });
    expect(r.lastYear).toBeGreaterThan(0);
    expect(r.yoyChangeRatio).toBeCloseTo((r.current - r.lastYear!) / r.lastYear!, 4);
    expect(short.yearAgo?.available).toBe(false);
    expect(short.kpis.revenue.lastYear).toBeUndefined();
    expect(short.byRegion[0]?.lastYearRevenue).toBeUndefined();

    const mtd = withYear.monthToDate!;
    expect(mtd.range).toEqual({ start: '2026-11-01', end: '2026-11-19' });
    expect(mtd.daysInMonth).toBe(30);
    // The month's first 19 days hold the report week's 7 and more.
    expect(mtd.revenue).toBeGreaterThan(r.current);
    const t = withYear.targets!;
    expect(t).toMatchObject({ basis: 'month', daysElapsed: 19, daysInPeriod: 30, through: '2026-11-19' });
    expect(t.kpis.revenue).toEqual({
      target: 400_000,
      actual: mtd.revenue,
      attainment: Math.round((mtd.revenue / 400_000) * 10_000) / 10_000,
      gap: Math.round((400_000 - mtd.revenue) * 100) / 100,
      expected: Math.round(((400_000 * 19) / 30) * 100) / 100,
      pace: Math.round((mtd.revenue / ((400_000 * 19) / 30)) * 10_000) / 10_000,
    });
    expect(t.breakdowns[0]).toMatchObject({ dimension: 'region', name: '华东', actual: mtd.revenueBy.region['华东'] });
    // A weekly target for the report's week wins over the month's, measured on the week itself.
    const weekly = targetsFor(withYear, [...TARGETS, { period: '2026-11-13', kpi: 'units', target: 500 }])!;
    expect(weekly).toMatchObject({ basis: 'week', range: withYear.period, daysElapsed: 7 });
    expect(Object.keys(weekly.kpis)).toEqual(['units']);
    expect(weekly.kpis.units).toMatchObject({ target: 500, actual: withYear.kpis.units.current });
    expect(weekly.kpis.units?.pace).toBeUndefined();
    expect(targetsFor(withYear, [{ period: '2026-10', kpi: 'revenue', target: 1 }])).toBeUndefined();
  });

  it('passes true 同比 and target sentences, refuses wrong ones and any 同比 where the source stops short', () => {
    const r = withYear.kpis.revenue;
    const rev = withYear.targets!.kpis.revenue!;
    expect(check(withYear, `销售额同比${up(r.yoyChangeRatio)}${pct(r.yoyChangeRatio)}%`)).toEqual([]);
    expect(check(withYear, `去年同期销售额为¥${Math.round(r.lastYear!).toLocaleString('en-US')}`)).toEqual([]);
    expect(check(withYear, `本月销售额目标达成率${pct(rev.attainment)}%`)).toEqual([]);
    expect(check(withYear, `销售额按时间进度完成${pct(rev.pace)}%`)).toEqual([]);

    // The week-over-week change given as year over year, and the other way round.
    const [asYoy] = check(withYear, `销售额同比${up(r.changeRatio)}${pct(r.changeRatio)}%`);
    expect(asYoy?.reason).toMatch(/a change on last week, but the sentence compares with last year/);
    const [asWow] = check(withYear, `销售额环比${up(r.yoyChangeRatio)}${pct(r.yoyChangeRatio)}%`);
    expect(asWow?.reason).toMatch(/a comparison with last year, but the sentence does not say so/);
    // The wrong way, by last year's sign.
    const [wrongWay] = check(withYear, `销售额同比${down(r.yoyChangeRatio)}${pct(r.yoyChangeRatio)}%`);
    expect(wrongWay?.reason).toMatch(/went (up|down), but it went/);
    // An attainment off by a point, and an attainment in a sentence that does not say it is one.
    const [offTarget] = check(withYear, `本月销售额目标达成率${pct(rev.attainment + 0.01)}%`);
    expect(offTarget?.reason).toMatch(/not one of the report's figures/);
    const [unsaid] = check(withYear, `销售额为上周的${pct(rev.attainment)}%`);
    expect(unsaid).toBeDefined();

    const [noYear] = check(short, `销售额同比增长5.0%`);
    expect(noYear?.reason).toContain('does not reach back to the same week last year (2025-11-14 – 2025-11-20)');
  });

  it('names the row, the column and why for every wrong target row', () => {
    const bad = (cells: Record<string, unknown>) => {
      try {
        parseTargets([
          { where: 'targets.csv row 2', cells: { period: '2026-11', kpi: 'revenue', target: 1 } },
          { where: 'targets.csv row 3', cells },
        ]);
      } catch (err) {
        expect(err).toBeInstanceOf(SalesDataError);
        return (err as Error).message;
      }
      throw new Error('expected the targets to be refused');
    };
    expect(bad({ period: '2026-13', kpi: 'revenue', target: 1 })).toBe(
      'targets.csv row 3, column period: "2026-13" is neither a month (2026-11) nor the first day of a week (2026-11-23)',
    );
    expect(bad({ period: '2026-11', kpi: 'profit', target: 1 })).toContain(
      'column kpi: "profit" is not one of revenue, orders, units',
    );
    expect(bad({ period: '2026-11', kpi: 'orders', dimension: 'region', name: '华东', target: 1 })).toContain(
      'targets by region are revenue targets',
    );
    expect(bad({ period: '2026-11', kpi: 'revenue', dimension: 'district', name: 'A', target: 1 })).toContain(
      'column dimension: "district" is not one of region, channel, category, store, manager',
    );
    expect(bad({ period: '2026-11', kpi: 'revenue', target: '一百万' })).toContain('column target:');
    expect(bad({ period: '2026-11', kpi: 'revenue', target: 0 })).toContain('is not above zero');
    expect(bad({ period: '2026-11', kpi: 'revenue', target: 5 })).toBe(
      'targets.csv row 3: a second revenue target for 2026-11 (the first: targets.csv row 2)',
    );
  });
});
