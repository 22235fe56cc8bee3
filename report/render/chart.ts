import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import type { SalesMetrics } from '../../sales/metrics';
import type { Labels } from './labels';
import { formatCompact, formatDay } from './format';
import { CHART_FONT_FAMILY, CHART_FONT_FILES } from './fonts';

/** The chart travels as an inline image: the HTML refers to it by this Content-ID. */
export const CHART_CID = 'revenue-chart@sales-report';

/**
 * Revenue by day, this week against last week, as a PNG: rendered in-process with no browser and no network, so
 * it works on a locked-down worker and shows in mail clients that block remote images.
 */
export function renderRevenueChart(
  metrics: SalesMetrics,
  labels: Labels,
  size = { width: 720, height: metrics.trend?.length ? 540 : 300 },
): Buffer {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption(revenueChartOption(metrics, labels));
    return rasterize(chart.renderToSVGString());
  } finally {
    chart.dispose();
  }
}

/** SVG to PNG at twice the size, drawn with the product's own font only: the same pixels on every machine. */
export function rasterize(svg: string): Buffer {
  return new Resvg(svg, {
    background: '#ffffff',
    fitTo: { mode: 'zoom', value: 2 },
    font: { loadSystemFonts: false, fontFiles: [...CHART_FONT_FILES], defaultFontFamily: CHART_FONT_FAMILY },
  })
    .render()
    .asPng();
}

/** The chart's definition: days and axis figures as the reader writes them (11月13日（周五）, 92.8万; Fri Nov 13, 927.6K). */
export function revenueChartOption(metrics: SalesMetrics, labels: Labels) {
  const trend = metrics.trend ?? [];
  const compact = (v: number) => formatCompact(v, labels.locale);
  const axisLabel = { color: '#4b5563', fontSize: 11 };
  const valueAxis = (gridIndex: number) => ({
    type: 'value',
    gridIndex,
    axisLabel: { ...axisLabel, formatter: compact },
    splitLine: { lineStyle: { color: '#e5e7eb' } },
  });
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: CHART_FONT_FAMILY },
    title: [
      { text: labels.chartTitle, left: 16, top: 10, textStyle: { fontSize: 15, fontWeight: 'bold', color: '#1f2937' } },
      ...(trend.length > 0
        ? [
            {
              text: labels.trendTitle(trend.length),
              left: 16,
              top: 300,
              textStyle: { fontSize: 15, fontWeight: 'bold', color: '#1f2937' },
            },
          ]
        : []),
    ],
    legend: { top: 12, right: 16, data: [labels.thisWeek, labels.lastWeek], textStyle: { color: '#374151' } },
    grid: [
      { left: 72, right: 24, top: 56, height: 200 },
      ...(trend.length > 0 ? [{ left: 72, right: 24, top: 346, height: 150 }] : []),
    ],
    xAxis: [
      {
        type: 'category',
        gridIndex: 0,
        data: metrics.revenueByDay.map((d) => formatDay(d.date, labels.locale)),
        // Every day labelled: a week is seven labels, small enough to fit.
        axisLabel: { ...axisLabel, interval: 0 },
      },
      ...(trend.length > 0
        ? [
            {
              type: 'category',
              gridIndex: 1,
              // A week before the data starts has no bar and says so under its date.
              data: trend.map((w) => {
                const day = formatDay(w.start, labels.locale).replace(/（.*）|^\w{3} /, '');
                return w.revenue === null ? `${day}\n${labels.noData}` : day;
              }),
              axisLabel: { ...axisLabel, interval: 0 },
            },
          ]
        : []),
    ],
    yAxis: [valueAxis(0), ...(trend.length > 0 ? [valueAxis(1)] : [])],
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
      ...(trend.length > 0
        ? [
            {
              name: labels.trend,
              type: 'bar',
              xAxisIndex: 1,
              yAxisIndex: 1,
              // The report's week stands out; the weeks before are context.
              data: trend.map((w, i) => ({
                value: w.revenue ?? '-',
                itemStyle: { color: i === trend.length - 1 ? '#2563eb' : '#93c5fd' },
              })),
              barMaxWidth: 36,
              label: {
                show: true,
                position: 'top',
                fontSize: 10,
                color: '#374151',
                formatter: (p: { value: number }) => compact(p.value),
              },
            },
          ]
        : []),
    ],
  };
}
