import { nonRetryableFailure, type RunRef, type SalesMetrics } from '../temporal/contracts';
import { SalesDataError } from '../sales/errors';
import { SharedReads } from '../sales/shared-reads';
import { loadConfiguredSales, sourceReadKey } from '../sales/source';
import type { ActivityDeps } from './deps';
import { thisRun } from './this-run';
import { archivePrefix } from '../store/archive';
import { withHeartbeat } from './heartbeat';

export function createSalesDataActivities({ config, secrets, store }: ActivityDeps) {
  // Runs of the same report date loading at once (a morning's reports) share the one read on this worker.
  const reads = new SharedReads<SalesMetrics>();
  return {
    /** Reads the sales once and returns only the aggregates (small enough for workflow history). */
    async loadSalesMetrics(requested: RunRef): Promise<SalesMetrics> {
      const run = thisRun(requested);
      const metrics = await withHeartbeat(async (signal) => {
        try {
          return await reads.read(
            sourceReadKey(config, run.reportDate),
            (shared) => loadConfiguredSales(config, secrets, run.reportDate, { signal: shared }),
            signal,
          );
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
