import { createReadStream, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import iconv from 'iconv-lite';
import { SAMPLE_BYTES, textFormatOf, type Delimiter, type TextEncoding, type TextFormat } from './text-format';

/** One spreadsheet row as the file has it: 1-based row number, 0-based cells. */
export interface RawRow {
  row: number;
  cells: unknown[];
}

/**
 * An RFC 4180 reader fed text as it comes: quoted fields with commas, doubled quotes and line breaks; CRLF, LF or CR
 * alone (as old Mac tools still write); a leading BOM. Each push gives the rows it completed, in a batch, since one
 * await per row costs more than the parsing itself at a million rows. A row's number is the line it starts on, as a
 * spreadsheet user counts. One parser for every CSV the product reads: sales exports, targets, recipients.
 */
function csvParser(delimiter: Delimiter) {
  const separator = delimiter.charCodeAt(0);
  let field = '';
  let row: string[] = [];
  let inQuotes = false;
  let quoteSeen = false; // inside quotes, the previous character was a quote: end of field or an escaped quote
  let line = 1;
  let rowLine = 1;
  let first = true;
  // The last row ended at a CR: an LF right after it (in this chunk or the next) is the same line end.
  let afterCr = false;

  return {
    push(chunk: string): RawRow[] {
      let text = chunk;
      if (first) {
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        first = false;
      }
      const batch: RawRow[] = [];
      let start = 0; // start of the unquoted run of the current field within `text`
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (afterCr) {
          afterCr = false;
          if (c === 10) {
            start = i + 1;
            continue;
          }
        }
        if (inQuotes) {
          if (quoteSeen) {
            quoteSeen = false;
            if (c === 34) {
              field += '"';
              start = i + 1;
              continue;
            }
            inQuotes = false; // the quote closed the field; handle c as outside quotes below
          } else if (c === 34) {
            field += text.slice(start, i);
            quoteSeen = true;
            start = i + 1;
            continue;
          } else {
            if (c === 10) line++;
            continue;
          }
        }
        if (c === separator) {
          row.push(field + text.slice(start, i));
          field = '';
          start = i + 1;
        } else if (c === 10 || c === 13) {
          row.push(field + text.slice(start, i));
          afterCr = c === 13;
          batch.push({ row: rowLine, cells: row });
          row = [];
          field = '';
          start = i + 1;
          line++;
          rowLine = line;
        } else if (c === 34 && field === '' && i === start) {
          inQuotes = true;
          start = i + 1;
        }
      }
      // Carry the unfinished field into the next chunk.
      if (inQuotes) {
        if (!quoteSeen) field += text.slice(start);
      } else {
        field += text.slice(start);
      }
      return batch;
    },
    /** The last row, when the text does not end with a line end; a quoted field left open is an error. */
    end(): RawRow[] {
      if (inQuotes && !quoteSeen) throw new Error(`line ${rowLine}: a quoted field is never closed`);
      return field !== '' || row.length > 0 ? [{ row: rowLine, cells: [...row, field] }] : [];
    },
  };
}

/** A CSV file streamed in chunks of `chunkBytes`, decoded as `format` says: UTF-8 by the stream, others by iconv-lite. */
export async function* readCsv(
  path: string,
  chunkBytes = 1 << 20,
  format: { encoding: TextEncoding; delimiter: Delimiter } = { encoding: 'utf-8', delimiter: ',' },
): AsyncGenerator<RawRow[]> {
  const chunks =
    format.encoding === 'utf-8'
      ? createReadStream(path, { encoding: 'utf8', highWaterMark: chunkBytes })
      : createReadStream(path, { highWaterMark: chunkBytes }).pipe(iconv.decodeStream(format.encoding));
  const parser = csvParser(format.delimiter);
  for await (const chunk of chunks) {
    const batch = parser.push(chunk as string);
    if (batch.length > 0) yield batch;
  }
  const last = parser.end();
  if (last.length > 0) yield last;
}

/**
 * A small CSV file (a list kept beside the config) read whole, at once, as the sales exports are: its encoding and
 * delimiter detected (a file Excel saved on Chinese Windows is GBK, a European one uses semicolons). Errors name the
 * file and the line.
 */
export function readCsvFileSync(path: string): { rows: RawRow[]; format: TextFormat } {
  const bytes = readFileSync(path);
  const format = textFormatOf(bytes.subarray(0, SAMPLE_BYTES), { encoding: 'auto', delimiter: 'auto' });
  const parser = csvParser(format.delimiter);
  try {
    return { rows: [...parser.push(iconv.decode(bytes, format.encoding)), ...parser.end()], format };
  } catch (err) {
    throw new Error(`${basename(path)}: ${(err as Error).message}`);
  }
}
