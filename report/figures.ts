import {
  breakdownsOf,
  KPI_KIND,
  kpisOf,
  previousShareOf,
  type AnyKpiKey,
  type Attainment,
  type SalesMetrics,
  type TargetKpiKey,
} from '../sales/metrics';
import { formatRatio } from './render/format';

/**
 * Every figure the report knows, each in its role, so a number in the words is checked as what it claims to be:
 * whose figure (subject), of which period, and in which unit. Derived figures a reader works out are here too:
 * differences, last week's shares and their change in points, multiples of last week, the trend weeks.
 */
export type FigureUnit = 'money' | 'count' | 'percent' | 'points' | 'ratio';

/**
 * `current` this week, `previous` last week, `change` between them, `other` a day or a trend week; `yearAgo` the
 * same week a year earlier and `yoy` the change from it (only a year-over-year sentence cites them); `target` a
 * target, its attainment, gap and pace (only a sentence about the target cites them).
 */
export type FigurePeriod = 'current' | 'previous' | 'change' | 'other' | 'yearAgo' | 'yoy' | 'target';

/** Whose figure: a KPI, a named region / channel / category / product, or the data's own quality. */
export type Subject = { kind: 'kpi'; key: AnyKpiKey } | { kind: 'entity'; name: string } | { kind: 'data' };

export interface Figure {
  value: number;
  unit: FigureUnit;
  period: FigurePeriod;
  subject: Subject;
  /** For people and the model: "revenue, last week", "华东 share". */
  label: string;
  /** A day's figure (or a trend span's, by its first day): a sentence naming another day cannot cite it. */
  date?: string;
  /** A share of the total: what a share said in words (过半, a third) must be. */
  share?: true;
  /** A percentage as the email prints it (one rounding rule: render/format.ts), when that can differ from `value`. */
  shown?: number;
}

/** A ratio as the email prints it, in percent: 0.2935 is "29.4%" there, whatever 29.347 % it was computed from. */
function percentShown(ratio: number): number {
  return Math.abs(Number(formatRatio(ratio, 'en-US').replace(/[^\d.-]/g, '')));
}

export function subjectName(s: Subject): string {
  return s.kind === 'kpi' ? s.key : s.kind === 'entity' ? s.name : 'data quality';
}

export function sameSubject(a: Subject, b: Subject): boolean {
  return subjectName(a) === subjectName(b) && a.kind === b.kind;
}

/** Level this week and last, the difference, the change in %, and the multiple of last week. */
function pairOf(
  subject: Subject,
  unit: 'money' | 'count',
  current: number,
  previous: number,
  name: string,
  changeRatio: number | null = previous === 0 ? null : (current - previous) / previous,
): Figure[] {
  const figures: Figure[] = [
    { value: current, unit, period: 'current', subject, label: name },
    { value: previous, unit, period: 'previous', subject, label: `${name}, last week` },
    { value: Math.abs(current - previous), unit, period: 'change', subject, label: `${name}, change` },
  ];
  if (changeRatio !== null) {
    figures.push(
      {
        value: changeRatio * 100,
        unit: 'percent',
        period: 'change',
        subject,
        label: `${name} change`,
        shown: percentShown(changeRatio),
      },
      { value: 1 + changeRatio, unit: 'ratio', period: 'change', subject, label: `${name} as a multiple of last week` },
    );
  }
  return figures;
}

/** The same week last year, the difference, the change in % and the multiple: figures of year-over-year sentences. */
function yearAgoOf(
  subject: Subject,
  unit: 'money' | 'count',
  current: number,
  lastYear: number,
  name: string,
  /** The change as the report stores and prints it (rounded), when it has it. */
  stored?: number | null,
): Figure[] {
  const figures: Figure[] = [
    { value: lastYear, unit, period: 'yearAgo', subject, label: `${name}, same week last year` },
    { value: Math.abs(current - lastYear), unit, period: 'yoy', subject, label: `${name}, change on last year` },
  ];
  if (lastYear !== 0) {
    const r = (current - lastYear) / lastYear;
    figures.push(
      {
        value: r * 100,
        unit: 'percent',
        period: 'yoy',
        subject,
        label: `${name} change on last year`,
        shown: percentShown(stored ?? r),
      },
      { value: 1 + r, unit: 'ratio', period: 'yoy', subject, label: `${name} as a multiple of last year` },
    );
  }
  return figures;
}

/** A target and how far the figure has come: figures of sentences about the target. */
function attainmentOf(subject: Subject, unit: 'money' | 'count', a: Attainment, name: string): Figure[] {
  const figures: Figure[] = [
    { value: a.target, unit, period: 'target', subject, label: `${name} target` },
    { value: a.actual, unit, period: 'target', subject, label: `${name} against the target` },
    { value: a.attainment * 100, unit: 'percent', period: 'target', subject, label: `${name} attainment` },
    {
      value: Math.abs(a.gap),
      unit,
      period: 'target',
      subject,
      label: `${name} ${a.gap >= 0 ? 'short of' : 'over'} the target`,
    },
  ];
  if (a.expected !== undefined && a.pace !== undefined)
    figures.push(
      { value: a.expected, unit, period: 'target', subject, label: `${name} target to date (pro rata)` },
      {
        value: a.pace * 100,
        unit: 'percent',
        period: 'target',
        subject,
        label: `${name} pace against the target to date`,
      },
      {
        value: Math.abs(a.pace - 1) * 100,
        unit: 'percent',
        period: 'target',
        subject,
        label: `${name} ${a.pace >= 1 ? 'ahead of' : 'behind'} pace`,
      },
    );
  return figures;
}

export function figureBook(m: SalesMetrics): Figure[] {
  const figures: Figure[] = [];
  for (const [key, a] of Object.entries(m.targets?.kpis ?? {}) as [TargetKpiKey, Attainment][])
    figures.push(...attainmentOf({ kind: 'kpi', key }, KPI_KIND[key] as 'money' | 'count', a, key));
  for (const b of m.targets?.breakdowns ?? [])
    figures.push(...attainmentOf({ kind: 'entity', name: b.name }, 'money', b, `${b.dimension} ${b.name} revenue`));
  if (m.monthToDate && m.targets?.basis === 'month') {
    // The month to date a monthly target is measured on, as a reader of the target's line sees it.
    const mtd = m.monthToDate;
    for (const key of ['revenue', 'orders', 'units'] as const)
      figures.push({
        value: mtd[key],
        unit: KPI_KIND[key],
        period: 'target',
        subject: { kind: 'kpi', key },
        label: `${key}, month to date`,
      });
  }
  for (const [key, k] of kpisOf(m)) {
    const subject: Subject = { kind: 'kpi', key };
    if (KPI_KIND[key] === 'ratio') {
      // A rate is written as a percentage, its change in points or as a relative change.
      figures.push(
        { value: k.current * 100, unit: 'percent', period: 'current', subject, label: key },
        { value: k.previous * 100, unit: 'percent', period: 'previous', subject, label: `${key}, last week` },
        {
          value: (k.current - k.previous) * 100,
          unit: 'points',
          period: 'change',
          subject,
          label: `${key}, change in points`,
        },
      );
      if (k.changeRatio !== null)
        figures.push({
          value: k.changeRatio * 100,
          unit: 'percent',
          period: 'change',
          subject,
          label: `${key} change`,
        });
    } else {
      figures.push(...pairOf(subject, KPI_KIND[key], k.current, k.previous, key, k.changeRatio));
      if (k.lastYear !== undefined)
        figures.push(...yearAgoOf(subject, KPI_KIND[key], k.current, k.lastYear, key, k.yoyChangeRatio));
    }
  }
  const revenue: Subject = { kind: 'kpi', key: 'revenue' };
  const orders: Subject = { kind: 'kpi', key: 'orders' };
  for (const w of m.trend ?? []) {
    // A week before the data starts has no figure: a claim about it is refused, not matched to ¥0.
    if (w.revenue === null || w.orders === null) continue;
    // The trend's spans that are the period or the one compared with carry the same figures in the same periods.
    const period = w.start === m.period.start ? 'current' : w.start === m.previousPeriod.start ? 'previous' : 'other';
    figures.push(
      {
        value: w.revenue,
        unit: 'money',
        period,
        subject: revenue,
        label: `revenue, ${w.start} – ${w.end}`,
        date: w.start,
      },
      {
        value: w.orders,
        unit: 'count',
        period,
        subject: orders,
        label: `orders, ${w.start} – ${w.end}`,
        date: w.start,
      },
    );
  }
  // A daily flash's one day is its period: its figures keep their periods (yesterday's is not the same day last week's).
  const oneDay = m.period.start === m.period.end;
  for (const d of m.revenueByDay) {
    figures.push(
      {
        value: d.revenue,
        unit: 'money',
        period: oneDay ? 'current' : 'other',
        subject: revenue,
        label: `revenue on ${d.date}`,
        date: d.date,
      },
      {
        value: d.previousRevenue,
        unit: 'money',
        period: oneDay ? 'previous' : 'other',
        subject: revenue,
        label: `revenue on the day ${d.date} is compared with`,
        date: d.date,
      },
    );
  }
  for (const { dimension, rows } of breakdownsOf(m)) {
    for (const r of rows) {
      const subject: Subject = { kind: 'entity', name: r.name };
      const previousShare = previousShareOf(r, rows);
      figures.push(
        ...pairOf(subject, 'money', r.revenue, r.previousRevenue, `${dimension} ${r.name} revenue`, r.changeRatio),
        ...(r.lastYearRevenue === undefined
          ? []
          : yearAgoOf(
              subject,
              'money',
              r.revenue,
              r.lastYearRevenue,
              `${dimension} ${r.name} revenue`,
              r.yoyChangeRatio,
            )),
        {
          value: r.share * 100,
          unit: 'percent',
          period: 'current',
          subject,
          label: `${dimension} ${r.name} share`,
          share: true,
          shown: percentShown(r.share),
        },
        {
          value: previousShare * 100,
          unit: 'percent',
          period: 'previous',
          subject,
          label: `${dimension} ${r.name} share, last week`,
          share: true,
        },
        {
          value: (r.share - previousShare) * 100,
          unit: 'points',
          period: 'change',
          subject,
          label: `${dimension} ${r.name} share, change in points`,
        },
      );
    }
  }
  for (const p of m.topProducts) {
    const subject: Subject = { kind: 'entity', name: p.product };
    figures.push(...pairOf(subject, 'money', p.revenue, p.previousRevenue, `${p.product} revenue`, p.changeRatio), {
      value: p.units,
      unit: 'count',
      period: 'current',
      subject,
      label: `${p.product} units`,
    });
  }
  for (const mover of [...m.risers, ...m.fallers]) {
    figures.push(
      ...pairOf(
        { kind: 'entity', name: mover.product },
        'money',
        mover.revenue,
        mover.previousRevenue,
        `${mover.product} revenue`,
      ),
    );
  }
  const q = m.dataQuality;
  const data: Subject = { kind: 'data' };
  figures.push(
    { value: q.dataRows, unit: 'count', period: 'other', subject: data, label: 'rows read' },
    { value: q.skippedRows, unit: 'count', period: 'other', subject: data, label: 'rows skipped' },
    { value: q.rowsInWindow, unit: 'count', period: 'other', subject: data, label: 'rows in the two weeks' },
  );
  if (q.dataRows > 0)
    figures.push({
      value: (q.skippedRows / q.dataRows) * 100,
      unit: 'percent',
      period: 'other',
      subject: data,
      label: 'rows skipped, share',
    });
  return figures;
}

/** The names the words may use for each subject: breakdown values and products, longest first. */
export function entityNames(m: SalesMetrics): string[] {
  const names = new Set<string>();
  for (const { rows } of breakdownsOf(m)) for (const r of rows) names.add(r.name);
  for (const p of [...m.topProducts, ...m.risers, ...m.fallers]) names.add(p.product);
  return [...names].filter((n) => n.trim() !== '').sort((a, b) => b.length - a.length);
}
