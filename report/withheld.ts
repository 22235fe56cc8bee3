import type { WeeklySalesReport } from '../schemas/weekly-sales-report.schema';
import type { Locale } from './prompts';
import type { PeriodKind } from '../sales/dates';
import { labelsFor } from './render/labels';

const NOTE: Record<Locale, { headline: (title: string) => string; note: string }> = {
  'zh-CN': {
    headline: (title) => `${title}（仅数据，文字解读暂缺）`,
    note: '本期由模型撰写的文字解读未通过数字核对，已被撤下；以下数据均由系统计算，运维已收到通知。',
  },
  'en-US': {
    headline: (title) => `${title} (figures only, commentary withheld)`,
    note: "This report's written commentary did not pass the figure check and was withheld; every number below is computed by the system, and operations have been told.",
  },
};

/**
 * The words that go out when the model's stay wrong: a one-line note in place of the narrative, so the report still
 * arrives at its time with the numbers (which come from code) and nothing unchecked.
 */
export function withheldNarrative(locale: Locale, period: PeriodKind = 'week'): WeeklySalesReport {
  const { headline, note } = NOTE[locale];
  return {
    headline: headline(labelsFor(locale, period).reportTitle),
    summary: note,
    kpiCommentary: { revenue: '—', orders: '—', units: '—', averageOrderValue: '—' },
    highlights: [note],
    risks: [],
    recommendations: [],
    dataQualityNotes: [],
  };
}
