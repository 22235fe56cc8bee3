import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSampleXlsx } from '../../dev/sample-data';
import { writeDocument } from '../../dev/simulator/report-writer';
import type { Locale } from '../../report/prompts';
import { renderRevenueChart } from '../../report/render/chart';
import { renderEmailHtml } from '../../report/render/email-content';
import { labelsFor } from '../../report/render/labels';
import { weeklySalesReportSchema, type WeeklySalesReport } from '../../schemas/weekly-sales-report.schema';
import { loadReportWeek } from '../helpers/load';
import { ROOT } from '../helpers/harness';

/** Debian's chromium (.ci/run installs it), headless. */
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

/** After load: how wide the page is against the window, and which boxes reach past its right edge. */
const PROBE = `<script>addEventListener('load', () => {
  const past = [...document.querySelectorAll('table, td, th, img, h1, h2, p, li')]
    .filter((el) => el.getBoundingClientRect().right > innerWidth + 0.5)
    .map((el) => el.tagName + ':' + (el.textContent || '').trim().slice(0, 30));
  parent.document.body.dataset.layout = JSON.stringify({ scrollWidth: document.documentElement.scrollWidth, innerWidth, past });
});</script>`;

/**
 * The email in a frame of the given width: headless Chromium's window is at least 500 px wide, a phone's is not.
 * The probe runs in the frame (a srcdoc frame shares the page's origin) and reports on the page.
 */
function framed(html: string, width: number): string {
  const doc = html.replace('</body>', `${PROBE}</body>`).replaceAll('&', '&amp;').replaceAll('"', '&quot;');
  return `<!DOCTYPE html><html><body style="margin:0"><iframe width="${width}" height="3300" style="border:0;display:block" srcdoc="${doc}"></iframe></body></html>`;
}

async function emailHtml(locale: Locale, dir: string): Promise<string> {
  const data = join(dir, `sales-${locale}.xlsx`);
  await writeSampleXlsx(data, { endDate: '2026-11-19', days: 21, ordersPerDay: 30, seed: 3, badRowsPerThousand: 3 });
  const metrics = await loadReportWeek(data);
  const labels = labelsFor(locale);
  const report = writeDocument(weeklySalesReportSchema, metrics, locale === 'zh-CN' ? 'zh' : 'en') as WeeklySalesReport;
  const chart = renderRevenueChart(metrics, labels).toString('base64');
  const html = renderEmailHtml({
    metrics,
    report,
    labels,
    title: labels.reportTitle,
    // A browser has no CID: the chart inline, as a mail client shows the attachment.
    chartSrc: `data:image/png;base64,${chart}`,
    footer: {
      workflowId: 'weekly-sales-report-2026-11-20',
      runId: '01a210aa-7cc9-715c-b572-5c2989ab6a27',
      model: 'Qwen/Qwen2.5-7B-Instruct',
      promptSha256: 'f'.repeat(64),
      attempts: 1,
      gpu: 'GPU 71.1 s ($0.0158)',
      simulated: false,
      uiUrl: 'http://127.0.0.1:8233/namespaces/default/workflows/weekly-sales-report-2026-11-20',
    },
  });
  return html;
}

describe('the email as people see it (headless Chromium)', () => {
  it('fits a phone, a mail pane and a desktop, in both locales, without sideways scrolling', async () => {
    if (!CHROMIUM)
      throw new Error("Debian's chromium is needed for this test: apt-get install chromium (.ci/run does)");
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-layout-'));
    const shots = join(ROOT, 'out', 'email-layout');
    await mkdir(shots, { recursive: true });
    const verdicts: string[] = [];
    for (const locale of ['zh-CN', 'en-US'] as const) {
      const html = await emailHtml(locale, dir);
      expect(html).not.toMatch(/<script|@font-face|<link /); // what mail clients render: no scripts, no web fonts
      for (const width of [375, 600, 1200]) {
        const page = join(dir, `email-${locale}-${width}.html`);
        await writeFile(page, framed(html, width));
        const run = (args: string[]) =>
          spawnSync(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', ...args], {
            encoding: 'utf8',
            timeout: 60_000,
          });
        const dom = run([
          `--window-size=${Math.max(width, 500)},1000`,
          '--virtual-time-budget=2000',
          '--dump-dom',
          `file://${page}`,
        ]);
        const layout = /data-layout="([^"]*)"/.exec(dom.stdout)?.[1];
        expect(layout, dom.stderr).toBeDefined();
        const found = JSON.parse(layout!.replaceAll('&quot;', '"')) as {
          scrollWidth: number;
          innerWidth: number;
          past: string[];
        };
        run([
          `--screenshot=${join(shots, `${locale}-${width}.png`)}`,
          `--window-size=${Math.max(width, 500)},3300`,
          `file://${page}`,
        ]);
        verdicts.push(
          `${locale} ${width}px: page ${found.scrollWidth}px wide, ${found.past.length} boxes past the edge`,
        );
        expect(found.innerWidth).toBe(width);
        expect(found.past).toEqual([]);
        expect(found.scrollWidth).toBeLessThanOrEqual(width);
      }
    }
    console.log(`${verdicts.join('\n')}\nscreenshots: ${shots}`);
  });
});
