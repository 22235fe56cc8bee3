import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSampleCsv } from '../../dev/sample-data';
import { writeDocument } from '../../dev/simulator/report-writer';
import type { Locale } from '../../report/locale';
import { CHART_WIDTH, rasterize, revenueChartSvg } from '../../report/render/chart';
import { renderEmailHtml } from '../../report/render/email-content';
import { labelsFor } from '../../report/render/labels';
import { formatRatio } from '../../report/render/format';
import { kpisOf, periodKindOf, type SalesMetrics } from '../../sales/metrics';
import { narrativeSchema, type Narrative } from '../../schemas/narrative.schema';
import { loadOptions, loadReportWeek, yearWithTargets } from '../helpers/load';
import { loadSalesMetrics, loadSalesSlices } from '../../sales/load';
import { launchBrowser } from '../helpers/browser';
import { printedNarrative } from '../../report/narrative';
import { ROOT } from '../helpers/harness';

/** Run in the page after load: how wide it is against the window, and which boxes reach past its right edge. */
const MEASURE_LAYOUT = `(() => {
  const past = [...document.querySelectorAll('table, td, th, img, h1, h2, p, li')]
    .filter((el) => el.getBoundingClientRect().right > innerWidth + 0.5)
    .map((el) => el.tagName + ':' + (el.textContent || '').trim().slice(0, 30));
  const chart = document.querySelector('img');
  return {
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth,
    past,
    chartWidth: chart ? chart.getBoundingClientRect().width : 0,
  };
})()`;

interface Layout {
  scrollWidth: number;
  innerWidth: number;
  past: string[];
  /** How wide the chart is shown, in CSS px. */
  chartWidth: number;
}

/** The smallest text in the chart, in the chart's own pixels: read off the SVG that is rasterized. */
function smallestText(svg: string, atLeast = 20): number {
  const sizes = [...svg.matchAll(/<text[^>]*font-size:([\d.]+)px/g)].map((m) => Number(m[1]));
  expect(sizes.length).toBeGreaterThan(atLeast); // axis labels, legend, titles, the report period's value
  return Math.min(...sizes);
}

/** A year and a week, and the month's targets: the widest the tables get (同比 lines, a target under each row). */
async function sampleMetrics(dir: string): Promise<SalesMetrics> {
  // Seven-figure weekly amounts in both weeks (CN¥1,700,000): the widest a KPI row gets.
  const metrics = await yearWithTargets(dir, 200);
  expect(metrics.yearAgo?.available).toBe(true);
  expect(metrics.targets?.breakdowns).toHaveLength(5);
  expect(metrics.kpis.revenue.previous).toBeGreaterThan(1_000_000);
  return metrics;
}

function emailHtml(locale: Locale, metrics: SalesMetrics): { html: string; svg: string } {
  const labels = labelsFor(locale, periodKindOf(metrics));
  const answer = writeDocument(narrativeSchema, metrics, locale === 'zh-CN' ? 'zh' : 'en') as Narrative;
  // As a run prints it: the citations taken out.
  const report = printedNarrative(answer, []).report!;
  const svg = revenueChartSvg(metrics, labels);
  const chart = rasterize(svg).toString('base64');
  const html = renderEmailHtml({
    metrics,
    report,
    labels,
    title: labels.reportTitle,
    // A browser has no CID: the chart inline, as a mail client shows the attachment.
    chartSrc: `data:image/png;base64,${chart}`,
    copy: 'reader',
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
  return { html, svg };
}

describe('the email as people see it (headless Chromium)', () => {
  it('fits a phone, a mail pane and a desktop, in both locales, without sideways scrolling; chart labels ≥ 10 px', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-layout-'));
    const shots = join(ROOT, 'out', 'email-layout');
    await mkdir(shots, { recursive: true });
    const verdicts: string[] = [];
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const metrics = await sampleMetrics(dir);
      for (const locale of ['zh-CN', 'en-US'] as const) {
        const { html, svg } = emailHtml(locale, metrics);
        const smallest = smallestText(svg);
        const l = labelsFor(locale);
        // Year over year beside each change, a target line under each KPI and region with one.
        expect(html).toContain(`${l.change} / ${l.yoy}`);
        for (const [, k] of kpisOf(metrics)) expect(html).toContain(formatRatio(k.yoyChangeRatio ?? null, locale));
        for (const r of metrics.byRegion) expect(html).toContain(formatRatio(r.yoyChangeRatio ?? null, locale));
        expect(html.match(new RegExp(`${l.targetOf('month')} [^<]*· ${l.attainment} \\d`, 'g'))).toHaveLength(3 + 5);
        expect(html).not.toMatch(/<script|@font-face|<link /); // what mail clients render: no scripts, no web fonts
        for (const width of [375, 600, 1200]) {
          await page.setViewport({ width, height: 1000 });
          await page.setContent(html, { waitUntil: 'load' });
          const found = (await page.evaluate(MEASURE_LAYOUT)) as Layout;
          await page.screenshot({ path: join(shots, `${locale}-${width}.png`), fullPage: true });
          // The chart's smallest label as the reader sees it: its size in the chart, scaled to the width shown.
          const labelPx = (smallest * found.chartWidth) / CHART_WIDTH;
          verdicts.push(
            `${locale} ${width}px: page ${found.scrollWidth}px wide, ${found.past.length} boxes past the edge; ` +
              `chart ${Math.round(found.chartWidth)}px wide, smallest label ${labelPx.toFixed(1)}px`,
          );
          expect(labelPx, `${locale} at ${width}px`).toBeGreaterThanOrEqual(10);
          expect(found.innerWidth).toBe(width);
          expect(found.past).toEqual([]);
          expect(found.scrollWidth).toBeLessThanOrEqual(width);
        }
      }
    } finally {
      await browser.close();
    }
    console.log(`${verdicts.join('\n')}\nscreenshots: ${shots}`);
  });

  it('each shape of report fits a phone, a mail pane and a desktop in both locales: the flash in one phone screen (≤ 1,400 px at 375 px), the month to date, a store’s own report; chart labels ≥ 10 px', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-shapes-'));
    const data = join(dir, 'sales.csv');
    await writeSampleCsv(data, { endDate: '2026-11-19', days: 190, ordersPerDay: 200, seed: 3, badRowsPerThousand: 3 });
    // Three stores a region, as a chain's export names them: a store column after the others.
    const lines = (await readFile(data, 'utf8')).trimEnd().split('\n');
    const withStores = lines.map((line, i) =>
      i === 0 ? `${line},门店` : `${line},${line.split(',')[4]}${(Number(/\d+/.exec(line)?.[0] ?? 0) % 3) + 1}号店`,
    );
    await writeFile(data, `${withStores.join('\n')}\n`);
    const stores = await loadSalesSlices(loadOptions(data, { slicing: { split: 'store' } }));
    const store = stores[Object.keys(stores).sort()[0]!]!;
    expect(store.standing?.region?.of).toBe(3);
    const shapes: [string, SalesMetrics][] = [
      ['flash', await loadSalesMetrics(loadOptions(data, { period: 'day' }))],
      ['month', await loadSalesMetrics(loadOptions(data, { period: 'month' }))],
      ['store', store],
    ];
    const verdicts: string[] = [];
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      for (const [shape, metrics] of shapes)
        for (const locale of ['zh-CN', 'en-US'] as const) {
          const { html, svg } = emailHtml(locale, metrics);
          // A flash's one chart of 14 days has fewer labels (no legend, one title).
          const smallest = smallestText(svg, 10);
          for (const width of [375, 600, 1200]) {
            await page.setViewport({ width, height: 800 });
            await page.setContent(html, { waitUntil: 'load' });
            const found = (await page.evaluate(MEASURE_LAYOUT)) as Layout;
            const height = (await page.evaluate('document.documentElement.scrollHeight')) as number;
            await page.screenshot({
              path: join(ROOT, 'out', 'email-layout', `${shape}-${locale}-${width}.png`),
              fullPage: true,
            });
            const labelPx = (smallest * found.chartWidth) / CHART_WIDTH;
            verdicts.push(
              `${shape} ${locale} ${width}px: ${height} px tall, ${found.scrollWidth} px wide, ${found.past.length} boxes past the edge, smallest chart label ${labelPx.toFixed(1)}px`,
            );
            expect(found.past, `${shape} ${locale} at ${width}px`).toEqual([]);
            expect(found.scrollWidth, `${shape} ${locale} at ${width}px`).toBeLessThanOrEqual(width);
            expect(labelPx, `${shape} ${locale} at ${width}px`).toBeGreaterThanOrEqual(10);
            if (shape === 'flash' && width === 375) expect(height, `the flash in ${locale}`).toBeLessThanOrEqual(1400);
          }
        }
    } finally {
      await browser.close();
    }
    console.log(verdicts.join('\n'));
  });

  it('the daily flash at 375 px: no wider than the phone, each region one line, the other breakdowns and the top products left to the workbook, last year’s day with its year, in both locales', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-flash-'));
    const data = join(dir, 'sales.csv');
    await writeSampleCsv(data, { endDate: '2026-11-19', days: 60, ordersPerDay: 200, seed: 3, badRowsPerThousand: 3 });
    const flash = await loadSalesMetrics(loadOptions(data, { reportDate: '2026-11-20', period: 'day' }));
    expect(flash.periodKind).toBe('day');
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      // The weekly report of the same data, for how many sections it has.
      const weeklySections = emailHtml('zh-CN', await loadReportWeek(data)).html.match(/<h2/g)!.length;
      for (const locale of ['zh-CN', 'en-US'] as const) {
        const { html } = emailHtml(locale, flash);
        await page.setViewport({ width: 375, height: 800 });
        await page.setContent(html, { waitUntil: 'load' });
        const found = (await page.evaluate(MEASURE_LAYOUT)) as Layout;
        const height = (await page.evaluate('document.documentElement.scrollHeight')) as number;
        await page.screenshot({ path: join(ROOT, 'out', 'email-layout', `flash-${locale}-375.png`), fullPage: true });
        console.log(`daily flash ${locale} at 375 px: ${height} px tall, ${found.scrollWidth} px wide`);
        expect(found.past).toEqual([]);
        expect(found.scrollWidth).toBeLessThanOrEqual(375);
        // The breakdowns but the regions, and the top products, are the workbook's; each region one line.
        const l = labelsFor(locale, 'day');
        expect(html).not.toContain(`>${l.channel}</h2>`);
        expect(html).not.toContain(`>${l.category}</h2>`);
        expect(html).not.toContain(l.topProducts(5));
        for (const r of flash.byRegion) expect(html).toContain(`>${r.name}</td>`);
        expect(html.match(/<h2/g)!.length).toBeLessThan(weeklySections);
        // Last year's same day names its year.
        expect(html).not.toMatch(/去年同日（\d+月|same day last year \([A-Z][a-z]{2} [A-Z][a-z]{2} \d+\)/);
      }
    } finally {
      await browser.close();
    }
  });
});
