import {
  breakdownsOf,
  kpisOf,
  periodKindOf,
  previousShareOf,
  type AnyKpiKey,
  type Attainment,
  type SalesMetrics,
  type TargetKpiKey,
} from '../sales/metrics';
import type { Locale } from './prompts';
import { formatKpi, formatMoney, formatNumber, formatPoints, formatRatio, formatShare } from './render/format';
import { labelsFor } from './render/labels';
import { lastYearText, noYearAgoNote, targetBasisLine, targetLine } from './render/comparisons';

/**
 * The figures the model may cite, written exactly as the email prints them: what makes it easy for the model to be
 * right, and what the fact check accepts.
 */
export function figureSheet(m: SalesMetrics, locale: Locale): string {
  const l = labelsFor(locale, periodKindOf(m));
  const money = (x: number) => formatMoney(x, m.currency, locale);
  const value = (key: AnyKpiKey, x: number) => formatKpi(key, x, m.currency, locale);
  const share = (x: number) => formatShare(x, locale);
  const lines = kpisOf(m).map(([key, k]) => {
    return (
      `- ${l.kpi[key]}: ${l.thisWeek} ${value(key, k.current)}, ${l.lastWeek} ${value(key, k.previous)}, ${l.change} ${formatRatio(k.changeRatio, locale)}` +
      lastYearText(k.lastYear, k.yoyChangeRatio, (x) => value(key, x), l)
    );
  });
  lines.push(...noYearAgoNote(m, l).map((note) => `- ${note}`));
  lines.push(...targetLines(m, locale));
  for (const w of m.trend ?? [])
    lines.push(
      w.revenue === null || w.orders === null
        ? `- ${l.trend} ${w.start} – ${w.end}: ${l.noData}`
        : `- ${l.trend} ${w.start} – ${w.end}: ${l.kpi.revenue} ${money(w.revenue)}, ${l.kpi.orders} ${formatNumber(w.orders, locale)}`,
    );
  for (const { rows } of breakdownsOf(m)) {
    for (const r of rows) {
      const previousShare = previousShareOf(r, rows);
      lines.push(
        `- ${r.name}: ${money(r.revenue)} (${l.share} ${share(r.share)}, ${l.lastWeek} ${share(previousShare)}, ` +
          `${formatPoints((r.share - previousShare) * 100, locale)}; ${l.change} ${formatRatio(r.changeRatio, locale)}` +
          `${lastYearText(r.lastYearRevenue, r.yoyChangeRatio, money, l)})`,
      );
    }
  }
  for (const p of m.topProducts.slice(0, 5)) {
    lines.push(
      `- ${p.product}: ${money(p.revenue)}, ${formatNumber(p.units, locale)} (${l.change} ${formatRatio(p.changeRatio, locale)})`,
    );
  }
  return lines.join('\n');
}

/** Each target with its attainment, gap and (monthly) pace, as the email prints it. */
function targetLines(m: SalesMetrics, locale: Locale): string[] {
  const t = m.targets;
  if (!t) return [];
  const l = labelsFor(locale, periodKindOf(m));
  const money = (x: number) => formatMoney(x, m.currency, locale);
  return [
    `- ${targetBasisLine(t, l)}`,
    ...(Object.entries(t.kpis) as [TargetKpiKey, Attainment][]).map(
      ([key, a]) => `- ${l.kpi[key]}: ${targetLine(a, t.basis, (x) => formatKpi(key, x, m.currency, locale), l)}`,
    ),
    ...t.breakdowns.map((b) => `- ${b.name}: ${targetLine(b, t.basis, money, l)}`),
  ];
}
