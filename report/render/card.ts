import type { Narrative } from '../../schemas/narrative.schema';
import type { SalesMetrics } from '../../sales/metrics';
import { ARROWS, direction, formatKpi, formatRatio, type Direction } from './format';
import type { Labels } from './labels';

/**
 * What a chat card shows of a report, in the reader's locale: the email's subject, the model's headline as the email
 * prints it, the three KPIs with their change, and where the whole report is. Every figure comes from the metrics,
 * formatted as the email formats it; no other words of the model go to a chat.
 */
export interface ReportCard {
  title: string;
  headline: string;
  kpis: { label: string; value: string; change: string; direction: Direction }[];
  /** What the change is against ("上周", "Same day last week"). */
  comparedWith: string;
  /** The report's archive page, and its chart there, when report.archiveUrl says where the archive is served. */
  link?: string;
  imageUrl?: string;
  linkText: string;
}

/** The KPIs a card has room for: the money, the count, and what an order is worth. */
const CARD_KPIS = ['revenue', 'orders', 'averageOrderValue'] as const;

export function reportCard(
  subject: string,
  metrics: SalesMetrics,
  report: Narrative,
  labels: Labels,
  links: { page?: string; chart?: string } = {},
): ReportCard {
  return {
    title: subject,
    headline: report.headline,
    kpis: CARD_KPIS.map((key) => {
      const k = metrics.kpis[key];
      const d = direction(k.changeRatio);
      return {
        label: labels.kpi[key],
        value: formatKpi(key, k.current, metrics.currency, labels.locale, 0),
        change: `${ARROWS[d]} ${formatRatio(k.changeRatio, labels.locale)}`.trim(),
        direction: d,
      };
    }),
    comparedWith: labels.lastWeek,
    ...(links.page && { link: links.page }),
    ...(links.chart && { imageUrl: links.chart }),
    linkText: labels.openReport,
  };
}
