import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/config';
import {
  csvCell,
  SAMPLE_HEADER,
  sampleRows,
  writeSampleCsv,
  writeSampleXlsx,
  type SampleOptions,
} from '../../dev/sample-data';
import { loadSalesMetrics, loadSalesSlices, SalesDataError, type LoadSalesOptions } from '../../sales/load';
import type { SalesMetrics } from '../../sales/metrics';
import {
  loadSalesMetricsFromPostgres,
  loadSalesSlicesFromPostgres,
  type PostgresLoadOptions,
} from '../../sales/postgres';
import { readTargetsFile, readTargetsTable, targetsFor } from '../../sales/targets';
import { createHarness, REPORT_DATE } from '../helpers/harness';
import { startPostgres, type TestPostgres } from '../../dev/postgres';

const sample: SampleOptions = { endDate: '2026-11-19', days: 21, ordersPerDay: 40, seed: 17, badRowsPerThousand: 0 };
const QUERY = `SELECT order_no AS order_id, order_date, product, category, region, channel, quantity, unit_price, amount
  FROM orders WHERE order_date BETWEEN $1 AND $2`;

/** The sample's rows as a database holds them: typed columns, one spelling of each date and amount. */
async function loadOrders(url: string): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE TABLE orders (order_no text, order_date date, product text, category text,
      region text, channel text, quantity integer, unit_price numeric(12,2), amount numeric(12,2))`);
    const rows = [...sampleRows(sample)].filter((r) => r.some((c) => c !== null));
    for (let i = 0; i < rows.length; i += 500) {
      const batch = rows
        .slice(i, i + 500)
        .map((r) => [
          r[0],
          String(r[1]).replaceAll('/', '-'),
          r[2],
          r[3],
          r[4],
          r[5],
          r[6],
          r[7],
          typeof r[8] === 'string' ? r[8].replace(/[¥,]/g, '') : r[8],
        ]);
      const values = batch.map((_, b) => `(${[...Array(9).keys()].map((c) => `$${b * 9 + c + 1}`).join(',')})`);
      await client.query(`INSERT INTO orders VALUES ${values.join(',')}`, batch.flat());
    }
    await client.query('CREATE INDEX ON orders (order_date)');
    // Each line's store, as STORE_OF names it in a file.
    await client.query(`CREATE VIEW store_orders AS SELECT *, region || '·' || channel AS store FROM orders`);
    return rows.length;
  } finally {
    await client.end();
  }
}

function pgOptions(url: string, overrides: Partial<PostgresLoadOptions> = {}): PostgresLoadOptions {
  const { data } = parseConfig({});
  return {
    url,
    query: QUERY,
    mode: 'lines',
    fetchRows: 250,
    timezone: 'Asia/Shanghai',
    columns: data.columns,
    maxBadRowShare: 0.02,
    badRowsShown: 5,
    reportDate: REPORT_DATE,
    currency: 'CNY',
    ...overrides,
  };
}

/** The same orders read from a file, as the product reads them by default, with three weeks of trend. */
function fileOptions(path: string): LoadSalesOptions {
  return {
    path,
    format: 'auto',
    columns: parseConfig({}).data.columns,
    maxBadRowShare: 0.02,
    badRowsShown: 5,
    reportDate: REPORT_DATE,
    currency: 'CNY',
    trendWeeks: 3,
  };
}

/** The error a load fails with (the test fails if it succeeds). */
async function failure(load: Promise<unknown>): Promise<Error> {
  try {
    await load;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the load to fail');
}

/** Everything but where the rows came from and how many the file spelled blank. */
const figures = ({ dataQuality: _, ...m }: SalesMetrics) => m;

describe('a PostgreSQL source (a real server: initdb into a temp dir)', () => {
  let pg: TestPostgres;
  let lines: number;
  beforeAll(async () => {
    pg = await startPostgres();
    lines = await loadOrders(pg.url);
  });
  afterAll(() => pg?.stop());

  it('gives the same metrics from XLSX, CSV and PostgreSQL (cursor and pushed down) for the same orders', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-pg-files-'));
    const [xlsx, csv] = [join(dir, 'sales.xlsx'), join(dir, 'sales.csv')];
    await writeSampleXlsx(xlsx, sample);
    await writeSampleCsv(csv, sample);
    const fromXlsx = await loadSalesMetrics(fileOptions(xlsx));
    const fromCsv = await loadSalesMetrics(fileOptions(csv));
    const streamed = await loadSalesMetricsFromPostgres(pgOptions(pg.url, { trendWeeks: 3 }));
    const pushedDown = await loadSalesMetricsFromPostgres(pgOptions(pg.url, { mode: 'aggregate', trendWeeks: 3 }));
    // Three weeks of trend, all with orders: the database read the wider window too.
    expect(fromXlsx.trend?.map((w) => w.start)).toEqual(['2026-10-30', '2026-11-06', '2026-11-13']);
    expect(fromXlsx.trend?.every((w) => (w.orders ?? 0) > 0 && (w.revenue ?? 0) > 0)).toBe(true);
    expect(fromXlsx.kpis.revenue.current).toBeGreaterThan(0);
    expect(figures(fromCsv)).toEqual(figures(fromXlsx));
    expect(figures(streamed)).toEqual(figures(fromXlsx));
    expect(figures(pushedDown)).toEqual(figures(fromXlsx));
    // The database read the three weeks of the trend (here the whole table).
    expect(pushedDown.dataQuality.dataRows).toBe(streamed.dataQuality.dataRows);
    expect(streamed.dataQuality.file).toBe(`PostgreSQL sales@127.0.0.1:${new URL(pg.url).port}/postgres`);
    expect(streamed.dataQuality.dataRows).toBe(lines); // 21 days: the three weeks are the whole table
    // The table starts 21 days back: no year-ago week, in any of the four.
    for (const m of [fromXlsx, fromCsv, streamed, pushedDown])
      expect(m.yearAgo).toEqual({ period: { start: '2025-11-14', end: '2025-11-20' }, available: false });
    expect(fromXlsx.kpis.revenue.lastYear).toBeUndefined();
  });

  it("computes a split's slices and a scope as the files do, the database grouping them in aggregate mode", async () => {
    const csv = join(await mkdtemp(join(tmpdir(), 'sales-report-pg-slices-')), 'sales.csv');
    await writeSampleCsv(csv, sample);
    const scope = { channel: [(await loadSalesMetrics(fileOptions(csv))).byChannel[0]!.name] };
    for (const slicing of [{ split: 'region' as const }, { scope, split: 'category' as const }]) {
      const fromCsv = await loadSalesSlices({ ...fileOptions(csv), slicing });
      const streamed = await loadSalesSlicesFromPostgres(pgOptions(pg.url, { trendWeeks: 3, slicing }));
      const pushedDown = await loadSalesSlicesFromPostgres(
        pgOptions(pg.url, { mode: 'aggregate', trendWeeks: 3, slicing }),
      );
      expect(Object.keys(fromCsv).length).toBeGreaterThan(2);
      for (const got of [streamed, pushedDown]) {
        expect(Object.keys(got).sort()).toEqual(Object.keys(fromCsv).sort());
        for (const key of Object.keys(fromCsv)) expect(figures(got[key]!)).toEqual(figures(fromCsv[key]!));
      }
      // In scope only: every slice's channels are the scope's.
      if (slicing.scope)
        for (const m of Object.values(pushedDown)) expect(m.byChannel.map((c) => c.name)).toEqual(scope.channel);
    }
  });

  it('splits by store as the files do, the store column grouped by the database only when a report needs it', async () => {
    const csv = join(await mkdtemp(join(tmpdir(), 'sales-report-pg-stores-')), 'stores.csv');
    const rows = [...sampleRows(sample)].map((r) => [...r, r[4] === null ? null : `${String(r[4])}·${String(r[5])}`]);
    await writeFile(csv, [[...SAMPLE_HEADER, '门店'], ...rows].map((r) => r.map(csvCell).join(',')).join('\n'));
    const query = QUERY.replace('amount', 'amount, store').replace('FROM orders', 'FROM store_orders');
    const slicing = { split: 'store' as const };
    const fromCsv = await loadSalesSlices({ ...fileOptions(csv), slicing });
    expect(Object.keys(fromCsv).length).toBeGreaterThan(5);
    for (const mode of ['lines', 'aggregate'] as const) {
      const got = await loadSalesSlicesFromPostgres(pgOptions(pg.url, { query, mode, trendWeeks: 3, slicing }));
      expect(Object.keys(got).sort()).toEqual(Object.keys(fromCsv).sort());
      for (const key of Object.keys(fromCsv)) expect(figures(got[key]!)).toEqual(figures(fromCsv[key]!));
    }
    // A query without the store column is refused in the product's words, naming it.
    await expect(
      loadSalesSlicesFromPostgres(pgOptions(pg.url, { mode: 'aggregate', trendWeeks: 3, slicing })),
    ).rejects.toThrow(/must return columns named .*store; missing: store/);
  });

  it("gives a daily flash and a month to date as the files do, the database counting orders by each day's buckets", async () => {
    const csv = join(await mkdtemp(join(tmpdir(), 'sales-report-pg-periods-')), 'sales.csv');
    await writeSampleCsv(csv, sample);
    for (const period of ['day', 'month'] as const) {
      const fromCsv = await loadSalesMetrics({ ...fileOptions(csv), period });
      const streamed = await loadSalesMetricsFromPostgres(pgOptions(pg.url, { trendWeeks: 3, period }));
      const pushedDown = await loadSalesMetricsFromPostgres(
        pgOptions(pg.url, { mode: 'aggregate', trendWeeks: 3, period }),
      );
      expect(fromCsv.periodKind).toBe(period);
      expect(fromCsv.kpis.orders.current).toBeGreaterThan(0);
      expect(fromCsv.trend?.some((t) => (t.orders ?? 0) > 0)).toBe(true);
      expect(figures(streamed)).toEqual(figures(fromCsv));
      expect(figures(pushedDown)).toEqual(figures(fromCsv));
    }
  });

  it('reads timestamps with time zone as dates of the report time zone, and returns by their own KPI', async () => {
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    await client.query(`CREATE TABLE tz_orders (id text, at timestamptz, product text, amount numeric)`);
    // 23:30 UTC on the 12th is 07:30 on the 13th in Shanghai: the first day of the report week.
    await client.query(`INSERT INTO tz_orders VALUES
      ('A1', '2026-11-12T23:30:00Z', 'Tea', 100), ('A2', '2026-11-12T15:30:00Z', 'Tea', 40),
      ('A3', '2026-11-14T02:00:00Z', 'Tea', 60), ('R1', '2026-11-15T02:00:00Z', 'Tea', -25)`);
    await client.end();
    const query = `SELECT id AS order_id, at AS order_date, product, 'Food' AS category, 'East' AS region,
      'Online' AS channel, 1 AS quantity, amount FROM tz_orders WHERE at >= $1::date AND at < $2::date + 1`;
    const m = await loadSalesMetricsFromPostgres(pgOptions(pg.url, { query, freshness: undefined }));
    expect(m.revenueByDay[0]).toEqual({ date: '2026-11-13', revenue: 100, previousRevenue: 0 });
    expect(m.kpis.revenue).toEqual({ current: 135, previous: 40, changeRatio: 2.375 });
    expect(m.kpis.orders.current).toBe(2);
    expect(m.kpis.refunds).toEqual({ current: 25, previous: 0, changeRatio: null });
  });

  it('says what is wrong with the query, the columns or the server, and never prints the password', async () => {
    const refused = await failure(loadSalesMetricsFromPostgres(pgOptions(pg.url, { query: 'SELEC 1 WHERE $1 < $2' })));
    expect(refused).toBeInstanceOf(SalesDataError);
    expect(refused.message).toMatch(/the database refused data\.source\.query: syntax error at or near "SELEC"/);
    const noChannel = QUERY.replace('channel,', '');
    const missing = await failure(loadSalesMetricsFromPostgres(pgOptions(pg.url, { query: noChannel })));
    expect(missing).toBeInstanceOf(SalesDataError);
    expect(missing.message).toContain('returns no column for channel (one of: Channel, 渠道, channel)');
    const aggregateNames = QUERY.replace('order_no AS order_id', 'order_no AS "订单号"');
    const unnamed = await failure(
      loadSalesMetricsFromPostgres(pgOptions(pg.url, { query: aggregateNames, mode: 'aggregate' })),
    );
    expect(unnamed.message).toContain('in aggregate mode data.source.query must return columns named order_id');
    const down = await failure(
      loadSalesMetricsFromPostgres(pgOptions('postgres://sales:s3cret@127.0.0.1:9/postgres', { query: QUERY })),
    );
    expect(down).not.toBeInstanceOf(SalesDataError); // a server that is down is retried
    expect(down.message).toMatch(/^PostgreSQL sales@127\.0\.0\.1:9\/postgres: cannot connect: /);
    expect(down.message).not.toContain('s3cret');
  });

  it('runs a whole report from the database', async () => {
    const h = await createHarness({
      config: { data: { source: { kind: 'postgres', query: QUERY } } },
      secrets: { databaseUrl: pg.url },
    });
    try {
      const handle = await h.start();
      const result = await h.withWorker(handle.result());
      expect(result.outcome).toBe('sent');
      const [mail] = await h.sink.waitForMessages(1, 10_000);
      expect(mail!.parsed.subject).toContain('2026-11-13 – 2026-11-19');
    } finally {
      await h.close();
    }
  });

  it('reads the same week a year earlier on its own range, the same year over year as files give; targets from a table', async () => {
    // The year-ago week and a few days around it, under order numbers of their own.
    const yearAgo: SampleOptions = {
      endDate: '2025-11-22',
      days: 12,
      ordersPerDay: 35,
      seed: 5,
      badRowsPerThousand: 0,
    };
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-pg-yoy-'));
    const [before, now] = [join(dir, 'a-2025.csv'), join(dir, 'b-2026.csv')];
    await writeSampleCsv(before, yearAgo);
    await writeSampleCsv(now, sample);
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    try {
      const rows = [...sampleRows(yearAgo)].filter((r) => r.some((c) => c !== null));
      for (const r of rows)
        await client.query('INSERT INTO orders VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)', [
          `Y${String(r[0])}`,
          String(r[1]).replaceAll('/', '-'),
          ...r.slice(2, 8),
          typeof r[8] === 'string' ? r[8].replace(/[¥,]/g, '') : r[8],
        ]);
      const fromFiles = await loadSalesMetrics({ ...fileOptions(join(dir, '*.csv')), files: [before, now] });
      const streamed = await loadSalesMetricsFromPostgres(pgOptions(pg.url, { trendWeeks: 3 }));
      const pushedDown = await loadSalesMetricsFromPostgres(pgOptions(pg.url, { mode: 'aggregate', trendWeeks: 3 }));
      expect(fromFiles.yearAgo?.available).toBe(true);
      const revenue = fromFiles.kpis.revenue;
      expect(revenue.lastYear).toBeGreaterThan(0);
      expect(revenue.yoyChangeRatio).toBeCloseTo((revenue.current - revenue.lastYear!) / revenue.lastYear!, 4);
      expect(fromFiles.kpis.orders.lastYear).toBeGreaterThan(0);
      expect(fromFiles.byRegion.every((r) => (r.lastYearRevenue ?? 0) > 0)).toBe(true);
      expect(figures(streamed)).toEqual(figures(fromFiles));
      expect(figures(pushedDown)).toEqual(figures(fromFiles));
      // The database read the year-ago week only, not the days around it.
      expect(streamed.dataQuality.dataRows).toBe(pushedDown.dataQuality.dataRows);
      expect(streamed.dataQuality.orderDates?.start).toBe('2025-11-14');

      // The month's targets kept in a table give what the same rows in a file give.
      await client.query(
        `CREATE TABLE sales_targets (period text, kpi text, dimension text, name text, target numeric)`,
      );
      await client.query(`INSERT INTO sales_targets VALUES ('2026-11', 'revenue', NULL, NULL, 400000),
        ('2026-11', 'orders', NULL, NULL, 1200), ('2026-11', 'revenue', 'region', '华东', 90000),
        ('2026-10', 'revenue', NULL, NULL, 1)`);
      const csv = join(dir, 'targets.csv');
      await writeFile(
        csv,
        'period,kpi,dimension,name,target\n2026-11,revenue,,,400000\n2026-11,orders,,,1200\n2026-11,revenue,region,华东,90000\n',
      );
      const fromTable = targetsFor(fromFiles, await readTargetsTable(pg.url, 'sales_targets', '2026-11-13', '2026-11'));
      expect(fromTable).toEqual(targetsFor(fromFiles, await readTargetsFile(csv)));
      const mtd = fromFiles.monthToDate!;
      expect(fromTable).toMatchObject({
        basis: 'month',
        range: { start: '2026-11-01', end: '2026-11-30' },
        daysElapsed: 19,
        kpis: { revenue: { target: 400000, actual: mtd.revenue }, orders: { target: 1200, actual: mtd.orders } },
        breakdowns: [{ dimension: 'region', name: '华东', target: 90000, actual: mtd.revenueBy.region['华东'] }],
      });
      expect(fromTable?.kpis.revenue?.expected).toBeCloseTo((400000 * 19) / 30, 2);
    } finally {
      await client.end();
    }
  });
});
