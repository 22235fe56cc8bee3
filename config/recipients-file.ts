import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';

/**
 * A split report's recipients kept as a sales team keeps them (reports[].split.recipientsFile): a CSV file with a
 * header, one row per value and reader: the value in a column named "value" or after the split field ("store"), the
 * addresses in "to" (several separated by ";" or ","), a value on several rows has all their readers. Read once, when
 * the config loads: a worker started after the file changed sends to the new list.
 */
export function readRecipientsFile(path: string, field: string): Record<string, string[]> | { problems: string[] } {
  const absolute = resolve(path);
  const file = basename(absolute);
  let text: string;
  try {
    text = readFileSync(absolute, 'utf8').replace(/^\uFEFF/, '');
  } catch (err) {
    return { problems: [`cannot read ${absolute}: ${(err as Error).message}`] };
  }
  const rows = parseCsv(text);
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase());
  const valueAt = [field.toLowerCase(), 'value'].map((name) => header.indexOf(name)).find((i) => i >= 0);
  const toAt = header.indexOf('to');
  if (valueAt === undefined || toAt < 0)
    return {
      problems: [
        `${file} row 1: needs the columns "${field}" (or "value") and "to"; found: ${header.filter(Boolean).join(', ') || 'nothing'}`,
      ],
    };
  const recipients: Record<string, string[]> = {};
  const problems: string[] = [];
  for (const [i, cells] of rows.slice(1).entries()) {
    if (cells.every((c) => c.trim() === '')) continue;
    const row = i + 2;
    const value = (cells[valueAt] ?? '').trim();
    const addresses = (cells[toAt] ?? '')
      .split(/[;,]/)
      .map((a) => a.trim())
      .filter(Boolean);
    if (value === '') problems.push(`${file} row ${row}: the ${field} is empty`);
    if (addresses.length === 0) problems.push(`${file} row ${row}: no address in "to"`);
    for (const a of addresses)
      if (!EMAIL.test(a)) problems.push(`${file} row ${row}: ${JSON.stringify(a)} is not an e-mail address`);
    if (value !== '') recipients[value] = [...new Set([...(recipients[value] ?? []), ...addresses])];
  }
  if (problems.length === 0 && Object.keys(recipients).length === 0) problems.push(`${file}: no recipients in it`);
  return problems.length > 0 ? { problems } : recipients;
}

/** What the config schema's "email" format accepts, near enough to say which row is wrong before it does. */
const EMAIL = /^[^\s@"<>]+@[^\s@"<>]+\.[^\s@"<>]+$/;

/** RFC 4180 fields: quoted ones may hold the separator, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}
