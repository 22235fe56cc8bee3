import { nonRetryableFailure, type RunRef, type SalesMetrics } from '../temporal/contracts';
import { SalesDataError } from '../sales/errors';
import { SharedReads } from '../sales/shared-reads';
import { loadConfiguredViews, sourceReadKey } from '../sales/source';
import { sliceOf, WHOLE, type MetricsByView, type ReadView } from '../sales/slices';
import { definitionOf, reportDefinitions } from '../report/definitions';
import { configForSource } from '../config/config';
import type { ActivityDeps } from './deps';
import { thisRun } from './this-run';
import { archivePrefix } from '../store/archive';
import { withHeartbeat } from './heartbeat';
import { activityMetrics } from './metrics';

/**
 * How long a finished read is kept after the last run took it: long enough for a morning's later runs (a worker
 * executes so many activities at once), short enough that a re-run by hand reads the source again.
 */
const KEEP_READ_MS = 120_000;

export function createSalesDataActivities({ config, secrets, store }: ActivityDeps) {
  // Runs of the same report date loading at once (a morning's reports, every value of a split) share the one read
  // on this worker, which computes every slice in one pass.
  const reads = new SharedReads<MetricsByView>({ keepMs: KEEP_READ_MS });
  // Every report of a source is a view of its one read: a morning's daily flash, weekly report and regional reports
  // parse the export once between them. Each named source (config sources) is read once for its own reports.
  const viewsOf = new Map<string, ReadView[]>();
  for (const { id, period, slicing, source, currency } of reportDefinitions(config))
    viewsOf.set(source, [...(viewsOf.get(source) ?? []), { id, period, slicing, currency }]);
  return {
    /** Reads the sales once and returns only the aggregates of the run's slice (small enough for workflow history). */
    async loadSalesMetrics(requested: RunRef): Promise<SalesMetrics> {
      const run = thisRun(requested);
      const { id, slicing, source } = definitionOf(config, run.report);
      const reading = configForSource(config, source);
      const views = viewsOf.get(source)!;
      const metrics = await withHeartbeat(async (signal) => {
        try {
          const byView = await reads.read(
            await sourceReadKey(reading, run.reportDate, views),
            (shared) => {
              // Counted by the run that starts the read: the others join it.
              activityMetrics().sourceReads.add(1, { source: reading.data.source.kind });
              return loadConfiguredViews(reading, secrets, run.reportDate, views, { signal: shared });
            },
            signal,
          );
          return sliceOf(byView[id]!, run.report?.split ?? WHOLE, slicing.split, reading.data.failIfWindowEmpty);
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
