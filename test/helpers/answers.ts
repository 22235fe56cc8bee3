import { metricsFromPrompt, writeDocument } from '../../dev/simulator/report-writer';
import { loadPrompts, type Locale } from '../../report/prompts';
import type { PeriodKind } from '../../sales/dates';
import type { SalesMetrics } from '../../sales/metrics';
import { weeklySalesReportSchema, type WeeklySalesReport } from '../../schemas/weekly-sales-report.schema';

/** The honest answer: what the simulator writes from the facts the prompt lists for `m`, in `locale`. */
export function simulatedAnswer(m: SalesMetrics, locale: Locale, period: PeriodKind = 'week'): WeeklySalesReport {
  return writeDocument(
    weeklySalesReportSchema,
    metricsFromPrompt(loadPrompts(locale, period).userMessage(m)),
    locale === 'zh-CN' ? 'zh' : 'en',
  ) as WeeklySalesReport;
}
