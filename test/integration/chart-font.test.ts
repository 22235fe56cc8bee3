import { describe, expect, it } from 'vitest';
import { rasterize, revenueChartSvg } from '../../report/render/chart';
import { CHART_FONT_FAMILY } from '../../report/render/fonts';
import { labelsFor } from '../../report/render/labels';
import { sampleReportWeek } from '../helpers/load';

/** One character drawn the way the chart draws its labels. */
const glyph = (ch: string) =>
  rasterize(
    `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><text x="4" y="30" font-size="24" font-family="${CHART_FONT_FAMILY}">${ch}</text></svg>`,
  );

describe("the chart's font travels with the product", () => {
  it('draws every Chinese character of the chart from the bundled font, with no system font consulted', async () => {
    const metrics = await sampleReportWeek({ days: 63, ordersPerDay: 10, seed: 5 });
    const svg = revenueChartSvg(metrics, labelsFor('zh-CN'));
    const text = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]).join('');
    const cjk = [...new Set(text.match(/[\u3000-\u9fff\uff00-\uffef]/g) ?? [])];
    expect(cjk.length).toBeGreaterThan(5); // the zh chart has Chinese labels at all (title, legend, days)

    // A character the font does not map draws as the same empty box as any other unmapped one.
    const box = glyph('\u{E000}');
    expect(glyph('\u{E001}').equals(box)).toBe(true);
    const missing = cjk.filter((ch) => glyph(ch).equals(box));
    expect(missing, `drawn as boxes: ${missing.join(' ')}`).toEqual([]);
  });
});
