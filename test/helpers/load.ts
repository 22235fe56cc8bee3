import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../config/config';
import { writeSampleCsv, writeSampleTargets, type SampleOptions } from '../../dev/sample-data';
import { readTargetsFile, targetsFor } from '../../sales/targets';
import { loadSalesMetrics, type LoadSalesOptions } from '../../sales/load';
import type { SalesMetrics } from '../../sales/metrics';

/** How the product reads a sales file by default, reporting on 2026-11-20, with `more` on top. */
export function loadOptions(path: string, more: Partial<LoadSalesOptions> = {}): LoadSalesOptions {
  return {
    path,
    format: 'auto',
    columns: parseConfig({}).data.columns,
    maxBadRowShare: 0.05,
    badRowsShown: 5,
    reportDate: '2026-11-20',
    currency: 'CNY',
    ...more,
  };
}

/** Loads a sales file the way the product does by default, reporting on 2026-11-20, with `more` on top. */
export function loadReportWeek(path: string, more: Partial<LoadSalesOptions> = {}): Promise<SalesMetrics> {
  return loadSalesMetrics(loadOptions(path, more));
}

/** A seeded sample export written to a temp dir (CSV, ending 2026-11-19, no bad rows unless asked), and its metrics. */
export async function sampleReportWeek(
  sample: Pick<SampleOptions, 'days' | 'ordersPerDay' | 'seed'> & Partial<SampleOptions>,
  more: Partial<LoadSalesOptions> = {},
): Promise<SalesMetrics> {
  const path = join(await mkdtemp(join(tmpdir(), 'sales-report-sample-')), 'sales.csv');
  await writeSampleCsv(path, { endDate: '2026-11-19', badRowsPerThousand: 0, ...sample });
  return loadReportWeek(path, more);
}

/**
 * A year and a week of sales (CSV, ending 2026-11-19, some bad rows) with the month's targets, at `ordersPerDay`:
 * the longest and widest a weekly report gets (同比 lines, a target under each row).
 */
export async function yearWithTargets(dir: string, ordersPerDay: number): Promise<SalesMetrics> {
  const data = join(dir, 'sales.csv');
  await writeSampleCsv(data, {
    endDate: '2026-11-19',
    days: 371,
    ordersPerDay,
    seed: 3,
    badRowsPerThousand: 3,
    yearlyGrowth: 0.15,
  });
  const targets = join(dir, 'targets.csv');
  await writeSampleTargets(targets, '2026-11', ordersPerDay);
  const loaded = await loadReportWeek(data, { trendWeeks: 8 });
  return { ...loaded, targets: targetsFor(loaded, await readTargetsFile(targets)) };
}
