import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportWindows } from '../../sales/dates';
import { loadSalesMetrics, loadSalesViews } from '../../sales/load';
import { loadOptions } from '../helpers/load';
import { sliceOf, WHOLE } from '../../sales/slices';
import { monthEndProjection, type SalesMetrics } from '../../sales/metrics';
import { projectionNote } from '../../report/render/comparisons';
import { labelsFor } from '../../report/render/labels';
import { writeSampleCsv } from '../../dev/sample-data';
import { metricsFromPrompt, writeDocument } from '../../dev/simulator/report-writer';
import { checkClaims } from '../../report/fact-check';
import { loadPrompts } from '../../report/prompts';
import { narrativeSchema, type Narrative } from '../../schemas/narrative.schema';

const r = (start: string, end: string) => ({ start, end });

describe('the windows of a daily, a weekly and a monthly report', () => {
  it('a daily flash: yesterday against the same weekday a week before, 14 days of trend, the weekday a year back', () => {
    const w = reportWindows('2026-11-30', 'day'); // a Monday: yesterday is Sunday the 29th
    expect(w.current).toEqual(r('2026-11-29', '2026-11-29'));
    expect(w.previous).toEqual(r('2026-11-22', '2026-11-22'));
    expect(w.trend).toHaveLength(14);
    expect(w.trend[0]).toEqual(r('2026-11-16', '2026-11-16'));
    expect(w.trend.at(-1)).toEqual(w.current);
    expect(w.yearAgo).toEqual(r('2025-11-30', '2025-11-30')); // a Sunday too
    expect(new Date('2025-11-30').getUTCDay()).toBe(new Date('2026-11-29').getUTCDay());
    // On the 1st, yesterday is the last day of the month before, and so is its month to date.
    expect(reportWindows('2026-12-01', 'day').monthToDate).toEqual(r('2026-11-01', '2026-11-30'));
  });

  it('a weekly report: the 7 days to yesterday against the 7 before, as it always was', () => {
    const w = reportWindows('2026-11-20', 'week', 8);
    expect(w.current).toEqual(r('2026-11-13', '2026-11-19'));
    expect(w.previous).toEqual(r('2026-11-06', '2026-11-12'));
    expect(w.trend).toHaveLength(8);
    expect(w.trend[0]).toEqual(r('2026-09-25', '2026-10-01'));
    expect(w.yearAgo).toEqual(r('2025-11-14', '2025-11-20'));
  });

  it('a monthly report: the month to yesterday against the same days of the month before, cut at its end', () => {
    // Mid-month: 1–29 November against 1–29 October.
    const mid = reportWindows('2026-11-30', 'month');
    expect(mid.current).toEqual(r('2026-11-01', '2026-11-29'));
    expect(mid.previous).toEqual(r('2026-10-01', '2026-10-29'));
    expect(mid.yearAgo).toEqual(r('2025-11-01', '2025-11-29'));
    expect(mid.trend.map((t) => t.start)).toEqual([
      '2026-06-01',
      '2026-07-01',
      '2026-08-01',
      '2026-09-01',
      '2026-10-01',
      '2026-11-01',
    ]);
    expect(mid.trend[4]).toEqual(r('2026-10-01', '2026-10-31'));
    // The 1st: the whole month before (30 days) against the whole month before that (31).
    const first = reportWindows('2026-12-01', 'month');
    expect(first.current).toEqual(r('2026-11-01', '2026-11-30'));
    expect(first.previous).toEqual(r('2026-10-01', '2026-10-31'));
    // A month of 31 days against one of 30: the whole of each.
    expect(reportWindows('2026-11-01', 'month')).toMatchObject({
      current: r('2026-10-01', '2026-10-31'),
      previous: r('2026-09-01', '2026-09-30'),
    });
    // 1–30 March against February, which ends on the 28th: cut at its end.
    expect(reportWindows('2027-03-31', 'month').previous).toEqual(r('2027-02-01', '2027-02-28'));
    // January against December of the year before; a leap February's year-ago month ends on the 28th.
    expect(reportWindows('2027-01-16', 'month').previous).toEqual(r('2026-12-01', '2026-12-15'));
    expect(reportWindows('2028-03-01', 'month').yearAgo).toEqual(r('2027-02-01', '2027-02-28'));
  });
});

describe('the figures of each period, from the same order lines', () => {
  async function load(reportDate: string, period: 'day' | 'week' | 'month', lines: string[]) {
    const csv = join(await mkdtemp(join(tmpdir(), 'sales-report-periods-')), 'orders.csv');
    await writeFile(
      csv,
      ['Order ID,Order Date,Product,Category,Region,Channel,Quantity,Amount', ...lines, ''].join('\n'),
    );
    return loadSalesMetrics(loadOptions(csv, { reportDate, period }));
  }

  const lines = [
    'O1,2026-09-30,Tea,Food,East,Online,1,5', // the last day of a 30-day month
    'O2,2026-10-01,Tea,Food,East,Online,1,10',
    'O3,2026-10-31,Tea,Food,East,Online,1,20', // the 31st: no day of November to pair with
    'O4,2026-11-01,Tea,Food,East,Online,1,40',
    'O5,2026-11-22,Cup,Home,West,Store,2,80', // Sunday a week before the 29th
    'O6,2026-11-29,Cup,Home,West,Store,1,160', // Sunday, yesterday of the 30th
    'O6,2026-11-29,Tea,Food,West,Store,1,320', // the same order's second line
  ];

  it('daily: yesterday against the same weekday a week before, the trend day by day', async () => {
    const m = await load('2026-11-30', 'day', lines);
    expect(m.periodKind).toBe('day');
    expect(m.period).toEqual(r('2026-11-29', '2026-11-29'));
    expect(m.kpis.revenue).toEqual({ current: 480, previous: 80, changeRatio: 5 });
    expect(m.kpis.orders).toEqual({ current: 1, previous: 1, changeRatio: 0 });
    expect(m.revenueByDay).toEqual([{ date: '2026-11-29', revenue: 480, previousRevenue: 80 }]);
    expect(m.trend?.map((t) => t.revenue)).toEqual([0, 0, 0, 0, 0, 0, 80, 0, 0, 0, 0, 0, 0, 480]);
  });

  it('monthly: November to date against the same days of October; on the 1st, whole months', async () => {
    const mid = await load('2026-11-30', 'month', lines);
    expect(mid.periodKind).toBe('month');
    expect(mid.kpis.revenue).toEqual({ current: 600, previous: 10, changeRatio: 59 });
    expect(mid.kpis.orders.current).toBe(3);
    // The 1st of each month pairs with the 1st: ¥40 against ¥10.
    expect(mid.revenueByDay[0]).toEqual({ date: '2026-11-01', revenue: 40, previousRevenue: 10 });
    expect(mid.revenueByDay).toHaveLength(29);
    expect(mid.trend?.slice(-3).map((t) => [t.start, t.revenue, t.orders])).toEqual([
      ['2026-09-01', 5, 1],
      ['2026-10-01', 30, 2],
      ['2026-11-01', 600, 3],
    ]);
    // 1 December: the whole of November (30 days) against the whole of October (31): the 31st counts too.
    const first = await load('2026-12-01', 'month', lines);
    expect(first.period).toEqual(r('2026-11-01', '2026-11-30'));
    expect(first.kpis.revenue).toEqual({ current: 600, previous: 30, changeRatio: 19 });
    expect(first.revenueByDay).toHaveLength(30);
    // Where the month is heading, said as a projection: ¥600 in 29 of 30 days is ¥20.69 a day, ¥620.69 by the end.
    const projection = monthEndProjection(mid)!;
    expect(projection).toMatchObject({ daysElapsed: 29, daysInMonth: 30 });
    expect(projection.projectedRevenue).toBeCloseTo((600 / 29) * 30, 6);
    expect(projectionNote(mid, labelsFor('zh-CN', 'month'))).toEqual([
      '按本月至今日均 ¥21（已过 29 天）推算，月底销售额约 ¥621。这是预测：本月累计 ÷ 已过天数 × 本月 30 天，未计剩余日子的周末与节假日差异。',
    ]);
    // A whole month is no projection; a week has none.
    expect(monthEndProjection(first)).toBeUndefined();
    expect(monthEndProjection(await load('2026-11-30', 'week', lines))).toBeUndefined();
    // 1 November: October's 31 days against September's 30.
    const october = await load('2026-11-01', 'month', lines);
    expect(october.kpis.revenue).toEqual({ current: 30, previous: 5, changeRatio: 5 });
    expect(october.revenueByDay.at(-1)).toEqual({ date: '2026-10-31', revenue: 20, previousRevenue: 0 });
  });
});

describe("the figure check reads each period's words", () => {
  const sample = async (period: 'day' | 'week' | 'month') => {
    const csv = join(await mkdtemp(join(tmpdir(), 'sales-report-period-words-')), 'sales.csv');
    await writeSampleCsv(csv, { endDate: '2026-11-29', days: 90, ordersPerDay: 30, seed: 9, badRowsPerThousand: 0 });
    return loadSalesMetrics(loadOptions(csv, { reportDate: '2026-11-30', period }));
  };
  const withHeadline = (m: SalesMetrics, period: 'day' | 'week' | 'month', headline: string): Narrative => ({
    ...(writeDocument(
      narrativeSchema,
      metricsFromPrompt(loadPrompts('zh-CN', period).userMessage(m)),
      'zh',
    ) as Narrative),
    headline,
  });
  const yuan = (x: number) => `¥${x.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

  it("a daily flash: yesterday's figure as 昨日, the same day last week's as 上周同日, and no other way round", async () => {
    const m = await sample('day');
    const r = m.kpis.revenue;
    expect(checkClaims(withHeadline(m, 'day', `昨日销售额${yuan(r.current)}，上周同日${yuan(r.previous)}`), m)).toEqual(
      [],
    );
    const swapped = checkClaims(withHeadline(m, 'day', `上周同日销售额${yuan(r.current)}`), m);
    expect(swapped.map((p) => p.reason)).toEqual([
      expect.stringContaining("the sentence gives it as the same day last week's"),
    ]);
    expect(checkClaims(withHeadline(m, 'day', '销售额较上月增长'), m)[0]?.reason).toContain(
      'compare with the same day last week (上周同日)',
    );
  });

  it('a monthly report may compare with last month; a weekly one may not', async () => {
    const month = await sample('month');
    const r = month.kpis.revenue;
    expect(
      checkClaims(
        withHeadline(month, 'month', `本月销售额${yuan(r.current)}，上月同期${yuan(r.previous)}，较上月有变化`),
        month,
      ),
    ).toEqual([]);
    expect(checkClaims(withHeadline(month, 'month', `上月销售额${yuan(r.current)}`), month)[0]?.reason).toContain(
      "gives it as last month's",
    );
    const week = await sample('week');
    expect(checkClaims(withHeadline(week, 'week', '销售额较上月有变化'), week)[0]?.reason).toContain(
      'compares with last month, but the report compares weeks',
    );
  });
});

describe("one read, every report's view", () => {
  it('parses once for a daily, a weekly and a regional view; a quiet yesterday fails the daily flash alone', async () => {
    const csv = join(await mkdtemp(join(tmpdir(), 'sales-report-views-')), 'orders.csv');
    await writeFile(
      csv,
      [
        'Order ID,Order Date,Product,Category,Region,Channel,Quantity,Amount',
        'A1,2026-11-23,Tea,Food,East,Online,1,10',
        'A2,2026-11-28,Cup,Home,West,Store,1,30', // Saturday; nothing on Sunday the 29th
        '',
      ].join('\n'),
    );
    const byView = await loadSalesViews(
      loadOptions(csv, {
        reportDate: '2026-11-30',
        // A shop closed on Sunday: the export ends on Saturday, as it should.
        freshness: { failIfEndsBeforeWindow: false, failIfWindowEmpty: true },
        views: [
          { id: 'daily', period: 'day', slicing: {} },
          { id: 'weekly', period: 'week', slicing: {} },
          { id: 'by-region', period: 'week', slicing: { split: 'region' } },
        ],
      }),
    );
    expect(Object.keys(byView)).toEqual(['daily', 'weekly', 'by-region']);
    expect(sliceOf(byView.weekly!, WHOLE, undefined, true).kpis.revenue.current).toBe(40);
    expect(sliceOf(byView['by-region']!, 'West', 'region', true).kpis.revenue.current).toBe(30);
    expect(() => sliceOf(byView.daily!, WHOLE, undefined, true)).toThrow(
      'orders.csv has no orders in the report day 2026-11-29 (',
    );
  });
});
