import { wallClockInZone } from '../sales/dates';
import type { Config } from '../config/config';

/**
 * What marks a message as sent by a program, so mail systems treat it as one: RFC 3834's Auto-Submitted (auto-replies
 * and out-of-office notices are not sent back to it) and Exchange / Outlook's own suppression header.
 */
export const AUTOMATED_HEADERS = {
  'Auto-Submitted': 'auto-generated',
  'X-Auto-Response-Suppress': 'All',
} as const;

/** The headers every message of the product carries, with Reply-To when configured. */
export function automatedMessage(
  config: Config,
  now: Date,
): { headers: Record<string, string>; replyTo?: string; date: string } {
  return {
    headers: { ...AUTOMATED_HEADERS },
    ...(config.email.replyTo && { replyTo: config.email.replyTo }),
    date: rfc2822Date(now, config.report.timezone),
  };
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** The Date header as the reader's clock shows it: "Fri, 20 Nov 2026 09:00:05 +0800" in Asia/Shanghai. */
export function rfc2822Date(instant: Date, timeZone: string): string {
  const clock = wallClockInZone(instant, timeZone);
  const offset = Math.round(clock.offsetMs / 60_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const sign = offset < 0 ? '-' : '+';
  const weekday = WEEKDAYS[new Date(Date.UTC(clock.year, clock.month - 1, clock.day)).getUTCDay()];
  return (
    `${weekday}, ${clock.day} ${MONTHS[clock.month - 1]} ${clock.year} ` +
    `${pad(clock.hour)}:${pad(clock.minute)}:${pad(clock.second)} ` +
    `${sign}${pad(Math.floor(Math.abs(offset) / 60))}${pad(Math.abs(offset) % 60)}`
  );
}
