import {
  monthEndProjection,
  type Attainment,
  type Breakdown,
  type SalesMetrics,
  type Targets,
} from '../../sales/metrics';
import { formatMoney, formatPeriod, formatRatio, formatShare } from './format';
import type { Labels } from './labels';

/**
 * The report's comparisons beyond last week, each written once for the email, its text part, the workbook and the
 * figures the model is given: the same week last year, and the targets.
 */

/** "; 去年同期 ¥783,324, 同比 +38.6%", or nothing where the source does not reach back a year. */
export function lastYearText(
  lastYear: number | undefined,
  ratio: number | null | undefined,
  write: (x: number) => string,
  l: Labels,
): string {
  return lastYear === undefined
    ? ''
    : `; ${l.lastYear} ${write(lastYear)}, ${l.yoy} ${formatRatio(ratio ?? null, l.locale)}`;
}

/** Why there is no year-over-year comparison, when the source does not reach back to that week. */
export function noYearAgoNote(m: SalesMetrics, l: Labels): string[] {
  return m.yearAgo && !m.yearAgo.available ? [l.noYearAgo(formatPeriod(m.yearAgo.period, l.locale, true))] : [];
}

/** The target set for one region / channel / category, if any. */
export function breakdownTarget(m: SalesMetrics, dimension: Breakdown, name: string) {
  return m.targets?.breakdowns.find((b) => b.dimension === dimension && b.name === name);
}

/**
 * One target as a reader meets it, the one wording for the email, its text part and the figures the model is given:
 * "月目标 ¥3,000,000 · 本月累计 ¥1,250,000 · 达成率 41.7% · 进度 96.2% · 差距 ¥1,750,000".
 */
export function targetLine(a: Attainment, basis: Targets['basis'], write: (x: number) => string, l: Labels): string {
  const parts = [`${l.targetOf(basis)} ${write(a.target)}`];
  if (basis === 'month') parts.push(`${l.monthToDate} ${write(a.actual)}`);
  parts.push(`${l.attainment} ${formatShare(a.attainment, l.locale)}`);
  if (a.expected !== undefined && a.pace !== undefined)
    parts.push(`${l.expectedToDate} ${write(a.expected)}`, `${l.pace} ${formatShare(a.pace, l.locale)}`);
  parts.push(a.gap >= 0 ? `${l.gap} ${write(a.gap)}` : `${l.overTarget} ${write(-a.gap)}`);
  return parts.join(' · ');
}

/** What the targets are measured on: said once under the KPI table and in the workbook. */
export function targetBasisLine(t: Targets, l: Labels): string {
  return l.targetBasis(t.basis, `${t.range.start} – ${t.range.end}`, t.through, t.daysElapsed, t.daysInPeriod);
}

/** A month to date's line on where the month is heading (monthEndProjection), or nothing for other periods. */
export function projectionNote(m: SalesMetrics, l: Labels): string[] {
  const p = monthEndProjection(m);
  if (!p) return [];
  const money = (x: number) => formatMoney(x, m.currency, l.locale, 0);
  return [l.projection(money(p.revenuePerDay), p.daysElapsed, money(p.projectedRevenue), p.daysInMonth)];
}

/** One line of a split report's standing: among whom, its place, their average and how far it is from it. */
export interface StandingRow {
  among: string;
  rank: number;
  average: number;
  /** Its revenue against the average, as a ratio (+0.12 = 12 % above); null when the average is 0. */
  versus: number | null;
}

/** A split report's standing (a store among its region's stores, then among all), for the email, text and workbook. */
export function standingRows(m: SalesMetrics, l: Labels): StandingRow[] {
  const s = m.standing;
  if (!s || s.of < 2) return [];
  const revenue = m.kpis.revenue.current;
  const row = (among: string, r: { rank: number; average: number }): StandingRow => ({
    among,
    rank: r.rank,
    average: r.average,
    versus: r.average === 0 ? null : revenue / r.average - 1,
  });
  return [
    ...(s.region && s.region.of > 1 && s.region.of < s.of
      ? [row(l.rankedAmong(s.field, s.region.of, s.region.name), s.region)]
      : []),
    row(l.rankedAmong(s.field, s.of), s),
  ];
}
