import { open, type FileHandle } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';

/** A worksheet as the workbook lists it: its name as the user sees it, and the zip part that holds it. */
export interface XlsxSheet {
  name: string;
  /** e.g. "xl/worksheets/sheet2.xml" */
  part: string;
}

const END_OF_DIRECTORY = 0x06054b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
/** The end-of-central-directory record sits in the last 22 bytes plus a comment of at most 64 KiB. */
const TAIL = 22 + 0xffff;

interface ZipEntry {
  method: number;
  compressedSize: number;
  localHeader: number;
}

async function bytesAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

/** The zip's directory: every entry's name and where its bytes are, read from the end of the file. */
async function zipDirectory(file: FileHandle, size: number): Promise<Map<string, ZipEntry>> {
  const tail = await bytesAt(file, Math.max(0, size - TAIL), Math.min(size, TAIL));
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--)
    if (tail.readUInt32LE(i) === END_OF_DIRECTORY) {
      at = i;
      break;
    }
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

async function entryText(file: FileHandle, entry: ZipEntry): Promise<string> {
  const header = await bytesAt(file, entry.localHeader, 30);
  if (header.readUInt32LE(0) !== LOCAL_HEADER) throw new Error('a damaged ZIP entry');
  const start = entry.localHeader + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const data = await bytesAt(file, start, entry.compressedSize);
  return (entry.method === 8 ? inflateRawSync(data) : data).toString('utf8');
}

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescapeXml = (s: string) =>
  s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, e: string) =>
    e.startsWith('#x') || e.startsWith('#X')
      ? String.fromCodePoint(parseInt(e.slice(2), 16))
      : e.startsWith('#')
        ? String.fromCodePoint(Number(e.slice(1)))
        : (XML_ENTITIES[e] ?? whole),
  );
const attribute = (tag: string, name: RegExp) => {
  const m = new RegExp(`\\s${name.source}="([^"]*)"`).exec(tag);
  return m?.[1] === undefined ? undefined : unescapeXml(m[1]);
};

/**
 * The workbook's worksheets in its own order, with their real names, read from xl/workbook.xml and its relations
 * whatever order the zip holds its parts in (openpyxl, among others, writes the workbook after the worksheets). Only
 * two small parts are inflated; the worksheets are not touched.
 */
export async function workbookSheets(path: string): Promise<XlsxSheet[]> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const entries = await zipDirectory(file, size);
    const workbook = entries.get('xl/workbook.xml');
    const relations = entries.get('xl/_rels/workbook.xml.rels');
    if (!workbook || !relations) throw new Error('no xl/workbook.xml and its relations inside');
    const targets = new Map<string, string>();
    for (const [tag] of (await entryText(file, relations)).matchAll(/<(?:\w+:)?Relationship\b[^>]*>/g)) {
      const id = attribute(tag, /Id/);
      const target = attribute(tag, /Target/);
      if (id && target) targets.set(id, target.startsWith('/') ? target.slice(1) : `xl/${target}`);
    }
    const sheets: XlsxSheet[] = [];
    for (const [tag] of (await entryText(file, workbook)).matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)) {
      const name = attribute(tag, /name/);
      const part = targets.get(attribute(tag, /\w+:id/) ?? '');
      if (name !== undefined && part) sheets.push({ name, part });
    }
    return sheets;
  } finally {
    await file.close();
  }
}
