import type { WeeklySalesReport } from '../../schemas/weekly-sales-report.schema';
import { KPI_KEYS, kpisOf, type AnyKpiKey, type KpiKey, type SalesMetrics } from '../../sales/metrics';
import { ARROWS, direction, directionColor, escapeHtml as e, formatKpi, formatMoney, formatRatio } from './format';
import type { Labels } from './labels';

/** Run details printed in the footer, for the reader who asks "where did this come from?". */
export interface FooterFacts {
  workflowId: string;
  runId: string;
  model: string;
  promptSha256: string;
  attempts: number;
  /** "GPU 4.8 s (0.0011 USD)", or that the stop is not confirmed yet. */
  gpu: string;
  uiUrl?: string;
  simulated: boolean;
}

export interface EmailContent {
  metrics: SalesMetrics;
  report: WeeklySalesReport;
  labels: Labels;
  footer: FooterFacts;
  title: string;
  chartCid: string;
}

function kpiValue(key: AnyKpiKey, value: number, m: SalesMetrics, l: Labels): string {
  return formatKpi(key, value, m.currency, l.locale);
}

/** The model's sentence on a headline KPI; returns have none. */
function commentaryOn(key: AnyKpiKey, r: WeeklySalesReport): string {
  return (KPI_KEYS as readonly string[]).includes(key) ? r.kpiCommentary[key as KpiKey] : '';
}

export function subjectLine(title: string, m: SalesMetrics, l: Labels, simulated: boolean): string {
  const revenue = m.kpis.revenue;
  return `${simulated ? '[SIMULATED LLM] ' : ''}${title} ${m.period.start} – ${m.period.end}: ${l.kpi.revenue} ${formatMoney(revenue.current, m.currency, l.locale)} (${formatRatio(revenue.changeRatio, l.locale)})`;
}

const FONT = "font-family:-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei',Arial,sans-serif;";
const CELL = 'padding:8px 10px;border-bottom:1px solid #e5e7eb;';

/**
 * Email HTML for clients that ignore <style> and block remote content: table layout, inline CSS, the chart as a
 * CID image. Every string the LLM wrote is escaped; every number comes from the metrics.
 */
export function renderEmailHtml(c: EmailContent): string {
  const { metrics: m, report: r, labels: l } = c;
  const kpiRows = kpisOf(m)
    .map(([key, k]) => {
      const d = direction(k.changeRatio);
      return `<tr>
<td style="${CELL}font-weight:600;">${e(l.kpi[key])}</td>
<td style="${CELL}text-align:right;white-space:nowrap;">${e(kpiValue(key, k.current, m, l))}</td>
<td style="${CELL}text-align:right;white-space:nowrap;color:#6b7280;">${e(kpiValue(key, k.previous, m, l))}</td>
<td style="${CELL}text-align:right;white-space:nowrap;color:${directionColor(d, l.locale)};">${ARROWS[d]} ${e(formatRatio(k.changeRatio, l.locale))}</td>
<td style="${CELL}color:#374151;">${e(commentaryOn(key, r))}</td>
</tr>`;
    })
    .join('\n');

  const list = (items: readonly string[]) =>
    items.length === 0
      ? ''
      : `<ul style="margin:4px 0 0 18px;padding:0;">${items.map((i) => `<li style="margin:4px 0;">${e(i)}</li>`).join('')}</ul>`;
  const section = (title: string, body: string) =>
    body === ''
      ? ''
      : `<tr><td style="padding:16px 24px 0 24px;"><h2 style="margin:0 0 6px 0;font-size:16px;color:#111827;">${e(title)}</h2>${body}</td></tr>`;

  const recommendations = r.recommendations
    .map(
      (rec) => `<tr>
<td style="${CELL}">${e(rec.action)}</td><td style="${CELL}color:#374151;">${e(rec.rationale)}</td>
<td style="${CELL}white-space:nowrap;">${e(l.priorities[rec.priority])}</td><td style="${CELL}white-space:nowrap;">${e(rec.owner)}</td></tr>`,
    )
    .join('\n');

  const dq = m.dataQuality;
  const quality = [...(dq.skippedRows > 0 ? [l.skippedRows(dq.skippedRows, dq.dataRows)] : []), ...r.dataQualityNotes];
  const f = c.footer;
  const runLink = f.uiUrl ? `<a href="${e(f.uiUrl)}" style="color:#6b7280;">${e(f.workflowId)}</a>` : e(f.workflowId);

  return `<!DOCTYPE html>
<html lang="${l.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${e(c.title)}</title></head>
<body style="margin:0;padding:0;background:#f3f4f6;${FONT}">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f4f6;"><tr><td align="center" style="padding:24px 8px;">
<table role="presentation" width="760" cellpadding="0" cellspacing="0" style="max-width:760px;width:100%;background:#ffffff;border-radius:8px;${FONT}font-size:14px;line-height:1.55;color:#111827;">
<tr><td style="padding:24px 24px 8px 24px;">
<div style="font-size:13px;color:#6b7280;">${e(c.title)} · ${e(l.period)} ${e(m.period.start)} – ${e(m.period.end)} (${e(l.comparedWith)} ${e(m.previousPeriod.start)} – ${e(m.previousPeriod.end)})</div>
<h1 style="margin:6px 0 0 0;font-size:22px;line-height:1.3;">${e(r.headline)}</h1>
<p style="margin:10px 0 0 0;color:#374151;">${e(r.summary)}</p>
</td></tr>
<tr><td style="padding:12px 24px 0 24px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;font-size:13px;">
<tr style="background:#f9fafb;"><th align="left" style="${CELL}">${e(l.metric)}</th><th align="right" style="${CELL}">${e(l.thisWeek)}</th><th align="right" style="${CELL}">${e(l.lastWeek)}</th><th align="right" style="${CELL}">${e(l.change)}</th><th align="left" style="${CELL}">${e(l.commentary)}</th></tr>
${kpiRows}
</table></td></tr>
<tr><td style="padding:16px 24px 0 24px;"><img src="cid:${e(c.chartCid)}" width="712" alt="${e(l.chartTitle)}" style="display:block;width:100%;max-width:712px;height:auto;border:0;"></td></tr>
${section(l.highlights, list(r.highlights))}
${section(l.risks, list(r.risks))}
${section(
  l.recommendations,
  `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;font-size:13px;">
<tr style="background:#f9fafb;"><th align="left" style="${CELL}">${e(l.action)}</th><th align="left" style="${CELL}">${e(l.rationale)}</th><th align="left" style="${CELL}">${e(l.priority)}</th><th align="left" style="${CELL}">${e(l.owner)}</th></tr>
${recommendations}</table>`,
)}
${section(l.dataQuality, list(quality))}
<tr><td style="padding:16px 24px 0 24px;color:#374151;">${e(l.attachmentNote)}</td></tr>
<tr><td style="padding:20px 24px 24px 24px;font-size:11px;color:#6b7280;border-top:1px solid #e5e7eb;">
${e(l.footer)}: ${runLink} · run ${e(f.runId)} · ${e(f.model)}${f.simulated ? ' (vLLM simulator: text not written by a model)' : ''} · prompt sha256 ${e(f.promptSha256.slice(0, 12))} · ${f.attempts}× LLM · ${e(f.gpu)}
</td></tr>
</table></td></tr></table>
</body></html>
`;
}

/** The text/plain alternative: the same facts for clients (and people) that do not render HTML. */
export function renderEmailText(c: EmailContent): string {
  const { metrics: m, report: r, labels: l } = c;
  const lines = [
    c.title,
    `${l.period}: ${m.period.start} – ${m.period.end} (${l.comparedWith} ${m.previousPeriod.start} – ${m.previousPeriod.end})`,
    '',
    r.headline,
    '',
    r.summary,
    '',
    ...kpisOf(m).map(([key, k]) => {
      const commentary = commentaryOn(key, r);
      return `${l.kpi[key]}: ${kpiValue(key, k.current, m, l)} (${l.lastWeek} ${kpiValue(key, k.previous, m, l)}, ${formatRatio(k.changeRatio, l.locale)})${commentary ? ` — ${commentary}` : ''}`;
    }),
    '',
    `${l.highlights}:`,
    ...r.highlights.map((h) => `- ${h}`),
  ];
  if (r.risks.length > 0) lines.push('', `${l.risks}:`, ...r.risks.map((x) => `- ${x}`));
  lines.push(
    '',
    `${l.recommendations}:`,
    ...r.recommendations.map((x) => `- [${l.priorities[x.priority]}] ${x.action} (${x.owner}): ${x.rationale}`),
  );
  if (m.dataQuality.skippedRows > 0 || r.dataQualityNotes.length > 0) {
    lines.push('', `${l.dataQuality}:`);
    if (m.dataQuality.skippedRows > 0)
      lines.push(`- ${l.skippedRows(m.dataQuality.skippedRows, m.dataQuality.dataRows)}`);
    lines.push(...r.dataQualityNotes.map((x) => `- ${x}`));
  }
  const f = c.footer;
  lines.push(
    '',
    l.attachmentNote,
    '',
    `-- ${l.footer}: ${f.workflowId} / ${f.runId} · ${f.model}${f.simulated ? ' (vLLM simulator: text not written by a model)' : ''} · prompt sha256 ${f.promptSha256.slice(0, 12)} · ${f.attempts}× LLM · ${f.gpu}`,
  );
  return `${lines.join('\n')}\n`;
}
