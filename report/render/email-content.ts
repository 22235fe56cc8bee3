import type { Narrative } from '../../schemas/narrative.schema';
import {
  breakdownsOf,
  KPI_KEYS,
  kpisOf,
  periodKindOf,
  type AnyKpiKey,
  type Breakdown,
  type BreakdownRow,
  type KpiKey,
  type SalesMetrics,
  type TargetKpiKey,
} from '../../sales/metrics';
import {
  ARROWS,
  direction,
  directionColor,
  escapeHtml as e,
  formatCompactMoney,
  formatKpi,
  formatMoney,
  formatNumber,
  formatPeriod,
  formatRatio,
  formatShare,
} from './format';
import type { Labels } from './labels';
import {
  breakdownTarget,
  lastYearText,
  noYearAgoNote,
  projectionNote,
  standingRows,
  targetBasisLine,
  targetLine,
} from './comparisons';

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
  /** The archive's index of every report (report.archiveUrl), when it is served somewhere. */
  archiveUrl?: string;
  /** This report's page in the archive, with these details ("about this report"), when the archive is served. */
  aboutUrl?: string;
  /** The chart beside that page, for a chat card that shows images by URL. */
  chartUrl?: string;
  simulated: boolean;
}

/**
 * Who reads this copy. The director's (the email) keeps one quiet line about the report, linking to its archive
 * page; the archive's copy and ops carry the run's engineering details (run, model, prompt, LLM calls, GPU cost).
 */
export type Copy = 'reader' | 'archive';

export interface EmailContent {
  metrics: SalesMetrics;
  report: Narrative;
  labels: Labels;
  footer: FooterFacts;
  title: string;
  /** Where the chart comes from: its CID in the email (cid:…), its file name in the archive's browser copy. */
  chartSrc: string;
  copy: Copy;
  /** Items of the model's words left out because they stayed wrong: said in the data-quality lines. */
  itemsLeftOut?: number;
}

/** How the words were made and what the GPU cost, after the run's ids in the archive copy's footer. */
function howMade(f: FooterFacts): string {
  return `${f.model}${f.simulated ? ' (vLLM simulator: text not written by a model)' : ''} · prompt sha256 ${f.promptSha256.slice(0, 12)} · ${f.attempts}× LLM · ${f.gpu}`;
}

/**
 * A share as a picture, which reads faster than the figure: a 60 px bar of table cells (what every mail client draws;
 * no image, no CSS a client might drop).
 */
function shareBar(share: number): string {
  const filled = Math.max(share > 0 ? 1 : 0, Math.min(60, Math.round(share * 60)));
  const cell = 'height:4px;font-size:0;line-height:0;';
  return `<table role="presentation" cellpadding="0" cellspacing="0" width="60" align="right" style="margin-top:3px;"><tr>${filled > 0 ? `<td width="${filled}" style="${cell}background:#2563eb;"></td>` : ''}${filled < 60 ? `<td style="${cell}background:#e5e7eb;"></td>` : ''}</tr></table>`;
}

/**
 * The change on the same week last year, on a line of its own under the week-over-week change (the column's header
 * says which is which): no wider than the line above it, so a phone keeps four columns.
 */
function yoyLine(lastYear: number | undefined, ratio: number | null | undefined, l: Labels): string {
  if (lastYear === undefined) return '';
  const d = direction(ratio ?? null);
  return `<div style="font-size:12px;color:${directionColor(d, l.locale)};">${ARROWS[d]} ${e(formatRatio(ratio ?? null, l.locale))}</div>`;
}

/** Lines under a table row, across its four columns. */
function noteRows(notes: string[]): string {
  return notes.map((x) => `\n<tr><td colspan="4" style="${NOTE}">${e(x)}</td></tr>`).join('');
}

/** How many top products and risers / fallers the body shows; the workbook has them all. */
const TOP_IN_BODY = 5;
const MOVERS_IN_BODY = 3;

/** A money change with its sign: "+¥1,200.00", "-¥300.00". */
function signed(text: string, value: number): string {
  return value > 0 ? `+${text}` : text;
}

/**
 * The one data-quality statement, written by code from the counts; the model's notes follow only where they add
 * something (a note that restates the counts is dropped).
 */
export function dataQualityLines(
  m: SalesMetrics,
  r: Narrative,
  l: Labels,
  itemsLeftOut = 0,
  /** A daily flash's: the rows and the refunds in one short line. */
  inShort = false,
): string[] {
  const dq = m.dataQuality;
  const span = formatPeriod(dq.orderDates ?? m.period, l.locale);
  const count = (n: number) => formatNumber(n, l.locale);
  const statement =
    dq.skippedRows > 0
      ? l.skippedRows(count(dq.skippedRows), count(dq.dataRows), span)
      : l.allRowsRead(count(dq.dataRows), span);
  const counts = [dq.skippedRows, dq.dataRows].filter((n) => n > 0);
  const restates = (note: string) =>
    [...note.replace(/(\d),(\d)/g, '$1$2').matchAll(/\d+/g)].some((x) => counts.includes(Number(x[0]))) ||
    (dq.skippedRows === 0 && /skipped|unreadable|跳过|无法读取/i.test(note));
  const missing = dq.missingFiles?.length ? [l.missingFiles(dq.missingFiles.join(', '))] : [];
  const formulas = dq.unsavedFormulas
    ? [
        l.unsavedFormulas(
          count(dq.unsavedFormulas.count),
          dq.unsavedFormulas.cells.map((c) => `${c.file} ${c.sheet}!${c.cell} ${c.text}`).join(', ') +
            (dq.unsavedFormulas.count > dq.unsavedFormulas.cells.length ? ', …' : ''),
        ),
      ]
    : [];
  const refunds = m.kpis.refunds ? l.refundConvention : l.noRefundsInData;
  const leftOut = itemsLeftOut > 0 ? [l.itemsLeftOut(itemsLeftOut)] : [];
  const rows = inShort
    ? [l.rowsInShort(dq.skippedRows > 0 ? count(dq.skippedRows) : undefined, count(dq.dataRows), !!m.kpis.refunds)]
    : [statement];
  return [
    ...rows,
    ...missing,
    ...formulas,
    ...(inShort ? [] : [refunds]),
    ...leftOut,
    ...r.dataQualityNotes.filter((note) => !restates(note)),
  ];
}

/** In the body money is in whole units, so four columns fit a phone; the workbook has the cents. */
function kpiValue(key: AnyKpiKey, value: number, m: SalesMetrics, l: Labels): string {
  return formatKpi(key, value, m.currency, l.locale, 0);
}

/**
 * The model's sentence on a headline KPI (returns have none), unless it only says what the row prints: "销售额环比增长
 * 14.2%。" under "▲ +14.2%" is the row again. What remains once the KPI's name, figures and words of direction and
 * comparison are taken out decides: next to nothing, and the sentence is not shown.
 */
function commentaryOn(key: AnyKpiKey, r: Narrative, l: Labels): string {
  if (!(KPI_KEYS as readonly string[]).includes(key)) return '';
  const sentence = r.kpiCommentary[key as KpiKey];
  const rest = sentence
    .replaceAll(l.kpi[key], '')
    .replace(RESTATING_WORDS, '')
    .replace(/[\d.,%％+\-−~约万亿元¥￥$KMk]+/g, '')
    .replace(/[\s。，、；：！.,;:!()（）]/g, '');
  return rest.length <= 2 ? '' : sentence;
}

/** Words that only say which way a figure moved against when: what the row's arrow and change already show. */
const RESTATING_WORDS =
  /环比|同比|较上周|比上周|与上周相比|本周|上周|同日|昨日|昨天|本月|累计|至今|增长|增加|上升|上涨|提升|下降|下滑|减少|回落|持平|基本|了|为|达到?|\b(?:week|over|on|vs|versus|the|previous|last|this|prior|same|day|week|yesterday|month|date|mtd|compared|with|to|from|by|was|were|is|are|up|down|rose|fell|grew|increased|decreased|declined|dropped|flat|unchanged|revenue|orders|units|average|order|value|aov|wow)\b/gi;

export function subjectLine(title: string, m: SalesMetrics, l: Labels, simulated: boolean): string {
  const revenue = m.kpis.revenue;
  // A figure in a glance, as the reader writes it: ¥92.8万, CN¥927.6K.
  return `${simulated ? '[SIMULATED LLM] ' : ''}${title} ${formatPeriod(m.period, l.locale)}: ${l.kpi.revenue} ${formatCompactMoney(revenue.current, m.currency, l.locale)} (${formatRatio(revenue.changeRatio, l.locale)})`;
}

const FONT = "font-family:-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei',Arial,sans-serif;";
// 6 px a side: four columns of seven-figure amounts (CN¥1,085,799) fit a 375-px phone.
const CELL = 'padding:6px 6px;border-bottom:1px solid #e5e7eb;';
/** A row's second line (the model's sentence on a KPI) under its figures, so a phone needs no fifth column. */
const NOTE = 'padding:0 6px 8px 6px;border-bottom:1px solid #e5e7eb;color:#374151;font-size:12px;';

/**
 * Email HTML for clients that ignore <style> and block remote content: table layout, inline CSS, the chart as a
 * CID image. Every string the LLM wrote is escaped; every number comes from the metrics.
 */
export function renderEmailHtml(c: EmailContent): string {
  const { metrics: m, report: r, labels: l } = c;
  // A daily flash is read in one phone screen on the way to work: each region in one line, the channel and category
  // tables and the top products in the workbook (the attachment note says so), two movers each way with no header,
  // the highlights and risks in one list, the recommendations as lines, the data quality in one line of small print,
  // rows closer together; the model's words all stay.
  const flash = periodKindOf(m) === 'day';
  // The cell of a row read at a glance (KPIs, regions, movers, standing): closer together in a flash.
  const rowCell = flash ? CELL.replace('padding:6px 6px;', 'padding:4px 6px;') : CELL;
  const targets = m.targets;
  const kpiRows = kpisOf(m)
    .map(([key, k]) => {
      const d = direction(k.changeRatio);
      const target = targets?.kpis[key as TargetKpiKey];
      // Under the figures, on lines of their own so a phone needs no more columns: the target, the model's sentence.
      const notes = [
        ...(target && targets ? [targetLine(target, targets.basis, (x) => kpiValue(key, x, m, l), l)] : []),
        ...[commentaryOn(key, r, l)].filter((x) => x !== ''),
      ];
      const cell = notes.length > 0 ? rowCell.replace('border-bottom:1px solid #e5e7eb;', '') : rowCell;
      return `<tr>
<td style="${cell}font-weight:600;word-break:keep-all;">${e(l.kpi[key])}</td>
<td style="${cell}text-align:right;white-space:nowrap;">${e(kpiValue(key, k.current, m, l))}</td>
<td style="${cell}text-align:right;white-space:nowrap;color:#6b7280;">${e(kpiValue(key, k.previous, m, l))}</td>
<td style="${cell}text-align:right;white-space:nowrap;color:${directionColor(d, l.locale)};">${ARROWS[d]} ${e(formatRatio(k.changeRatio, l.locale))}${yoyLine(k.lastYear, k.yoyChangeRatio, l)}</td>
</tr>${noteRows(notes)}`;
    })
    .join('\n');
  const changeHeader = m.yearAgo?.available ? `${l.change} / ${l.yoy}` : l.change;
  // What the targets are measured on, and why there is no 同比: said once, under the KPI table.
  const kpiNotes = [...(targets ? [targetBasisLine(targets, l)] : []), ...noYearAgoNote(m, l), ...projectionNote(m, l)];

  const list = (items: readonly string[]) =>
    items.length === 0
      ? ''
      : `<ul style="margin:4px 0 0 18px;padding:0;${flash ? 'font-size:13px;line-height:1.45;' : ''}">${items.map((i) => `<li style="margin:${flash ? 2 : 4}px 0;">${e(i)}</li>`).join('')}</ul>`;
  const section = (title: string, body: string) =>
    body === ''
      ? ''
      : `<tr><td style="padding:${flash ? 10 : 16}px 16px 0 16px;"><h2 style="margin:0 0 ${flash ? 4 : 6}px 0;font-size:${flash ? 15 : 16}px;color:#111827;">${e(title)}</h2>${body}</td></tr>`;

  const recommendations = r.recommendations
    .map(
      (rec) => `<tr>
<td style="${CELL}">${e(rec.action)}</td><td style="${CELL}color:#374151;">${e(rec.rationale)}</td>
<td style="${CELL}white-space:nowrap;">${e(l.priorities[rec.priority])}</td><td style="${CELL}">${e(rec.owner)}</td></tr>`,
    )
    .join('\n');

  const quality = dataQualityLines(m, r, l, c.itemsLeftOut, flash);
  const attachmentNote = `${e(l.attachmentNote)}${c.footer.archiveUrl ? ` <a href="${e(c.footer.archiveUrl)}" style="color:#2563eb;">${e(l.allReports)}</a>` : ''}`;
  const money = (x: number) => formatMoney(x, m.currency, l.locale, 0);
  const changeCell = (ratio: number | null, yoy = '', cell = CELL) => {
    const d = direction(ratio);
    return `<td style="${cell}text-align:right;white-space:nowrap;color:${directionColor(d, l.locale)};">${ARROWS[d]} ${e(formatRatio(ratio, l.locale))}${yoy}</td>`;
  };
  const num = (text: string, muted = false, cell = CELL) =>
    `<td style="${cell}text-align:right;white-space:nowrap;${muted ? 'color:#6b7280;' : ''}">${e(text)}</td>`;
  const head = (...cols: [string, 'left' | 'right'][]) =>
    `<tr style="background:#f9fafb;">${cols.map(([t, a]) => `<th align="${a}" style="${CELL}">${e(t)}</th>`).join('')}</tr>`;
  const breakdown = (dimension: Breakdown, title: string, rows: BreakdownRow[]) =>
    section(
      title,
      `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;font-size:13px;">
${head([title, 'left'], [l.thisWeek, 'right'], [changeHeader, 'right'], [l.share, 'right'])}
${rows
  .map((row) => {
    const target = breakdownTarget(m, dimension, row.name);
    const notes = target && targets ? [targetLine(target, targets.basis, money, l)] : [];
    const cell = notes.length > 0 ? CELL.replace('border-bottom:1px solid #e5e7eb;', '') : CELL;
    return `<tr><td style="${cell}">${e(row.name)}</td><td style="${cell}text-align:right;white-space:nowrap;">${e(money(row.revenue))}</td>${changeCell(row.changeRatio, yoyLine(row.lastYearRevenue, row.yoyChangeRatio, l), cell)}<td style="${cell}text-align:right;white-space:nowrap;">${e(formatShare(row.share, l.locale))}${shareBar(row.share)}</td></tr>${noteRows(notes)}`;
  })
  .join('\n')}
</table>`,
    );
  const topProducts = section(
    l.topProducts(Math.min(TOP_IN_BODY, m.topProducts.length)),
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;font-size:13px;">
${head([l.product, 'left'], [l.revenue, 'right'], [l.units, 'right'], [l.change, 'right'])}
${m.topProducts
  .slice(0, TOP_IN_BODY)
  .map(
    (p) =>
      `<tr><td style="${CELL}">${e(p.product)}</td>${num(money(p.revenue))}${num(formatNumber(p.units, l.locale))}${changeCell(p.changeRatio)}</tr>`,
  )
  .join('\n')}
</table>`,
  );
  const moversShown = flash ? 2 : MOVERS_IN_BODY;
  const moverRows = [
    ...m.risers.slice(0, moversShown).map((x) => [l.risers, x] as const),
    ...m.fallers.slice(0, moversShown).map((x) => [l.fallers, x] as const),
  ];
  const movers =
    moverRows.length === 0
      ? ''
      : section(
          l.topMovers,
          `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;font-size:13px;">
${flash ? '' : head([l.product, 'left'], [l.thisWeek, 'right'], [l.delta, 'right'])}
${moverRows
  .map(
    ([, x]) =>
      `<tr><td style="${rowCell}">${ARROWS[direction(x.delta)]} ${e(x.product)}</td>${num(money(x.revenue), false, rowCell)}<td style="${rowCell}text-align:right;white-space:nowrap;color:${directionColor(direction(x.delta), l.locale)};">${e(signed(money(x.delta), x.delta))}</td></tr>`,
  )
  .join('\n')}
</table>`,
        );
  const regionLines = section(
    l.region,
    m.byRegion.length < 2
      ? ''
      : `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;font-size:13px;">
${m.byRegion
  .map(
    (row) =>
      `<tr><td style="${rowCell}">${e(row.name)}</td>${num(money(row.revenue), false, rowCell)}${changeCell(row.changeRatio, '', rowCell)}</tr>`,
  )
  .join('\n')}
</table>`,
  );
  // A split report (a store's): where it stands among the others, with their average; their figures stay theirs.
  const standing = standingRows(m, l);
  const standingTable = section(
    l.standing.title,
    standing.length === 0
      ? ''
      : `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;font-size:13px;">
${head([l.standing.among, 'left'], [l.standing.rank, 'right'], [l.standing.average, 'right'], [l.standing.versus, 'right'])}
${standing
  .map(
    (x) =>
      `<tr><td style="${rowCell}">${e(x.among)}</td>${num(l.rankText(x.rank), false, rowCell)}${num(money(x.average), true, rowCell)}${changeCell(x.versus, '', rowCell)}</tr>`,
  )
  .join('\n')}
</table>`,
  );
  const f = c.footer;
  const runLink = f.uiUrl ? `<a href="${e(f.uiUrl)}" style="color:#6b7280;">${e(f.workflowId)}</a>` : e(f.workflowId);

  return `<!DOCTYPE html>
<html lang="${l.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${e(c.title)}</title></head>
<body style="margin:0;padding:0;background:#f3f4f6;${FONT}">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f4f6;"><tr><td align="center" style="padding:16px 4px;">
<table role="presentation" width="760" cellpadding="0" cellspacing="0" style="max-width:760px;width:100%;background:#ffffff;border-radius:8px;${FONT}font-size:14px;line-height:1.55;color:#111827;">
<tr><td style="padding:${flash ? 16 : 24}px 16px 8px 16px;">
<div style="font-size:13px;color:#6b7280;">${e(c.title)} · ${e(l.period)} ${e(formatPeriod(m.period, l.locale))} (${e(l.comparedWith)} ${e(formatPeriod(m.previousPeriod, l.locale))})</div>
<h1 style="margin:6px 0 0 0;font-size:${flash ? 20 : 22}px;line-height:1.3;">${e(r.headline)}</h1>
<p style="margin:10px 0 0 0;color:#374151;">${e(r.summary)}</p>
</td></tr>
<tr><td style="padding:12px 16px 0 16px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;font-size:13px;">
<tr style="background:#f9fafb;"><th align="left" style="${CELL}">${e(l.metric)}</th><th align="right" style="${CELL}">${e(l.thisWeek)}</th><th align="right" style="${CELL}">${e(l.lastWeek)}</th><th align="right" style="${CELL}">${e(changeHeader)}</th></tr>
${kpiRows}
</table>${kpiNotes.map((x) => `<p style="margin:6px 0 0 0;font-size:12px;color:#6b7280;">${e(x)}</p>`).join('')}</td></tr>
${standingTable}
<tr><td style="padding:16px 16px 0 16px;"><img src="${e(c.chartSrc)}" width="560" alt="${e(l.chartTitle)}" style="display:block;width:100%;max-width:560px;height:auto;border:0;"></td></tr>
${
  flash
    ? regionLines
    : `${breakdownsOf(m)
        // A breakdown of one row (a store's one region) says only 100%: the workbook keeps it.
        .filter(({ rows }) => rows.length > 1)
        .map(({ dimension, rows }) => breakdown(dimension, l[dimension], rows))
        .join('\n')}
${topProducts}`
}
${movers}
${
  flash
    ? section(l.highlightsAndRisks, list([...r.highlights, ...r.risks]))
    : `${section(l.highlights, list(r.highlights))}
${section(l.risks, list(r.risks))}`
}
${section(
  l.recommendations,
  r.recommendations.length === 0
    ? ''
    : flash
      ? list(r.recommendations.map((rec) => `${rec.action}${l.aside(`${l.priorities[rec.priority]} · ${rec.owner}`)}`))
      : `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;font-size:13px;">
<tr style="background:#f9fafb;"><th align="left" style="${CELL}">${e(l.action)}</th><th align="left" style="${CELL}">${e(l.rationale)}</th><th align="left" style="${CELL}">${e(l.priority)}</th><th align="left" style="${CELL}">${e(l.owner)}</th></tr>
${recommendations}</table>`,
)}
${
  flash
    ? `<tr><td style="padding:10px 16px 0 16px;font-size:12px;line-height:1.45;color:#6b7280;">${e(l.dataQuality)}: ${quality.map(e).join(' ')} ${attachmentNote}</td></tr>`
    : `${section(l.dataQuality, list(quality))}
<tr><td style="padding:16px 16px 0 16px;color:#374151;">${attachmentNote}</td></tr>`
}
<tr><td style="padding:${flash ? 12 : 20}px 16px ${flash ? 16 : 24}px 16px;font-size:11px;color:#6b7280;border-top:1px solid #e5e7eb;">
${
  c.copy === 'archive'
    ? `${e(l.footer)}: ${runLink} · run ${e(f.runId)} · ${e(howMade(f))}`
    : `${f.simulated ? `${e(l.simulatedNote)} · ` : ''}${f.aboutUrl ? `<a href="${e(f.aboutUrl)}" style="color:#6b7280;">${e(l.aboutThisReport)}</a>` : `${e(l.aboutThisReport)}: ${e(f.workflowId)}`}`
}
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
    `${l.period}: ${formatPeriod(m.period, l.locale)} (${l.comparedWith} ${formatPeriod(m.previousPeriod, l.locale)})`,
    '',
    r.headline,
    '',
    r.summary,
    '',
    ...kpisOf(m).map(([key, k]) => {
      const commentary = commentaryOn(key, r, l);
      const target = m.targets?.kpis[key as TargetKpiKey];
      return (
        `${l.kpi[key]}: ${kpiValue(key, k.current, m, l)} (${l.lastWeek} ${kpiValue(key, k.previous, m, l)}, ${formatRatio(k.changeRatio, l.locale)}` +
        `${lastYearText(k.lastYear, k.yoyChangeRatio, (x) => kpiValue(key, x, m, l), l)})` +
        `${target && m.targets ? `\n  ${targetLine(target, m.targets.basis, (x) => kpiValue(key, x, m, l), l)}` : ''}` +
        `${commentary ? ` — ${commentary}` : ''}`
      );
    }),
    ...(m.targets ? [targetBasisLine(m.targets, l)] : []),
    ...noYearAgoNote(m, l),
    ...projectionNote(m, l),
  ];
  const money = (x: number) => formatMoney(x, m.currency, l.locale, 0);
  const standing = standingRows(m, l);
  if (standing.length > 0)
    lines.push(
      '',
      `${l.standing.title}:`,
      ...standing.map(
        (x) =>
          `- ${x.among}: ${l.rankText(x.rank)} (${l.standing.average} ${money(x.average)}, ${l.standing.versus} ${formatRatio(x.versus, l.locale)})`,
      ),
    );
  // A daily flash: its regions only; the rest is in the workbook (as in the HTML).
  const flash = periodKindOf(m) === 'day';
  for (const { dimension, rows } of breakdownsOf(m).filter((b) => !flash || b.dimension === 'region')) {
    lines.push('', `${l[dimension]}:`);
    for (const row of rows) {
      const target = breakdownTarget(m, dimension, row.name);
      lines.push(
        `- ${row.name}: ${money(row.revenue)} (${l.lastWeek} ${money(row.previousRevenue)}, ${formatRatio(row.changeRatio, l.locale)}; ` +
          `${row.lastYearRevenue === undefined ? '' : `${l.yoy} ${formatRatio(row.yoyChangeRatio ?? null, l.locale)}; `}` +
          `${l.share} ${formatShare(row.share, l.locale)})` +
          `${target && m.targets ? `\n  ${targetLine(target, m.targets.basis, money, l)}` : ''}`,
      );
    }
  }
  if (!flash) {
    lines.push('', `${l.topProducts(Math.min(TOP_IN_BODY, m.topProducts.length))}:`);
    for (const p of m.topProducts.slice(0, TOP_IN_BODY))
      lines.push(
        `- ${p.product}: ${money(p.revenue)}, ${formatNumber(p.units, l.locale)} (${formatRatio(p.changeRatio, l.locale)})`,
      );
  }
  const movers = [...m.risers.slice(0, MOVERS_IN_BODY), ...m.fallers.slice(0, MOVERS_IN_BODY)];
  if (movers.length > 0) {
    lines.push('', `${l.topMovers}:`);
    for (const x of movers)
      lines.push(
        `- ${x.product}: ${money(x.previousRevenue)} → ${money(x.revenue)} (${signed(money(x.delta), x.delta)})`,
      );
  }
  if (r.highlights.length > 0) lines.push('', `${l.highlights}:`, ...r.highlights.map((h) => `- ${h}`));
  if (r.risks.length > 0) lines.push('', `${l.risks}:`, ...r.risks.map((x) => `- ${x}`));
  if (r.recommendations.length > 0)
    lines.push(
      '',
      `${l.recommendations}:`,
      ...r.recommendations.map((x) => `- [${l.priorities[x.priority]}] ${x.action} (${x.owner}): ${x.rationale}`),
    );
  lines.push('', `${l.dataQuality}:`, ...dataQualityLines(m, r, l, c.itemsLeftOut).map((x) => `- ${x}`));
  const f = c.footer;
  lines.push(
    '',
    l.attachmentNote,
    ...(c.footer.archiveUrl ? [`${l.allReports}: ${c.footer.archiveUrl}`] : []),
    '',
    c.copy === 'archive'
      ? `-- ${l.footer}: ${f.workflowId} / ${f.runId} · ${howMade(f)}`
      : `-- ${f.simulated ? `${l.simulatedNote} · ` : ''}${l.aboutThisReport}: ${f.aboutUrl ?? f.workflowId}`,
  );
  return `${lines.join('\n')}\n`;
}
