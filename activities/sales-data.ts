import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { nonRetryableFailure, type RunRef, type SalesMetrics } from '../temporal/contracts';
import { loadSalesMetrics as load, SalesDataError } from '../sales/load';
import { loadSalesMetricsInChild } from '../sales/load-process';
import { loadSalesMetricsFromPostgres } from '../sales/postgres';
import type { ActivityDeps } from './deps';
import { archivePrefix } from '../store/archive';
import { withHeartbeat } from './heartbeat';

export function createSalesDataActivities({ config, secrets, store }: ActivityDeps) {
  /** The export file, streamed (in a child process with a capped heap above a size). */
  async function fromFile(run: RunRef, signal: AbortSignal): Promise<SalesMetrics> {
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
    // A process start costs ~0.4 s: worth it only where a big file would swell the worker's heap.
    const bytes = (await stat(options.path).catch(() => undefined))?.size ?? 0;
    return bytes > data.childProcessAboveMB * 1024 * 1024
      ? loadSalesMetricsInChild(options, data.loaderHeapMB, signal)
      : load(options);
  }

  /** The database: a cursor over the order lines, or the grouping done there (data.source.mode). */
  function fromPostgres(run: RunRef): Promise<SalesMetrics> {
    const { data, report } = config;
    const { query, mode, fetchRows } = data.source;
    if (!secrets.databaseUrl)
      throw new SalesDataError(
        'data.source.kind is "postgres" but $SALES_REPORT_DATABASE_URL is not set in this worker\'s environment',
      );
    return loadSalesMetricsFromPostgres({
      url: secrets.databaseUrl,
      query: query ?? '',
      mode,
      fetchRows,
      timezone: report.timezone,
      columns: data.columns,
      maxBadRowShare: data.maxBadRowShare,
      badRowsShown: data.badRowsShown,
      freshness: { failIfEndsBeforeWindow: data.failIfEndsBeforeWindow, failIfWindowEmpty: data.failIfWindowEmpty },
      reportDate: run.reportDate,
      currency: report.currency,
    });
  }

  return {
    /** Reads the sales once and returns only the aggregates (small enough for workflow history). */
    async loadSalesMetrics(run: RunRef): Promise<SalesMetrics> {
      const metrics = await withHeartbeat(async (signal) => {
        try {
          return config.data.source.kind === 'postgres' ? await fromPostgres(run) : await fromFile(run, signal);
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
