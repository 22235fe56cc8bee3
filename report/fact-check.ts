import type { WeeklySalesReport } from '../schemas/weekly-sales-report.schema';
import {
  breakdownsOf,
  KPI_KEYS,
  KPI_KIND,
  kpisOf,
  type AnyKpiKey,
  type KpiKey,
  type SalesMetrics,
} from '../sales/metrics';

/** A figure the model may cite: a value the metrics hold, or a difference they imply. */
interface Figure {
  value: number;
  label: string;
}

interface Allowed {
  amounts: Figure[];
  percents: Figure[];
}

/** Dates, times and week numbers are not figures. */
const NOT_FIGURES = [
  /\d{4}[-/.]\d{1,2}[-/.]\d{1,2}/g,
  /\d{4}年(\d{1,2}月(\d{1,2}日)?)?/g,
  /\d{1,2}月\d{1,2}日/g,
  /\d{1,2}:\d{2}/g,
  /(第|W|week\s?)\d{1,2}(周)?/gi,
];

/** A number as people write it: sign, currency, thousands separators, decimals, unit (万, 亿, k, M, %, …). */
const NUMBER =
  /([+\-−])?\s?([¥￥$])?\s?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s?(%|％|个百分点|percentage points?|万|亿|百万|千|k\b|K\b|M\b|million|thousand|bn|billion)?/g;

const SCALE: Record<string, number> = {
  万: 1e4,
  亿: 1e8,
  百万: 1e6,
  千: 1e3,
  k: 1e3,
  K: 1e3,
  thousand: 1e3,
  M: 1e6,
  million: 1e6,
  bn: 1e9,
  billion: 1e9,
};

const KPI_NAMES: Record<AnyKpiKey, RegExp> = {
  revenue: /销售额|营收|收入|营业额|revenue|sales\b/i,
  orders: /订单|单量|orders?\b/i,
  units: /销量|件数|售出|units?\b/i,
  averageOrderValue: /客单价|average order value|\bAOV\b|order value/i,
  refunds: /退款金额|退款额|refunds?\b(?!\s+lines?)|refunded/i,
  refundLines: /退款笔数|退款单数|refund lines?/i,
  returnRate: /退货率|退款率|return rate|refund rate/i,
};
const UP =
  /增长|上升|提升|上涨|增加|回升|走高|大涨|暴涨|\brose\b|\bgrew\b|\bincreased?\b|\bup\b|\bhigher\b|\bgains?\b|\bclimbed\b|\bjumped\b/i;
const DOWN =
  /下降|下滑|减少|下跌|回落|走低|暴跌|大跌|\bfell\b|\bdropped\b|\bdeclined?\b|\bdecreased?\b|\bdown\b|\blower\b|\bslipped\b|\bslumped\b|\bplunged\b/i;

function allowedFigures(m: SalesMetrics): Allowed {
  const amounts: Figure[] = [];
  const percents: Figure[] = [];
  const pct = (ratio: number | null, label: string) => {
    if (ratio !== null) percents.push({ value: Math.abs(ratio * 100), label });
  };
  const pair = (current: number, previous: number, label: string) => {
    amounts.push(
      { value: current, label },
      { value: previous, label: `${label}, last week` },
      { value: Math.abs(current - previous), label: `${label}, change` },
    );
  };
  for (const [key, k] of kpisOf(m)) {
    if (KPI_KIND[key] === 'ratio') {
      // A rate is written as a percentage: 3.2%, and its change in points.
      percents.push(
        { value: k.current * 100, label: key },
        { value: k.previous * 100, label: `${key}, last week` },
        { value: Math.abs(k.current - k.previous) * 100, label: `${key}, change in points` },
      );
    } else {
      pair(k.current, k.previous, key);
    }
    pct(k.changeRatio, `${key} change`);
  }
  for (const w of m.trend ?? [])
    amounts.push(
      { value: w.revenue, label: `revenue, week of ${w.start}` },
      { value: w.orders, label: `orders, week of ${w.start}` },
    );
  for (const { dimension, rows } of breakdownsOf(m)) {
    for (const r of rows) {
      pair(r.revenue, r.previousRevenue, `${dimension} ${r.name} revenue`);
      pct(r.changeRatio, `${dimension} ${r.name} change`);
      percents.push({ value: r.share * 100, label: `${dimension} ${r.name} share` });
    }
  }
  for (const p of m.topProducts) {
    pair(p.revenue, p.previousRevenue, `${p.product} revenue`);
    amounts.push({ value: p.units, label: `${p.product} units` });
    pct(p.changeRatio, `${p.product} change`);
  }
  for (const mover of [...m.risers, ...m.fallers]) {
    pair(mover.revenue, mover.previousRevenue, `${mover.product} revenue`);
    pct(mover.previousRevenue === 0 ? null : mover.delta / mover.previousRevenue, `${mover.product} change`);
  }
  for (const d of m.revenueByDay) pair(d.revenue, d.previousRevenue, `revenue on ${d.date}`);
  const q = m.dataQuality;
  amounts.push(
    { value: q.dataRows, label: 'rows read' },
    { value: q.skippedRows, label: 'rows skipped' },
    { value: q.rowsInWindow, label: 'rows in the two weeks' },
  );
  if (q.dataRows > 0) percents.push({ value: (q.skippedRows / q.dataRows) * 100, label: 'rows skipped, share' });
  return { amounts, percents };
}

export interface FigureProblem {
  /** Where in the report: "headline", "kpiCommentary.revenue", "highlights[1]". */
  field: string;
  /** The figure as the model wrote it, or the sentence whose direction is wrong. */
  written: string;
  reason: string;
}

/** Every text field of the report with its path. */
function textsOf(report: WeeklySalesReport): [string, string][] {
  return [
    ['headline', report.headline],
    ['summary', report.summary],
    ...KPI_KEYS.map((k) => [`kpiCommentary.${k}`, report.kpiCommentary[k]] as [string, string]),
    ...report.highlights.map((t, i) => [`highlights[${i}]`, t] as [string, string]),
    ...report.risks.map((t, i) => [`risks[${i}]`, t] as [string, string]),
    ...report.recommendations.flatMap((r, i) => [
      [`recommendations[${i}].action`, r.action] as [string, string],
      [`recommendations[${i}].rationale`, r.rationale] as [string, string],
    ]),
    ...report.dataQualityNotes.map((t, i) => [`dataQualityNotes[${i}]`, t] as [string, string]),
  ];
}

function closest(figures: Figure[], value: number): Figure | undefined {
  return figures.reduce<Figure | undefined>(
    (best, f) => (!best || Math.abs(f.value - value) < Math.abs(best.value - value) ? f : best),
    undefined,
  );
}

/**
 * Checks every figure in the model's words against the computed metrics: each amount, count and percentage must be
 * one of them (or a difference or share they hold) as rounded in the text, and a direction word next to a KPI must
 * agree with the sign of its change. What is wrong is said so the model can fix it.
 */
export function checkFigures(report: WeeklySalesReport, metrics: SalesMetrics): FigureProblem[] {
  const allowed = allowedFigures(metrics);
  const entities = entitiesOf(metrics);
  const namesWithDigits = [...new Set(entities.map((e) => e.name).filter((name) => /\d/.test(name)))].sort(
    (a, b) => b.length - a.length,
  );
  const problems: FigureProblem[] = [];
  for (const [field, original] of textsOf(report)) {
    for (const sentence of original.split(/[。；;!?！？\n]|\.(?=\s|$)/)) {
      const subject = subjectOf(field, sentence, metrics, entities);
      let text = sentence;
      // Names are not figures: "充电宝 20000mAh", "咖啡豆 250g".
      for (const name of namesWithDigits) text = text.replaceAll(name, ' ');
      for (const pattern of NOT_FIGURES) text = text.replace(pattern, ' ');
      for (const match of text.matchAll(NUMBER)) {
        // The sign of a change is judged with the direction words below.
        const [written, , currency, whole, fraction, unit] = match;
        const decimals = fraction ? fraction.length - 1 : 0;
        const number = Number(`${whole!.replaceAll(',', '')}${fraction ?? ''}`);
        const isPercent = unit !== undefined && /%|％|百分点|percentage/.test(unit);
        const scale = unit && !isPercent ? (SCALE[unit] ?? 1) : 1;
        // Small plain integers count things ("top 3", "2 regions"), and are not checked as figures.
        if (!isPercent && !currency && scale === 1 && !fraction && number <= 12 && !whole!.includes(',')) continue;
        const value = number * scale;
        // What the text's rounding allows: half a unit of its last digit (98.8万: ± 500; 6.3%: ± 0.05).
        const tolerance = 0.5 * 10 ** -decimals * scale + 1e-9;
        // A percentage in a sentence about one KPI, product, category, region or channel is that one's change
        // (or share); elsewhere any of the report's percentages.
        const pool = isPercent ? (subject ? subject.percents : allowed.percents) : allowed.amounts;
        if (!pool.some((f) => Math.abs(Math.abs(f.value) - value) <= tolerance)) {
          const near = closest(pool, value);
          problems.push({
            field,
            written: written.trim(),
            reason: `is not one of the report's figures${near ? ` (closest: ${near.label} = ${round(near.value)}${isPercent ? '%' : ''})` : ''}`,
          });
        }
      }
      if (!subject || subject.ratio === null || Math.abs(subject.ratio) < 0.0005) continue;
      const says = directionOf(sentence);
      const went = subject.ratio > 0 ? 'up' : 'down';
      if (says && says !== went) {
        problems.push({
          field,
          written: sentence.trim(),
          reason: `says ${subject.name} went ${says}, but it went ${went} ${round(subject.ratio * 100)}%`,
        });
      }
    }
  }
  return problems;
}

/** Products, categories, regions and channels, with their week-over-week change. */
interface Subject {
  name: string;
  ratio: number | null;
  /** The percentages a sentence about it may state: its change, and its share of revenue. */
  percents: Figure[];
}

const subject = (name: string, ratio: number | null, share?: number): Subject => ({
  name,
  ratio,
  percents: [
    ...(ratio === null ? [] : [{ value: Math.abs(ratio * 100), label: `${name} change` }]),
    ...(share === undefined ? [] : [{ value: share * 100, label: `${name} share` }]),
  ],
});

function entitiesOf(m: SalesMetrics): Subject[] {
  return [
    ...breakdownsOf(m).flatMap(({ rows }) => rows.map((r) => subject(r.name, r.changeRatio, r.share))),
    ...m.topProducts.map((p) => subject(p.product, p.changeRatio)),
    ...[...m.risers, ...m.fallers].map((p) =>
      subject(p.product, p.previousRevenue === 0 ? null : p.delta / p.previousRevenue),
    ),
  ];
}

/**
 * What a sentence's direction words are about: the one product, category, region or channel it names (its revenue),
 * else the one KPI it names, else its field's KPI. Sentences about several are not judged.
 */
function subjectOf(field: string, sentence: string, metrics: SalesMetrics, entities: Subject[]): Subject | undefined {
  const named = [...new Map(entities.filter((e) => sentence.includes(e.name)).map((e) => [e.name, e])).values()];
  if (named.length > 1) return undefined;
  if (named.length === 1) return named[0];
  const present = kpisOf(metrics);
  const kpis = present.filter(([k]) => KPI_NAMES[k].test(sentence));
  const kpi =
    kpis.length === 1
      ? kpis[0]
      : kpis.length === 0 && field.startsWith('kpiCommentary.')
        ? present.find(([k]) => k === (field.slice('kpiCommentary.'.length) as KpiKey))
        : undefined;
  if (!kpi) return undefined;
  const [key, k] = kpi;
  const about = subject(key, k.changeRatio);
  // A rate's own level is a percentage too: "退货率 3.2%", last week's, and the change in points.
  if (KPI_KIND[key] === 'ratio')
    about.percents.push(
      { value: k.current * 100, label: key },
      { value: k.previous * 100, label: `${key}, last week` },
      { value: Math.abs(k.current - k.previous) * 100, label: `${key}, change in points` },
    );
  return about;
}

/** "up" or "down" when the sentence says only one of them (or a signed percentage does). */
function directionOf(sentence: string): 'up' | 'down' | undefined {
  const up = UP.test(sentence) || /\+\s?\d+(\.\d+)?\s?%/.test(sentence);
  const down = DOWN.test(sentence) || /[-−]\s?\d+(\.\d+)?\s?%/.test(sentence);
  return up === down ? undefined : up ? 'up' : 'down';
}

function round(x: number): string {
  return (Math.round(x * 100) / 100).toLocaleString('en-US');
}
