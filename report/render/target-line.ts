import type { Attainment, Targets } from '../../sales/metrics';
import { formatShare } from './format';
import type { Labels } from './labels';

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
