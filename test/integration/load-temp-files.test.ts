import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/config';
import { writeSampleXlsx } from '../../dev/sample-data';
import { loadSalesViewsInChild } from '../../sales/load-process';

/** Every entry under `dir`, depth first. */
async function entriesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    out.push(join(dir, e.name));
    if (e.isDirectory()) out.push(...(await entriesUnder(join(dir, e.name))));
  }
  return out;
}

describe('raw order lines never outlive the load', () => {
  it('the XLSX reader’s spilled worksheets live in the loader’s own temp folder, gone when it ends', async () => {
    const work = await mkdtemp(join(tmpdir(), 'sales-report-tmp-test-'));
    const path = join(work, 'sales.xlsx');
    await writeSampleXlsx(path, { endDate: '2026-11-19', days: 56, ordersPerDay: 200, seed: 3, badRowsPerThousand: 0 });
    // This test process's temp folder, watched while the loader runs.
    const temp = await mkdtemp(join(tmpdir(), 'sales-report-tmpdir-'));
    process.env.TMPDIR = temp;
    const seen = new Set<string>();
    const watching = setInterval(() => {
      void entriesUnder(temp).then(
        (es) => es.forEach((e) => seen.add(e)),
        () => undefined,
      );
    }, 20);
    try {
      const c = parseConfig({});
      const slices = await loadSalesViewsInChild(
        {
          path,
          format: 'xlsx',
          columns: c.data.columns,
          maxBadRowShare: 0.05,
          badRowsShown: 5,
          reportDate: '2026-11-20',
          currency: 'CNY',
        },
        256,
      );
      expect(slices['']!['']!.kpis.orders.current).toBeGreaterThan(0);
    } finally {
      clearInterval(watching);
    }
    // The reader did spill (a worksheet before the shared strings), into the loader's folder only; nothing is left.
    expect([...seen].some((e) => /sales-report-load-[^/]+\/tmp-/.test(e))).toBe(true);
    expect(await entriesUnder(temp)).toEqual([]);
  });
});
