import { describe, expect, it } from 'vitest';
import { renderArchiveIndex, type ArchivedReport } from '../../report/render/archive-index';
import { labelsFor } from '../../report/render/labels';
import { launchBrowser } from '../helpers/browser';

const kpi = (current: number, previous: number) => ({
  current,
  previous,
  changeRatio: (current - previous) / previous,
});
const report = (
  reportDate: string,
  runId: string,
  more: Partial<ArchivedReport> & { revenue?: number } = {},
): ArchivedReport => {
  const end = new Date(`${reportDate}T00:00:00Z`);
  const day = (d: number) => new Date(end.getTime() + d * 86_400_000).toISOString().slice(0, 10);
  const revenue = more.revenue ?? 270_565;
  return {
    reportDate,
    runId,
    locale: 'zh-CN',
    sent: false,
    html: `${reportDate}/w/${runId}/report.web.html`,
    xlsx: `${reportDate}/w/${runId}/sales.xlsx`,
    metrics: {
      period: { start: day(-7), end: day(-1) },
      currency: 'CNY',
      kpis: {
        revenue: kpi(revenue, 237_010),
        orders: kpi(234, 226),
        units: kpi(510, 512),
        averageOrderValue: kpi(1156, 1049),
      },
    },
    ...more,
  };
};

describe('the archive index', () => {
  it('has one row per date (the sent run, resets and dry runs folded), each in its own language, and fits a phone', async () => {
    const reports = [
      // 2026-11-20: a dry run, the run that was sent, and a reset re-run after it that did not send again.
      report('2026-11-20', '01a20000-0000-7000-8000-000000000001'),
      report('2026-11-20', '01a20000-0000-7000-8000-000000000002', { sent: true }),
      report('2026-11-20', '01a20000-0000-7000-8000-000000000003'),
      // An English report for another audience's date.
      report('2026-11-13', '01a10000-0000-7000-8000-000000000001', { sent: true, locale: 'en-US', revenue: 237_010 }),
      report('2026-11-06', '01a00000-0000-7000-8000-000000000001', { sent: true, revenue: 250_000 }),
    ];
    const html = renderArchiveIndex(reports, labelsFor('zh-CN'), '销售周报');
    const rows = [...html.matchAll(/<tr lang="([^"]+)">(.*?)<\/tr>/g)];
    expect(rows.map((r) => r[1])).toEqual(['zh-CN', 'en-US', 'zh-CN']);
    const first = rows[0]![2]!;
    expect(first).toContain('href="2026-11-20/w/01a20000-0000-7000-8000-000000000002/report.web.html">报告');
    expect(first).toContain('另有 2 次运行');
    expect(first).not.toContain('未发送');
    expect(first).toContain('¥27.1万');
    expect(rows[1]![2]).toContain('CN¥237.0K'); // the English report's figures as its readers write them
    expect(rows[1]![2]).toContain('>Report<');
    // The trend: one bar per week with an axis (top, half, zero).
    expect(html.match(/<rect /g)).toHaveLength(3);
    expect(html).toContain('>30万<');
    expect(html).toContain('>15万<');

    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      await page.setViewport({ width: 375, height: 900 });
      await page.setContent(html, { waitUntil: 'load' });
      const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
      expect(width).toBeLessThanOrEqual(375);
    } finally {
      await browser.close();
    }
  });
});
