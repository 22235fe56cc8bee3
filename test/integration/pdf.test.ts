import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDocument } from '../../dev/simulator/report-writer';
import { printedNarrative } from '../../report/narrative';
import { formatMoney, formatRatio, formatShare } from '../../report/render/format';
import { labelsFor } from '../../report/render/labels';
import { PdfPrinter } from '../../report/render/pdf';
import { renderAll } from '../../report/render/render-all';
import { narrativeSchema, type Narrative } from '../../schemas/narrative.schema';
import { REPORT_DATE, withHarness } from '../helpers/harness';
import { yearWithTargets } from '../helpers/load';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';

/** What a reader's PDF viewer finds: its pages' sizes and text (pdf.js, Mozilla's reader), and the fonts it embeds. */
async function readPdf(
  pdf: Buffer,
): Promise<{ pages: { width: number; height: number; text: string }[]; fonts: string[] }> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, isEvalSupported: false })
    .promise;
  const pages = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const [, , width, height] = page.view as [number, number, number, number];
    const content = await page.getTextContent();
    const text = content.items.map((i) => ('str' in i ? i.str : '')).join(' ');
    // Without the spaces text runs leave between glyphs.
    pages.push({ width, height, text: text.replace(/\s+/g, '') });
  }
  await doc.destroy();
  // A font is embedded when its descriptor carries the font program (FontFile2: TrueType; FontFile3: CFF).
  const raw = pdf.toString('latin1');
  const fonts = [...raw.matchAll(/\/FontName\s*\/([A-Z]{6}\+[\w-]+)[^>]*?\/FontFile[23]?\s/g)].map((m) => m[1]!);
  return { pages, fonts };
}

/** Text as readPdf gives it. */
const compact = (text: string) => text.replace(/\s+/g, '');

describe('the PDF of the email (headless Chromium, A4, Noto Sans SC embedded)', () => {
  it('prints every figure of the email on A4 pages in both locales, the font embedded, no table row cut by a page', async () => {
    // A week with a year behind it and the month's targets: several A4 pages.
    const metrics = await yearWithTargets(await mkdtemp(join(tmpdir(), 'sales-report-pdf-')), 120);
    const printer = new PdfPrinter();
    const verdicts: string[] = [];
    try {
      for (const locale of ['zh-CN', 'en-US'] as const) {
        const l = labelsFor(locale);
        const answer = writeDocument(narrativeSchema, metrics, locale === 'zh-CN' ? 'zh' : 'en');
        const report = printedNarrative(answer as Narrative, []).report!;
        const files = await renderAll(
          {
            metrics,
            report,
            locale,
            title: l.reportTitle,
            simulated: true,
            pdf: true,
            footer: {
              workflowId: 'weekly-sales-report-2026-11-20',
              runId: 'r1',
              model: 'm',
              promptSha256: 'f'.repeat(64),
              attempts: 1,
              gpu: 'GPU 1.0 s',
              simulated: true,
            },
          },
          printer,
        );
        expect(files.pdf!.subarray(0, 5).toString()).toBe('%PDF-');
        const { pages, fonts } = await readPdf(files.pdf!);
        verdicts.push(
          `${locale}: ${pages.length} pages, ${Math.round(files.pdf!.length / 1024)} KB, fonts ${fonts.join(', ')}`,
        );
        // A4 (595 × 842 pt), more than one page: the week's tables do not fit on one.
        expect(pages.length).toBeGreaterThan(1);
        for (const p of pages) {
          expect(p.width).toBeCloseTo(595.92, 1);
          expect(p.height).toBeCloseTo(841.92, 1);
        }
        // Every text is in the bundled font, embedded: no box where a CJK glyph should be on a machine without it.
        expect(fonts.length).toBeGreaterThan(0);
        for (const f of fonts) expect(f).toMatch(/\+NotoSansSC/);
        const all = pages.map((p) => p.text).join(' ');
        expect(all).toContain(compact(l.reportTitle));
        // Words as they are printed, for a reader's search and copy: 增长, not 增⻓ (the font draws the radical with
        // the ideograph's glyph; the PDF names each glyph by its ideograph).
        expect(all).not.toMatch(/[\u2e80-\u2fdf]/);
        expect(all).toContain(compact(report.headline));
        // Each breakdown row whole on one page: its name, revenue, change, year over year and share together.
        const money = (x: number) => formatMoney(x, metrics.currency, locale, 0);
        for (const rows of [metrics.byRegion, metrics.byChannel, metrics.byCategory])
          for (const row of rows) {
            const cells = [
              row.name,
              money(row.revenue),
              formatRatio(row.changeRatio, locale),
              formatRatio(row.yoyChangeRatio ?? null, locale),
              formatShare(row.share, locale),
            ].map(compact);
            const onOnePage = pages.some((p) => {
              let at = p.text.indexOf(`${cells[0]}${cells[1]}`);
              if (at < 0) return false;
              for (const cell of cells.slice(1)) {
                at = p.text.indexOf(cell, at);
                if (at < 0) return false;
              }
              return true;
            });
            expect(onOnePage, `${locale}: the row ${cells.join(' | ')} on one page`).toBe(true);
          }
      }
    } finally {
      await printer.close();
    }
    console.log(verdicts.join('\n'));
  });

  it('a report with pdf on attaches its PDF to the email and keeps it in the archive', () =>
    withHarness({ config: { reports: [{ id: 'daily', title: '每日快报', period: 'day', pdf: true }] } }, async (h) => {
      const handle = await h.start({ reportDate: REPORT_DATE, report: 'daily' });
      const result = await h.withWorker(handle.result());
      expect(result.outcome).toBe('sent');
      const [mail] = h.sink.messages;
      const pdf = mail!.parsed.attachments.find((a) => a.contentType === 'application/pdf');
      expect(pdf?.filename).toBe(`sales-report-daily-2026-11-19.pdf`);
      const archived = await readdir(result.artefacts!.archive);
      expect(archived).toContain(pdf!.filename);
      expect(await readFile(join(result.artefacts!.archive, pdf!.filename!))).toEqual(pdf!.content);
      const { pages } = await readPdf(pdf!.content);
      expect(pages[0]!.text).toContain('每日快报');
      // The archive's index links it beside the workbook.
      const index = (await h.store.get('archive/reports/daily/index.html'))!.toString('utf8');
      expect(index).toMatch(/<a href="[^"]+\/sales-report-daily-2026-11-19\.pdf">PDF<\/a>/);
    }));
});
