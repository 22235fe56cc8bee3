import { describe, expect, it } from 'vitest';
import { revenueChartOption } from '../../report/render/chart';
import { formatCompact, formatCompactMoney, formatDay } from '../../report/render/format';
import { labelsFor } from '../../report/render/labels';
import type { SalesMetrics } from '../../sales/metrics';

describe('numbers and days as the reader writes them', () => {
  it('counts in 万 and 亿 for zh-CN, K and M for en-US', () => {
    expect(formatCompact(927_592.7, 'zh-CN')).toBe('92.8万');
    expect(formatCompact(123_456_789, 'zh-CN')).toBe('1.2亿');
    expect(formatCompact(50_000, 'zh-CN')).toBe('5万');
    expect(formatCompact(9_500, 'zh-CN')).toBe('9500');
    expect(formatCompact(927_592.7, 'en-US')).toBe('927.6K');
    expect(formatCompact(1_234_567, 'en-US')).toBe('1.2M');
    expect(formatCompactMoney(927_592.7, 'CNY', 'zh-CN')).toBe('¥92.8万');
  });

  it('writes days as 11月13日（周五） and Fri Nov 13', () => {
    expect(formatDay('2026-11-13', 'zh-CN')).toBe('11月13日（周五）');
    expect(formatDay('2026-11-13', 'en-US')).toBe('Fri Nov 13');
  });

  it('labels the chart short, for a phone: the day and its weekday on two lines', () => {
    const metrics = {
      revenueByDay: [
        { date: '2026-11-13', revenue: 120_000, previousRevenue: 90_000 },
        { date: '2026-11-14', revenue: 150_000, previousRevenue: 80_000 },
      ],
    } as SalesMetrics;
    const zh = revenueChartOption(metrics, labelsFor('zh-CN'));
    expect(zh.xAxis[0]!.data).toEqual(['13日\n周五', '14日\n周六']);
    expect(zh.yAxis[0]!.axisLabel.formatter(150_000)).toBe('15万');
    const en = revenueChartOption(metrics, labelsFor('en-US'));
    expect(en.xAxis[0]!.data).toEqual(['Fri\n13', 'Sat\n14']);
    expect(en.yAxis[0]!.axisLabel.formatter(150_000)).toBe('150K');
  });
});
