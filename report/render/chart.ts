import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import { monthEndProjection, periodKindOf, type SalesMetrics } from '../../sales/metrics';
import type { Labels } from './labels';
import { formatCompact, formatDayShort, formatMonthDay, formatMonthShort } from './format';
import { CHART_FONT_FAMILY, CHART_FONT_FILES } from './fonts';
import { indexedPng } from './png';

/** The chart travels as an inline image: the HTML refers to it by this Content-ID. */
export const CHART_CID = 'revenue-chart@sales-report';

/**
 * The chart is drawn for a phone first. Mail clients give no media queries to count on, so one image serves every
 * width: CHART_WIDTH logical pixels, scaled by the client to its column (about 340 px on a 375-px phone, up to the
 * email's 728 px on a desktop). Every label is at least MIN_LABEL_PX there, so at a phone's column it is still
 * about 10 CSS px; rendered at 3× so a desktop's larger copy stays sharp.
 */
export const CHART_WIDTH = 480;
export const MIN_LABEL_PX = 15;
const ZOOM = 3;
/** A flash's one chart is short: it shares one phone screen with the KPIs, the regions and the movers. */
const FLASH_HEIGHT = 216;

/** Revenue by day, this week against last week, and the trend, as a PNG (in-process: no browser, no network). */
export function renderRevenueChart(metrics: SalesMetrics, labels: Labels): Buffer {
  return rasterize(revenueChartSvg(metrics, labels));
}

/** The chart as SVG: what is rasterized, and what a test can read the label sizes from. */
export function revenueChartSvg(metrics: SalesMetrics, labels: Labels): string {
  const height = isFlash(metrics) ? FLASH_HEIGHT : metrics.trend?.length ? 600 : 320;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: CHART_WIDTH, height });
  try {
    chart.setOption(revenueChartOption(metrics, labels));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/**
 * SVG to PNG at ZOOM times the size, drawn with the product's own font only: the same pixels on every machine. A chart
 * has a couple of hundred colours, so it is written as an indexed PNG, exact, at about a third of the size.
 */
export function rasterize(svg: string): Buffer {
  const image = new Resvg(svg, {
    background: '#ffffff',
    fitTo: { mode: 'zoom', value: ZOOM },
    font: { loadSystemFonts: false, fontFiles: [...CHART_FONT_FILES], defaultFontFamily: CHART_FONT_FAMILY },
  }).render();
  return indexedPng(image.pixels, image.width, image.height) ?? image.asPng();
}

/**
 * The chart's definition. Few, short labels, so they can be large: days as "23日 / 周一" (Mon / 23) on two lines,
 * trend weeks as 10/26, axis figures compact (92.8万, 927.6K), and a value over the report's week only (the axis
 * gives the others).
 */
export function revenueChartOption(metrics: SalesMetrics, labels: Labels) {
  const trend = metrics.trend ?? [];
  const kind = periodKindOf(metrics);
  // A month's days and a daily flash's 14-day trend are too many for "23日 / 周一" each: the day of the month, every
  // few days, as a phone has room for.
  const days = metrics.revenueByDay.length;
  const dayLabels = days > 7 ? { interval: Math.ceil(days / 8) - 1 } : { interval: 0 };
  const dayOf = (date: string) => (days > 7 ? `${Number(date.slice(8, 10))}` : formatDayShort(date, labels.locale));
  const trendLabel = (start: string) =>
    kind === 'month'
      ? formatMonthShort(start, labels.locale)
      : kind === 'day'
        ? `${Number(start.slice(8, 10))}`
        : formatMonthDay(start);
  const trendInterval = trend.length > 8 ? Math.ceil(trend.length / 8) - 1 : 0;
  const compact = (v: number) => formatCompact(v, labels.locale);
  const axisLabel = { color: '#374151', fontSize: MIN_LABEL_PX };
  const valueAxis = (gridIndex: number) => ({
    type: 'value',
    gridIndex,
    splitNumber: 3,
    axisLabel: { ...axisLabel, formatter: compact },
    splitLine: { lineStyle: { color: '#e5e7eb' } },
  });
  const title = { fontSize: 17, fontWeight: 'bold', color: '#1f2937' };
  // The trend, in the grid given: weeks (a week's report), days (a flash's 14), months (a month's 6).
  const trendAxis = (gridIndex: number) => ({
    type: 'category',
    gridIndex,
    // A week before the data starts has no bar and says so under its date.
    data: trend.map((w) => {
      const day = trendLabel(w.start);
      return w.revenue === null ? `${day}\n${labels.noDataInChart}` : day;
    }),
    axisLabel: { ...axisLabel, interval: trendInterval, lineHeight: 18 },
  });
  const trendSeries = (index: number) => ({
    name: labels.trend,
    type: 'bar',
    xAxisIndex: index,
    yAxisIndex: index,
    // The report's week stands out and carries its value; the weeks before are context. A month not yet whole is
    // drawn as one (pale, dashed edge, "至今" / "to date" by its value), so a 5-day December beside whole months
    // reads as a month under way, not a collapse.
    data: trend.map((w, i) => {
      const last = i === trend.length - 1;
      const partial = last && monthEndProjection(metrics) !== undefined;
      return {
        value: w.revenue ?? '-',
        itemStyle: partial
          ? { color: '#bfdbfe', borderColor: '#2563eb', borderWidth: 2, borderType: 'dashed' }
          : { color: last ? '#2563eb' : '#93c5fd' },
        label: {
          show: last && w.revenue !== null,
          ...(partial && { formatter: (p: { value: number }) => `${compact(p.value)} ${labels.toDate}` }),
        },
      };
    }),
    barMaxWidth: 32,
    label: {
      position: 'top',
      fontSize: MIN_LABEL_PX,
      color: '#1f2937',
      formatter: (p: { value: number }) => compact(p.value),
    },
  });
  if (isFlash(metrics)) {
    // A daily flash: one day is no chart of days; its 14 days are (yesterday the last bar, a week before among them).
    return {
      animation: false,
      backgroundColor: '#ffffff',
      textStyle: { fontFamily: CHART_FONT_FAMILY },
      title: [{ text: labels.trendTitle(trend.length), left: 12, top: 10, textStyle: title }],
      grid: [{ left: 64, right: 12, top: 48, height: FLASH_HEIGHT - 48 - 44 }],
      xAxis: [trendAxis(0)],
      yAxis: [valueAxis(0)],
      series: [trendSeries(0)],
    };
  }
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: CHART_FONT_FAMILY },
    title: [
      { text: labels.chartTitle, left: 12, top: 10, textStyle: title },
      ...(trend.length > 0 ? [{ text: labels.trendTitle(trend.length), left: 12, top: 330, textStyle: title }] : []),
    ],
    legend: {
      top: 40,
      left: 12,
      itemWidth: 18,
      itemHeight: 12,
      data: [labels.thisWeek, labels.lastWeek],
      textStyle: { color: '#374151', fontSize: MIN_LABEL_PX },
    },
    grid: [
      { left: 64, right: 12, top: 78, height: 180 },
      ...(trend.length > 0 ? [{ left: 64, right: 12, top: 396, height: 150 }] : []),
    ],
    xAxis: [
      {
        type: 'category',
        gridIndex: 0,
        data: metrics.revenueByDay.map((d) => dayOf(d.date)),
        axisLabel: { ...axisLabel, ...dayLabels, lineHeight: 18 },
      },
      ...(trend.length > 0 ? [trendAxis(1)] : []),
    ],
    yAxis: [valueAxis(0), ...(trend.length > 0 ? [valueAxis(1)] : [])],
    series: [
      {
        name: labels.thisWeek,
        type: 'bar',
        data: metrics.revenueByDay.map((d) => d.revenue),
        itemStyle: { color: '#2563eb' },
        barMaxWidth: 32,
      },
      {
        name: labels.lastWeek,
        type: 'line',
        data: metrics.revenueByDay.map((d) => d.previousRevenue),
        itemStyle: { color: '#9ca3af' },
        lineStyle: { type: 'dashed', width: 2 },
        symbolSize: 6,
      },
      ...(trend.length > 0 ? [trendSeries(1)] : []),
    ],
  };
}

/** A daily flash with its 14-day trend: drawn as the trend alone (a chart of one day is one bar). */
function isFlash(metrics: SalesMetrics): boolean {
  return periodKindOf(metrics) === 'day' && (metrics.trend?.length ?? 0) > 0;
}
