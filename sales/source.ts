import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Config, Secrets } from '../config/config';
import { dataWindow, reportWindow, yearAgoWeek, type IsoDate } from './dates';
import { SalesDataError } from './errors';
import { loadSalesMetrics, type SourceDetails } from './load';
import { loadSalesMetricsInChild } from './load-process';
import type { SalesMetrics, Targets } from './metrics';
import { readTargetsFile, readTargetsTable, targetsFor } from './targets';
import { loadSalesMetricsFromPostgres } from './postgres';
import { fetchS3Source, isS3Url } from './s3-source';
import { isMultiFile, sourceFiles, type SourceFiles } from './source-files';

export interface LoadHooks {
  signal?: AbortSignal;
  /** Told how the source was read; the load then runs in this process. */
  onDetails?: (details: SourceDetails) => void;
}

/**
 * The report week's metrics from the configured source: the export file (in a child process with a capped heap
 * above data.childProcessAboveMB) or PostgreSQL. The one place a run and `data check` read the data from.
 */
export async function loadConfiguredSales(
  config: Config,
  secrets: Secrets,
  reportDate: IsoDate,
  hooks: LoadHooks = {},
): Promise<SalesMetrics> {
  const metrics = await loadSalesSource(config, secrets, reportDate, hooks);
  const targets = await readConfiguredTargets(config, secrets, metrics);
  return targets ? { ...metrics, targets } : metrics;
}

/**
 * What makes two reads of the configured source the same read: the report date and every setting the metrics
 * depend on (sales/shared-reads.ts shares reads in flight under it).
 */
export function sourceReadKey(config: Config, reportDate: IsoDate): string {
  const { data, targets, report } = config;
  return JSON.stringify({ reportDate, data, targets, currency: report.currency, trendWeeks: report.trendWeeks });
}

/** The targets set for the report's week or month (config targets), with their attainment. */
async function readConfiguredTargets(config: Config, secrets: Secrets, m: SalesMetrics): Promise<Targets | undefined> {
  const { targets } = config;
  if (!targets) return undefined;
  if (targets.table !== undefined) {
    if (!secrets.databaseUrl)
      throw new SalesDataError('targets.table is set but $SALES_REPORT_DATABASE_URL is not set in this environment');
    return targetsFor(
      m,
      await readTargetsTable(secrets.databaseUrl, targets.table, m.period.start, m.period.end.slice(0, 7)),
    );
  }
  return targetsFor(m, await readTargetsFile(resolve(targets.path ?? '')));
}

async function loadSalesSource(
  config: Config,
  secrets: Secrets,
  reportDate: IsoDate,
  hooks: LoadHooks,
): Promise<SalesMetrics> {
  const { data, report } = config;
  const common = {
    columns: data.columns,
    maxBadRowShare: data.maxBadRowShare,
    badRowsShown: data.badRowsShown,
    freshness: { failIfEndsBeforeWindow: data.failIfEndsBeforeWindow, failIfWindowEmpty: data.failIfWindowEmpty },
    reportDate,
    currency: report.currency,
    trendWeeks: report.trendWeeks,
    dateOrder: data.dateOrder,
    onDetails: hooks.onDetails,
  };
  if (data.source.kind === 'postgres') {
    if (!secrets.databaseUrl)
      throw new SalesDataError(
        'data.source.kind is "postgres" but $SALES_REPORT_DATABASE_URL is not set in this environment',
      );
    return loadSalesMetricsFromPostgres({
      ...common,
      url: secrets.databaseUrl,
      query: data.source.query ?? '',
      mode: data.source.mode,
      fetchRows: data.source.fetchRows,
      timezone: report.timezone,
    });
  }
  const window = dataWindow(reportDate, report.trendWeeks);
  // Daily files of the same week a year earlier are read too, where they are: the year-over-year comparison.
  const yearAgo = yearAgoWeek(reportWindow(reportDate).current);
  if (isS3Url(data.path)) {
    // Downloaded into a temp dir of this load's own, gone with it.
    const into = await mkdtemp(join(tmpdir(), 'sales-report-s3-'));
    try {
      const fetched = await fetchS3Source(data.path, window, data.s3, into, yearAgo);
      return await loadFiles(data.path, fetched);
    } finally {
      await rm(into, { recursive: true, force: true });
    }
  }
  const path = resolve(data.path);
  return loadFiles(path, isMultiFile(path) ? await sourceFiles(path, window, yearAgo) : undefined);

  async function loadFiles(path: string, many: SourceFiles | undefined): Promise<SalesMetrics> {
    const options = {
      ...common,
      path,
      ...(many && { files: many.files, missingFiles: many.missing }),
      format: data.format,
      sheet: data.sheet,
      headerRow: data.headerRow,
      encoding: data.encoding,
      delimiter: data.delimiter,
    };
    // A process start costs ~0.4 s: worth it where a big file would swell the worker's heap, and for every workbook,
    // whose reader may spill raw order lines into temp files that must go with the load (sales/load-process.ts).
    const files = many?.files ?? [path];
    const sizes = await Promise.all(files.map(async (f) => (await stat(f).catch(() => undefined))?.size ?? 0));
    const bytes = sizes.reduce((a, b) => a + b, 0);
    const workbook = options.format === 'xlsx' || (options.format === 'auto' && files.some((f) => /\.xlsx$/i.test(f)));
    return (workbook || bytes > data.childProcessAboveMB * 1024 * 1024) && !hooks.onDetails
      ? loadSalesMetricsInChild({ ...options, onDetails: undefined }, data.loaderHeapMB, hooks.signal)
      : loadSalesMetrics(options);
  }
}
