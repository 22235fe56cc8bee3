import { createReadStream } from 'node:fs';
import iconv from 'iconv-lite';
import type { RawRow } from './readers';
import type { Delimiter, TextEncoding } from './text-format';

/**
 * A streaming RFC 4180 reader: quoted fields with commas, doubled quotes and line breaks; CRLF, LF or CR alone (as
 * old Mac tools still write); a leading BOM.
 * Yields the rows of each chunk together, since one await per row costs more than the parsing itself at a
 * million rows. A row's number is the line it starts on, as a spreadsheet user counts.
 */
export async function* readCsv(
  path: string,
  chunkBytes = 1 << 20,
  format: { encoding: TextEncoding; delimiter: Delimiter } = { encoding: 'utf-8', delimiter: ',' },
): AsyncGenerator<RawRow[]> {
  const separator = format.delimiter.charCodeAt(0);
  // UTF-8 is decoded by the stream itself (the fast path); others by iconv-lite, streaming, BOM removed.
  const chunks =
    format.encoding === 'utf-8'
      ? createReadStream(path, { encoding: 'utf8', highWaterMark: chunkBytes })
      : createReadStream(path, { highWaterMark: chunkBytes }).pipe(iconv.decodeStream(format.encoding));
  let field = '';
  let row: string[] = [];
  let inQuotes = false;
  let quoteSeen = false; // inside quotes, the previous character was a quote: end of field or an escaped quote
  let line = 1;
  let rowLine = 1;
  let first = true;
  // The last row ended at a CR: an LF right after it (in this chunk or the next) is the same line end.
  let afterCr = false;

  for await (const chunk of chunks) {
    let text = chunk as string;
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
    if (batch.length > 0) yield batch;
  }
  if (inQuotes && !quoteSeen) throw new Error(`line ${rowLine}: a quoted field is never closed`);
  if (field !== '' || row.length > 0) yield [{ row: rowLine, cells: [...row, field] }];
}
