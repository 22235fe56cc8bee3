import { basename } from 'node:path';
import { SalesDataError } from './errors';
import type { SalesMetrics } from './metrics';
import type { MetricsBySlice } from './slices';

export interface FreshnessRules {
  /** The export must reach the last day of the report window (else it is stale, not a quiet week). */
  failIfEndsBeforeWindow: boolean;
  /** The report's period must hold orders (else it would report ¥0.00 and −100 %): checked per report, by sliceOf. */
  failIfWindowEmpty: boolean;
}

/**
 * A stale export is not a report: it would go out looking official with revenue 0 and a narrative about it. The
 * freshness of a read: the source must reach the report's last day (every slice says how far the whole source
 * reaches). A slice without orders in its period fails its own report only (sliceOf in sales/slices.ts): a quiet
 * day does not hold the week's report, nor one region the others.
 */
export function checkSlicesFresh(slices: MetricsBySlice, path: string, rules: FreshnessRules): void {
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
