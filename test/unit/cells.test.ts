import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { SAMPLE_HEADER } from '../../dev/sample-data';
import { dataQualityLines } from '../../report/render/email-content';
import { labelsFor } from '../../report/render/labels';
import { withheldNarrative } from '../../report/withheld';
import { CellError, cellText, parseMoneyCents, parseOrderDate, parseQuantity } from '../../sales/cells';
import { loadReportWeek } from '../helpers/load';

describe('reading spreadsheet cells', () => {
  it.each([
    [46343, '2026-11-17'],
    [46343.75, '2026-11-17'],
    ['2026-11-17', '2026-11-17'],
    ['2026/11/7', '2026-11-07'],
    ['2026.11.17 14:30', '2026-11-17'],
    ['2026年11月17日', '2026-11-17'],
    ['2026/11/17 14:03', '2026-11-17'],
    ['46349.700694', '2026-11-23'], // an Excel serial written out as text in a CSV
    ['46343', '2026-11-17'],
    [new Date('2026-11-17T00:00:00Z'), '2026-11-17'],
  ])('reads the order date %j as %s', (cell, expected) => {
    expect(parseOrderDate(cell)).toBe(expected);
  });

  it.each([['2026-02-30'], ['17/11/2026'], [''], [null], [-5]])('refuses %j as a date, saying why', (cell) => {
    expect(() => parseOrderDate(cell)).toThrow(CellError);
  });

  it.each([
    ['¥1,234.50', 123450],
    ['$1,234.50', 123450],
    ['1234.5', 123450],
    [1234.5, 123450],
    ['￥ 99', 9900],
    ['(12.00)', -1200],
    ['1,234.56元', 123456],
  ])('reads the amount %j as %i cents', (cell, cents) => {
    expect(parseMoneyCents(cell)).toBe(cents);
  });

  it('reads year-last dates in the configured order, and refuses them as ambiguous without one', () => {
    expect(parseOrderDate('11/17/2026', 'mdy')).toBe('2026-11-17');
    expect(parseOrderDate('17/11/2026', 'dmy')).toBe('2026-11-17');
    expect(parseOrderDate('17.11.2026 14:05', 'dmy')).toBe('2026-11-17');
    expect(parseOrderDate('2026-11-17', 'mdy')).toBe('2026-11-17'); // year first is never ambiguous
    expect(() => parseOrderDate('11/10/2026')).toThrow(
      /"11\/10\/2026" has the year last, so its day and month order is ambiguous .*set data.dateOrder to "mdy" or "dmy"/,
    );
    expect(() => parseOrderDate('17/11/2026', 'mdy')).toThrow(/not a valid calendar date/); // no 17th month
    // The same text means different days under different orders: each order remembers its own.
    expect(parseOrderDate('03/04/2026', 'mdy')).toBe('2026-03-04');
    expect(parseOrderDate('03/04/2026', 'dmy')).toBe('2026-04-03');
  });

  it('reads full-width and other Unicode forms of digits in dates, quantities and amounts', () => {
    expect(parseQuantity('４')).toBe(4);
    expect(parseQuantity('１，２００')).toBe(1200);
    expect(parseOrderDate('２０２６－１１－１７')).toBe('2026-11-17');
    expect(parseOrderDate('２０２６年１１月１７日')).toBe('2026-11-17');
    expect(parseMoneyCents('￥１，２３４．５０')).toBe(123450);
    expect(parseMoneyCents('\u3000128.00\u3000')).toBe(12800); // ideographic spaces around it
  });

  it('says what is wrong with an amount it cannot read', () => {
    expect(() => parseMoneyCents('N/A')).toThrow('"N/A" is not an amount');
    expect(() => parseMoneyCents('')).toThrow('amount is empty');
  });

  it('insists on whole quantities', () => {
    expect(parseQuantity('3')).toBe(3);
    expect(() => parseQuantity(1.5)).toThrow('1.5 is not a whole quantity');
  });

  it('reads a formula cell as its saved result, or as what was typed when none was saved', () => {
    expect(cellText({ formula: 'A1&"套装"', result: '1+1 套装' })).toBe('1+1 套装');
    expect(cellText({ formula: '1+1 套装' })).toBe('=1+1 套装');
    expect(cellText({ richText: [{ text: '无线' }, { text: '耳机' }] })).toBe('无线耳机');
  });

  it('names a formula cell with no saved value in the data-quality line (file, sheet, cell) and keeps it as typed', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'sales-report-formula-')), 'sales.xlsx');
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('订单');
    sheet.addRow(SAMPLE_HEADER);
    sheet.addRow(['A1', '2026-11-17', '保温杯', '家居', '华东', '线上', 2, 50, 100]);
    // A shop typed a product name starting with "=": saved as a formula, with no value (nothing computed it).
    sheet.addRow(['A2', '2026-11-18', { formula: '1+1 套装' }, '家居', '华东', '线上', 1, 80, 80]);
    await book.xlsx.writeFile(path);

    const m = await loadReportWeek(path);
    expect(m.topProducts.map((p) => p.product)).toContain('=1+1 套装');
    expect(m.dataQuality.unsavedFormulas).toEqual({
      count: 1,
      cells: [{ file: 'sales.xlsx', sheet: '订单', cell: 'C3', text: '=1+1 套装' }],
    });
    for (const locale of ['zh-CN', 'en-US'] as const) {
      const lines = dataQualityLines(m, withheldNarrative(locale, 'week', 'junk'), labelsFor(locale));
      expect(lines.some((l) => l.includes('sales.xlsx 订单!C3 =1+1 套装'))).toBe(true);
    }
  });
});
