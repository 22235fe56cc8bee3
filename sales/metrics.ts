import type { DateRange, IsoDate } from './dates';

export const KPI_KEYS = ['revenue', 'orders', 'units', 'averageOrderValue'] as const;
export type KpiKey = (typeof KPI_KEYS)[number];

export interface Kpi {
  current: number;
  previous: number;
  /** (current - previous) / previous; null when there is nothing to compare with. */
  changeRatio: number | null;
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
}

/** Everything the report states as a number. Computed in code; the LLM only writes the words around it. */
export interface SalesMetrics {
  reportDate: IsoDate;
  currency: string;
  period: DateRange;
  previousPeriod: DateRange;
  kpis: Record<KpiKey, Kpi>;
  revenueByDay: { date: IsoDate; revenue: number; previousRevenue: number }[];
  byCategory: BreakdownRow[];
  byRegion: BreakdownRow[];
  byChannel: BreakdownRow[];
  topProducts: ProductRow[];
  risers: Mover[];
  fallers: Mover[];
  dataQuality: DataQuality;
}
