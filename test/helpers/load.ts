import { parseConfig } from '../../config/config';
import { loadSalesMetrics, type LoadSalesOptions } from '../../sales/load';
import type { SalesMetrics } from '../../sales/metrics';

/** Loads a sales file the way the product does by default, reporting on 2026-11-20, with `more` on top. */
export function loadReportWeek(path: string, more: Partial<LoadSalesOptions> = {}): Promise<SalesMetrics> {
  return loadSalesMetrics({
    path,
    format: 'auto',
    columns: parseConfig({}).data.columns,
    maxBadRowShare: 0.05,
    badRowsShown: 5,
    reportDate: '2026-11-20',
    currency: 'CNY',
    ...more,
  });
}
