import { Client } from 'pg';
import { readCsv } from '../config/csv';
import { detectTextFormat } from '../config/text-format';
import { CellError, cellText, parseMoneyCents } from './cells';
import { isIsoDate, type IsoDate } from './dates';
import { SalesDataError } from './errors';
import { SLICE_FIELDS, type SliceField } from './slices';
import {
  BREAKDOWNS,
  TARGET_KPI_KEYS,
  breakdownsOf,
  type Attainment,
  type Breakdown,
  type SalesMetrics,
  type TargetKpiKey,
  type Targets,
} from './metrics';

/**
 * One target, as a sales team keeps them (a CSV file or a PostgreSQL table, one row each): for a month
 * (`period` 2026-11) or a week (`period` its first day, 2026-11-23); for the company's KPI (`dimension` empty) or a
 * region / channel / category's revenue (`dimension` region, `name` 华东), or a store's or manager's, which only that
 * store's (manager's) own report measures.
 */
export interface TargetRow {
  period: string;
  kpi: TargetKpiKey;
  dimension?: SliceField;
  name?: string;
  target: number;
}

export const TARGET_COLUMNS = ['period', 'kpi', 'dimension', 'name', 'target'] as const;

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Rows as read (the file's or the table's), checked: each wrong cell named by where it is and why. */
export function parseTargets(rows: { where: string; cells: Record<string, unknown> }[]): TargetRow[] {
  const seen = new Map<string, string>();
  return rows.map(({ where, cells }) => {
    const text = (column: string) => cellText(cells[column]).trim();
    const bad = (column: string, why: string) =>
      new SalesDataError(`${where}, column ${column}: ${JSON.stringify(text(column))} ${why}`);
    const period = text('period');
    if (!MONTH.test(period) && !isIsoDate(period))
      throw bad('period', 'is neither a month (2026-11) nor the first day of a week (2026-11-23)');
    const kpi = text('kpi') as TargetKpiKey;
    if (!TARGET_KPI_KEYS.includes(kpi)) throw bad('kpi', `is not one of ${TARGET_KPI_KEYS.join(', ')}`);
    const dimension = text('dimension');
    if (dimension !== '' && !SLICE_FIELDS.includes(dimension as SliceField))
      throw bad('dimension', `is not one of ${SLICE_FIELDS.join(', ')} (or empty, for the whole company)`);
    const name = text('name');
    if (dimension !== '' && name === '') throw bad('name', `is empty: a ${dimension} target names its ${dimension}`);
    if (dimension !== '' && kpi !== 'revenue')
      throw bad('kpi', `is set for a ${dimension}: targets by ${dimension} are revenue targets`);
    let target: number;
    try {
      target = parseMoneyCents(cells.target, 'target') / 100;
    } catch (err) {
      throw bad('target', (err as CellError).message);
    }
    if (!(target > 0)) throw bad('target', 'is not above zero');
    const key = [period, kpi, dimension, name].join('\u0000');
    const before = seen.get(key);
    if (before)
      throw new SalesDataError(
        `${where}: a second ${kpi} target for ${period}${name ? ` ${name}` : ''} (the first: ${before})`,
      );
    seen.set(key, where);
    return { period, kpi, ...(dimension !== '' && { dimension: dimension as SliceField, name }), target };
  });
}

/**
 * The targets CSV (header: period, kpi, dimension, name, target), read as the sales CSV is: its encoding (a file
 * Excel saved on Chinese Windows is GBK) and delimiter detected, any line ends.
 */
export async function readTargetsFile(path: string): Promise<TargetRow[]> {
  const rows: { where: string; cells: Record<string, unknown> }[] = [];
  let header: string[] | undefined;
  try {
    const format = await detectTextFormat(path, { encoding: 'auto', delimiter: 'auto' });
    for await (const batch of readCsv(path, undefined, format)) {
      for (const { row, cells } of batch) {
        if (cells.every((c) => cellText(c).trim() === '')) continue;
        if (!header) {
          header = cells.map((c) => cellText(c).trim().toLowerCase());
          const missing = TARGET_COLUMNS.filter((c) => c !== 'dimension' && c !== 'name' && !header!.includes(c));
          if (missing.length > 0)
            throw new SalesDataError(
              `${path}: the targets file's header (row ${row}) has no ${missing.join(', ')} column; it is ${TARGET_COLUMNS.join(', ')}`,
            );
          continue;
        }
        const named = header;
        rows.push({ where: `${path} row ${row}`, cells: Object.fromEntries(named.map((h, i) => [h, cells[i]])) });
      }
    }
  } catch (err) {
    if (err instanceof SalesDataError) throw err;
    throw new SalesDataError(`${path}: cannot read the targets file (targets.path): ${(err as Error).message}`);
  }
  return parseTargets(rows);
}

/** The targets table or view (targets.table): its rows for the report's week and month only. */
export async function readTargetsTable(url: string, table: string, week: IsoDate, month: string): Promise<TargetRow[]> {
  const client = new Client({ connectionString: url, application_name: 'sales-report' });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`targets.table ${table}: cannot connect to PostgreSQL: ${(err as Error).message}`);
  }
  try {
    const result = await client.query<Record<string, unknown>>({
      // The name is checked against the config schema's identifier pattern; the values are parameters.
      text: `SELECT period::text, kpi::text, coalesce(dimension::text, '') AS dimension, coalesce(name::text, '') AS name,
               target::text FROM ${table} WHERE period::text IN ($1, $2)`,
      values: [week, month],
    });
    return parseTargets(result.rows.map((cells, i) => ({ where: `targets.table ${table} row ${i + 1}`, cells })));
  } catch (err) {
    if (err instanceof SalesDataError) throw err;
    throw new SalesDataError(
      `targets.table ${table}: the database refused the read (columns period, kpi, dimension, name, target): ${(err as Error).message}`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The targets for the report: a weekly one set for its week (by its first day) if there is any, else the month of
 * its last day, measured on the month to date and paced by the days gone. Undefined when none is set for either.
 */
/**
 * The target rows a slice's report measures (sales/slices.ts): the company's targets are not a region's, so a report
 * about one region (its split value or its one-value scope) takes that region's revenue target as its own and no
 * other row; a report of the whole takes them all.
 */
export function targetRowsOfSlice(
  rows: readonly TargetRow[],
  identity: readonly { dimension: SliceField; name: string }[],
): TargetRow[] {
  // The whole's report measures the company's and its breakdowns' targets; a store's target is its own report's.
  if (identity.length === 0) return rows.filter((r) => r.dimension === undefined || isBreakdown(r.dimension));
  if (identity.length > 1) return [];
  const [own] = identity as [{ dimension: SliceField; name: string }];
  return rows
    .filter((r) => r.dimension === own.dimension && r.name === own.name)
    .map(({ period, kpi, target }) => ({ period, kpi, target }));
}

function isBreakdown(field: SliceField): field is Breakdown {
  return (BREAKDOWNS as readonly string[]).includes(field);
}

export function targetsFor(m: SalesMetrics, rows: readonly TargetRow[]): Targets | undefined {
  const weekly = rows.filter((r) => r.period === m.period.start);
  const month = m.period.end.slice(0, 7);
  const monthly = rows.filter((r) => r.period === month);
  const mtd = m.monthToDate;
  if (weekly.length === 0 && (monthly.length === 0 || !mtd)) return undefined;
  const basis = weekly.length > 0 ? 'week' : 'month';
  const set = basis === 'week' ? weekly : monthly;
  const daysElapsed = basis === 'week' ? 7 : Number(m.period.end.slice(8, 10));
  const daysInPeriod = basis === 'week' ? 7 : mtd!.daysInMonth;

  const actualOf = (r: TargetRow): number => {
    if (r.dimension && isBreakdown(r.dimension)) {
      const name = r.name ?? '';
      if (basis === 'month') return mtd!.revenueBy[r.dimension][name] ?? 0;
      return (
        breakdownsOf(m)
          .find((b) => b.dimension === r.dimension)
          ?.rows.find((x) => x.name === name)?.revenue ?? 0
      );
    }
    return basis === 'month' ? mtd![r.kpi] : m.kpis[r.kpi].current;
  };
  const attainment = (r: TargetRow): Attainment => {
    const actual = actualOf(r);
    const whole = r.kpi !== 'revenue';
    const round = (x: number) => (whole ? Math.round(x) : Math.round(x * 100) / 100);
    const a: Attainment = {
      target: r.target,
      actual,
      attainment: round4(actual / r.target),
      gap: round(r.target - actual),
    };
    if (basis === 'week') return a;
    const expected = round((r.target * daysElapsed) / daysInPeriod);
    return { ...a, expected, pace: expected === 0 ? 0 : round4(actual / expected) };
  };

  const kpis: Targets['kpis'] = {};
  for (const r of set) if (!r.dimension) kpis[r.kpi] = attainment(r);
  const breakdowns = BREAKDOWNS.flatMap((dimension) =>
    set.filter((r) => r.dimension === dimension).map((r) => ({ dimension, name: r.name ?? '', ...attainment(r) })),
  );
  return {
    basis,
    range:
      basis === 'week' ? m.period : { start: `${month}-01`, end: `${month}-${String(daysInPeriod).padStart(2, '0')}` },
    through: m.period.end,
    daysElapsed,
    daysInPeriod,
    kpis,
    breakdowns,
  };
}

function round4(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
