import type { FileHandle } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';

/** Reading a ZIP archive (an XLSX workbook) from its end, without a library: the file check and the sheet list. */

/** The signature of the end-of-central-directory record. */
export const ZIP_END_OF_DIRECTORY = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
/** That record sits in the last 22 bytes plus a comment of at most 64 KiB. */
export const ZIP_TAIL = 22 + 0xffff;

export async function bytesAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

const DIRECTORY_ENTRY = 0x02014b50;
/** The signature a ZIP file starts with: its first entry's local header (read little-endian). */
export const ZIP_LOCAL_HEADER = 0x04034b50;

export interface ZipEntry {
  method: number;
  compressedSize: number;
  localHeader: number;
}

/** The zip's directory: every entry's name and where its bytes are, read from the end of the file. */
export async function zipDirectory(file: FileHandle, size: number): Promise<Map<string, ZipEntry>> {
  const tail = await bytesAt(file, Math.max(0, size - ZIP_TAIL), Math.min(size, ZIP_TAIL));
  const at = tail.lastIndexOf(ZIP_END_OF_DIRECTORY);
  if (at < 0) throw new Error('no ZIP directory at the end of the file');
  const directorySize = tail.readUInt32LE(at + 12);
  const directoryOffset = tail.readUInt32LE(at + 16);
  const directory = await bytesAt(file, directoryOffset, directorySize);
  const entries = new Map<string, ZipEntry>();
  for (let p = 0; p + 46 <= directory.length && directory.readUInt32LE(p) === DIRECTORY_ENTRY;) {
    const nameLength = directory.readUInt16LE(p + 28);
    const extraLength = directory.readUInt16LE(p + 30);
    const commentLength = directory.readUInt16LE(p + 32);
    entries.set(directory.toString('utf8', p + 46, p + 46 + nameLength), {
      method: directory.readUInt16LE(p + 10),
      compressedSize: directory.readUInt32LE(p + 20),
      localHeader: directory.readUInt32LE(p + 42),
    });
    p += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

export async function entryText(file: FileHandle, entry: ZipEntry): Promise<string> {
  const header = await bytesAt(file, entry.localHeader, 30);
  if (header.readUInt32LE(0) !== ZIP_LOCAL_HEADER) throw new Error('a damaged ZIP entry');
  const start = entry.localHeader + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const data = await bytesAt(file, start, entry.compressedSize);
  return (entry.method === 8 ? inflateRawSync(data) : data).toString('utf8');
}
