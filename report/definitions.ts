import { DEFAULT_SOURCE, type Config } from '../config/config';
import { WHOLE, type Slicing } from '../sales/slices';
import type { PeriodKind } from '../sales/dates';
import type { Locale } from './locale';
import type { ReportRef } from '../store/archive';
import { labelsFor, reportTitleOf } from './render/labels';
import { addDays, dateInZone, type IsoDate } from '../sales/dates';
import { firesOn, type ServedSchedule } from './schedule-calendar';

/** One report as the config defines it (config `reports`), its defaults filled in. */
export interface ReportDefinition {
  id: string;
  title: string;
  /** What it covers: yesterday (a daily flash), the week, or the month to date (sales/dates.ts reportWindows). */
  period: PeriodKind;
  /** Its language: prompts, words, email, workbook and archive page. */
  locale: Locale;
  slicing: Slicing;
  /** split: each value and who gets its report. */
  splitRecipients?: Record<string, string[]>;
  /** Chat groups that get its card: the report's own (chat), or each split value's (split.chat). */
  chat: ChatChannelConfig[];
  splitChat?: Record<string, ChatChannelConfig[]>;
  to: string[];
  cc: string[];
  bcc: string[];
  /** The currency its figures are in (ISO 4217): reports[].currency, else report.currency. */
  currency: string;
  /** Its own fixed system prompt, prompts/system.<prompt>.<locale>.md; absent: its period's. */
  prompt?: string;
  /** Whether its email is also printed as an A4 PDF, attached and archived (reports[].pdf, else report.pdf). */
  pdf: boolean;
  /** The data source it reads: "data", or a name under config `sources`. */
  source: string;
  /** When it is written (its own reports[].schedule, else schedule.cron) and the zone its report date is in. */
  cron: string;
  timezone: string;
}

/** A chat group as the config names it (reports[].chat). */
export type ChatChannelConfig = NonNullable<NonNullable<Config['reports']>[number]['chat']>[number];

/** The report a config without `reports` writes: the whole source, to email.to. */
export const DEFAULT_REPORT_ID = 'weekly';

/** Every report the config defines, in its order; without `reports`, the one default report. */
export function reportDefinitions(config: Config): ReportDefinition[] {
  const { email, report } = config;
  if (!config.reports)
    return [
      {
        id: DEFAULT_REPORT_ID,
        title: report.title,
        period: 'week',
        locale: report.locale,
        slicing: {},
        to: email.to,
        cc: email.cc,
        bcc: email.bcc,
        source: DEFAULT_SOURCE,
        chat: [],
        pdf: report.pdf,
        currency: report.currency,
        cron: config.schedule.cron,
        timezone: report.timezone,
      },
    ];
  return config.reports.map((r) => ({
    id: r.id,
    title: r.title ?? report.title,
    period: r.period,
    locale: r.locale ?? report.locale,
    slicing: {
      ...(r.scope && { scope: r.scope }),
      ...(r.split && { split: r.split.by }),
    },
    ...(r.split && { splitRecipients: r.split.recipients }),
    chat: r.chat ?? [],
    pdf: r.pdf ?? report.pdf,
    ...(r.split?.chat && { splitChat: r.split.chat }),
    to: r.to ?? (r.split ? [] : email.to),
    // A split report holds one value's figures: the configured cc (who reads the whole) is not its reader.
    cc: r.cc ?? (r.split ? [] : email.cc),
    bcc: r.bcc ?? (r.split ? [] : email.bcc),
    ...(r.prompt !== undefined && { prompt: r.prompt }),
    currency: r.currency ?? report.currency,
    source: r.source ?? DEFAULT_SOURCE,
    cron: r.schedule?.cron ?? config.schedule.cron,
    timezone: r.schedule?.timezone ?? report.timezone,
  }));
}

/** The report a run writes and its slice, checked: what is wrong is said with what would be right. */
export function resolveReport(
  config: Config,
  id: string | undefined,
  split: string | undefined,
): { definition: ReportDefinition; slice: string } | { problem: string } {
  const all = reportDefinitions(config);
  const definition = id === undefined ? all[0]! : all.find((r) => r.id === id);
  const ids = all.map((r) => JSON.stringify(r.id)).join(', ');
  if (!definition) return { problem: `report ${JSON.stringify(id)} is not defined (reports: ${ids})` };
  const values = Object.keys(definition.splitRecipients ?? {});
  const by = definition.slicing.split;
  if (!by) {
    if (split !== undefined)
      return { problem: `report "${definition.id}" is not split; "split" ${JSON.stringify(split)} has no meaning` };
    return { definition, slice: WHOLE };
  }
  if (split === undefined)
    return {
      problem: `report "${definition.id}" is one report per ${by}: name the value in "split" (one of ${values.join(', ')}), or start the morning's reports to write them all`,
    };
  if (!values.includes(split))
    return {
      problem: `report "${definition.id}" has no ${by} ${JSON.stringify(split)} (its values: ${values.join(', ')}; reports[].split.recipients)`,
    };
  return { definition, slice: split };
}

/** Who one slice of a report goes to. */
export function audienceOf(definition: ReportDefinition, slice: string): { to: string[]; cc: string[]; bcc: string[] } {
  const to = definition.splitRecipients?.[slice] ?? definition.to;
  return { to, cc: definition.cc, bcc: definition.bcc };
}

/** The chat groups a report's (or a split value's) card goes to: only its own, as its email goes only to its readers. */
export function chatChannelsOf(definition: ReportDefinition, slice: string | undefined): ChatChannelConfig[] {
  return slice === undefined || !definition.splitChat ? definition.chat : (definition.splitChat[slice] ?? []);
}

/** Every report and split value the config defines, each a run of its own: what a morning writes. */
export function everyReportSlice(config: Config): ReportRef[] {
  return reportDefinitions(config).flatMap((d) =>
    d.splitRecipients ? Object.keys(d.splitRecipients).map((split) => ({ id: d.id, split })) : [{ id: d.id }],
  );
}

/** The definition a run's report names (absent: the default report, or the first defined). */
export function definitionOf(config: Config, report: ReportRef | undefined): ReportDefinition {
  const all = reportDefinitions(config);
  const found = report ? all.find((d) => d.id === report.id) : all[0];
  if (!found) throw new Error(`report "${report?.id}" is not in this worker's config (reports)`);
  return found;
}

/** A run's report title as its reader sees it: the definition's, in the report's language, with its split value. */
export function titleOf(config: Config, report: ReportRef | undefined): string {
  const definition = definitionOf(config, report);
  const title = reportTitleOf(definition.title, labelsFor(definition.locale, definition.period));
  return report?.split === undefined ? title : `${title} · ${report.split}`;
}

/**
 * The report dates a report is owed for: of the dates asked, or of the last `lookbackDays` in its time zone, those its
 * schedule fires on as the server holds it (a monthly report is owed on the 1st, not every day), not before the
 * schedule existed (a new deployment owes nothing for the days before it), and of today only once it has fired. A
 * schedule the server does not have (never applied, or deleted) owes every day: nothing was there to start them.
 */
export function reportDatesOwed(
  schedule: ServedSchedule | undefined,
  timezone: string,
  now: Date,
  lookbackDays: number,
  asked?: readonly IsoDate[],
): IsoDate[] {
  const today = dateInZone(now, timezone);
  const dates = asked ?? Array.from({ length: lookbackDays }, (_, i) => addDays(today, i - lookbackDays + 1));
  if (!schedule) return [...dates];
  return dates.filter((date) => {
    const first = firesOn(schedule, date).find((at) => !schedule.createdAt || at >= schedule.createdAt);
    return first !== undefined && (asked !== undefined || first <= now);
  });
}

/**
 * The report date a report was last due, and when: the last day of the look-back its schedule fired on (since it
 * exists, and not later than `now`), at its first fire that day. None without a schedule on the server: nothing
 * fires, so nothing is due by its clock (the missed-report check says so instead).
 */
export function lastReportDue(
  schedule: ServedSchedule | undefined,
  timezone: string,
  now: Date,
  lookbackDays: number,
): { reportDate: IsoDate; dueAt: Date } | undefined {
  if (!schedule) return undefined;
  const reportDate = reportDatesOwed(schedule, timezone, now, lookbackDays).at(-1);
  const dueAt =
    reportDate && firesOn(schedule, reportDate).find((at) => !schedule.createdAt || at >= schedule.createdAt);
  return reportDate && dueAt ? { reportDate, dueAt } : undefined;
}

/**
 * The fires of the last `lookbackDays` (since the schedule exists, up to `now`) for which the server took no action:
 * no action scheduled at that time or within `slackSeconds` after it (jitter). The server keeps its last ten actions,
 * so this sees as far back as they reach. A Temporal server that was down across a fire past the catch-up window
 * leaves exactly such a gap.
 */
export function missedFires(
  schedule: ServedSchedule,
  actions: readonly Date[],
  now: Date,
  lookbackDays: number,
  slackSeconds: number,
): Date[] {
  const oldest = actions.length >= 10 ? Math.min(...actions.map((a) => a.getTime())) : -Infinity;
  return (
    reportDatesOwed(schedule, schedule.timezone, now, lookbackDays)
      .flatMap((date) => firesOn(schedule, date))
      // A fire of the last minute may not be acted on yet.
      .filter((at) => at.getTime() <= now.getTime() - 60_000 && (!schedule.createdAt || at >= schedule.createdAt))
      .filter((at) => at.getTime() >= oldest)
      .filter(
        (at) => !actions.some((a) => a.getTime() >= at.getTime() && a.getTime() <= at.getTime() + slackSeconds * 1000),
      )
  );
}
