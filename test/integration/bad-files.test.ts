import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadReportWeek } from '../helpers/load';
import { describe, expect, it } from 'vitest';
import { writeSampleXlsx } from '../../dev/sample-data';
import { SalesDataError } from '../../sales/load';
import { createHarness, failureOf } from '../helpers/harness';

/** A ZIP archive with one stored text entry, written byte by byte (the check reads no CRC). */
function zipWithOneTextFile(name: string, text: string): Buffer {
  const data = Buffer.from(text);
  const fileName = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(fileName.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(fileName.length, 28);
  const centralOffset = local.length + fileName.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + fileName.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, fileName, data, central, fileName, end]);
}

describe('bad sales files: named, never fatal to the worker', () => {
  const load = (path: string) => loadReportWeek(path, { maxBadRowShare: 0.02 });

  it('says what is wrong with each, with the path', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-bad-'));
    const good = join(dir, 'good.xlsx');
    await writeSampleXlsx(good, { endDate: '2026-11-19', days: 14, ordersPerDay: 20, seed: 1, badRowsPerThousand: 0 });
    const bytes = await readFile(good);
    const files: [string, string | Buffer, string][] = [
      ['report.xlsx', '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj', 'expected an XLSX workbook, but it is a PDF document'],
      ['empty.xlsx', '', 'the file is empty (0 bytes)'],
      ['cut.xlsx', bytes.subarray(0, Math.floor(bytes.length / 2)), 'the workbook is cut off or damaged'],
      ['archive.xlsx', zipWithOneTextFile('notes.txt', 'hello'), 'a ZIP archive that is not an Excel workbook'],
      ['old.xlsx', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), 'an Excel 97-2003 .xls workbook'],
      [
        'page.csv',
        '<!DOCTYPE html><html><body>login</body></html>',
        'expected a CSV text file, but it is an HTML page',
      ],
      ['orders.pdf', '%PDF-1.4', 'cannot tell the format from the extension ".pdf"'],
      // The old binary workbook by its name: the first message says what it is and what to do.
      [
        'orders.xls',
        Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]),
        'an Excel 97-2003 .xls workbook, which is not read: save it as .xlsx',
      ],
    ];
    for (const [name, content, says] of files) {
      const path = join(dir, name);
      await writeFile(path, content);
      const error = await load(path).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(error, name).toBeInstanceOf(SalesDataError);
      expect((error as Error).message, name).toContain(path);
      expect((error as Error).message, name).toContain(says);
    }
    await expect(load(join(dir, 'missing.xlsx'))).rejects.toThrow(
      `${join(dir, 'missing.xlsx')}: cannot open the sales file: no such file`,
    );
    await expect(load(good)).resolves.toMatchObject({ reportDate: '2026-11-20' });
  });

  it('a missing export fails the run at once with its path, alerts ops, and the worker lives on', async () => {
    const h = await createHarness({ dataPath: '/nonexistent/exports/orders.xlsx' });
    try {
      const handle = await h.start();
      const failure = await failureOf(h.withWorker(handle.result()));
      expect(failure.messages).toContain(
        '/nonexistent/exports/orders.xlsx: cannot open the sales file: no such file (check data.path',
      );
      const history = await handle.fetchHistory();
      const loads = history.events?.filter(
        (e) => e.activityTaskStartedEventAttributes && e.activityTaskStartedEventAttributes.attempt === 1,
      );
      expect(loads?.length).toBeGreaterThan(0);
      const retried = history.events?.some((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1);
      expect(retried).toBe(false); // not retried: the same file gives the same answer
      const [alert] = await h.sink.waitForMessages(1, 10_000);
      expect(alert!.parsed.text).toContain('/nonexistent/exports/orders.xlsx');
      // The same worker still serves: another run reaches the loader and gets the same clear answer.
      const again = await h.start();
      expect((await failureOf(h.withWorker(again.result()))).messages).toContain('cannot open the sales file');
    } finally {
      await h.close();
    }
  });
});
