import { spawnSync } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSampleXlsx } from '../../dev/sample-data';
import { loadReportWeek } from '../helpers/load';

/** Rewrites the workbook's zip with its worksheets before xl/workbook.xml, as some writers order the parts. */
function worksheetsFirst(from: string, to: string): string[] {
  const script = `
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as z:
    names = z.namelist()
    first = [n for n in names if n != 'xl/workbook.xml' and not n.startswith('xl/worksheets/sheet')]
    sheets = [n for n in names if n.startswith('xl/worksheets/sheet')]
    order = first + sheets + ['xl/workbook.xml']
    with zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED) as out:
        for n in order:
            out.writestr(n, z.read(n))
    print('\\n'.join(order))
`;
  const run = spawnSync('python3', ['-c', script, from, to], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`rewriting the zip failed: ${run.stderr}`);
  return run.stdout.trim().split('\n');
}

describe('workbooks whose parts come in another order', () => {
  it('a worksheet before xl/workbook.xml in the zip reads to the same metrics', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-order-'));
    const plain = join(dir, 'plain.xlsx');
    const reordered = join(dir, 'reordered.xlsx');
    await writeSampleXlsx(plain, { endDate: '2026-11-19', days: 21, ordersPerDay: 20, seed: 9, badRowsPerThousand: 0 });
    const order = worksheetsFirst(plain, reordered);
    expect(order.indexOf('xl/worksheets/sheet1.xml')).toBeLessThan(order.indexOf('xl/workbook.xml'));
    const expected = await loadReportWeek(plain);
    const found = await loadReportWeek(reordered);
    expect({ ...found, dataQuality: { ...found.dataQuality, file: '' } }).toEqual({
      ...expected,
      dataQuality: { ...expected.dataQuality, file: '' },
    });
  });
});
