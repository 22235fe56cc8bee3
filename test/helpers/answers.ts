import { metricsFromPrompt, writeDocument } from '../../dev/simulator/report-writer';
import { loadPrompts } from '../../report/prompts';
import type { Locale } from '../../report/locale';
import type { PeriodKind } from '../../sales/dates';
import type { SalesMetrics } from '../../sales/metrics';
import { narrativeSchema, type Narrative } from '../../schemas/narrative.schema';

/** The honest answer: what the simulator writes from the facts the prompt lists for `m`, in `locale`. */
export function simulatedAnswer(m: SalesMetrics, locale: Locale, period: PeriodKind = 'week'): Narrative {
  return writeDocument(
    narrativeSchema,
    metricsFromPrompt(loadPrompts(locale, period).userMessage(m)),
    locale === 'zh-CN' ? 'zh' : 'en',
  ) as Narrative;
}
