import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../config/config';
import { writeSampleCsv } from '../../dev/sample-data';
import { audienceOf, everyReportSlice, resolveReport } from '../../report/definitions';
import { loadSalesSlices, type LoadSalesOptions } from '../../sales/load';
import { sliceOf, WHOLE } from '../../sales/slices';
import { targetRowsOfSlice } from '../../sales/targets';
import { archivePrefix, archiveRootOf } from '../../store/archive';
import { loadOptions } from '../helpers/load';
import { labelsFor, type Labels } from '../../report/render/labels';
import { standingRows } from '../../report/render/comparisons';
import { renderEmailHtml, type EmailContent } from '../../report/render/email-content';
import { writeDocument } from '../../dev/simulator/report-writer';
import { narrativeSchema, type Narrative } from '../../schemas/narrative.schema';
import type { SalesMetrics } from '../../sales/metrics';
import { testFooter } from '../helpers/email';

/** A store's email as a run renders it, with the simulator's words. */
function emailOf(metrics: SalesMetrics, labels: Labels): EmailContent {
  return {
    metrics,
    report: writeDocument(narrativeSchema, metrics, 'zh') as Narrative,
    labels,
    title: '门店周报',
    chartSrc: 'cid:chart',
    copy: 'reader',
    footer: testFooter(true),
  };
}

/** The product's default read of `path`, stale and empty exports failing. */
function options(path: string, more: Partial<LoadSalesOptions> = {}): LoadSalesOptions {
  return loadOptions(path, { freshness: { failIfEndsBeforeWindow: true, failIfWindowEmpty: true }, ...more });
}

describe('one pass, every slice', () => {
  it("computes each region's figures in one read exactly as a read scoped to that region alone", async () => {
    const csv = join(await mkdtemp(join(tmpdir(), 'sales-report-slices-')), 'sales.csv');
    await writeSampleCsv(csv, { endDate: '2026-11-19', days: 28, ordersPerDay: 60, seed: 5, badRowsPerThousand: 0 });
    const whole = (await loadSalesSlices(options(csv)))[WHOLE]!;
    const byRegion = await loadSalesSlices(options(csv, { slicing: { split: 'region' } }));
    const regions = whole.byRegion.map((r) => r.name).sort();
    expect(Object.keys(byRegion).sort()).toEqual(regions);
    expect(regions.length).toBeGreaterThan(2);
    for (const region of regions) {
      const scoped = (await loadSalesSlices(options(csv, { slicing: { scope: { region: [region] } } })))[WHOLE]!;
      // The same figures; the split's slice knows besides where it stands among the others.
      const { standing, ...figures } = byRegion[region]!;
      expect(figures).toEqual(scoped);
      expect(standing).toMatchObject({ field: 'region', of: regions.length });
      // Only its own region: its region breakdown is itself, and its revenue is that region's row of the whole.
      expect(scoped.byRegion.map((r) => r.name)).toEqual([region]);
      expect(scoped.kpis.revenue.current).toBe(whole.byRegion.find((r) => r.name === region)!.revenue);
    }
    const sum = (f: (r: string) => number) => regions.reduce((a, r) => a + f(r), 0);
    expect(sum((r) => byRegion[r]!.kpis.orders.current)).toBe(whole.kpis.orders.current);
    expect(sum((r) => byRegion[r]!.kpis.units.current)).toBe(whole.kpis.units.current);
    // How far the source reaches is the source's, not a region's.
    for (const r of regions) expect(byRegion[r]!.dataQuality.orderDates).toEqual(whole.dataQuality.orderDates);
  });

  it("fails one value's report alone, saying what was looked for and what the data has", async () => {
    const csv = join(await mkdtemp(join(tmpdir(), 'sales-report-slices-')), 'small.csv');
    await writeFile(
      csv,
      [
        'Order ID,Order Date,Product,Category,Region,Channel,Quantity,Amount',
        'A1,2026-11-13,Tea,Food,East,Online,2,20',
        'A2,2026-11-19,Tea,Food,West,Store,1,10',
        'B1,2026-11-06,Tea,Food,North,Online,4,40',
        '',
      ].join('\n'),
    );
    const slices = await loadSalesSlices(options(csv, { slicing: { split: 'region' } }));
    expect(sliceOf(slices, 'East', 'region', true).kpis.revenue.current).toBe(20);
    expect(() => sliceOf(slices, 'North', 'region', true)).toThrow(
      'no orders for region "North" in the report week 2026-11-13 – 2026-11-19 (region values in the data read: East, North, West)',
    );
    expect(sliceOf(slices, 'North', 'region', false).kpis.revenue.previous).toBe(40);
    expect(() => sliceOf(slices, 'South', 'region', false)).toThrow(
      'no lines for region "South" in the data read (region values in the data read: East, North, West). Is it spelled as in the data?',
    );
  });
});

describe('slices by store and manager', () => {
  /** Three stores, two managers: each line says its store and who runs it. */
  const STORE_CSV = [
    'Order ID,Order Date,Product,Category,Region,Channel,Store,Manager,Quantity,Amount',
    'A1,2026-11-13,Tea,Food,East,Store,S01,Wang,2,20',
    'A1,2026-11-13,Cup,Home,East,Store,S01,Wang,1,15',
    'A2,2026-11-19,Tea,Food,East,Store,S02,Wang,1,10',
    'A3,2026-11-18,Pen,Office,West,Store,S03,Li,3,30',
    'A4,2026-11-08,Pen,Office,West,Store,S03,Li,1,12',
    '',
  ].join('\n');

  async function storeCsv(text = STORE_CSV): Promise<string> {
    const csv = join(await mkdtemp(join(tmpdir(), 'sales-report-stores-')), 'stores.csv');
    await writeFile(csv, text);
    return csv;
  }

  it("splits by the optional store column, each store's figures its own, and scopes by manager", async () => {
    const csv = await storeCsv();
    const byStore = await loadSalesSlices(options(csv, { slicing: { split: 'store' } }));
    expect(Object.keys(byStore).sort()).toEqual(['S01', 'S02', 'S03']);
    expect(byStore.S01!.kpis.revenue.current).toBe(35);
    expect(byStore.S01!.kpis.orders.current).toBe(1);
    expect(byStore.S03!.kpis.revenue).toMatchObject({ current: 30, previous: 12 });
    const wang = await loadSalesSlices(options(csv, { slicing: { scope: { manager: ['Wang'] }, split: 'store' } }));
    expect(Object.keys(wang).sort()).toEqual(['S01', 'S02']);
    // The same figures; ranked among Wang's two stores, not the three.
    expect({ ...wang.S02, standing: undefined }).toEqual({ ...byStore.S02, standing: undefined });
    expect(wang.S02!.standing).toMatchObject({ rank: 2, of: 2 });
  });

  it("ranks each store among its region's stores and all of them, with their averages, printed as the store's standing", async () => {
    const byStore = await loadSalesSlices(options(await storeCsv(), { slicing: { split: 'store' } }));
    // The week 11-13 – 11-19: S01 ¥35 and S02 ¥10 in East, S03 ¥30 in West.
    expect(byStore.S01!.standing).toEqual({
      field: 'store',
      rank: 1,
      of: 3,
      average: 25,
      region: { name: 'East', rank: 1, of: 2, average: 22.5 },
    });
    expect(byStore.S02!.standing).toMatchObject({ rank: 3, region: { rank: 2, of: 2 } });
    expect(byStore.S03!.standing).toMatchObject({ rank: 2, region: { name: 'West', rank: 1, of: 1 } });
    // A whole report has no standing; a store alone in its region is ranked among all only.
    expect((await loadSalesSlices(options(await storeCsv())))[WHOLE]!.standing).toBeUndefined();
    const zh = labelsFor('zh-CN');
    expect(standingRows(byStore.S02!, zh)).toEqual([
      { among: 'East的 2 家门店', rank: 2, average: 22.5, versus: 10 / 22.5 - 1 },
      { among: '全部 3 家门店', rank: 3, average: 25, versus: 10 / 25 - 1 },
    ]);
    expect(standingRows(byStore.S03!, labelsFor('en-US')).map((x) => x.among)).toEqual(['All 3 stores']);
    const html = renderEmailHtml(emailOf(byStore.S02!, zh));
    expect(html).toContain('>排名</h2>');
    expect(html).toContain('>East的 2 家门店</td>');
    expect(html).toContain('第 2');
    // Its one region is no table of one row at 100%.
    expect(html).not.toContain('>地区</h2>');
  });

  it('needs the store column only when a report slices by store, and says which column is missing', async () => {
    const csv = await storeCsv(
      STORE_CSV.replace(',Store,Manager,', ',Shop Code,Boss,').replace(/,S0\d,\w+,/g, ',x,y,'),
    );
    // A whole report of the same export reads it without a store column.
    expect((await loadSalesSlices(options(csv)))[WHOLE]!.kpis.revenue.current).toBe(75);
    await expect(loadSalesSlices(options(csv, { slicing: { split: 'store' } }))).rejects.toThrow(
      /stores\.csv row 1: missing column store \(one of: Store, Shop, 门店, 店铺\)/,
    );
  });

  it('counts a line without a store as a bad row of its file, row and column, not as no store', async () => {
    const csv = await storeCsv(
      STORE_CSV.replace('A3,2026-11-18,Pen,Office,West,Store,S03,', 'A3,2026-11-18,Pen,Office,West,Store,,'),
    );
    const slices = await loadSalesSlices(options(csv, { slicing: { split: 'store' }, maxBadRowShare: 0.5 }));
    expect(Object.keys(slices).sort()).toEqual(['S01', 'S02', 'S03']);
    expect(slices.S03!.kpis.revenue).toMatchObject({ current: 0, previous: 12 });
    expect(slices.S01!.dataQuality.problems).toEqual([
      expect.objectContaining({ file: 'stores.csv', row: 5, column: 'Store', reason: 'store is empty' }),
    ]);
  });
});

describe('report definitions', () => {
  const config = parseConfig({
    email: { to: ['all@example.com'], cc: ['cfo@example.com'] },
    reports: [
      { id: 'weekly' },
      {
        id: 'by-region',
        title: '区域周报',
        split: { by: 'region', recipients: { 华东: ['east@example.com'], 华北: ['north@example.com'] } },
      },
      { id: 'online', scope: { channel: ['线上'] }, to: ['web@example.com'] },
    ],
  });

  it('lists every report and split value a morning writes, each to its own readers', () => {
    expect(everyReportSlice(config)).toEqual([
      { id: 'weekly' },
      { id: 'by-region', split: '华东' },
      { id: 'by-region', split: '华北' },
      { id: 'online' },
    ]);
    const east = resolveReport(config, 'by-region', '华东');
    if ('problem' in east) throw new Error(east.problem);
    // The CFO on email.cc reads the whole, not every region's copy.
    expect(audienceOf(east.definition, east.slice)).toEqual({ to: ['east@example.com'], cc: [], bcc: [] });
    const weekly = resolveReport(config, undefined, undefined);
    if ('problem' in weekly) throw new Error(weekly.problem);
    expect(audienceOf(weekly.definition, weekly.slice)).toEqual({
      to: ['all@example.com'],
      cc: ['cfo@example.com'],
      bcc: [],
    });
  });

  it('says what a Web UI start got wrong, with what would be right', () => {
    const problem = (id?: string, split?: string) => {
      const r = resolveReport(config, id, split);
      return 'problem' in r ? r.problem : undefined;
    };
    expect(problem('by-regoin')).toBe('report "by-regoin" is not defined (reports: "weekly", "by-region", "online")');
    expect(problem('by-region')).toContain('is one report per region: name the value in "split" (one of 华东, 华北)');
    expect(problem('by-region', '华南')).toBe(
      'report "by-region" has no region "华南" (its values: 华东, 华北; reports[].split.recipients)',
    );
    expect(problem('weekly', '华东')).toContain('is not split');
    expect(problem('online')).toBeUndefined();
  });

  it('refuses a config whose reports cannot be told apart, whose split has a "to", or whose chat groups would see other values', () => {
    const refused = (reports: unknown[]) => {
      try {
        parseConfig({ reports });
      } catch (err) {
        return (err as ConfigError).problems;
      }
      return [];
    };
    expect(refused([{ id: 'a' }, { id: 'a' }])).toContain(
      '/reports: the id "a" is used more than once (each report\'s runs and sends go by it)',
    );
    expect(
      refused([{ id: 'r', to: ['x@example.com'], split: { by: 'region', recipients: { E: ['e@example.com'] } } }]),
    ).toContain('/reports/0/to: a split report goes to each value\'s recipients (split.recipients), not to "to"');
    // Chat groups: a split report's cards go by value, so no group reads another value's figures; a value that is
    // not one of the split's would never be written.
    const group = { kind: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k' };
    expect(
      refused([{ id: 'r', chat: [group], split: { by: 'region', recipients: { E: ['e@example.com'] } } }]),
    ).toContain(
      "/reports/0/chat: a split report's cards go to each value's groups (split.chat), so no group sees another value's figures",
    );
    expect(
      refused([{ id: 'r', split: { by: 'region', recipients: { E: ['e@example.com'] }, chat: { W: [group] } } }]),
    ).toContain('/reports/0/split/chat/W: "W" is not a value of split.recipients (E): its card would never be written');
    expect(refused([{ id: 'r', chat: [{ kind: 'whatsapp', url: 'https://x.example.com' }] }]).join('\n')).toMatch(
      /\/reports\/0\/chat\/0\/kind/,
    );
    expect(refused([{ id: 'r', chat: [group] }])).toEqual([]);
  });

  it("takes a region's own target as its report's and no company or other row", () => {
    const rows = [
      { period: '2026-11', kpi: 'revenue' as const, target: 1000 },
      { period: '2026-11', kpi: 'revenue' as const, dimension: 'region' as const, name: '华东', target: 300 },
      { period: '2026-11', kpi: 'revenue' as const, dimension: 'region' as const, name: '华北', target: 200 },
      { period: '2026-11', kpi: 'revenue' as const, dimension: 'channel' as const, name: '线上', target: 500 },
      { period: '2026-11', kpi: 'revenue' as const, dimension: 'store' as const, name: 'S01', target: 40 },
    ];
    expect(targetRowsOfSlice(rows, [{ dimension: 'region', name: '华东' }])).toEqual([
      { period: '2026-11', kpi: 'revenue', target: 300 },
    ]);
    expect(targetRowsOfSlice(rows, [{ dimension: 'store', name: 'S01' }])).toEqual([
      { period: '2026-11', kpi: 'revenue', target: 40 },
    ]);
    // A store's target is its own report's: the whole's report has no store breakdown to measure it on.
    expect(targetRowsOfSlice(rows, [])).toEqual(rows.slice(0, 4));
  });

  it("keeps each report's archive, and each region's, in a folder of its own", () => {
    const run = { workflowId: 'm/by-region/华东', runId: 'r1', reportDate: '2026-11-20' };
    expect(archivePrefix(run)).toBe('archive/2026-11-20/m_by-region___/r1/');
    expect(archiveRootOf({ id: 'by-region', split: '华东' })).toBe('archive/reports/by-region/华东/');
    const odd = archiveRootOf({ id: 'by-region', split: 'A/B' });
    expect(odd).toMatch(/^archive\/reports\/by-region\/A_B-[0-9a-f]{8}\/$/);
    expect(odd).not.toBe(archiveRootOf({ id: 'by-region', split: 'A_B' }));
  });
});
