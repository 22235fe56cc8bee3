import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { revenueChartSvg } from '../../report/render/chart';
import { CHART_FONT_FAMILY, CHART_FONT_FILES } from '../../report/render/fonts';
import { labelsFor } from '../../report/render/labels';
import { indexedPng } from '../../report/render/png';
import { sampleReportWeek } from '../helpers/load';

const draw = (svg: string) =>
  new Resvg(svg, {
    background: '#ffffff',
    fitTo: { mode: 'zoom', value: 3 },
    font: { loadSystemFonts: false, fontFiles: [...CHART_FONT_FILES], defaultFontFamily: CHART_FONT_FAMILY },
  }).render();

/** A PNG decoded by another reader than the one that wrote it: resvg drawing it as an image, pixel for pixel. */
function decode(png: Buffer, width: number, height: number): Uint8Array {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><image href="data:image/png;base64,${png.toString('base64')}" width="${width}" height="${height}"/></svg>`;
  return new Resvg(svg, { background: '#ffffff' }).render().pixels;
}

describe('the chart as an indexed PNG', () => {
  it('keeps every pixel of the chart as drawn, at under 40 % of a truecolour PNG', async () => {
    const metrics = await sampleReportWeek({ days: 63, ordersPerDay: 10, seed: 5 });
    const image = draw(revenueChartSvg(metrics, labelsFor('zh-CN')));
    const png = indexedPng(image.pixels, image.width, image.height)!;
    expect(png).toBeDefined();
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(Buffer.from(decode(png, image.width, image.height)).equals(Buffer.from(image.pixels))).toBe(true);
    expect(png.length).toBeLessThan(0.4 * image.asPng().length);
  });

  it('declines an image of more than 256 colours (the caller keeps its truecolour PNG)', () => {
    const gradient = draw(
      '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="20"><defs><linearGradient id="g"><stop offset="0" stop-color="#000"/><stop offset="1" stop-color="#fff" stop-opacity="0.5"/></linearGradient></defs><rect width="200" height="20" fill="url(#g)"/><rect y="10" width="200" height="10" fill="#f00" opacity="0.37"/></svg>',
    );
    expect(indexedPng(gradient.pixels, gradient.width, gradient.height)).toBeUndefined();
  });
});
