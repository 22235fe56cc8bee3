import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/config';
import { loadSalesMetrics, type LoadSalesOptions } from '../../sales/load';
import { writeSampleCsv, writeSampleXlsx } from '../../dev/sample-data';

const sample = { endDate: '2026-11-19', days: 21, ordersPerDay: 40, seed: 11, badRowsPerThousand: 3 };

function options(path: string): LoadSalesOptions {
  const { data } = parseConfig({});
  return {
    path,
    format: 'auto',
    columns: data.columns,
    maxBadRowShare: 0.02,
    badRowsShown: 5,
    reportDate: '2026-11-20',
    currency: 'CNY',
  };
}

describe('sales metrics', () => {
  it('gives identical JSON for the same input, and the same numbers from XLSX and CSV', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-metrics-'));
    const xlsx = join(dir, 'sales.xlsx');
    const csv = join(dir, 'sales.csv');
    await writeSampleXlsx(xlsx, sample);
    await writeSampleCsv(csv, sample);
    const first = JSON.stringify(await loadSalesMetrics(options(xlsx)));
    const second = JSON.stringify(await loadSalesMetrics(options(xlsx)));
    expect(second).toBe(first);
    const fromCsv = await loadSalesMetrics(options(csv));
    const fromXlsx = JSON.parse(first) as typeof fromCsv;
    expect(fromCsv.kpis).toEqual(fromXlsx.kpis);
    expect(fromCsv.topProducts).toEqual(fromXlsx.topProducts);
  });

  it('computes the two weeks, the changes, and the breakdowns from order lines', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-metrics-'));
    const csv = join(dir, 'small.csv');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      csv,
      [
        'Order ID,Order Date,Product,Category,Region,Channel,Quantity,Unit Price,Amount',
        'A1,2026-11-13,Tea,Food,East,Online,2,10,20',
        'A1,2026-11-13,Cup,Home,East,Online,1,30,30',
        'A2,2026-11-19,Tea,Food,West,Store,1,10,',
        'B1,2026-11-06,Tea,Food,East,Online,4,10,40',
        'C1,2026-11-20,Tea,Food,East,Online,9,10,90',
        '',
      ].join('\n'),
    );
    const m = await loadSalesMetrics(options(csv));
    expect(m.period).toEqual({ start: '2026-11-13', end: '2026-11-19' });
    expect(m.kpis.revenue).toEqual({ current: 60, previous: 40, changeRatio: 0.5 });
    expect(m.kpis.orders).toEqual({ current: 2, previous: 1, changeRatio: 1 });
    expect(m.kpis.units).toEqual({ current: 4, previous: 4, changeRatio: 0 });
    expect(m.kpis.averageOrderValue).toEqual({ current: 30, previous: 40, changeRatio: -0.25 });
    expect(m.byRegion.map((r) => [r.name, r.revenue, r.share])).toEqual([
      ['East', 50, 0.8333],
      ['West', 10, 0.1667],
    ]);
    expect(m.topProducts[0]).toMatchObject({ product: 'Cup', revenue: 30 });
    expect(m.fallers).toEqual([{ product: 'Tea', revenue: 30, previousRevenue: 40, delta: -10 }]);
    expect(m.revenueByDay.map((d) => d.revenue)).toEqual([50, 0, 0, 0, 0, 0, 10]);
    expect(m.dataQuality).toMatchObject({ dataRows: 5, skippedRows: 0, rowsInWindow: 4 });
  });

  it('reports returns as their own KPI: an order whose lines in the week are only refunds is not an order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-returns-'));
    const csv = join(dir, 'returns.csv');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      csv,
      [
        'Order ID,Order Date,Product,Category,Region,Channel,Quantity,Unit Price,Amount',
        'A1,2026-11-13,Tea,Food,East,Online,2,10,"¥1,000.00"',
        'A2,2026-11-14,Cup,Home,East,Online,1,30,"1,000.00元"',
        // A2 partly refunded; Z9 (bought the week before) only refunded this week, in each way exports write it.
        'A2,2026-11-15,Cup,Home,East,Online,-1,30,"(250.00)"',
        'Z9,2026-11-16,Tea,Food,West,Store,-1,10,"-￥150.00"',
        'Z9,2026-11-16,Tea,Food,West,Store,-1,10,-100',
        'B1,2026-11-06,Tea,Food,East,Online,4,10,800',
        'B2,2026-11-07,Tea,Food,East,Online,1,10,-40',
        '',
      ].join('\n'),
    );
    const m = await loadSalesMetrics(options(csv));
    expect(m.kpis.revenue).toEqual({ current: 1500, previous: 760, changeRatio: 0.9737 });
    // A1 and A2 (net 750): Z9 is a refund, not an order. Last week: B1 only.
    expect(m.kpis.orders).toEqual({ current: 2, previous: 1, changeRatio: 1 });
    expect(m.kpis.averageOrderValue).toEqual({ current: 750, previous: 760, changeRatio: -0.0132 });
    expect(m.kpis.refunds).toEqual({ current: 500, previous: 40, changeRatio: 11.5 });
    expect(m.kpis.refundLines).toEqual({ current: 3, previous: 1, changeRatio: 2 });
    expect(m.kpis.returnRate).toEqual({ current: 0.25, previous: 0.05, changeRatio: 4 });
  });
});

describe('loading in a child process (big files)', () => {
  it('gives the same metrics as loading in-process, and the same file/row/column errors', async () => {
    const { loadSalesViewsInChild } = await import('../../sales/load-process');
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-child-'));
    const xlsx = join(dir, 'sales.xlsx');
    await writeSampleXlsx(xlsx, sample);
    expect((await loadSalesViewsInChild(options(xlsx), 96))['']!['']).toEqual(await loadSalesMetrics(options(xlsx)));

    const { writeFile } = await import('node:fs/promises');
    const bad = join(dir, 'bad.csv');
    await writeFile(bad, 'Order Date,Product,Category,Region,Quantity,Amount\n2026-11-15,Tea,Food,East,1,9\n');
    const { SalesDataError } = await import('../../sales/load');
    const error = await loadSalesViewsInChild(options(bad), 96).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SalesDataError);
    expect((error as Error).message).toContain('bad.csv row 1: missing column channel (one of: Channel, 渠道)');
  });
});
