import { nonRetryableFailure, type RunRef, type SalesMetrics } from '../temporal/contracts';
import { SalesDataError } from '../sales/errors';
import { SharedReads } from '../sales/shared-reads';
import { loadConfiguredSlices, sourceReadKey } from '../sales/source';
import { sliceOf, WHOLE, type MetricsBySlice } from '../sales/slices';
import { definitionOf } from '../report/definitions';
import type { ActivityDeps } from './deps';
import { thisRun } from './this-run';
import { archivePrefix } from '../store/archive';
import { withHeartbeat } from './heartbeat';
import { activityMetrics } from './metrics';

export function createSalesDataActivities({ config, secrets, store }: ActivityDeps) {
  // Runs of the same report date loading at once (a morning's reports, every value of a split) share the one read
  // on this worker, which computes every slice in one pass.
  const reads = new SharedReads<MetricsBySlice>();
  return {
    /** Reads the sales once and returns only the aggregates of the run's slice (small enough for workflow history). */
    async loadSalesMetrics(requested: RunRef): Promise<SalesMetrics> {
      const run = thisRun(requested);
      const { slicing, period } = definitionOf(config, run.report);
      const metrics = await withHeartbeat(async (signal) => {
        try {
          const slices = await reads.read(
            sourceReadKey(config, run.reportDate, { slicing, period }),
            (shared) => {
              // Counted by the run that starts the read: the others join it.
              activityMetrics().sourceReads.add(1, { source: config.data.source.kind });
              return loadConfiguredSlices(config, secrets, run.reportDate, { slicing, period }, { signal: shared });
            },
            signal,
          );
          return sliceOf(slices, run.report?.split ?? WHOLE, slicing.split, config.data.failIfWindowEmpty);
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
