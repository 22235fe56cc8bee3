import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Config, Secrets } from '../config/config';
import { readWindow, reportWindows, type IsoDate, type PeriodKind } from './dates';
import { SalesDataError } from './errors';
import { loadSalesViews, type SourceDetails } from './load';
import { loadSalesViewsInChild } from './load-process';
import type { SalesMetrics } from './metrics';
import { readTargetsFile, readTargetsTable, targetRowsOfSlice, targetsFor, type TargetRow } from './targets';
import { loadSalesSlicesFromPostgres } from './postgres';
import {
  sliceIdentity,
  sliceOf,
  WHOLE,
  type MetricsBySlice,
  type MetricsByView,
  type ReadView,
  type Slicing,
} from './slices';
import { fetchS3Source, isS3Url } from './s3-source';
import { isMultiFile, sourceFiles, type SourceFiles } from './source-files';

export interface LoadHooks {
  signal?: AbortSignal;
  /** Told how the source was read; the load then runs in this process. */
  onDetails?: (details: SourceDetails) => void;
}

/** The whole source's metrics for the report week (`data check`): no scope, no split. */
export async function loadConfiguredSales(
  config: Config,
  secrets: Secrets,
  reportDate: IsoDate,
  hooks: LoadHooks = {},
): Promise<SalesMetrics> {
  const slices = await loadConfiguredSlices(config, secrets, reportDate, WHOLE_WEEK, hooks);
  return sliceOf(slices, WHOLE, undefined, config.data.failIfWindowEmpty);
}

/** What a report reads: which slices, over which period. */
export interface ReadSpec {
  slicing: Slicing;
  period: PeriodKind;
}

/** The weekly report of the whole source: what a config without reports writes. */
export const WHOLE_WEEK: ReadSpec = { slicing: {}, period: 'week' };

/** One view's slices from the configured source: `loadConfiguredViews` with that view alone. */
export async function loadConfiguredSlices(
  config: Config,
  secrets: Secrets,
  reportDate: IsoDate,
  spec: ReadSpec,
  hooks: LoadHooks = {},
): Promise<MetricsBySlice> {
  return (await loadConfiguredViews(config, secrets, reportDate, [{ id: WHOLE, ...spec }], hooks))[WHOLE]!;
}

/**
 * Every report's view of the configured source in one read (each view's period, slices and the targets each slice
 * measures): the export file (in a child process with a capped heap above data.childProcessAboveMB) parsed once for
 * all of them, or PostgreSQL (the grouping pushed down per view in aggregate mode). The one place runs and `data
 * check` read the data from.
 */
export async function loadConfiguredViews(
  config: Config,
  secrets: Secrets,
  reportDate: IsoDate,
  views: ReadView[],
  hooks: LoadHooks = {},
): Promise<MetricsByView> {
  const byView = await loadSalesSource(config, secrets, reportDate, views, hooks);
  const withTargets = async (view: ReadView): Promise<[string, MetricsBySlice]> => {
    const slices = byView[view.id]!;
    const rows = await readConfiguredTargets(config, secrets, reportDate, view.period);
    if (!rows) return [view.id, slices];
    return [
      view.id,
      Object.fromEntries(
        Object.entries(slices).map(([key, m]) => {
          const targets = targetsFor(m, targetRowsOfSlice(rows, sliceIdentity(view.slicing, key)));
          return [key, targets ? { ...m, targets } : m];
        }),
      ),
    ];
  };
  return Object.fromEntries(await Promise.all(views.map(withTargets)));
}

/**
 * What makes two reads of the configured source the same read: the report date, the views, every setting the metrics
 * depend on, and for a local export file its size and modification time (a file exported again is another read).
 * sales/shared-reads.ts shares reads under it.
 */
export async function sourceReadKey(config: Config, reportDate: IsoDate, views: ReadView[]): Promise<string> {
  const { data, targets, report } = config;
  const local = data.source.kind === 'file' && !isS3Url(data.path) && !isMultiFile(resolve(data.path));
  const file = local ? await stat(resolve(data.path)).catch(() => undefined) : undefined;
  return JSON.stringify({
    reportDate,
    data,
    targets,
    currency: report.currency,
    trendWeeks: report.trendWeeks,
    views,
    ...(file && { file: { size: file.size, modified: file.mtimeMs } }),
  });
}

/** The target rows for the report's week or month (config targets). */
async function readConfiguredTargets(
  config: Config,
  secrets: Secrets,
  reportDate: IsoDate,
  period: PeriodKind,
): Promise<TargetRow[] | undefined> {
  const { targets } = config;
  if (!targets) return undefined;
  const week = reportWindows(reportDate, period).current;
  if (targets.table !== undefined) {
    if (!secrets.databaseUrl)
      throw new SalesDataError('targets.table is set but $SALES_REPORT_DATABASE_URL is not set in this environment');
    return readTargetsTable(secrets.databaseUrl, targets.table, week.start, week.end.slice(0, 7));
  }
  return readTargetsFile(resolve(targets.path ?? ''));
}

async function loadSalesSource(
  config: Config,
  secrets: Secrets,
  reportDate: IsoDate,
  views: ReadView[],
  hooks: LoadHooks,
): Promise<MetricsByView> {
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
    const url = secrets.databaseUrl;
    // The database does the grouping: one set of grouped queries per view.
    const byView: MetricsByView = {};
    for (const view of views)
      byView[view.id] = await loadSalesSlicesFromPostgres({
        ...common,
        period: view.period,
        slicing: view.slicing,
        currency: view.currency ?? report.currency,
        url,
        query: data.source.query ?? '',
        mode: data.source.mode,
        fetchRows: data.source.fetchRows,
        timezone: report.timezone,
      });
    return byView;
  }
  // The days every view reads, and each one's days a year earlier (daily files are read where they are).
  const windows = views.map((v) => reportWindows(reportDate, v.period, report.trendWeeks));
  const window = { start: windows.map((w) => readWindow(w).start).sort()[0]!, end: windows[0]!.current.end };
  const yearAgo = {
    start: windows.map((w) => w.yearAgo.start).sort()[0]!,
    end: windows
      .map((w) => w.yearAgo.end)
      .sort()
      .at(-1)!,
  };
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

  async function loadFiles(path: string, many: SourceFiles | undefined): Promise<MetricsByView> {
    const options = {
      ...common,
      views,
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
      ? loadSalesViewsInChild({ ...options, onDetails: undefined }, data.loaderHeapMB, hooks.signal)
      : loadSalesViews(options);
  }
}
