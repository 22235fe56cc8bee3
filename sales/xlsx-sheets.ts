import { open } from 'node:fs/promises';
import { entryText, zipDirectory } from './zip';

/** A worksheet as the workbook lists it: its name as the user sees it, and the zip part that holds it. */
export interface XlsxSheet {
  name: string;
  /** e.g. "xl/worksheets/sheet2.xml" */
  part: string;
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
