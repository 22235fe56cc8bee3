import { extname } from 'node:path';
import ExcelJS from 'exceljs';
import { readCsv, type RawRow } from '../config/csv';
import { SalesDataError } from './errors';
import type { Delimiter, TextEncoding } from '../config/text-format';
import type { XlsxSheet } from './xlsx-sheets';

export type SheetFormat = 'xlsx' | 'csv';

/**
 * The old binary workbook (BIFF8), said the same way wherever it is met. Not read: the one npm-registry reader of it
 * (SheetJS 0.18.5) is no longer updated there and carries published advisories; converting is one command.
 */
export const XLS_WORKBOOK =
  'an Excel 97-2003 .xls workbook, which is not read: save it as .xlsx (Excel: File > Save As > Excel Workbook; ' +
  'LibreOffice: soffice --headless --convert-to xlsx <file>) or export it as CSV, and point data.path at that';

export function formatOf(path: string, configured: 'auto' | SheetFormat): SheetFormat {
  if (configured !== 'auto') return configured;
  const ext = extname(path).toLowerCase();
  if (ext === '.xlsx') return 'xlsx';
  if (ext === '.csv' || ext === '.txt') return 'csv';
  if (ext === '.xls') throw new SalesDataError(`${path}: ${XLS_WORKBOOK}`);
  throw new SalesDataError(
    `${path}: cannot tell the format from the extension "${ext}"; set data.format to xlsx or csv`,
  );
}

/** Rows in batches: one await per batch, not per row, which matters at a million rows. */
export function readRows(
  path: string,
  format: SheetFormat,
  sheet?: WorkbookSheet,
  text?: { encoding: TextEncoding; delimiter: Delimiter },
): AsyncGenerator<RawRow[]> {
  return format === 'xlsx' ? readXlsxRows(path, sheet) : readCsv(path, undefined, text);
}

/** The worksheet to read, and the names of all of them (to tell it from the reader's placeholders). */
export interface WorkbookSheet {
  sheet: XlsxSheet;
  all: XlsxSheet[];
}

const BATCH = 1000;

/**
 * Streams one worksheet (the given one, else the first) without loading the workbook into memory. The streaming
 * reader cannot place a worksheet that the zip holds before xl/workbook.xml (it fails with "reading 'sheets'"): some
 * writers, exceljs itself among them under load, order the parts so. Such a workbook is read whole instead.
 */
async function* readXlsxRows(path: string, sheet?: WorkbookSheet): AsyncGenerator<RawRow[]> {
  let yielded = false;
  try {
    for await (const batch of streamXlsxRows(path, sheet)) {
      yielded = true;
      yield batch;
    }
  } catch (err) {
    if (yielded || !(err instanceof TypeError && /reading 'sheets'/.test(err.message))) throw err;
    yield* wholeXlsxRows(path, sheet?.sheet.name);
  }
}

/** The whole workbook in memory: only for the part orders the streaming reader cannot follow. */
async function* wholeXlsxRows(path: string, sheet?: string): AsyncGenerator<RawRow[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  const worksheet = sheet === undefined ? workbook.worksheets[0] : workbook.getWorksheet(sheet);
  if (!worksheet) {
    throw new Error(
      sheet === undefined
        ? `${path}: the workbook has no worksheet`
        : `${path}: no worksheet "${sheet}" (found: ${workbook.worksheets.map((w) => w.name).join(', ') || 'none'})`,
    );
  }
  const rows: RawRow[] = [];
  worksheet.eachRow((row) => {
    rows.push({ row: row.number, cells: (row.values as unknown[]).slice(1) });
  });
  for (let i = 0; i < rows.length; i += BATCH) yield rows.slice(i, i + BATCH);
}

/**
 * Whether the reader's worksheet is the one wanted. The streaming reader names a worksheet by the workbook once it
 * has read xl/workbook.xml; a worksheet the zip holds before that part gets the placeholder "Sheet<n>", n from its
 * part's file name (sheet<n>.xml): that placeholder, when no real sheet bears it, names the same part.
 */
function isWanted(name: string, wanted: WorkbookSheet): boolean {
  if (name === wanted.sheet.name) return true;
  const partNumber = /sheet(\d+)\.xml$/.exec(wanted.sheet.part)?.[1];
  return name === `Sheet${partNumber}` && !wanted.all.some((s) => s.name === name);
}

async function* streamXlsxRows(path: string, sheet?: WorkbookSheet): AsyncGenerator<RawRow[]> {
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
    if (sheet !== undefined && !isWanted(name, sheet)) {
      for await (const _ of worksheet) void _; // drain: the zip is read in order
      continue;
    }
    let batch: RawRow[] = [];
    for await (const row of worksheet) {
      const values = row.values as unknown[];
      batch.push({ row: row.number, cells: values.slice(1) });
      if (batch.length === BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
    return;
  }
  throw new Error(
    sheet === undefined
      ? `${path}: the workbook has no worksheet`
      : `${path}: no worksheet "${sheet.sheet.name}" (found: ${seen.join(', ') || 'none'})`,
  );
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
