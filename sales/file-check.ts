import { open, type FileHandle } from 'node:fs/promises';
import { SalesDataError } from './errors';
import { XLS_WORKBOOK, type SheetFormat } from './readers';
import { bytesAt, ZIP_END_OF_DIRECTORY, ZIP_LOCAL_HEADER, ZIP_TAIL } from './zip';

/** What the first bytes say a file is, for the kinds people send by mistake. */
const KINDS: [string, (head: Buffer) => boolean][] = [
  ['a PDF document', (h) => h.subarray(0, 5).toString('latin1') === '%PDF-'],
  [XLS_WORKBOOK, (h) => h.readUInt32BE(0) === 0xd0cf11e0],
  ['a PNG image', (h) => h.readUInt32BE(0) === 0x89504e47],
  ['a JPEG image', (h) => h.readUInt16BE(0) === 0xffd8],
  ['a GZIP archive', (h) => h.readUInt16BE(0) === 0x1f8b],
  ['an HTML page', (h) => /^\s*<(!doctype html|html)/i.test(h.toString('latin1'))],
];

/**
 * Looks at the file before any parser does, so each way a file can be wrong is said plainly, with its path: missing
 * or unreadable, empty, of another kind ("a PDF document", "a ZIP archive that is not a workbook"), or cut off.
 */
export async function checkSalesFile(path: string, format: SheetFormat): Promise<void> {
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file (check data.path, and that the export ran)'
        : code === 'EACCES'
          ? 'not readable by the worker (permissions)'
          : code === 'EISDIR'
            ? 'a folder, not a file'
            : (err as Error).message;
    throw new SalesDataError(`${path}: cannot open the sales file: ${why}`);
  }
  try {
    const { size } = await file.stat();
    if (size === 0) throw new SalesDataError(`${path}: the file is empty (0 bytes)`);
    const head = await bytesAt(file, 0, Math.min(size, 512));
    const other = head.length >= 4 ? KINDS.find(([, is]) => is(head))?.[0] : undefined;
    const isZip = head.length >= 4 && head.readUInt32LE(0) === ZIP_LOCAL_HEADER;
    if (format === 'csv') {
      if (other || isZip)
        throw new SalesDataError(
          `${path}: expected a CSV text file, but it is ${other ?? 'a ZIP archive (an .xlsx workbook?)'}`,
        );
      return;
    }
    if (other) throw new SalesDataError(`${path}: expected an XLSX workbook, but it is ${other}`);
    if (!isZip) throw new SalesDataError(`${path}: expected an XLSX workbook (a ZIP archive), but it is not one`);
    const tail = await bytesAt(file, Math.max(0, size - ZIP_TAIL), Math.min(size, ZIP_TAIL));
    if (tail.lastIndexOf(ZIP_END_OF_DIRECTORY) < 0) {
      throw new SalesDataError(
        `${path}: the workbook is cut off or damaged (${size} bytes, no ZIP directory at its end): copy or export it again`,
      );
    }
    // Entry names are stored in clear in the central directory, near the end.
    const directory = await bytesAt(file, Math.max(0, size - 4 * ZIP_TAIL), Math.min(size, 4 * ZIP_TAIL));
    if (!directory.includes('xl/workbook.xml')) {
      throw new SalesDataError(`${path}: a ZIP archive that is not an Excel workbook (no xl/workbook.xml inside)`);
    }
  } finally {
    await file.close();
  }
}
