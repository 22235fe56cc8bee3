import { basename } from 'node:path';
import { reportWindows, type IsoDate, type PeriodKind } from './dates';
import type { OrderLine } from './aggregator';
import {
  CellError,
  cellText,
  unsavedFormula,
  cellValue,
  parseLabel,
  parseMoneyCents,
  parseOrderDate,
  parseQuantity,
  type DateOrder,
} from './cells';
import type { SalesMetrics } from './metrics';
import { LineTally } from './line-tally';
import { FIELDS, type Field, type ParsedLine } from './order-fields';
import { SalesDataError } from './errors';
import { checkSalesFile } from './file-check';
import { detectTextFormat, type Delimiter, type TextEncoding } from '../config/text-format';
import { checkSlicesFresh, type FreshnessRules } from './freshness';
import {
  optionalFieldsOf,
  ViewsAggregator,
  WHOLE,
  type MetricsBySlice,
  type MetricsByView,
  type OptionalSliceField,
  type ReadView,
  type Slicing,
} from './slices';
import { columnLetter, formatOf, readRows, type SheetFormat, type WorkbookSheet } from './readers';
import { workbookSheets, type XlsxSheet } from './xlsx-sheets';

const REQUIRED: readonly Field[] = ['orderDate', 'product', 'category', 'region', 'channel', 'quantity'];

export interface LoadSalesOptions {
  path: string;
  format: 'auto' | SheetFormat;
  sheet?: string;
  columns: Record<Field, string[]>;
  maxBadRowShare: number;
  badRowsShown: number;
  reportDate: IsoDate;
  currency: string;
  /** CSV only: how the text is written; "auto" detects it. */
  encoding?: 'auto' | TextEncoding;
  delimiter?: 'auto' | Delimiter;
  /** The header's 1-based row; default: the first row within the first HEADER_SCAN_ROWS that holds the columns. */
  headerRow?: number;
  /** Stale or empty exports fail (the default); off for businesses with empty weeks. */
  freshness?: FreshnessRules;
  /** Weeks of revenue and orders in a weekly report's trend (report.trendWeeks). */
  trendWeeks?: number;
  /** What the report covers (default: the week). */
  period?: PeriodKind;
  /** How dates with the year last are read (data.dateOrder). */
  dateOrder?: DateOrder;
  /** The files a multi-file data.path resolved to (sales/source-files.ts); absent: `path` alone. */
  files?: string[];
  /** Days whose file a date template expected and did not find. */
  missingFiles?: { date: IsoDate; path: string }[];
  /** Told how the source was read, once the header is found (`data check`). In-process loads only. */
  onDetails?: (details: SourceDetails) => void;
  /** The reports' scope and split: one pass computes every slice. Default: the whole source, one slice. */
  slicing?: Slicing;
  /** Several reports' views at once (their periods and slicings), in the same pass; overrides period and slicing. */
  views?: ReadView[];
}

/** How a source was read: what `sales-report data check` shows someone setting up a new export. */
export interface SourceDetails {
  source: string;
  format: SheetFormat | 'postgres';
  /** CSV: the encoding and delimiter, and how each was decided. */
  encoding?: { name: string; decidedBy: string };
  delimiter?: { char: string; decidedBy: string };
  headerRow?: number;
  /** A multi-file data.path: the files read, and the days' files not there. */
  files?: string[];
  missingFiles?: string[];
  /** A workbook: the sheet read, how it was chosen, and all the workbook's sheets. */
  sheet?: string;
  sheetChosenBy?: string;
  sheets?: string[];
  /** PostgreSQL: lines through a cursor, or grouped in the database. */
  mode?: 'lines' | 'aggregate';
  /** Each field and the column it was read from. */
  columns: Partial<Record<Field, string>>;
}

/** Each mapped field and its column's name, as the source wrote it. */
export function mappedColumns(map: ColumnMap, names: string[]): Partial<Record<Field, string>> {
  return Object.fromEntries(FIELDS.flatMap((f) => (map[f] === undefined ? [] : [[f, names[map[f]] ?? '']])));
}

export { SalesDataError };

export type ColumnMap = Partial<Record<Field, number>>;

/** The whole source's metrics (no scope, no split). */
export async function loadSalesMetrics(options: LoadSalesOptions): Promise<SalesMetrics> {
  return (await loadSalesSlices({ ...options, slicing: undefined }))[WHOLE]!;
}

/** Every slice's metrics of one view (options.period, options.slicing), in one pass over the files. */
export async function loadSalesSlices(options: LoadSalesOptions): Promise<MetricsBySlice> {
  return (await loadSalesViews({ ...options, views: undefined }))[WHOLE]!;
}

/** Every view's slices (options.views; else the one of options.period and options.slicing), in one pass. */
export async function loadSalesViews(options: LoadSalesOptions): Promise<MetricsByView> {
  const views = options.views ?? [{ id: WHOLE, period: options.period ?? 'week', slicing: options.slicing ?? {} }];
  const files = options.files ?? [options.path];
  const missing = options.missingFiles ?? [];
  // The days every view compares: a missing file among them is a stale export, not a quiet day.
  const compared = views.map((v) => reportWindows(options.reportDate, v.period, options.trendWeeks));
  const first = compared.map((w) => w.previous.start).sort()[0]!;
  const last = compared[0]!.current.end;
  const missingInReport = missing.filter((m) => m.date >= first && m.date <= last);
  if (missingInReport.length > 0 && options.freshness?.failIfEndsBeforeWindow !== false) {
    throw new SalesDataError(
      `${options.path}: the report reads one file a day for ${first} – ${last}, and ` +
        `${missingInReport.length === 1 ? 'this one is' : `these ${missingInReport.length} are`} not there: ` +
        `${missingInReport.map((m) => m.path).join(', ')}. Did the export run? ` +
        '(set data.failIfEndsBeforeWindow to false if a day without a file is a day without orders)',
    );
  }
  const tally = new LineTally(
    new ViewsAggregator(views, options.reportDate, options.currency, options.trendWeeks),
    options.badRowsShown,
  );
  // data check is told how the first file was read, and which files there are.
  let told = false;
  const onDetails =
    options.onDetails &&
    ((details: SourceDetails) => {
      if (told) return;
      told = true;
      options.onDetails?.({
        ...details,
        source: options.path,
        ...((files.length > 1 || missing.length > 0) && { files, missingFiles: missing.map((m) => m.path) }),
      });
    });
  for (const path of files) await readFileInto(tally, { ...options, path, onDetails });
  const label = files.length === 1 ? basename(files[0]!) : `${files.length} files ${basename(options.path)}`;
  const byView = tally.finish(options.path, label, options.maxBadRowShare);
  for (const slices of Object.values(byView)) {
    if (missing.length > 0)
      for (const metrics of Object.values(slices))
        metrics.dataQuality.missingFiles = missing.map((m) => basename(m.path));
    // Fresh as the newest file is: the last one read (a date template and a sorted wildcard list both end with it).
    if (options.freshness) checkSlicesFresh(slices, files.at(-1)!, options.freshness);
  }
  return byView;
}

/** One file of the source into the shared tally: its format, its text or its sheet, its header, its rows. */
async function readFileInto(tally: LineTally<MetricsByView>, options: LoadSalesOptions): Promise<void> {
  const file = basename(options.path);
  const format = formatOf(options.path, options.format);
  await checkSalesFile(options.path, format);
  const text =
    format === 'csv'
      ? await detectTextFormat(options.path, {
          encoding: options.encoding ?? 'auto',
          delimiter: options.delimiter ?? 'auto',
        })
      : undefined;
  // Said with every header problem of a CSV: a wrong encoding or delimiter is the usual cause.
  const readAs = text
    ? ` (read as ${text.encoding.toUpperCase()}, ${text.detected.encoding === 'configured' ? 'as configured' : `by ${text.detected.encoding}`}; delimiter ${JSON.stringify(text.delimiter)}; set data.encoding / data.delimiter if that is wrong)`
    : '';
  const candidates = format === 'xlsx' ? await sheetsToTry(options) : [undefined];
  const sheetNames = candidates[0]?.all.map((s) => JSON.stringify(s.name)).join(', ');
  /** Where the header was looked for: the sheet, and the others the workbook has. */
  const inSheet = (sheet: WorkbookSheet | undefined) =>
    sheet === undefined
      ? ''
      : sheet.all.length > 1
        ? ` (sheet ${JSON.stringify(sheet.sheet.name)} of ${sheetNames}; data.sheet chooses one)`
        : ` (sheet ${JSON.stringify(sheet.sheet.name)})`;

  const needed = optionalFieldsOf((options.views ?? [{ slicing: options.slicing ?? {} }]).map((v) => v.slicing));
  const tried: string[] = [];
  for (const sheet of candidates) {
    const read = await readSheet(sheet);
    if (read === 'read') return;
    tried.push(read.problem);
  }
  if (candidates.length === 1) throw new SalesDataError(tried[0] ?? `${options.path}: no sheet to read`);
  throw new SalesDataError(
    `${file}: no sheet holds the mapped columns (the workbook's sheets: ${sheetNames}). ${tried.join(' | ')}. ` +
      'Set data.sheet to the orders sheet, data.headerRow to its header row, or data.columns to its names',
  );

  /** One sheet (or the CSV): 'read' once its header is found and its rows taken, else why it has no header. */
  async function readSheet(sheet: WorkbookSheet | undefined): Promise<'read' | { problem: string }> {
    const where = inSheet(sheet);
    /** The first row tried as a header and why it was not one, for the message when none is found. */
    let firstTried: string | undefined;
    let header: { map: ColumnMap; names: string[] } | undefined;
    try {
      for await (const batch of readRows(options.path, format, sheet, text))
        for (const { row, cells } of batch) {
          if (cells.every((c) => cellText(c).trim() === '')) {
            if (header) tally.blankRows++;
            continue;
          }
          if (!header) {
            // Exports put titles, notes and blank rows (often merged cells) above the header: look for it.
            if (options.headerRow !== undefined && row < options.headerRow) continue;
            const found = matchHeader(cells, options.columns, needed);
            if ('map' in found) {
              header = found;
              options.onDetails?.({
                source: options.path,
                format,
                ...(sheet && {
                  sheet: sheet.sheet.name,
                  sheets: sheet.all.map((s) => s.name),
                  sheetChosenBy:
                    options.sheet !== undefined
                      ? 'data.sheet'
                      : 'the first sheet whose header holds the mapped columns',
                }),
                ...(text && {
                  encoding: { name: text.encoding.toUpperCase(), decidedBy: text.detected.encoding },
                  delimiter: { char: text.delimiter, decidedBy: text.detected.delimiter },
                }),
                headerRow: row,
                columns: mappedColumns(found.map, found.names),
              });
              continue;
            }
            const problem = `${file} row ${row}: missing column ${found.missing}. Header found: ${found.names.filter(Boolean).join(', ')}${readAs}`;
            if (options.headerRow !== undefined)
              return { problem: `${problem} (data.headerRow is ${options.headerRow})${where}` };
            firstTried ??= problem;
            if (row >= HEADER_SCAN_ROWS) {
              return {
                problem:
                  `${firstTried}. No row among the first ${HEADER_SCAN_ROWS} holds the mapped columns; ` +
                  `set data.headerRow to the header row, or data.columns to its names${where}`,
              };
            }
            continue;
          }
          const { map, names } = header;
          if (sheet)
            for (const i of Object.values(map)) {
              const text = i === undefined ? undefined : unsavedFormula(cells[i]);
              if (i !== undefined && text !== undefined)
                tally.unsavedFormula({ file, sheet: sheet.sheet.name, cell: `${columnLetter(i)}${row}`, text });
            }
          tally.take(parseLine(cells, map, options.dateOrder, needed), row, (field) => {
            const col = map[field] ?? 0;
            return { file, column: format === 'xlsx' ? `${names[col]} (${columnLetter(col)})` : (names[col] ?? '') };
          });
        }
    } catch (err) {
      if (err instanceof SalesDataError) throw err;
      throw new SalesDataError(
        `${options.path}: cannot read the ${format.toUpperCase()} file${where}: ${(err as Error).message}`,
      );
    }
    if (header) return 'read';
    return {
      problem: firstTried ? `${firstTried}${where}` : `${options.path}: the file has no header row and no data${where}`,
    };
  }
}

/** The worksheets a workbook's orders may be on: data.sheet's, else every sheet in the workbook's order. */
async function sheetsToTry(options: LoadSalesOptions): Promise<WorkbookSheet[]> {
  let all: XlsxSheet[];
  try {
    all = await workbookSheets(options.path);
  } catch (err) {
    throw new SalesDataError(`${options.path}: cannot list the workbook's sheets: ${(err as Error).message}`);
  }
  const names = all.map((s) => JSON.stringify(s.name)).join(', ');
  if (all.length === 0) throw new SalesDataError(`${options.path}: the workbook has no worksheet`);
  if (options.sheet === undefined) return all.map((sheet) => ({ sheet, all }));
  const chosen = all.find((s) => s.name === options.sheet) ?? all.find((s) => s.name.trim() === options.sheet?.trim());
  if (!chosen)
    throw new SalesDataError(
      `${options.path}: no worksheet ${JSON.stringify(options.sheet)} (data.sheet); the workbook's sheets: ${names}`,
    );
  return [{ sheet: chosen, all }];
}

/** How far down the header is looked for. */
export const HEADER_SCAN_ROWS = 20;

/** The columns a row maps, or, when it is not the header, which fields it lacks. */
export function matchHeader(
  cells: unknown[],
  columns: Record<Field, string[]>,
  /** Optional fields a report slices by, required of this source (sales/slices.ts optionalFieldsOf). */
  needed: readonly OptionalSliceField[] = [],
): { map: ColumnMap; names: string[] } | { missing: string; names: string[] } {
  const names = cells.map((c) => cellText(c).trim());
  const normalized = names.map((n) => n.toLowerCase());
  const map: ColumnMap = {};
  for (const field of FIELDS) {
    const index = columns[field].map((alias) => normalized.indexOf(alias.trim().toLowerCase())).find((i) => i >= 0);
    if (index !== undefined) map[field] = index;
  }
  const missing = [...REQUIRED, ...needed].filter((f) => map[f] === undefined);
  if (map.amount === undefined && map.unitPrice === undefined) missing.push('amount');
  if (missing.length > 0) {
    return { missing: missing.map((f) => `${f} (one of: ${columns[f].join(', ')})`).join('; '), names };
  }
  return { map, names };
}

export function parseLine(
  cells: unknown[],
  map: ColumnMap,
  dateOrder: DateOrder = 'ymd',
  needed: readonly OptionalSliceField[] = [],
): ParsedLine {
  let field: Field = 'orderDate';
  const at = (f: Field): unknown => {
    field = f;
    const i = map[f];
    return i === undefined ? undefined : cellValue(cells[i]);
  };
  try {
    const date = parseOrderDate(at('orderDate'), dateOrder);
    const product = parseLabel(at('product'), 'product');
    const category = parseLabel(at('category'), 'category');
    const region = parseLabel(at('region'), 'region');
    const channel = parseLabel(at('channel'), 'channel');
    const units = parseQuantity(at('quantity'));
    let revenueCents: number;
    if (map.amount !== undefined && cellText(cells[map.amount]).trim() !== '') {
      revenueCents = parseMoneyCents(at('amount'), 'amount');
    } else if (map.unitPrice !== undefined) {
      revenueCents = Math.round(parseMoneyCents(at('unitPrice'), 'unit price') * units);
    } else {
      revenueCents = parseMoneyCents(at('amount'), 'amount');
    }
    const orderIdText = map.orderId === undefined ? '' : cellText(cellValue(cells[map.orderId])).trim();
    const line: OrderLine = {
      orderId: orderIdText || undefined,
      date,
      product,
      category,
      region,
      channel,
      units,
      revenueCents,
    };
    // A store's report needs each line's store; a line without one is a bad row, not a line of no store.
    for (const f of needed) line[f] = parseLabel(at(f), f);
    return { line };
  } catch (err) {
    if (err instanceof CellError) return { field, reason: err.message };
    throw err;
  }
}
