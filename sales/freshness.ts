import { basename } from 'node:path';
import { SalesDataError } from './errors';
import type { SalesMetrics } from './metrics';
import { WHOLE, type MetricsBySlice } from './slices';

export interface FreshnessRules {
  /** The export must reach the last day of the report window (else it is stale, not a quiet week). */
  failIfEndsBeforeWindow: boolean;
  /** The report window must hold orders (else it would report ¥0.00 and −100 %). */
  failIfWindowEmpty: boolean;
}

/**
 * A stale or empty export is not a report: it would go out looking official with revenue 0 and a narrative about
 * it. Both rules can be turned off for businesses that do have empty weeks or days.
 */
export function checkFreshness(metrics: SalesMetrics, path: string, rules: FreshnessRules): void {
  checkSourceReaches(metrics, path, rules);
  if (rules.failIfWindowEmpty && metrics.kpis.orders.current === 0) {
    const { period } = metrics;
    const dates = metrics.dataQuality.orderDates;
    const span = dates ? `its orders run ${dates.start} – ${dates.end}` : 'it holds no readable orders';
    throw new SalesDataError(
      `${basename(path)} has no orders in the report week ${period.start} – ${period.end} (${span}; ${path}). ` +
        'Set data.failIfWindowEmpty to false if empty weeks are normal.',
    );
  }
}

/**
 * The freshness of a read's slices: the source must reach the report's last day (every slice says how far the whole
 * source reaches); a report that is not split must have orders. A split value without orders fails its own report
 * only (sliceOf in sales/slices.ts).
 */
export function checkSlicesFresh(slices: MetricsBySlice, path: string, rules: FreshnessRules): void {
  const whole = slices[WHOLE];
  if (whole) return checkFreshness(whole, path, rules);
  // No slice at all: nothing in scope was read, which each report's sliceOf says in its own words.
  const any = Object.values(slices)[0];
  if (any) checkSourceReaches(any, path, rules);
}

function checkSourceReaches(metrics: SalesMetrics, path: string, rules: FreshnessRules): void {
  const file = basename(path);
  const { period } = metrics;
  const dates = metrics.dataQuality.orderDates;
  if (rules.failIfEndsBeforeWindow && (!dates || dates.end < period.end)) {
    throw new SalesDataError(
      `${file} ends ${dates?.end ?? 'before any order'}; the report needs data through ${period.end} ` +
        `(the week ${period.start} – ${period.end}). Is the export up to date? (${path}; ` +
        'set data.failIfEndsBeforeWindow to false if days without orders are normal)',
    );
  }
}
