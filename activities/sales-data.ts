import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { nonRetryableFailure, type RunRef, type SalesMetrics } from '../temporal/contracts';
import { loadSalesMetrics as load, SalesDataError } from '../sales/load';
import { loadSalesMetricsInChild } from '../sales/load-process';
import type { ActivityDeps } from './deps';
import { archivePrefix } from '../store/archive';
import { withHeartbeat } from './heartbeat';

export function createSalesDataActivities({ config, store }: ActivityDeps) {
  return {
    /** Streams the sales file once and returns only the aggregates (small enough for workflow history). */
    async loadSalesMetrics(run: RunRef): Promise<SalesMetrics> {
      const { data, report } = config;
      const options = {
        path: resolve(data.path),
        format: data.format,
        sheet: data.sheet,
        headerRow: data.headerRow,
        encoding: data.encoding,
        delimiter: data.delimiter,
        columns: data.columns,
        maxBadRowShare: data.maxBadRowShare,
        badRowsShown: data.badRowsShown,
        freshness: { failIfEndsBeforeWindow: data.failIfEndsBeforeWindow, failIfWindowEmpty: data.failIfWindowEmpty },
        reportDate: run.reportDate,
        currency: report.currency,
      };
      const metrics = await withHeartbeat(async (signal) => {
        try {
          // A process start costs ~0.4 s: worth it only where a big file would swell the worker's heap.
          const bytes = (await stat(options.path).catch(() => undefined))?.size ?? 0;
          return bytes > data.childProcessAboveMB * 1024 * 1024
            ? await loadSalesMetricsInChild(options, data.loaderHeapMB, signal)
            : await load(options);
        } catch (err) {
          // A bad file stays bad on retry: fail now, with the file, rows and columns in the message.
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
