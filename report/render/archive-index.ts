import type { SalesMetrics } from '../../sales/metrics';
import type { Locale } from '../locale';
import { escapeHtml as e, formatCompact, formatCompactMoney, formatMoney, formatNumber, formatRatio } from './format';
import { labelsFor, type Labels } from './labels';

/** One rendered report in the archive, with its files as paths relative to the index. */
export interface ArchivedReport {
  reportDate: string;
  runId: string;
  /** The language the report was written in: its row is written in it too. */
  locale: Locale;
  /** Its email was accepted by the relay. */
  sent: boolean;
  html: string;
  xlsx?: string;
  /** The email printed, when the report asks for one (reports[].pdf). */
  pdf?: string;
  metrics: Pick<SalesMetrics, 'period' | 'currency' | 'kpis'>;
}

/** A report date's row: the run that was sent (else the latest), and the date's other runs folded under it. */
interface DateRow {
  shown: ArchivedReport;
  others: ArchivedReport[];
}

/**
 * The archive's front page: one row per report date, newest first, the run that was sent with its email and
 * workbook (re-runs, resets and dry runs of the date folded under it), and revenue week by week as bars with an
 * axis. Static HTML with inline styles and an inline SVG, narrow enough for a phone: it opens from a file share, an
 * S3 static site or an intranet path with no server and no script.
 */
export function renderArchiveIndex(reports: ArchivedReport[], l: Labels, title: string): string {
  const rows = byDate(reports);
  const cell = 'padding:6px 6px;border-bottom:1px solid #e5e7eb;vertical-align:top;';
  const table = rows
    .map(({ shown: r, others }) => {
      const rl = labelsFor(r.locale);
      const k = r.metrics.kpis;
      const links = (x: ArchivedReport) =>
        `<a href="${e(x.html)}">${e(rl.emailLink)}</a>${x.xlsx ? ` · <a href="${e(x.xlsx)}">XLSX</a>` : ''}${x.pdf ? ` · <a href="${e(x.pdf)}">PDF</a>` : ''}`;
      const folded = others.length
        ? `<div style="font-size:11px;color:#6b7280;margin-top:2px;">${e(rl.otherRuns(others.length))}: ${others.map((o) => `<a href="${e(o.html)}" style="color:#6b7280;">${e(o.runId.slice(0, 8))}</a>`).join(' · ')}</div>`
        : '';
      return `<tr lang="${r.locale}"><td style="${cell}white-space:nowrap;">${e(r.reportDate)}${r.sent ? '' : ` <span style="color:#b45309;font-size:11px;">${e(rl.notSent)}</span>`}<div style="font-size:11px;color:#6b7280;">${e(r.metrics.period.start.slice(5))} – ${e(r.metrics.period.end.slice(5))}</div></td><td style="${cell}text-align:right;white-space:nowrap;">${e(formatCompactMoney(k.revenue.current, r.metrics.currency, r.locale))}<div style="font-size:11px;color:#6b7280;">${e(formatRatio(k.revenue.changeRatio, r.locale))}</div></td><td style="${cell}text-align:right;white-space:nowrap;">${e(formatNumber(k.orders.current, r.locale))}</td><td style="${cell}">${links(r)}${folded}</td></tr>`;
    })
    .join('\n');
  return `<!DOCTYPE html>
<html lang="${l.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${e(title)}</title></head>
<body style="margin:0;padding:8px;background:#f3f4f6;font-family:-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei','Noto Sans SC',Arial,sans-serif;color:#111827;">
<div style="max-width:900px;margin:0 auto;background:#fff;border-radius:8px;padding:12px;">
<h1 style="font-size:20px;margin:0 0 12px 0;">${e(title)}</h1>
<h2 style="font-size:15px;margin:0 0 6px 0;">${e(l.weeklyRevenue)}</h2>
${trendSvg(rows, l)}
<table style="width:100%;border-collapse:collapse;font-size:13px;margin-top:12px;">
<tr style="background:#f9fafb;"><th align="left" style="${cell}">${e(l.date)}</th><th align="right" style="${cell}">${e(l.kpi.revenue)}</th><th align="right" style="${cell}">${e(l.kpi.orders)}</th><th align="left" style="${cell}"></th></tr>
${table}
</table>
</div></body></html>
`;
}

/** One row per report date, newest first: its sent run (the latest sent, if re-sent), else its latest run. */
function byDate(reports: ArchivedReport[]): DateRow[] {
  const dates = new Map<string, ArchivedReport[]>();
  for (const r of reports) dates.set(r.reportDate, [...(dates.get(r.reportDate) ?? []), r]);
  return [...dates.entries()]
    .sort(([a], [b]) => b.localeCompare(a))
    .map(([, runs]) => {
      // Run ids are time-ordered (UUIDv7): the last is the latest.
      const latestFirst = [...runs].sort((a, b) => b.runId.localeCompare(a.runId));
      const shown = latestFirst.find((r) => r.sent) ?? latestFirst[0]!;
      return { shown, others: latestFirst.filter((r) => r !== shown) };
    });
}

/**
 * Revenue of the reported weeks, oldest first: one bar per distinct week (the week's shown run), an axis with its
 * top and half values, and each bar's value on hover. Scales to the page's width (a phone's too).
 */
function trendSvg(rows: DateRow[], l: Labels): string {
  const weeks = new Map<string, ArchivedReport>();
  for (const { shown } of [...rows].reverse()) weeks.set(shown.metrics.period.start, shown);
  const bars = [...weeks.values()].slice(-26);
  if (bars.length === 0) return '';
  const max = Math.max(1, ...bars.map((r) => r.metrics.kpis.revenue.current));
  const top = niceCeiling(max);
  const [axis, height, step] = [56, 140, 30];
  const width = axis + bars.length * step;
  const y = (v: number) => 10 + height - (v / top) * height;
  const gridLine = (v: number) =>
    `<line x1="${axis}" x2="${width}" y1="${y(v)}" y2="${y(v)}" stroke="#e5e7eb"></line><text x="${axis - 6}" y="${y(v) + 4}" font-size="11" text-anchor="end" fill="#4b5563">${e(formatCompact(v, l.locale))}</text>`;
  const drawn = bars
    .map((r, i) => {
      const v = r.metrics.kpis.revenue.current;
      const x = axis + i * step + 4;
      const label = `${r.metrics.period.start} – ${r.metrics.period.end}: ${formatMoney(v, r.metrics.currency, l.locale, 0)}`;
      return `<g><title>${e(label)}</title><rect x="${x}" y="${y(v)}" width="${step - 8}" height="${10 + height - y(v)}" fill="#2563eb"></rect>${i === bars.length - 1 || i % Math.ceil(bars.length / 6) === 0 ? `<text x="${x + (step - 8) / 2}" y="${height + 26}" font-size="11" text-anchor="middle" fill="#4b5563">${e(r.metrics.period.start.slice(5))}</text>` : ''}</g>`;
    })
    .join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height + 32}" width="100%" style="max-width:${Math.max(width, 320)}px;display:block;" role="img" aria-label="${e(l.weeklyRevenue)}">${[0, top / 2, top].map(gridLine).join('')}${drawn}</svg>`;
}

/** The axis's top: the revenue's maximum rounded up to a round figure (1, 1.5, 2, 3, 4, 5, 6 or 8 × a power of 10). */
function niceCeiling(v: number): number {
  const power = 10 ** Math.floor(Math.log10(v));
  return [1, 1.5, 2, 3, 4, 5, 6, 8, 10].map((m) => m * power).find((c) => c >= v) ?? 10 * power;
}
