import type { DateRange, IsoDate } from './dates';

/** The headline KPIs, each with a sentence of the model's (schemas/weekly-sales-report.schema.ts). */
export const KPI_KEYS = ['revenue', 'orders', 'units', 'averageOrderValue'] as const;
export type KpiKey = (typeof KPI_KEYS)[number];

/**
 * Returns, reported beside revenue: the amount refunded (negative lines, as a positive amount), how many refund
 * lines, and refunds as a share of gross sales (positive lines).
 */
export const RETURN_KPI_KEYS = ['refunds', 'refundLines', 'returnRate'] as const;
export type ReturnKpiKey = (typeof RETURN_KPI_KEYS)[number];
export type AnyKpiKey = KpiKey | ReturnKpiKey;

/** How each KPI is written: the one home for it (email, workbook, figure sheet). */
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
}

/** Everything the report states as a number. Computed in code; the LLM only writes the words around it. */
export interface SalesMetrics {
  reportDate: IsoDate;
  currency: string;
  period: DateRange;
  previousPeriod: DateRange;
  /** Revenue is net of refunds; orders are the distinct orders with positive net sales in the week. */
  kpis: Record<KpiKey, Kpi> & Partial<Record<ReturnKpiKey, Kpi>>;
  revenueByDay: { date: IsoDate; revenue: number; previousRevenue: number }[];
  /**
   * Revenue and orders of the last report.trendWeeks weeks, oldest first, the report's week last. Absent in metrics
   * computed before the trend was reported.
   */
  trend?: TrendWeek[];
  byCategory: BreakdownRow[];
  byRegion: BreakdownRow[];
  byChannel: BreakdownRow[];
  topProducts: ProductRow[];
  risers: Mover[];
  fallers: Mover[];
  dataQuality: DataQuality;
}

/** The breakdowns every report shows, in the order a reader meets them (email, text, workbook, figure sheet). */
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
