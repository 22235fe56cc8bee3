import { createReadStream } from 'node:fs';
import { extname } from 'node:path';
import { parse } from 'csv-parse';
import ExcelJS from 'exceljs';

/** One spreadsheet row as the file has it: 1-based row number, 0-based cells. */
export interface RawRow {
  row: number;
  cells: unknown[];
}

export type SheetFormat = 'xlsx' | 'csv';

export function formatOf(path: string, configured: 'auto' | SheetFormat): SheetFormat {
  if (configured !== 'auto') return configured;
  const ext = extname(path).toLowerCase();
  if (ext === '.xlsx') return 'xlsx';
  if (ext === '.csv' || ext === '.txt') return 'csv';
  throw new Error(`${path}: cannot tell the format from the extension "${ext}"; set data.format to xlsx or csv`);
}

export function readRows(path: string, format: SheetFormat, sheet?: string): AsyncGenerator<RawRow> {
  return format === 'xlsx' ? readXlsxRows(path, sheet) : readCsvRows(path);
}

/** Streams one worksheet (the named one, else the first) without loading the workbook into memory. */
async function* readXlsxRows(path: string, sheet?: string): AsyncGenerator<RawRow> {
  // Styles are skipped for speed: dates then arrive as Excel serial numbers, which parseOrderDate reads.
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(path, {
    sharedStrings: 'cache',
    hyperlinks: 'ignore',
    styles: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  });
  const seen: string[] = [];
  for await (const worksheet of reader) {
    const name = (worksheet as unknown as { name: string }).name;
    seen.push(name);
    if (sheet !== undefined && name !== sheet) {
      for await (const _ of worksheet) void _; // drain: the zip is read in order
      continue;
    }
    for await (const row of worksheet) {
      const values = row.values as unknown[];
      yield { row: row.number, cells: values.slice(1) };
    }
    return;
  }
  throw new Error(
    sheet === undefined
      ? `${path}: the workbook has no worksheet`
      : `${path}: no worksheet "${sheet}" (found: ${seen.join(', ') || 'none'})`,
  );
}

async function* readCsvRows(path: string): AsyncGenerator<RawRow> {
  const parser = createReadStream(path).pipe(
    parse({ bom: true, relax_column_count: true, skip_empty_lines: false, info: true, trim: false }),
  );
  for await (const record of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    yield { row: record.info.lines, cells: record.record };
  }
}

/** "H" for the 8th column: how spreadsheet users name columns. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    const rem = (n - 1) % 26;
    letters = String.fromCharCode(65 + rem) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}
