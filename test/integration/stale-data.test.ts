import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSampleXlsx } from '../../dev/sample-data';
import { createHarness, failureOf, REPORT_DATE } from '../helpers/harness';

/** An export of `days` days ending `endDate`. */
async function exportEnding(endDate: string, days: number): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'sales-report-stale-')), 'orders.xlsx');
  await writeSampleXlsx(path, { endDate, days, ordersPerDay: 15, seed: 9, badRowsPerThousand: 0 });
  return path;
}

describe('a stale or empty export is not a report', () => {
  it('an export that ends before the report week: the run fails with both dates, ops are told, no report', async () => {
    // REPORT_DATE reports on 2026-11-13 – 2026-11-19; this export stops on the 17th.
    const h = await createHarness({ dataPath: await exportEnding('2026-11-17', 21) });
    try {
      const handle = await h.start({ reportDate: REPORT_DATE });
      const { messages } = await failureOf(h.withWorker(handle.result()));
      expect(messages).toContain('orders.xlsx ends 2026-11-17; the report needs data through 2026-11-19');
      const mails = await h.sink.waitForMessages(1, 10_000);
      expect(mails.map((m) => m.envelope.to)).toEqual([['ops@example.com']]);
      expect(mails[0]!.parsed.text).toContain('orders.xlsx ends 2026-11-17');
    } finally {
      await h.close();
    }
  });

  it('a week with no orders fails too, unless the business says empty weeks are normal', async () => {
    // Orders up to 2026-11-05, then nothing: the file reaches the window only if freshness is not checked.
    const dataPath = await exportEnding('2026-11-05', 14);
    const strict = await createHarness({ dataPath, config: { data: { failIfEndsBeforeWindow: false } } });
    try {
      const { messages } = await failureOf(strict.withWorker((await strict.start()).result()));
      expect(messages).toContain('orders.xlsx has no orders in the report week 2026-11-13 – 2026-11-19');
      expect(messages).toContain('its orders run 2026-10-23 – 2026-11-05');
    } finally {
      await strict.close();
    }
    const relaxed = await createHarness({
      dataPath,
      config: { data: { failIfEndsBeforeWindow: false, failIfWindowEmpty: false } },
    });
    try {
      const result = await relaxed.withWorker((await relaxed.start()).result());
      // It goes out (an empty week gives the model little to say: items of its words may be left out).
      expect(result.outcome).toMatch(/^sent/);
    } finally {
      await relaxed.close();
    }
  });
});
