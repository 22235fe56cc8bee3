import { mkdtemp, writeFile } from 'node:fs/promises';
import iconv from 'iconv-lite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configForSource, ConfigError, parseConfig } from '../../config/config';
import { everyReportSlice, reportDefinitions, resolveReport } from '../../report/definitions';
import { loadPrompts } from '../../report/prompts';
import { writeSampleCsv } from '../../dev/sample-data';
import { loadSalesViews } from '../../sales/load';
import { loadOptions } from '../helpers/load';

function problemsOf(raw: unknown): string[] {
  try {
    parseConfig(raw);
  } catch (err) {
    return (err as ConfigError).problems;
  }
  return [];
}

describe('named data sources', () => {
  it("gives each report its source's settings, data by default", () => {
    const config = parseConfig({
      data: { path: 'company.xlsx' },
      sources: { shop: { path: 'shop-{date}.csv', dateOrder: 'dmy' } },
      reports: [{ id: 'company' }, { id: 'shop', source: 'shop' }],
    });
    expect(reportDefinitions(config).map((d) => [d.id, d.source])).toEqual([
      ['company', 'data'],
      ['shop', 'shop'],
    ]);
    const shop = configForSource(config, 'shop');
    // The named source is read as data is, with its own settings and the defaults filled in.
    expect(shop.data).toMatchObject({
      path: 'shop-{date}.csv',
      dateOrder: 'dmy',
      format: 'auto',
      failIfWindowEmpty: true,
    });
    expect(shop.report).toBe(config.report);
    expect(configForSource(config, 'data')).toBe(config);
  });

  it('refuses a report of an unknown source and a source that cannot be read, each under its own path', () => {
    expect(problemsOf({ sources: { Bad_Name: {} } })).toEqual([
      '/sources: "Bad_Name" is not a valid name (lowercase letters, digits and -, as report ids)',
    ]);
    expect(
      problemsOf({ sources: { warehouse: { source: { kind: 'postgres' } } }, reports: [{ id: 'a', source: 'shop' }] }),
    ).toEqual([
      '/sources/warehouse/source/query: required when /sources/warehouse/source/kind is "postgres"',
      '/reports/0/source: no source "shop" (sources: data, warehouse)',
    ]);
  });
});

describe("a split's recipients from a file", () => {
  async function file(text: string | Buffer): Promise<string> {
    const path = join(await mkdtemp(join(tmpdir(), 'sales-report-recipients-')), 'stores.csv');
    await writeFile(path, text);
    return path;
  }

  it('reads each value and its readers, several to a row or several rows to a value', async () => {
    const path = await file(
      '\ufeffstore,to,note\r\nS01,a@example.com,\r\n"S02","b@example.com; c@example.com",quoted\r\nS01,d@example.com,second row\r\n\r\n',
    );
    const config = parseConfig({ reports: [{ id: 'stores', split: { by: 'store', recipientsFile: path } }] });
    expect(everyReportSlice(config)).toEqual([
      { id: 'stores', split: 'S01' },
      { id: 'stores', split: 'S02' },
    ]);
    expect(reportDefinitions(config)[0]!.splitRecipients).toEqual({
      S01: ['a@example.com', 'd@example.com'],
      S02: ['b@example.com', 'c@example.com'],
    });
    // The config holds the list once read: written out and read again, it is the same.
    expect(parseConfig(JSON.parse(JSON.stringify(config)))).toEqual(config);
    expect('problem' in resolveReport(config, 'stores', 'S03')).toBe(true);
  });

  it('reads a file as the sales CSV is: GBK from Excel on Chinese Windows, semicolons, CR-only line ends', async () => {
    const path = await file(
      iconv.encode('store;to\r华东一店;a@example.com\r华北二店;"b@example.com, c@example.com"\r', 'gbk'),
    );
    const config = parseConfig({ reports: [{ id: 'stores', split: { by: 'store', recipientsFile: path } }] });
    expect(reportDefinitions(config)[0]!.splitRecipients).toEqual({
      华东一店: ['a@example.com'],
      华北二店: ['b@example.com', 'c@example.com'],
    });
  });

  it('says which row of which file is wrong, and refuses a list given twice', async () => {
    const path = await file('value,to\nS01,not-an-address\n,e@example.com\nS03,\n');
    expect(problemsOf({ reports: [{ id: 's', split: { by: 'store', recipientsFile: path } }] })).toEqual([
      '/reports/0/split/recipientsFile: stores.csv row 2: "not-an-address" is not an e-mail address',
      '/reports/0/split/recipientsFile: stores.csv row 3: the store is empty',
      '/reports/0/split/recipientsFile: stores.csv row 4: no address in "to"',
    ]);
    const noHeader = await file('S01,a@example.com\n');
    expect(problemsOf({ reports: [{ id: 's', split: { by: 'store', recipientsFile: noHeader } }] })).toEqual([
      '/reports/0/split/recipientsFile: stores.csv row 1: needs the columns "store" (or "value") and "to"; found: s01, a@example.com',
    ]);
    expect(
      problemsOf({
        reports: [{ id: 's', split: { by: 'store', recipientsFile: path, recipients: { S01: ['a@example.com'] } } }],
      }),
    ).toEqual(['/reports/0/split: recipients or recipientsFile, not both']);
    expect(
      problemsOf({ reports: [{ id: 's', split: { by: 'store', recipientsFile: '/nonexistent/stores.csv' } }] })[0],
    ).toMatch(/^\/reports\/0\/split\/recipientsFile: cannot read \/nonexistent\/stores\.csv: ENOENT/);
  });
});

describe("a report's own system prompt", () => {
  it('reads prompts/system.<prompt>.<locale>.md, audited by its hash, and names the file it lacks', () => {
    const store = loadPrompts('zh-CN', 'week', undefined, 'store');
    expect(store.systemFile).toBe('prompts/system.store.zh-CN.md');
    expect(store.system).toContain('店长');
    expect(store.systemSha256).not.toBe(loadPrompts('zh-CN', 'week').systemSha256);
    expect(loadPrompts('en-US', 'day', undefined, 'store').systemFile).toBe('prompts/system.store.en-US.md');
    expect(() => loadPrompts('zh-CN', 'week', undefined, 'nope')).toThrow(
      /^no system prompt prompts\/system\.nope\.zh-CN\.md \(reports\[\]\.prompt "nope"\): ENOENT/,
    );
    expect(reportDefinitions(parseConfig({ reports: [{ id: 'a', prompt: 'store' }] }))[0]!.prompt).toBe('store');
  });
});

describe("a report's own currency", () => {
  it('gives its figures in its currency from the read the others share, and defaults to report.currency', async () => {
    const csv = join(await mkdtemp(join(tmpdir(), 'sales-report-currency-')), 'sales.csv');
    await writeSampleCsv(csv, { endDate: '2026-11-19', days: 14, ordersPerDay: 10, seed: 2, badRowsPerThousand: 0 });
    const views = await loadSalesViews(
      loadOptions(csv, {
        views: [
          { id: 'mainland', period: 'week', slicing: {} },
          { id: 'hong-kong', period: 'week', slicing: {}, currency: 'HKD' },
        ],
      }),
    );
    expect(views.mainland!['']!.currency).toBe('CNY');
    expect(views['hong-kong']!['']!.currency).toBe('HKD');
    // The amounts are the source's, not converted.
    expect(views['hong-kong']!['']!.kpis.revenue).toEqual(views.mainland!['']!.kpis.revenue);
    const config = parseConfig({ report: { currency: 'CNY' }, reports: [{ id: 'a' }, { id: 'b', currency: 'HKD' }] });
    expect(reportDefinitions(config).map((d) => d.currency)).toEqual(['CNY', 'HKD']);
  });
});
