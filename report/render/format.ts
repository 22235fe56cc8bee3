import type { Locale } from '../prompts';

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
