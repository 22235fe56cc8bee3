import { basename } from 'node:path';
import { SalesDataError } from './errors';
import type { SalesMetrics } from './metrics';

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
  const file = basename(path);
  const { period } = metrics;
  const dates = metrics.dataQuality.orderDates;
  const span = dates ? `its orders run ${dates.start} – ${dates.end}` : 'it holds no readable orders';
  if (rules.failIfEndsBeforeWindow && (!dates || dates.end < period.end)) {
    throw new SalesDataError(
      `${file} ends ${dates?.end ?? 'before any order'}; the report needs data through ${period.end} ` +
        `(the week ${period.start} – ${period.end}). Is the export up to date? (${path}; ` +
        'set data.failIfEndsBeforeWindow to false if days without orders are normal)',
    );
  }
  if (rules.failIfWindowEmpty && metrics.kpis.orders.current === 0) {
    throw new SalesDataError(
      `${file} has no orders in the report week ${period.start} – ${period.end} (${span}; ${path}). ` +
        'Set data.failIfWindowEmpty to false if empty weeks are normal.',
    );
  }
}
