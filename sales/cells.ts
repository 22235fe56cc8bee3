import type { IsoDate } from './dates';
import { isIsoDate } from './dates';

/** A cell that could not be read, with the reason in words a spreadsheet owner understands. */
export class CellError extends Error {}

const EXCEL_EPOCH_MS = Date.UTC(1899, 11, 30);
const DAY_MS = 86_400_000;

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function ymd(year: number, month: number, day: number, raw: unknown): IsoDate {
  const date = `${year}-${pad(month)}-${pad(day)}`;
  if (!isIsoDate(date)) throw new CellError(`${JSON.stringify(raw)} is not a valid calendar date`);
  return date;
}

const DATE_TEXT = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$/;
/** 11/17/2026, 17.11.2026, 17-11-2026: the year last, day and month in an order only the file's locale tells. */
const YEAR_LAST = /^(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4})(?:[ T].*)?$/;

/**
 * How a date with the year last is read (data.dateOrder): mdy as US-locale Excel writes 11/17/2026, dmy as most of
 * Europe writes 17/11/2026. ymd reads year-first dates only and refuses a year-last one as ambiguous.
 */
export type DateOrder = 'ymd' | 'mdy' | 'dmy';

/**
 * Numbers and dates as a keyboard in another input mode writes them, in their plain form: full-width digits and
 * signs (４, １，２００, ￥), the ideographic space, circled and other compatibility forms (Unicode NFKC).
 */
function plainText(value: string): string {
  return value.normalize('NFKC').trim();
}

/**
 * Order dates are local calendar dates. Accepts Excel serial numbers, JS Dates (exceljs gives UTC midnight for
 * date-formatted cells) and text such as 2026-11-17, 2026/11/17, 2026.11.17, 2026年11月17日, with or without a time,
 * in full-width digits too; with the year last (11/17/2026) as `order` says.
 */
export function parseOrderDate(value: unknown, order: DateOrder = 'ymd'): IsoDate {
  // A file has few distinct dates and millions of rows: remember what each spelling meant.
  if (typeof value === 'string' || typeof value === 'number') {
    const memo = dateMemos[order];
    const known = memo.get(value);
    if (known !== undefined) return known;
    const parsed = parseOrderDateUncached(value, order);
    if (memo.size >= DATE_MEMO_LIMIT) memo.clear();
    memo.set(value, parsed);
    return parsed;
  }
  return parseOrderDateUncached(value, order);
}

const DATE_MEMO_LIMIT = 50_000;
const dateMemos: Record<DateOrder, Map<string | number, IsoDate>> = { ymd: new Map(), mdy: new Map(), dmy: new Map() };

function parseOrderDateUncached(value: unknown, order: DateOrder): IsoDate {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new CellError('invalid date');
    return value.toISOString().slice(0, 10);
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 1 || value > 2_958_465) {
      throw new CellError(`${value} is not an Excel date serial number`);
    }
    return new Date(EXCEL_EPOCH_MS + Math.floor(value) * DAY_MS).toISOString().slice(0, 10);
  }
  if (typeof value === 'string') {
    const text = plainText(value);
    if (text === '') throw new CellError('date is empty');
    const m = DATE_TEXT.exec(text);
    if (m) return ymd(Number(m[1]), Number(m[2]), Number(m[3]), value);
    const last = YEAR_LAST.exec(text);
    if (last) {
      const [first, second, year] = [Number(last[1]), Number(last[2]), Number(last[3])];
      if (order === 'mdy') return ymd(year, first, second, value);
      if (order === 'dmy') return ymd(year, second, first, value);
      throw new CellError(
        `${JSON.stringify(value)} has the year last, so its day and month order is ambiguous ` +
          `(${first}/${second}: month first as US Excel writes, or day first?): set data.dateOrder to "mdy" or "dmy"`,
      );
    }
    // Excel serial numbers written out as text (a CSV saved from Excel): 46349.700694 is 2026-11-23 16:49.
    if (/^\d{5}(\.\d+)?$/.test(text) && Number(text) >= 20_000 && Number(text) <= 80_000) {
      return parseOrderDateUncached(Number(text), order);
    }
    throw new CellError(
      `${JSON.stringify(value)} is not a date (expected e.g. 2026-11-17, or 11/17/2026 with data.dateOrder "mdy")`,
    );
  }
  throw new CellError(value === null || value === undefined ? 'date is empty' : `unexpected ${typeof value}`);
}

const CURRENCY_MARKS = /[¥￥$€£]|RMB|CNY|USD|EUR|元/gi;

/** Money as integer cents, so sums are exact and deterministic. Accepts ¥1,234.50, $1,234.50, 1234.5, (12.00). */
export function parseMoneyCents(value: unknown, what = 'amount'): number {
  let n: number;
  if (typeof value === 'number') {
    n = value;
  } else if (typeof value === 'string') {
    let text = plainText(value);
    if (text === '') throw new CellError(`${what} is empty`);
    let sign = 1;
    if (/^\(.*\)$/.test(text)) {
      sign = -1;
      text = text.slice(1, -1);
    }
    text = text.replace(CURRENCY_MARKS, '').replace(/[,\s]/g, '');
    if (!/^[-+]?\d+(\.\d+)?$/.test(text)) throw new CellError(`${JSON.stringify(value)} is not ${article(what)}`);
    n = sign * Number(text);
  } else {
    throw new CellError(value === null || value === undefined ? `${what} is empty` : `${what} is not a number`);
  }
  if (!Number.isFinite(n)) throw new CellError(`${JSON.stringify(value)} is not ${article(what)}`);
  return Math.round(n * 100);
}

export function parseQuantity(value: unknown): number {
  const n = typeof value === 'string' ? Number(plainText(value).replace(/,/g, '')) : value;
  if (typeof n !== 'number' || value === '' || value === null || value === undefined) {
    throw new CellError(
      value === null || value === undefined || value === '' ? 'quantity is empty' : 'quantity is not a number',
    );
  }
  if (!Number.isFinite(n) || !Number.isInteger(n))
    throw new CellError(`${JSON.stringify(value)} is not a whole quantity`);
  return n;
}

export function parseLabel(value: unknown, what: string): string {
  const text = cellText(value).trim();
  if (text === '') throw new CellError(`${what} is empty`);
  return text;
}

/** exceljs represents rich text, hyperlinks and formulas as objects; reduce them to what the user sees. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; text?: unknown; result?: unknown; formula?: unknown };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if (v.text !== undefined) return cellText(v.text);
    if (v.result !== undefined) return cellText(v.result);
    // A formula with no saved result: what was typed, as typed ("=1+1 套装"); the data-quality line names the cell.
    if (v.formula !== undefined) return `=${cellText(v.formula)}`;
  }
  return JSON.stringify(value);
}

/**
 * A formula cell with no saved result (written by a tool that does not compute, or a product name a shop typed
 * starting with "="): its text as typed, else undefined.
 */
export function unsavedFormula(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || value instanceof Date) return undefined;
  const v = value as { result?: unknown; formula?: unknown };
  return v.formula !== undefined && v.result === undefined ? cellText(value) : undefined;
}

/** Formula cells carry their cached result; everything else is taken as is. */
export function cellValue(value: unknown): unknown {
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const v = value as { result?: unknown; richText?: unknown; text?: unknown };
    if ('result' in v) return v.result;
    if (v.richText !== undefined || v.text !== undefined) return cellText(value);
  }
  return value;
}

function article(what: string): string {
  return /^[aeiou]/i.test(what) ? `an ${what}` : `a ${what}`;
}
