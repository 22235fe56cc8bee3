import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { loadReportWeek } from '../helpers/load';
import { describe, expect, it } from 'vitest';
import { writeSampleXlsx } from '../../dev/sample-data';

describe('finding the header in an export as shops send it', () => {
  const load = (path: string, headerRow?: number) => loadReportWeek(path, { headerRow });

  it('skips a merged title row, a note and a blank row above the header; data.headerRow overrides', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-header-'));
    const plain = join(dir, 'plain.xlsx');
    await writeSampleXlsx(plain, { endDate: '2026-11-19', days: 21, ordersPerDay: 20, seed: 4, badRowsPerThousand: 0 });
    // The same data under a title (merged across the columns), an export note and a blank row, as ERPs write it.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(plain);
    const sheet = workbook.worksheets[0]!;
    sheet.spliceRows(1, 0, ['2026年11月 销售明细（导出）'], ['导出人：系统管理员　导出时间：2026-11-20 08:00'], []);
    sheet.mergeCells('A1:I1');
    const titled = join(dir, 'titled.xlsx');
    await workbook.xlsx.writeFile(titled);

    const expected = await load(plain);
    const found = await load(titled);
    expect({ ...found, dataQuality: { ...found.dataQuality, file: 'x' } }).toEqual({
      ...expected,
      dataQuality: { ...expected.dataQuality, file: 'x' },
    });
    expect(await load(titled, 4)).toEqual(found);
    await expect(load(titled, 2)).rejects.toThrow(/titled\.xlsx row 2: missing column .*\(data\.headerRow is 2\)/);
  });

  it('says which row it tried and how to point at the header when none of the first 20 rows is one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-header-'));
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('订单');
    sheet.addRow(['单号', '日期', '货品', '件数']);
    for (let i = 0; i < 30; i++) sheet.addRow([`A${i}`, '2026-11-18', '茶', 1]);
    const path = join(dir, 'other-names.xlsx');
    await workbook.xlsx.writeFile(path);
    await expect(load(path)).rejects.toThrow(
      /other-names\.xlsx row 1: missing column .* Header found: 单号, 日期, 货品, 件数\. No row among the first 20 holds the mapped columns; set data\.headerRow/,
    );
  });
});
