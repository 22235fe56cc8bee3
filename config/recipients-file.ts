import { basename, resolve } from 'node:path';
import { readCsvFileSync, type RawRow } from './csv';

/**
 * A split report's recipients kept as a sales team keeps them (reports[].split.recipientsFile): a CSV file with a
 * header, one row per value and reader: the value in a column named "value" or after the split field ("store"), the
 * addresses in "to" (several separated by ";" or ","), a value on several rows has all their readers. Read as the
 * sales CSV is (its encoding and delimiter detected: Excel on Chinese Windows saves GBK), once, when the config
 * loads: a worker started after the file changed sends to the new list.
 */
export function readRecipientsFile(path: string, field: string): Record<string, string[]> | { problems: string[] } {
  const absolute = resolve(path);
  const file = basename(absolute);
  let read: RawRow[];
  try {
    read = readCsvFileSync(absolute).rows;
  } catch (err) {
    const why = (err as Error).message;
    return { problems: [(err as NodeJS.ErrnoException).code ? `cannot read ${absolute}: ${why}` : why] };
  }
  const rows = read.map((r) => ({ row: r.row, cells: r.cells.map(String) }));
  const header = (rows[0]?.cells ?? []).map((h) => h.trim().toLowerCase());
  const valueAt = [field.toLowerCase(), 'value'].map((name) => header.indexOf(name)).find((i) => i >= 0);
  const toAt = header.indexOf('to');
  if (valueAt === undefined || toAt < 0)
    return {
      problems: [
        `${file} row ${rows[0]?.row ?? 1}: needs the columns "${field}" (or "value") and "to"; found: ${header.filter(Boolean).join(', ') || 'nothing'}`,
      ],
    };
  const recipients: Record<string, string[]> = {};
  const problems: string[] = [];
  for (const { row, cells } of rows.slice(1)) {
    if (cells.every((c) => c.trim() === '')) continue;
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
