import ExcelJS from 'exceljs';
import { KPI_KEYS, type BreakdownRow, type SalesMetrics } from '../../sales/metrics';
import type { Labels } from './labels';

const MONEY = '#,##0.00';
const COUNT = '#,##0';
const PERCENT = '0.0%';

interface Column {
  header: string;
  width: number;
  numFmt?: string;
}

/** Adds a sheet with a bold frozen header row, an autofilter over the data and per-column number formats. */
function addTable(
  workbook: ExcelJS.Workbook,
  name: string,
  columns: Column[],
  rows: (string | number | null)[][],
): void {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({
    header: c.header,
    width: c.width,
    style: c.numFmt ? { numFmt: c.numFmt } : {},
  }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) sheet.addRow(row);
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, rows.length + 1), column: columns.length } };
}

/** The attachment: the same numbers as the email, in a form people can sort, filter and chart themselves. */
export async function renderWorkbook(m: SalesMetrics, l: Labels): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'sales-report';
  // Fixed so the same metrics give the same workbook.
  workbook.created = new Date(`${m.reportDate}T00:00:00Z`);
  workbook.modified = workbook.created;

  addTable(
    workbook,
    l.summary,
    [
      { header: l.metric, width: 22 },
      { header: `${l.thisWeek} ${m.period.start}–${m.period.end}`, width: 26, numFmt: MONEY },
      { header: `${l.lastWeek} ${m.previousPeriod.start}–${m.previousPeriod.end}`, width: 26, numFmt: MONEY },
      { header: l.change, width: 12, numFmt: PERCENT },
    ],
    KPI_KEYS.map((key) => [l.kpi[key], m.kpis[key].current, m.kpis[key].previous, m.kpis[key].changeRatio]),
  );
  addTable(
    workbook,
    l.daily,
    [
      { header: l.date, width: 14 },
      { header: l.thisWeek, width: 16, numFmt: MONEY },
      { header: l.lastWeek, width: 16, numFmt: MONEY },
    ],
    m.revenueByDay.map((d) => [d.date, d.revenue, d.previousRevenue]),
  );
  const breakdown = (dimension: string, rows: BreakdownRow[]) =>
    rows.map((r) => [dimension, r.name, r.revenue, r.previousRevenue, r.changeRatio, r.share]);
  addTable(
    workbook,
    l.breakdown,
    [
      { header: l.breakdown, width: 12 },
      { header: l.metric, width: 22 },
      { header: l.thisWeek, width: 16, numFmt: MONEY },
      { header: l.lastWeek, width: 16, numFmt: MONEY },
      { header: l.change, width: 12, numFmt: PERCENT },
      { header: l.share, width: 10, numFmt: PERCENT },
    ],
    [...breakdown(l.category, m.byCategory), ...breakdown(l.region, m.byRegion), ...breakdown(l.channel, m.byChannel)],
  );
  addTable(
    workbook,
    l.topProducts,
    [
      { header: l.product, width: 26 },
      { header: l.category, width: 12 },
      { header: l.revenue, width: 16, numFmt: MONEY },
      { header: l.units, width: 10, numFmt: COUNT },
      { header: l.lastWeek, width: 16, numFmt: MONEY },
      { header: l.change, width: 12, numFmt: PERCENT },
    ],
    m.topProducts.map((p) => [p.product, p.category, p.revenue, p.units, p.previousRevenue, p.changeRatio]),
  );
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
