import { KPI_KIND, type AnyKpiKey } from '../../sales/metrics';
import type { Locale } from '../locale';

export function formatMoney(value: number, currency: string, locale: Locale, maxFractionDigits = 2): string {
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    maximumFractionDigits: maxFractionDigits,
  }).format(value);
}

export function formatNumber(value: number, locale: Locale, fractionDigits = 0): string {
  return new Intl.NumberFormat(locale, {
    maximumFractionDigits: fractionDigits,
    minimumFractionDigits: fractionDigits,
  }).format(value);
}

export function formatRatio(ratio: number | null, locale: Locale): string {
  if (ratio === null) return '—';
  const sign = ratio > 0 ? '+' : '';
  return `${sign}${new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(ratio)}`;
}

/** A figure in a glance (axes, the subject): 92.8万 and 1.2亿 in zh-CN, 927.6K and 1.2M in en-US. */
export function formatCompact(value: number, locale: Locale): string {
  return new Intl.NumberFormat(locale, { notation: 'compact', maximumFractionDigits: 1 }).format(value);
}

/** Money in a glance: ¥92.8万, $927.6K. */
export function formatCompactMoney(value: number, currency: string, locale: Locale): string {
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    notation: 'compact',
    maximumFractionDigits: 1,
  }).format(value);
}

/**
 * A day as its reader writes it: 11月13日（周五） in zh-CN, Fri Nov 13 in en-US; with `year` (a day of another year,
 * such as last year's same day) 2025年11月13日（周四）, Thu Nov 13 2025.
 */
export function formatDay(date: string, locale: Locale, year = false): string {
  const at = new Date(`${date}T00:00:00Z`);
  const part = (options: Intl.DateTimeFormatOptions) =>
    new Intl.DateTimeFormat(locale, { timeZone: 'UTC', ...options }).format(at);
  const y = year ? { year: 'numeric' as const } : {};
  return locale === 'zh-CN'
    ? `${part({ ...y, month: 'long', day: 'numeric' })}（${part({ weekday: 'short' })}）`
    : part({ weekday: 'short', ...y, month: 'short', day: 'numeric' }).replaceAll(',', '');
}

/**
 * A report's period as its reader writes it: a day as a day (12月5日（周六）, Sat Dec 5), more days as the range of
 * their dates. One home for it: subject, body, workbook and the notes all print a period through here.
 */
export function formatPeriod(range: { start: string; end: string }, locale: Locale, year = false): string {
  return range.start === range.end ? formatDay(range.start, locale, year) : `${range.start} – ${range.end}`;
}

/** A day of the report's week on two short lines: "23日\n周一", "Mon\n23". */
export function formatDayShort(date: string, locale: Locale): string {
  const at = new Date(`${date}T00:00:00Z`);
  const weekday = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', weekday: 'short' }).format(at);
  const day = Number(date.slice(8, 10));
  return locale === 'zh-CN' ? `${day}日\n${weekday}` : `${weekday}\n${day}`;
}

/** A month by name, short: 6月, Jun. */
export function formatMonthShort(date: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, { timeZone: 'UTC', month: 'short' }).format(new Date(`${date}T00:00:00Z`));
}

/** A trend week by its first day, as both locales write it short: 10/26. */
export function formatMonthDay(date: string): string {
  return `${Number(date.slice(5, 7))}/${Number(date.slice(8, 10))}`;
}

/** A share or rate (0.032 → 3.2%), without the sign a change carries. */
export function formatShare(ratio: number, locale: Locale): string {
  return formatRatio(ratio, locale).replace(/^\+/, '');
}

/** A change in percentage points: "+0.6个百分点", "+0.6 pts". */
export function formatPoints(points: number, locale: Locale): string {
  const sign = points > 0 ? '+' : points < 0 ? '-' : '';
  const value = new Intl.NumberFormat(locale, { maximumFractionDigits: 1, minimumFractionDigits: 1 }).format(
    Math.abs(points),
  );
  return locale === 'zh-CN' ? `${sign}${value}个百分点` : `${sign}${value} pts`;
}

/** A KPI's value as the email, the workbook's labels and the fact book write it. */
export function formatKpi(
  key: AnyKpiKey,
  value: number,
  currency: string,
  locale: Locale,
  moneyFractionDigits = 2,
): string {
  const kind = KPI_KIND[key];
  return kind === 'money'
    ? formatMoney(value, currency, locale, moneyFractionDigits)
    : kind === 'ratio'
      ? formatShare(value, locale)
      : formatNumber(value, locale);
}

export type Direction = 'up' | 'down' | 'flat' | 'none';

export function direction(ratio: number | null): Direction {
  if (ratio === null) return 'none';
  if (ratio > 0.0005) return 'up';
  if (ratio < -0.0005) return 'down';
  return 'flat';
}

/** Readers in mainland China read red as "up" (as on their stock tickers); elsewhere green is up. */
export function directionColor(d: Direction, locale: Locale): string {
  const upColor = locale === 'zh-CN' ? '#dc2626' : '#16a34a';
  const downColor = locale === 'zh-CN' ? '#16a34a' : '#dc2626';
  return d === 'up' ? upColor : d === 'down' ? downColor : '#6b7280';
}

export const ARROWS: Record<Direction, string> = { up: '▲', down: '▼', flat: '■', none: '' };

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}
