import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { CHART_FONT_FILES } from './fonts';

/**
 * The CJK radicals (⻓ U+2EE7, ⽇ U+2F47…): Noto Sans SC draws each with the glyph of the ideograph it looks like
 * (长 U+957F, 日 U+65E5). A PDF's text map names a glyph by the first character the font maps to it, so a PDF printed
 * with the font as shipped reads "增⻓" where the page shows 增长: a reader's search and copy miss the word.
 */
const RADICALS = { first: 0x2e80, last: 0x2fdf };
/** Where the radicals move: Supplementary Private Use Area-B, which no report's text holds. */
const ASIDE = 0x100000;

/**
 * The bundled fonts for printing, written once into `dir`: the same glyphs, with the radicals' entries in the
 * font's Unicode character map (the format-12 table a renderer prefers) moved aside, so every shared glyph is named by
 * its ideograph. The chart's own rendering keeps the fonts as shipped.
 */
export function printFontFiles(dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return CHART_FONT_FILES.map((file) => {
    const out = join(dir, basename(file));
    if (!existsSync(out)) {
      // Written aside and renamed: two processes starting at once never read half a font.
      const tmp = `${out}.${process.pid}.tmp`;
      writeFileSync(tmp, withRadicalsAside(readFileSync(file)));
      renameSync(tmp, out);
    }
    return out;
  });
}

/** A TrueType font with its format-12 cmap groups of radicals moved to ASIDE (sorted again, the table's size kept). */
export function withRadicalsAside(font: Buffer): Buffer {
  const out = Buffer.from(font);
  const tables = out.readUInt16BE(4);
  let cmap: { record: number; offset: number; length: number } | undefined;
  for (let i = 0; i < tables; i++) {
    const record = 12 + 16 * i;
    if (out.toString('latin1', record, record + 4) === 'cmap')
      cmap = { record, offset: out.readUInt32BE(record + 8), length: out.readUInt32BE(record + 12) };
  }
  if (!cmap) throw new Error('the font has no cmap table');
  const subtables = out.readUInt16BE(cmap.offset + 2);
  const done = new Set<number>();
  for (let i = 0; i < subtables; i++) {
    const table = cmap.offset + out.readUInt32BE(cmap.offset + 4 + 8 * i + 4);
    if (out.readUInt16BE(table) !== 12 || done.has(table)) continue;
    done.add(table);
    const count = out.readUInt32BE(table + 12);
    const groups = Array.from({ length: count }, (_, g) => {
      const at = table + 16 + 12 * g;
      let [start, end] = [out.readUInt32BE(at), out.readUInt32BE(at + 4)];
      if (start >= RADICALS.first && end <= RADICALS.last) [start, end] = [ASIDE + start, ASIDE + end];
      return { start, end, glyph: out.readUInt32BE(at + 8) };
    }).sort((a, b) => a.start - b.start);
    groups.forEach((g, n) => {
      const at = table + 16 + 12 * n;
      out.writeUInt32BE(g.start, at);
      out.writeUInt32BE(g.end, at + 4);
      out.writeUInt32BE(g.glyph, at + 8);
    });
  }
  // The table's checksum, for readers that check it.
  let sum = 0;
  for (let at = cmap.offset; at < cmap.offset + cmap.length; at += 4) {
    const word = at + 4 <= out.length ? out.readUInt32BE(at) : 0;
    sum = (sum + word) >>> 0;
  }
  out.writeUInt32BE(sum, cmap.record + 4);
  return out;
}
