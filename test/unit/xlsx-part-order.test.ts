import { spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/config';
import { writeSampleXlsx } from '../../dev/sample-data';
import type { SourceDetails } from '../../sales/load';
import { loadReportWeek } from '../helpers/load';

/** Rewrites the workbook's zip with its worksheets before xl/workbook.xml, as some writers order the parts. */
function worksheetsFirst(from: string, to: string): string[] {
  const script = `
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as z:
    names = z.namelist()
    first = [n for n in names if n != 'xl/workbook.xml' and not n.startswith('xl/worksheets/sheet')]
    sheets = [n for n in names if n.startswith('xl/worksheets/sheet')]
    order = first + sheets + ['xl/workbook.xml']
    with zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED) as out:
        for n in order:
            out.writestr(n, z.read(n))
    print('\\n'.join(order))
`;
  const run = spawnSync('python3', ['-c', script, from, to], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`rewriting the zip failed: ${run.stderr}`);
  return run.stdout.trim().split('\n');
}

describe('workbooks whose parts come in another order', () => {
  it('a worksheet before xl/workbook.xml in the zip reads to the same metrics', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-order-'));
    const plain = join(dir, 'plain.xlsx');
    const reordered = join(dir, 'reordered.xlsx');
    await writeSampleXlsx(plain, { endDate: '2026-11-19', days: 21, ordersPerDay: 20, seed: 9, badRowsPerThousand: 0 });
    const order = worksheetsFirst(plain, reordered);
    expect(order.indexOf('xl/worksheets/sheet1.xml')).toBeLessThan(order.indexOf('xl/workbook.xml'));
    const expected = await loadReportWeek(plain);
    const found = await loadReportWeek(reordered);
    expect({ ...found, dataQuality: { ...found.dataQuality, file: '' } }).toEqual({
      ...expected,
      dataQuality: { ...expected.dataQuality, file: '' },
    });
  });

  it('finds the orders sheet by its real name, or as the first sheet with the columns, and names the sheets when none has them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-order-'));
    const plain = join(dir, 'plain.xlsx');
    await writeSampleXlsx(plain, { endDate: '2026-11-19', days: 21, ordersPerDay: 20, seed: 9, badRowsPerThousand: 0 });
    const source = new ExcelJS.Workbook();
    await source.xlsx.readFile(plain);
    // An export as back-offices write one: a notes sheet first, the orders on the second.
    const book = new ExcelJS.Workbook();
    const notes = book.addWorksheet('导出说明');
    notes.addRow(['导出时间', '2026-11-20 06:00']);
    notes.addRow(['说明', '本表为订单明细导出']);
    const orders = book.addWorksheet('订单明细');
    source.worksheets[0]!.eachRow((row) => void orders.addRow((row.values as unknown[]).slice(1)));
    const written = join(dir, 'two-sheets.xlsx');
    await book.xlsx.writeFile(written);
    const exported = join(dir, 'export.xlsx');
    const order = worksheetsFirst(written, exported);
    expect(order.indexOf('xl/worksheets/sheet2.xml')).toBeLessThan(order.indexOf('xl/workbook.xml'));

    const same = (m: Awaited<ReturnType<typeof loadReportWeek>>) => ({
      ...m,
      dataQuality: { ...m.dataQuality, file: '' },
    });
    const expected = same(await loadReportWeek(plain));
    let details: SourceDetails | undefined;
    expect(same(await loadReportWeek(exported, { onDetails: (d) => (details = d) }))).toEqual(expected);
    expect(details).toMatchObject({
      sheet: '订单明细',
      sheetChosenBy: 'the first sheet whose header holds the mapped columns',
      sheets: ['导出说明', '订单明细'],
    });
    expect(same(await loadReportWeek(exported, { sheet: '订单明细' }))).toEqual(expected);
    await expect(loadReportWeek(exported, { sheet: 'Sheet2' })).rejects.toThrow(
      `no worksheet "Sheet2" (data.sheet); the workbook's sheets: "导出说明", "订单明细"`,
    );
    // The notes sheet chosen: the message says which sheet was read, which others there are, and how to choose.
    await expect(loadReportWeek(exported, { sheet: '导出说明' })).rejects.toThrow(
      /missing column .*\(sheet "导出说明" of "导出说明", "订单明细"; data.sheet chooses one\)/,
    );
    // No sheet with the columns: each sheet tried is named with what its header lacked.
    await expect(
      loadReportWeek(exported, { columns: { ...parseConfig({}).data.columns, channel: ['销售渠道'] } }),
    ).rejects.toThrow(
      /export\.xlsx: no sheet holds the mapped columns \(the workbook's sheets: "导出说明", "订单明细"\)\. .*sheet "导出说明".*\| .*missing column channel.*sheet "订单明细".*Set data\.sheet/,
    );
  });
});
