import { daysInMonth, daysOf, type DateRange, type IsoDate, type PeriodKind } from './dates';

/** The headline KPIs, each with a sentence of the model's (schemas/narrative.schema.ts). */
export const KPI_KEYS = ['revenue', 'orders', 'units', 'averageOrderValue'] as const;
export type KpiKey = (typeof KPI_KEYS)[number];

/**
 * Returns, reported beside revenue: the amount refunded (negative lines, as a positive amount), how many refund
 * lines, and refunds as a share of gross sales (positive lines).
 */
export const RETURN_KPI_KEYS = ['refunds', 'refundLines', 'returnRate'] as const;
export type ReturnKpiKey = (typeof RETURN_KPI_KEYS)[number];
export type AnyKpiKey = KpiKey | ReturnKpiKey;

/** How each KPI is written: the one home for it (email, workbook, fact book). */
export const KPI_KIND: Record<AnyKpiKey, 'money' | 'count' | 'ratio'> = {
  revenue: 'money',
  orders: 'count',
  units: 'count',
  averageOrderValue: 'money',
  refunds: 'money',
  refundLines: 'count',
  returnRate: 'ratio',
};

/** Every KPI the metrics hold, in report order (metrics computed before returns were reported have none). */
export function kpisOf(m: SalesMetrics): [AnyKpiKey, Kpi][] {
  return [...KPI_KEYS, ...RETURN_KPI_KEYS].flatMap((key) => {
    const k = m.kpis[key];
    return k ? [[key, k] as [AnyKpiKey, Kpi]] : [];
  });
}

export interface Kpi {
  current: number;
  previous: number;
  /** (current - previous) / previous; null when there is nothing to compare with. */
  changeRatio: number | null;
  /** The same week a year earlier, where the source holds it (SalesMetrics.yearAgo). */
  lastYear?: number;
  /** (current - lastYear) / lastYear: 同比; null when last year had nothing to compare with. */
  yoyChangeRatio?: number | null;
}

/** The KPIs compared with the same week a year earlier: the flows and their ratio, not the refund lines. */
export const YOY_KPI_KEYS = KPI_KEYS;

/** The same week a year earlier, which the report compares with beside last week. */
export interface YearAgo {
  /** 52 weeks before the report's week: the same weekdays. */
  period: DateRange;
  /**
   * Whether the source reaches back to that week's first day. Without it the report says so, shows no 同比 figure
   * and the fact check refuses a year-over-year claim.
   */
  available: boolean;
}

/** The month of the report week's last day, from its 1st to that day: what a monthly target is measured on. */
export interface MonthToDate {
  range: DateRange;
  daysInMonth: number;
  revenue: number;
  orders: number;
  units: number;
  /** Revenue by region, channel and category name. */
  revenueBy: Record<Breakdown, Record<string, number>>;
}

/** The KPIs a target may be set for: the flows (a ratio's target is its parts' targets). */
export const TARGET_KPI_KEYS = ['revenue', 'orders', 'units'] as const;
export type TargetKpiKey = (typeof TARGET_KPI_KEYS)[number];

/** How far a figure has come towards its target. */
export interface Attainment {
  target: number;
  /** The report week's figure (a weekly target) or the month to date (a monthly one). */
  actual: number;
  /** actual / target. */
  attainment: number;
  /** target - actual: what is still to do (negative: over the target by that much). */
  gap: number;
  /** Monthly targets only: the target pro rata to the days gone (target × days elapsed ÷ days in the month). */
  expected?: number;
  /** Monthly targets only: actual / expected, 1 = on pace. */
  pace?: number;
}

/** The targets for the report's week or month, each with its attainment (sales/targets.ts). */
export interface Targets {
  basis: 'week' | 'month';
  /** The week, or the whole month (1st to last day). */
  range: DateRange;
  /** The last day counted: the report week's last day. */
  through: IsoDate;
  daysElapsed: number;
  daysInPeriod: number;
  kpis: Partial<Record<TargetKpiKey, Attainment>>;
  /** Revenue targets by region, channel or category, in BREAKDOWNS order then as configured. */
  breakdowns: ({ dimension: Breakdown; name: string } & Attainment)[];
}

export interface TrendWeek {
  start: IsoDate;
  end: IsoDate;
  /** null: the week ends before the source's first order: no data, which is not the same as nothing sold. */
  revenue: number | null;
  orders: number | null;
}

export interface BreakdownRow {
  name: string;
  revenue: number;
  previousRevenue: number;
  changeRatio: number | null;
  /** Share of this week's revenue, 0..1. */
  share: number;
  /** The same week a year earlier, where the source holds it. */
  lastYearRevenue?: number;
  yoyChangeRatio?: number | null;
}

export interface ProductRow {
  product: string;
  category: string;
  revenue: number;
  units: number;
  previousRevenue: number;
  changeRatio: number | null;
}

export interface Mover {
  product: string;
  revenue: number;
  previousRevenue: number;
  delta: number;
}

export interface RowProblem {
  file: string;
  row: number;
  column: string;
  reason: string;
}

export interface DataQuality {
  file: string;
  dataRows: number;
  blankRows: number;
  skippedRows: number;
  rowsInWindow: number;
  /** The first and last order date in the whole file: how far the export reaches. */
  orderDates?: DateRange;
  /** The first problems found, in file order; skippedRows says how many there were in all. */
  problems: RowProblem[];
  /** One file a day (data.path's {date} template): the days' files that were not there. */
  missingFiles?: string[];
  /** Formula cells with no saved value, read as typed: how many, and the first few by file, sheet and cell. */
  unsavedFormulas?: { count: number; cells: UnsavedFormula[] };
}

/** A formula cell with no saved value: where it is and its text as typed. */
export interface UnsavedFormula {
  file: string;
  sheet: string;
  /** "C7". */
  cell: string;
  text: string;
}

/** A report's period kind: "week" for metrics that do not say. */
export function periodKindOf(m: Pick<SalesMetrics, 'periodKind'>): PeriodKind {
  return m.periodKind ?? 'week';
}

/** A month to date carried to the month's end at the pace so far: a projection, said as one. */
export interface MonthEndProjection {
  daysElapsed: number;
  daysInMonth: number;
  revenuePerDay: number;
  /** revenue ÷ days elapsed × days in the month. */
  projectedRevenue: number;
}

/**
 * The one formula for the month-end projection of a month-to-date report: the month's revenue so far ÷ the days gone
 * × the days in the month. None for other periods, or once the month is whole (its figure is then no projection).
 */
export function monthEndProjection(
  m: Pick<SalesMetrics, 'periodKind' | 'period' | 'kpis'>,
): MonthEndProjection | undefined {
  if (periodKindOf(m) !== 'month') return undefined;
  const daysElapsed = daysOf(m.period).length;
  const days = daysInMonth(m.period.end);
  if (daysElapsed >= days || daysElapsed === 0) return undefined;
  const revenuePerDay = m.kpis.revenue.current / daysElapsed;
  return { daysElapsed, daysInMonth: days, revenuePerDay, projectedRevenue: revenuePerDay * days };
}

/** What reading a source counted about its rows: every slice of the read carries it in its dataQuality. */
export type RowTally = Pick<
  DataQuality,
  'file' | 'dataRows' | 'blankRows' | 'skippedRows' | 'problems' | 'unsavedFormulas'
>;

/** Everything the report states as a number. Computed in code; the LLM only writes the words around it. */
export interface SalesMetrics {
  reportDate: IsoDate;
  /** What `period` is: yesterday, a week (absent: metrics of weekly reports, as every report was before periods), or the month to date. */
  periodKind?: Exclude<PeriodKind, 'week'>;
  currency: string;
  period: DateRange;
  /** What it is compared with: the week before, the same weekday a week before, the same days of the month before. */
  previousPeriod: DateRange;
  /** Revenue is net of refunds; orders are the distinct orders with positive net sales in the week. */
  kpis: Record<KpiKey, Kpi> & Partial<Record<ReturnKpiKey, Kpi>>;
  revenueByDay: { date: IsoDate; revenue: number; previousRevenue: number }[];
  /**
   * Revenue and orders of the last report.trendWeeks weeks, oldest first, the report's week last. Absent in metrics
   * computed before the trend was reported.
   */
  trend?: TrendWeek[];
  /** The same week a year earlier; absent in metrics computed before the report compared years. */
  yearAgo?: YearAgo;
  /** The month to date; absent in metrics computed before targets were reported. */
  monthToDate?: MonthToDate;
  /** Set when targets are configured for the report's week or month (config targets). */
  targets?: Targets;
  byCategory: BreakdownRow[];
  byRegion: BreakdownRow[];
  byChannel: BreakdownRow[];
  topProducts: ProductRow[];
  risers: Mover[];
  fallers: Mover[];
  dataQuality: DataQuality;
  /** Where a split report's value stands among the split's other values (sales/standing.ts); absent: not split. */
  standing?: Standing;
}

/** A value's place by revenue in the period among others (1 = most), and the average revenue of all of them. */
export interface Rank {
  rank: number;
  of: number;
  average: number;
}

/** Where one value of a split (a store) stands: among every value of the read, and among those of its region. */
export interface Standing extends Rank {
  /** The field the report is split by: "store", "region", "manager"… */
  field: string;
  /** Among the values whose lines are all in the same region as its own (a store's region). */
  region?: Rank & { name: string };
}

/** The breakdowns every report shows, in the order a reader meets them (email, text, workbook, fact book). */
export const BREAKDOWNS = ['region', 'channel', 'category'] as const;
export type Breakdown = (typeof BREAKDOWNS)[number];

const BREAKDOWN_ROWS = {
  region: (m) => m.byRegion,
  channel: (m) => m.byChannel,
  category: (m) => m.byCategory,
} as const satisfies Record<Breakdown, (m: SalesMetrics) => BreakdownRow[]>;

/** Each breakdown with its rows, in BREAKDOWNS order. */
export function breakdownsOf(m: SalesMetrics): { dimension: Breakdown; rows: BreakdownRow[] }[] {
  return BREAKDOWNS.map((dimension) => ({ dimension, rows: BREAKDOWN_ROWS[dimension](m) }));
}

/** A breakdown row's share of last week's revenue, 0..1: what a reader works out from the table. */
export function previousShareOf(row: BreakdownRow, rows: readonly BreakdownRow[]): number {
  const total = rows.reduce((sum, r) => sum + r.previousRevenue, 0);
  return total === 0 ? 0 : row.previousRevenue / total;
}
