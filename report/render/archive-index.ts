import type { SalesMetrics } from '../../sales/metrics';
import { escapeHtml as e, formatCompactMoney, formatMoney, formatNumber, formatRatio } from './format';
import type { Labels } from './labels';

/** One rendered report in the archive, with its files as paths relative to the index. */
export interface ArchivedReport {
  reportDate: string;
  runId: string;
  html: string;
  xlsx?: string;
  metrics: Pick<SalesMetrics, 'period' | 'currency' | 'kpis'>;
}

/**
 * The archive's front page: every report by date, newest first, with links to its email and workbook, and revenue
 * across the reports as bars. Static HTML with inline styles and an inline SVG: it opens from a file share, an S3
 * static site or an intranet path with no server and no script.
 */
export function renderArchiveIndex(reports: ArchivedReport[], l: Labels, title: string): string {
  const rows = [...reports].sort((a, b) => b.reportDate.localeCompare(a.reportDate) || b.runId.localeCompare(a.runId));
  // The trend: one bar per report date (its latest run), oldest first.
  const latest = new Map<string, ArchivedReport>();
  for (const r of [...rows].reverse()) latest.set(r.reportDate, r);
  const trend = [...latest.values()].slice(-26);
  const max = Math.max(1, ...trend.map((r) => r.metrics.kpis.revenue.current));
  const barWidth = 24;
  const chartHeight = 120;
  const bars = trend
    .map((r, i) => {
      const h = Math.round((r.metrics.kpis.revenue.current / max) * chartHeight);
      return `<g><title>${e(`${r.reportDate}: ${formatMoney(r.metrics.kpis.revenue.current, r.metrics.currency, l.locale, 0)}`)}</title><rect x="${i * (barWidth + 6)}" y="${chartHeight - h}" width="${barWidth}" height="${h}" fill="#2563eb"></rect><text x="${i * (barWidth + 6) + barWidth / 2}" y="${chartHeight + 14}" font-size="9" text-anchor="middle" fill="#6b7280">${e(r.reportDate.slice(5))}</text></g>`;
    })
    .join('');
  const cell = 'padding:6px 8px;border-bottom:1px solid #e5e7eb;';
  const table = rows
    .map((r) => {
      const k = r.metrics.kpis;
      return `<tr><td style="${cell}white-space:nowrap;">${e(r.reportDate)}</td><td style="${cell}white-space:nowrap;">${e(r.metrics.period.start)} – ${e(r.metrics.period.end)}</td><td style="${cell}text-align:right;white-space:nowrap;">${e(formatCompactMoney(k.revenue.current, r.metrics.currency, l.locale))}</td><td style="${cell}text-align:right;">${e(formatRatio(k.revenue.changeRatio, l.locale))}</td><td style="${cell}text-align:right;">${e(formatNumber(k.orders.current, l.locale))}</td><td style="${cell}"><a href="${e(r.html)}">HTML</a>${r.xlsx ? ` · <a href="${e(r.xlsx)}">XLSX</a>` : ''}</td></tr>`;
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="${l.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${e(title)}</title></head>
<body style="margin:0;padding:16px;background:#f3f4f6;font-family:-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei',Arial,sans-serif;color:#111827;">
<div style="max-width:900px;margin:0 auto;background:#fff;border-radius:8px;padding:16px;">
<h1 style="font-size:20px;margin:0 0 12px 0;">${e(title)}</h1>
<h2 style="font-size:15px;margin:0 0 6px 0;">${e(l.kpi.revenue)}</h2>
<div style="overflow-x:auto;"><svg xmlns="http://www.w3.org/2000/svg" width="${Math.max(1, trend.length) * (barWidth + 6)}" height="${chartHeight + 20}" role="img" aria-label="${e(l.kpi.revenue)}">${bars}</svg></div>
<table style="width:100%;border-collapse:collapse;font-size:13px;margin-top:12px;">
<tr style="background:#f9fafb;"><th align="left" style="${cell}">${e(l.date)}</th><th align="left" style="${cell}">${e(l.period)}</th><th align="right" style="${cell}">${e(l.kpi.revenue)}</th><th align="right" style="${cell}">${e(l.change)}</th><th align="right" style="${cell}">${e(l.kpi.orders)}</th><th align="left" style="${cell}"></th></tr>
${table}
</table>
</div></body></html>
`;
}
