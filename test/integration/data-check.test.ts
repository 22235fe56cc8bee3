import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { DataCheck } from '../../cli/commands/data';
import { salesReport } from '../helpers/cli';

/** An export as Excel on Chinese Windows saves it: GBK bytes, a title and a blank row above the header. */
async function gbkExport(dir: string): Promise<string> {
  const rows = [
    '2026年11月 销售明细（导出）,,,,,,,,',
    ',,,,,,,,',
    '订单号,订单日期,商品,品类,地区,渠道,数量,单价,金额',
  ];
  for (let d = 1; d <= 19; d++)
    rows.push(`SO${d},2026-11-${String(d).padStart(2, '0')},耳机,数码,华东,天猫,1,99,"¥1,099.00"`);
  rows.push('SO99,2026-11-18,耳机,数码,华东,天猫,1,99,N/A');
  const path = join(dir, '订单.csv');
  await writeFile(path, iconv.encode(rows.join('\r\n'), 'gb18030'));
  return path;
}

describe('sales-report data check: what someone setting up a new export runs first', () => {
  it('says how the file was read, which column each field came from, what was skipped, and the week it reports', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-data-check-'));
    const path = await gbkExport(dir);
    const config = join(dir, 'config.json');
    const targets = join(dir, 'targets.csv');
    await writeFile(
      targets,
      'period,kpi,dimension,name,target\n2026-11,revenue,,,30000\n2026-11,revenue,region,华东,9000\n',
    );
    await writeFile(config, JSON.stringify({ data: { path, maxBadRowShare: 0.1 }, targets: { path: targets } }));

    const text = await salesReport(config, 'data', 'check', '--date', '2026-11-20');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`source:   ${path}`);
    expect(text.stdout).toContain(
      'read as:  CSV, encoding GB18030 (fallback), delimiter "," (counted), header on row 3',
    );
    expect(text.stdout).toMatch(/amount\s+← 金额/);
    expect(text.stdout).toContain('rows:     20 read, 1 skipped, 0 blank; 14 in the two report weeks');
    expect(text.stdout).toContain('skipped: 订单.csv row 23, column 金额: "N/A" is not an amount');
    expect(text.stdout).toContain('data:     2026-11-01 – 2026-11-19');
    expect(text.stdout).toContain('report:   2026-11-20: the week 2026-11-13 – 2026-11-19');
    expect(text.stdout).toContain(
      'year ago: 2025-11-14 – 2025-11-20: the source does not reach back to it (no 同比 / YoY; the report says so)',
    );
    expect(text.stdout).toContain(
      'targets:  the month 2026-11-01 – 2026-11-30, on the month to date (19 of 30 days): revenue; region 华东',
    );
    expect(text.stdout).toMatch(/revenue\s+¥7,693\.00\s+¥7,693\.00\s+0\.0%/);

    const json = JSON.parse(
      (await salesReport(config, 'data', 'check', '--date', '2026-11-20', '--json')).stdout,
    ) as DataCheck;
    expect(json.details).toMatchObject({ format: 'csv', headerRow: 3, encoding: { name: 'GB18030' } });
    expect(json.metrics.kpis.orders.current).toBe(7);
  });

  it('exits 1 with the error a run would give', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-data-check-'));
    const config = join(dir, 'config.json');
    await writeFile(config, JSON.stringify({ data: { path: join(dir, 'missing.xlsx') } }));
    const missing = await salesReport(config, 'data', 'check', '--date', '2026-11-20');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('missing.xlsx: cannot open the sales file: no such file');
    const path = await gbkExport(dir);
    await writeFile(config, JSON.stringify({ data: { path } }));
    const tooDirty = await salesReport(config, 'data', 'check', '--date', '2026-11-20');
    expect(tooDirty.code).toBe(1);
    expect(tooDirty.stderr).toContain('1 of 20 rows (5.0%) cannot be read, over the allowed 2.0%');
    expect(tooDirty.stderr).toContain('订单.csv row 23, column 金额: "N/A" is not an amount');
    const targets = join(dir, 'targets.csv');
    await writeFile(
      targets,
      'period,kpi,dimension,name,target\n2026-11,revenue,,,30000\n2026-11,revenue,region,华东,9000\n',
    );
    await writeFile(config, JSON.stringify({ data: { path, maxBadRowShare: 0.1 }, targets: { path: targets } }));
    const stale = await salesReport(config, 'data', 'check', '--date', '2026-11-25');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('订单.csv ends 2026-11-19; the report needs data through 2026-11-24');
    const usage = await salesReport(config, 'data', 'check', '--date', 'tomorrow');
    expect(usage.code).toBe(2);
  });

  it('shows the sheet it read and the others; says what an .xls is and what an ambiguous date needs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-data-check-'));
    const config = join(dir, 'config.json');
    const check = async (data: object) => {
      await writeFile(config, JSON.stringify({ data }));
      return salesReport(config, 'data', 'check', '--date', '2026-11-20');
    };
    // A notes sheet first, the orders on the second.
    const book = new ExcelJS.Workbook();
    book.addWorksheet('导出说明').addRow(['说明', '订单明细导出']);
    const orders = book.addWorksheet('订单明细');
    orders.addRow(['订单号', '订单日期', '商品', '品类', '地区', '渠道', '数量', '单价', '金额']);
    for (let d = 6; d <= 19; d++) orders.addRow([`SO${d}`, `2026-11-${d}`, '耳机', '数码', '华东', '天猫', 1, 99, 99]);
    const workbook = join(dir, 'export.xlsx');
    await book.xlsx.writeFile(workbook);
    const sheets = await check({ path: workbook });
    expect(sheets.code, sheets.stderr).toBe(0);
    expect(sheets.stdout).toContain('sheet "订单明细" (the first sheet whose header holds the mapped columns)');
    expect(sheets.stdout).toContain('sheets:   "导出说明", "订单明细"');

    const xls = join(dir, 'orders.xls');
    await writeFile(xls, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
    const old = await check({ path: xls });
    expect(old.code).toBe(1);
    expect(old.stderr).toContain('an Excel 97-2003 .xls workbook, which is not read: save it as .xlsx');

    const us = join(dir, 'us.csv');
    await writeFile(
      us,
      ['订单号,订单日期,商品,品类,地区,渠道,数量,单价,金额', '1,11/10/2026,耳机,数码,华东,天猫,1,99,99'].join('\n'),
    );
    const ambiguous = await check({ path: us });
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toContain('set data.dateOrder to "mdy" or "dmy"');
  });
});
