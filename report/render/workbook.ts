import ExcelJS from 'exceljs';
import {
  breakdownsOf,
  KPI_KIND,
  kpisOf,
  type AnyKpiKey,
  type Attainment,
  type BreakdownRow,
  type SalesMetrics,
  type TargetKpiKey,
} from '../../sales/metrics';
import type { Labels } from './labels';
import type { ReportRef } from '../../store/archive';
import { formatPeriod } from './format';
import { noYearAgoNote, standingRows, targetBasisLine } from './comparisons';

/** Money cells: replaced by the report currency's format (moneyFormat) once the workbook is built. */
const MONEY = '#,##0.00';
const COUNT = '#,##0';
const PERCENT = '0.0%';
const DATE = 'yyyy-mm-dd';

/** Each KPI's cell format, from how the KPI is written. */
const KPI_FORMAT: Record<(typeof KPI_KIND)[AnyKpiKey], string> = { money: MONEY, count: COUNT, ratio: PERCENT };

interface Column {
  header: string;
  width: number;
  numFmt?: string;
}

type Cell = string | number | Date | null;

/**
 * Adds a sheet with a bold frozen header row, an autofilter over the data and per-column number formats;
 * `rowFormats` sets the number cells of a row whose unit differs from its column's (a KPI table's counts and rates).
 */
function addTable(
  workbook: ExcelJS.Workbook,
  name: string,
  columns: Column[],
  rows: Cell[][],
  rowFormats?: (string | undefined)[],
): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((c) => ({
    header: c.header,
    // Never narrower than its header: a header cut by the next cell is not read, on screen or on paper.
    width: Math.max(c.width, displayWidth(c.header) + 2),
    style: c.numFmt ? { numFmt: c.numFmt } : {},
  }));
  sheet.getRow(1).font = { bold: true };
  rows.forEach((row, i) => {
    const added = sheet.addRow(row);
    const format = rowFormats?.[i];
    if (format)
      added.eachCell((cell, column) => {
        if (typeof cell.value === 'number' && columns[column - 1]?.numFmt !== PERCENT) cell.numFmt = format;
      });
  });
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: Math.max(1, rows.length + 1), column: columns.length } };
  // Printed as people print a report: A4, as wide as the page (wide tables across it), the header on every page.
  sheet.pageSetup = {
    paperSize: 9,
    orientation: columns.length > 4 ? 'landscape' : 'portrait',
    fitToPage: true,
    fitToWidth: 1,
    fitToHeight: 0,
    horizontalCentered: true,
    margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
    printTitlesRow: '1:1',
  };
  sheet.headerFooter = { oddFooter: '&L&A&R&P / &N' };
  return sheet;
}

/** How many of Excel's character widths a text takes: a CJK character (or a full-width one) two. */
function displayWidth(text: string): number {
  return [...text].reduce((n, ch) => n + (/[\u2E80-\uFFEF]/.test(ch) ? 2 : 1), 0);
}

/** Text in an Excel header or footer, where "&" starts a code: "&&" prints one. */
const headerText = (text: string) => text.replaceAll('&', '&&');

/** Money with its currency, as the reader writes it: "¥"#,##0.00 (zh-CN), "CN¥"#,##0.00 (en-US), "$"#,##0.00. */
export function moneyFormat(currency: string, locale: string): string {
  const symbol =
    new Intl.NumberFormat(locale, { style: 'currency', currency }).formatToParts(1).find((p) => p.type === 'currency')
      ?.value ?? currency;
  return `"${symbol.replaceAll('"', '')}"${MONEY}`;
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Every target, the company's KPIs first, then by region / channel / category: target, actual, attainment, gap, pace. */
function targetSheet(workbook: ExcelJS.Workbook, m: SalesMetrics, l: Labels, own: string): void {
  const t = m.targets!;
  const month = t.basis === 'month';
  const rows: [string, string, TargetKpiKey, Attainment][] = [
    ...(Object.entries(t.kpis) as [TargetKpiKey, Attainment][]).map(
      ([key, a]) => [own, l.kpi[key], key, a] as [string, string, TargetKpiKey, Attainment],
    ),
    ...t.breakdowns.map((b) => [l[b.dimension], b.name, 'revenue', b] as [string, string, TargetKpiKey, Attainment]),
  ];
  const sheet = addTable(
    workbook,
    l.targets,
    [
      { header: l.dimension, width: 12 },
      { header: l.metric, width: 18 },
      { header: `${l.target} ${t.range.start}–${t.range.end}`, width: 24, numFmt: MONEY },
      {
        header: month ? `${capitalized(l.monthToDate)} ${t.range.start.slice(0, 8)}01–${t.through}` : l.actual,
        width: 24,
        numFmt: MONEY,
      },
      { header: capitalized(l.attainment), width: 12, numFmt: PERCENT },
      { header: capitalized(l.gap), width: 18, numFmt: MONEY },
      ...(month
        ? [
            { header: capitalized(l.expectedToDate), width: 18, numFmt: MONEY },
            { header: capitalized(l.pace), width: 10, numFmt: PERCENT },
          ]
        : []),
    ],
    rows.map(([dimension, name, , a]) => [
      dimension,
      name,
      a.target,
      a.actual,
      a.attainment,
      a.gap,
      ...(month ? [a.expected ?? null, a.pace ?? null] : []),
    ]),
    rows.map(([, , key]) => KPI_FORMAT[KPI_KIND[key]]),
  );
  sheet.addRow([]);
  sheet.addRow([targetBasisLine(t, l)]).font = { italic: true, color: { argb: 'FF6B7280' } };
}

/** A calendar date as a spreadsheet date (UTC midnight, so no time zone shifts it). */
const asDate = (date: string) => new Date(`${date}T00:00:00Z`);

/**
 * The attachment: the same numbers as the email, in a form people can sort, filter and chart themselves: dates as
 * dates, counts as integers, money with two decimals and its currency, one sheet per breakdown; each sheet prints
 * on A4 as wide as the page with its header row repeated.
 */
/**
 * The report's workbook. `title` is the report's own (a split value's too: 区域周报 · 华东): its document title, and the
 * header of every printed page, so a store's workbook names the store however it is opened, printed or forwarded.
 * `own` is whose figures these are (a split value: 华东, 甲乙号店), the label of its own targets; the company's by
 * default.
 */
export async function renderWorkbook(
  m: SalesMetrics,
  l: Labels,
  title = l.reportTitle,
  own = l.total,
): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'sales-report';
  workbook.title = title;
  workbook.subject = formatPeriod(m.period, l.locale);
  // Fixed so the same metrics give the same workbook.
  workbook.created = asDate(m.reportDate);
  workbook.modified = workbook.created;

  const kpis = kpisOf(m);
  const yearAgo = m.yearAgo?.available ? m.yearAgo.period : undefined;
  // The same week last year, where the source holds it: two more columns on the summary and each breakdown.
  const yoyColumns: Column[] = yearAgo
    ? [
        { header: `${l.lastYear} ${formatPeriod(yearAgo, l.locale, true)}`, width: 26, numFmt: MONEY },
        { header: l.yoy, width: 12, numFmt: PERCENT },
      ]
    : [];
  const yoyCells = (lastYear: number | undefined, ratio: number | null | undefined): Cell[] =>
    yearAgo ? [lastYear ?? null, ratio ?? null] : [];
  const summary = addTable(
    workbook,
    l.summary,
    [
      { header: l.metric, width: 22 },
      { header: `${l.thisWeek} ${formatPeriod(m.period, l.locale)}`, width: 26, numFmt: MONEY },
      { header: `${l.lastWeek} ${formatPeriod(m.previousPeriod, l.locale)}`, width: 26, numFmt: MONEY },
      { header: l.change, width: 12, numFmt: PERCENT },
      ...yoyColumns,
    ],
    kpis.map(([key, k]) => [
      l.kpi[key],
      k.current,
      k.previous,
      k.changeRatio,
      ...yoyCells(k.lastYear, k.yoyChangeRatio),
    ]),
    kpis.map(([key]) => KPI_FORMAT[KPI_KIND[key]]),
  );
  // Under the table, after a blank row: how the refund figures above were counted, or why there are none; why
  // there is no year-over-year column.
  summary.addRow([]);
  const notes = [m.kpis.refunds ? l.refundConvention : l.noRefundsInData, ...noYearAgoNote(m, l)];
  for (const note of notes) summary.addRow([note]).font = { italic: true, color: { argb: 'FF6B7280' } };
  // A split report's standing among the others: a small table of its own under the notes.
  const standing = standingRows(m, l);
  if (standing.length > 0) {
    summary.addRow([]);
    summary.addRow([l.standing.among, l.standing.rank, l.standing.average, l.standing.versus]).font = { bold: true };
    for (const x of standing) {
      const row = summary.addRow([x.among, l.rankText(x.rank), x.average, x.versus]);
      row.getCell(3).numFmt = MONEY;
      row.getCell(4).numFmt = PERCENT;
    }
  }
  if (m.targets) targetSheet(workbook, m, l, own);
  addTable(
    workbook,
    l.daily,
    [
      { header: l.date, width: 14, numFmt: DATE },
      { header: l.thisWeek, width: 16, numFmt: MONEY },
      { header: l.lastWeek, width: 16, numFmt: MONEY },
    ],
    m.revenueByDay.map((d) => [asDate(d.date), d.revenue, d.previousRevenue]),
  );
  if (m.trend)
    addTable(
      workbook,
      l.trend,
      [
        { header: l.weekStart, width: 14, numFmt: DATE },
        { header: l.weekEnd, width: 14, numFmt: DATE },
        { header: l.kpi.revenue, width: 18, numFmt: MONEY },
        { header: l.kpi.orders, width: 12, numFmt: COUNT },
      ],
      m.trend.map((w) => [asDate(w.start), asDate(w.end), w.revenue ?? l.noData, w.orders ?? l.noData]),
    );
  const breakdown = (title: string, rows: BreakdownRow[]) =>
    addTable(
      workbook,
      title,
      [
        { header: title, width: 22 },
        { header: l.thisWeek, width: 16, numFmt: MONEY },
        { header: l.lastWeek, width: 16, numFmt: MONEY },
        { header: l.change, width: 12, numFmt: PERCENT },
        { header: l.share, width: 10, numFmt: PERCENT },
        ...yoyColumns,
      ],
      rows.map((r) => [
        r.name,
        r.revenue,
        r.previousRevenue,
        r.changeRatio,
        r.share,
        ...yoyCells(r.lastYearRevenue, r.yoyChangeRatio),
      ]),
    );
  for (const { dimension, rows } of breakdownsOf(m)) breakdown(l[dimension], rows);
  addTable(
    workbook,
    l.topProducts(m.topProducts.length),
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
  const money = moneyFormat(m.currency, l.locale);
  for (const sheet of workbook.worksheets)
    sheet.eachRow((row) =>
      row.eachCell((cell) => {
        if (cell.numFmt === MONEY) cell.numFmt = money;
      }),
    );
  // Every printed page says whose report it is and of when.
  for (const sheet of workbook.worksheets)
    sheet.headerFooter = {
      ...sheet.headerFooter,
      oddHeader: `&L${headerText(title)}&R${headerText(formatPeriod(m.period, l.locale))}`,
    };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/**
 * The workbook's or the PDF's file name, the one a reader saves: the report and its split value in it (a store's
 * workbook is not named like every other store's), then the period. Characters a file system refuses become "-".
 */
export function reportFileName(
  report: ReportRef | undefined,
  period: { start: string; end: string },
  kind: 'xlsx' | 'pdf',
): string {
  const which = report ? [report.id, ...(report.split === undefined ? [] : [report.split])] : [];
  const name = ['sales-report', ...which, period.start === period.end ? period.start : `${period.start}_${period.end}`]
    .join('-')
    .replace(/[\\/:*?"<>|\s]+/g, '-');
  return `${name}.${kind}`;
}
