import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { writeSampleCsv } from '../../dev/sample-data';
import { writeDocument } from '../../dev/simulator/report-writer';
import { factBook, factLines } from '../../report/facts';
import { dataQualityLines } from '../../report/render/email-content';
import { figureBook } from '../../report/figures';
import { revenueChartOption } from '../../report/render/chart';
import { labelsFor } from '../../report/render/labels';
import { renderWorkbook } from '../../report/render/workbook';
import { narrativeSchema, type Narrative } from '../../schemas/narrative.schema';
import { loadReportWeek } from '../helpers/load';

const FULL_WIDTH_DIGITS = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));

/**
 * The plain sample export with its dates and quantities rewritten cell by cell; blank cells stay blank. A quoted
 * amount may hold a comma: it comes after the cells rewritten, and the line is joined back as it was split.
 */
async function rewritten(plain: string, path: string, date: (iso: string) => string, quantity: (q: string) => string) {
  const [header, ...lines] = (await readFile(plain, 'utf8')).split('\n');
  const rows = lines.map((line) => {
    if (!line) return line;
    const cells = line.split(',');
    if (cells[1]) cells[1] = date(cells[1]);
    if (cells[6]) cells[6] = quantity(cells[6]);
    return cells.join(',');
  });
  await writeFile(path, [header, ...rows].join('\n'));
}

describe('exports as other locales and input modes write them', () => {
  it('month-first and day-first dates (data.dateOrder) and full-width digits give the plain file’s metrics', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-forms-'));
    const plain = join(dir, 'plain.csv');
    await writeSampleCsv(plain, { endDate: '2026-11-19', days: 63, ordersPerDay: 20, seed: 4, badRowsPerThousand: 0 });
    // The metrics of a load, but for the file's name (the data-quality line names the file it read).
    const load = async (path: string, more: Parameters<typeof loadReportWeek>[1] = {}) => {
      const m = await loadReportWeek(path, more);
      return { ...m, dataQuality: { ...m.dataQuality, file: 'the export' } };
    };
    const expected = await load(plain);
    expect(expected.kpis.orders.current).toBeGreaterThan(0);

    const us = join(dir, 'us.csv');
    await rewritten(
      plain,
      us,
      (iso) => `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)}`,
      (q) => q,
    );
    expect(await load(us, { dateOrder: 'mdy' })).toEqual(expected);

    const eu = join(dir, 'eu.csv');
    await rewritten(
      plain,
      eu,
      (iso) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`,
      (q) => q,
    );
    expect(await load(eu, { dateOrder: 'dmy' })).toEqual(expected);

    const wide = join(dir, 'full-width.csv');
    await rewritten(plain, wide, FULL_WIDTH_DIGITS, FULL_WIDTH_DIGITS);
    expect(await load(wide)).toEqual(expected);

    // Without the setting, month-first dates are refused, and the message says why and what to set.
    await expect(loadReportWeek(us)).rejects.toThrow(/has the year last, so its day and month order is ambiguous/);
    await expect(loadReportWeek(us)).rejects.toThrow(/set data.dateOrder to "mdy" or "dmy"/);
  });

  it('weeks of the trend before the export starts are "no data" (chart, workbook, fact book, claim check), never ¥0', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-forms-'));
    const short = join(dir, 'five-weeks.csv');
    // 35 days ending 2026-11-19: from 2026-10-16. An 8-week trend starts 2026-09-25: three weeks before the data.
    await writeSampleCsv(short, { endDate: '2026-11-19', days: 35, ordersPerDay: 20, seed: 6, badRowsPerThousand: 0 });
    const m = await loadReportWeek(short, { trendWeeks: 8 });
    const trend = m.trend!;
    expect(trend.map((w) => w.revenue === null)).toEqual([true, true, true, false, false, false, false, false]);
    expect(trend.slice(3).every((w) => (w.revenue ?? 0) > 0 && (w.orders ?? 0) > 0)).toBe(true);

    const l = labelsFor('zh-CN');
    const sheet = factLines(factBook(m, 'zh-CN'));
    for (const w of trend.slice(0, 3)) expect(sheet).toContain(`${w.start.slice(5)} 无数据`);
    expect(sheet).not.toMatch(/趋势 [^\n]*: 销售额 ¥0\b/);

    const option = revenueChartOption(m, l) as unknown as {
      xAxis: { data: string[] }[];
      series: { data: ({ value: unknown } | number)[] }[];
    };
    expect(option.xAxis[1]!.data.filter((d) => d.endsWith('\n无数据'))).toHaveLength(3);
    const bars = option.series.at(-1)!.data as { value: unknown }[];
    expect(bars.map((b) => b.value).slice(0, 3)).toEqual(['-', '-', '-']);

    const book = new ExcelJS.Workbook();
    await book.xlsx.load((await renderWorkbook(m, l)) as unknown as ArrayBuffer);
    const rows: unknown[][] = [];
    book.getWorksheet(l.trend)!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    const cells = rows.filter((r) => r.includes('无数据'));
    expect(cells).toHaveLength(3);
    expect(cells.every((r) => r[2] === '无数据' && r[3] === '无数据')).toBe(true);

    // A week with no data has no figure: the model cannot cite ¥0 for it.
    const starts = new Set(trend.map((w) => `revenue, ${w.start} – ${w.end}`));
    const weeks = figureBook(m).filter((f) => starts.has(f.label));
    expect(weeks.map((f) => f.label)).toEqual(trend.slice(3).map((w) => `revenue, ${w.start} – ${w.end}`));
  });

  it('an export with no refund line at all reports no refund figures, and says returns are not in the data', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-forms-'));
    const plain = join(dir, 'plain.csv');
    await writeSampleCsv(plain, { endDate: '2026-11-19', days: 21, ordersPerDay: 20, seed: 4, badRowsPerThousand: 0 });
    // The control: the same export with two refund lines in the week.
    const refunded = join(dir, 'with-refunds.csv');
    await writeFile(
      refunded,
      `${await readFile(plain, 'utf8')}\nSO999001,2026-11-18,保湿面霜,美妆,华东,天猫,-1,329,-329\nSO999002,2026-11-19,电热水壶,家电,华北,京东,-1,129,(129)\n`,
    );
    const withRefunds = await loadReportWeek(refunded);
    expect(withRefunds.kpis.refunds).toMatchObject({ current: 458 });
    const noRefunds = plain;
    const m = await loadReportWeek(noRefunds);
    expect(m.kpis.refunds).toBeUndefined();
    expect(m.kpis.returnRate).toBeUndefined();
    expect(figureBook(m).some((f) => f.subject.kind === 'kpi' && /refund|return/i.test(f.subject.key))).toBe(false);
    const l = labelsFor('zh-CN');
    const report = writeDocument(narrativeSchema, m, 'zh') as Narrative;
    expect(dataQualityLines(m, report, l)).toContain(l.noRefundsInData);
    expect(dataQualityLines(withRefunds, report, l)).toContain(l.refundConvention);
  });
});
