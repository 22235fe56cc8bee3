import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import type { SalesMetrics } from '../../sales/metrics';
import type { Labels } from './labels';
import { formatCompact, formatDay } from './format';

/** The chart travels as an inline image: the HTML refers to it by this Content-ID. */
export const CHART_CID = 'revenue-chart@sales-report';

/** CJK-capable first: without such a font Chinese labels render as empty boxes (Debian: fonts-noto-cjk). */
const FONT_FAMILY = 'Noto Sans CJK SC, Noto Sans SC, WenQuanYi Micro Hei, sans-serif';

/**
 * Revenue by day, this week against last week, as a PNG: rendered in-process with no browser and no network, so
 * it works on a locked-down worker and shows in mail clients that block remote images.
 */
export function renderRevenueChart(metrics: SalesMetrics, labels: Labels, size = { width: 720, height: 320 }): Buffer {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption(revenueChartOption(metrics, labels));
    const svg = chart.renderToSVGString();
    const png = new Resvg(svg, {
      background: '#ffffff',
      fitTo: { mode: 'zoom', value: 2 },
      font: { loadSystemFonts: true, defaultFontFamily: 'Noto Sans CJK SC' },
    }).render();
    return png.asPng();
  } finally {
    chart.dispose();
  }
}

/** The chart's definition: days and axis figures as the reader writes them (11月13日（周五）, 92.8万; Fri Nov 13, 927.6K). */
export function revenueChartOption(metrics: SalesMetrics, labels: Labels) {
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT_FAMILY },
    title: {
      text: labels.chartTitle,
      left: 16,
      top: 10,
      textStyle: { fontSize: 15, fontWeight: 'bold', color: '#1f2937' },
    },
    legend: { top: 12, right: 16, data: [labels.thisWeek, labels.lastWeek], textStyle: { color: '#374151' } },
    grid: { left: 72, right: 24, top: 56, bottom: 36 },
    xAxis: {
      type: 'category',
      data: metrics.revenueByDay.map((d) => formatDay(d.date, labels.locale)),
      // Every day labelled: a week is seven labels, small enough to fit.
      axisLabel: { color: '#4b5563', interval: 0, fontSize: 11 },
    },
    yAxis: {
      type: 'value',
      axisLabel: { color: '#4b5563', formatter: (v: number) => formatCompact(v, labels.locale) },
      splitLine: { lineStyle: { color: '#e5e7eb' } },
    },
    series: [
      {
        name: labels.thisWeek,
        type: 'bar',
        data: metrics.revenueByDay.map((d) => d.revenue),
        itemStyle: { color: '#2563eb' },
        barMaxWidth: 36,
      },
      {
        name: labels.lastWeek,
        type: 'line',
        data: metrics.revenueByDay.map((d) => d.previousRevenue),
        itemStyle: { color: '#9ca3af' },
        lineStyle: { type: 'dashed', width: 2 },
        symbolSize: 6,
      },
    ],
  };
}
