import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { loadReportWeek } from '../helpers/load';
import { describe, expect, it } from 'vitest';
import { writeSampleCsv } from '../../dev/sample-data';
import { readCsv } from '../../config/csv';
import type { LoadSalesOptions } from '../../sales/load';
import { readTargetsFile } from '../../sales/targets';

describe('CSV exports as Excel on Chinese Windows saves them', () => {
  const load = (path: string, more: Partial<LoadSalesOptions> = {}) => loadReportWeek(path, more);
  const sameNumbers = (a: Awaited<ReturnType<typeof load>>) => ({ ...a, dataQuality: { ...a.dataQuality, file: '' } });

  it('reads GBK, UTF-16 with a BOM and semicolon-separated files to the same metrics, and says what it tried', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-csv-'));
    const utf8 = join(dir, 'utf8.csv');
    await writeSampleCsv(utf8, { endDate: '2026-11-19', days: 21, ordersPerDay: 20, seed: 6, badRowsPerThousand: 0 });
    const rows: string[][] = [];
    for await (const batch of readCsv(utf8)) rows.push(...batch.map((r) => r.cells as string[]));
    const csv = (sep: string) =>
      rows.map((r) => r.map((c) => (/[;,"\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(sep)).join('\r\n');

    const gbk = join(dir, 'gbk.csv');
    // The bytes Excel writes on Chinese Windows: GBK, whose yen sign is the full-width ￥.
    await writeFile(gbk, iconv.encode(csv(',').replaceAll('¥', '￥'), 'gbk'));
    const utf16 = join(dir, 'utf16.csv');
    await writeFile(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(csv('\t'), 'utf-16le')]));
    const semicolons = join(dir, 'semicolons.csv');
    await writeFile(semicolons, csv(';'));

    const expected = sameNumbers(await load(utf8));
    expect(sameNumbers(await load(gbk))).toEqual(expected);
    expect(sameNumbers(await load(utf16))).toEqual(expected);
    expect(sameNumbers(await load(semicolons))).toEqual(expected);
    expect(sameNumbers(await load(semicolons, { delimiter: ';', encoding: 'utf-8' }))).toEqual(expected);

    // Forced to the wrong encoding, the header reads as mojibake: the message says how the file was read.
    await expect(load(gbk, { encoding: 'utf-8' })).rejects.toThrow(
      /gbk\.csv row 1: missing column .* \(read as UTF-8, as configured; delimiter ","; set data\.encoding \/ data\.delimiter if that is wrong\)/,
    );
  });
});

describe('the targets file is read as the sales CSV is', () => {
  it('a GBK targets file with CR-only line ends and semicolons: 华东 stays 华东', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-targets-'));
    const path = join(dir, 'targets.csv');
    const text = ['period;kpi;dimension;name;target', '2026-11;revenue;region;华东;120000', '2026-11;orders;;;900'];
    await writeFile(path, iconv.encode(text.join('\r'), 'gbk'));
    expect(await readTargetsFile(path)).toEqual([
      { period: '2026-11', kpi: 'revenue', dimension: 'region', name: '华东', target: 120000 },
      { period: '2026-11', kpi: 'orders', target: 900 },
    ]);
  });
});
