import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../config/csv';

async function rowsOf(content: string, chunkBytes?: number) {
  const path = join(await mkdtemp(join(tmpdir(), 'sales-report-csv-')), 'f.csv');
  await writeFile(path, content);
  const out: { row: number; cells: unknown[] }[] = [];
  for await (const batch of readCsv(path, chunkBytes)) out.push(...batch);
  return out;
}

describe('streaming CSV reader', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF and a BOM, numbering rows by line', async () => {
    const content = '\ufeffa,b,c\r\n"x, y","say ""hi""",3\r\n"multi\nline",,last\n\nplain,"",end';
    for (const chunk of [undefined, 1, 2, 3, 7]) {
      expect(await rowsOf(content, chunk)).toEqual([
        { row: 1, cells: ['a', 'b', 'c'] },
        { row: 2, cells: ['x, y', 'say "hi"', '3'] },
        { row: 3, cells: ['multi\nline', '', 'last'] },
        { row: 5, cells: [''] },
        { row: 6, cells: ['plain', '', 'end'] },
      ]);
    }
  });

  it('reads CR-only line ends (old Mac tools) as rows, and a CRLF cut between chunks as one line end', async () => {
    for (const chunk of [undefined, 1, 2, 5]) {
      expect(await rowsOf('地区,金额\r华东,1\r"华\r北",2\r\n华南,3\r', chunk)).toEqual([
        { row: 1, cells: ['地区', '金额'] },
        { row: 2, cells: ['华东', '1'] },
        { row: 3, cells: ['华\r北', '2'] },
        { row: 4, cells: ['华南', '3'] },
      ]);
    }
  });

  it('says where a quoted field is never closed', async () => {
    await expect(rowsOf('a,b\n1,"open\n2,3\n')).rejects.toThrow('line 2: a quoted field is never closed');
  });
});
