import { nonRetryableFailure, type RunRef, type SalesMetrics } from '../temporal/contracts';
import { SalesDataError } from '../sales/errors';
import { loadConfiguredSales } from '../sales/source';
import type { ActivityDeps } from './deps';
import { thisRun } from './this-run';
import { archivePrefix } from '../store/archive';
import { withHeartbeat } from './heartbeat';

export function createSalesDataActivities({ config, secrets, store }: ActivityDeps) {
  return {
    /** Reads the sales once and returns only the aggregates (small enough for workflow history). */
    async loadSalesMetrics(requested: RunRef): Promise<SalesMetrics> {
      const run = thisRun(requested);
      const metrics = await withHeartbeat(async (signal) => {
        try {
          return await loadConfiguredSales(config, secrets, run.reportDate, { signal });
        } catch (err) {
          // Bad data stays bad on retry: fail now, with the file (or query), rows and columns in the message.
          if (err instanceof SalesDataError) {
            throw nonRetryableFailure('SalesDataError', err.message, { problems: err.problems });
          }
          throw err;
        }
      });
      await store.put(`${archivePrefix(run)}metrics.json`, JSON.stringify(metrics, null, 2));
      return metrics;
    },
  };
}
