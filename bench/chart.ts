import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';

/** Measured ÷ target per figure: a bar left of the 1.0 line is a target met. */
export function renderBenchChart(targets: { figure: string; measured: number; target: number }[]): Buffer {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 820, height: 60 + targets.length * 46 });
  try {
    const ratios = targets.map((t) =>
      Number.isFinite(t.measured) ? Math.round((t.measured / t.target) * 100) / 100 : 0,
    );
    chart.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      title: { text: 'measured ÷ target (≤ 1 is met)', left: 12, top: 8, textStyle: { fontSize: 14 } },
      grid: { left: 270, right: 60, top: 44, bottom: 24 },
      xAxis: { type: 'value', max: Math.max(1.2, ...ratios) },
      yAxis: { type: 'category', data: targets.map((t) => t.figure), inverse: true },
      series: [
        {
          type: 'bar',
          data: ratios.map((v) => ({ value: v, itemStyle: { color: v <= 1 ? '#16a34a' : '#dc2626' } })),
          label: { show: true, position: 'right' },
          markLine: { symbol: 'none', data: [{ xAxis: 1 }], lineStyle: { color: '#111827', type: 'dashed' } },
        },
      ],
    });
    return new Resvg(chart.renderToSVGString(), { background: '#ffffff', fitTo: { mode: 'zoom', value: 2 } })
      .render()
      .asPng();
  } finally {
    chart.dispose();
  }
}
