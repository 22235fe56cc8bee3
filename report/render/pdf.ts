import type { Browser } from 'puppeteer-core';
import { launchBrowser } from './browser';
import { CHART_FONT_FAMILY } from './fonts';

/**
 * How the email prints: A4 with margins, on white, in the bundled Noto Sans SC (so the PDF embeds it and reads the
 * same on any machine), and no table row, list item or chart cut across a page break.
 */
const PRINT_CSS = `<style>
@page { size: A4; margin: 12mm 10mm; }
html, body, body > table { background: #ffffff !important; }
body, body * { font-family: '${CHART_FONT_FAMILY}', sans-serif !important; }
tr, li, img, h2 { break-inside: avoid; page-break-inside: avoid; }
h2 { break-after: avoid; page-break-after: avoid; }
</style>`;

/**
 * Prints reports as PDF with headless Chromium, the engine that lays the email out in the tests: the PDF is the email
 * a reader sees, not a second layout to keep in step. One browser per process, started on first use and kept, so a
 * morning of reports pays its start once; it exits with the process that drives it (a pipe, not a port).
 */
export class PdfPrinter {
  private browser?: Promise<Browser>;

  /** The email's HTML as an A4 PDF, its chart given inline (a PNG) where the HTML names it by `chartSrc`. */
  async print(html: string, chartSrc: string, chart: Buffer): Promise<Buffer> {
    const page = await (await this.started()).newPage();
    try {
      const inline = html
        .replaceAll(`src="${chartSrc}"`, `src="data:image/png;base64,${chart.toString('base64')}"`)
        .replace('</head>', `${PRINT_CSS}</head>`);
      await page.setContent(inline, { waitUntil: 'load', timeout: 60_000 });
      return Buffer.from(await page.pdf({ format: 'A4', printBackground: true, timeout: 60_000 }));
    } finally {
      await page.close();
    }
  }

  async close(): Promise<void> {
    const browser = this.browser;
    this.browser = undefined;
    await (await browser?.catch(() => undefined))?.close();
  }

  private started(): Promise<Browser> {
    if (!this.browser) {
      const starting = launchBrowser();
      // A browser that failed to start, or has gone, is started again by the next print.
      starting.then(
        (b) => b.once('disconnected', () => this.browser === starting && (this.browser = undefined)),
        () => this.browser === starting && (this.browser = undefined),
      );
      this.browser = starting;
    }
    return this.browser;
  }
}

/**
 * Why this host cannot print, or nothing: a browser started and closed once. A worker whose reports ask for PDFs
 * checks it at start, so a host Chromium cannot run on says so then, not as every report's failed render.
 */
export async function printerProblem(): Promise<string | undefined> {
  try {
    await (await launchBrowser()).close();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
