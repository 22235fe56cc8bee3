import type { Narrative } from '../schemas/narrative.schema';
import type { Locale } from './locale';
import type { PeriodKind } from '../sales/dates';
import { labelsFor } from './render/labels';

/**
 * Why the model's words were not printed, one true reason each: the model could not be reached; the server refused
 * the request (its words kept, and whether it will recur); the answer was cut at the token limit; it broke the
 * schema; it was in another language; its claims stayed false; it was no prose at all.
 */
export const WITHHELD_CAUSES = [
  'model-unreachable',
  'request-refused',
  'cut-off',
  'schema',
  'language',
  'claims',
  'junk',
] as const;
export type WithheldCause = (typeof WITHHELD_CAUSES)[number];

/** What ops read in the alert's first line: what happened, in a few words. */
export const WITHHELD_FOR_OPS: Record<WithheldCause, string> = {
  'model-unreachable': 'the model could not be reached',
  'request-refused': 'the model server refused the request',
  'cut-off': "the model's answers were cut off at the token limit",
  schema: "the model's answers did not fit the report's schema",
  language: "the model wrote in another language than the report's",
  claims: "the model's words stated what the figures do not bear out",
  junk: 'the model wrote no usable text',
};

const AFTER: Record<Locale, string> = {
  'zh-CN': '以下数据均由系统计算，运维已收到通知。',
  'en-US': 'every number below is computed by the system, and operations have been told.',
};

/** What the reader is told, true to the cause: "did not pass the figure check" only when that is what happened. */
const NOTE: Record<Locale, Record<WithheldCause, string>> = {
  'zh-CN': {
    'model-unreachable': '本期模型未能响应，暂无文字解读；',
    'request-refused': '本期模型服务拒绝了撰写请求，暂无文字解读；',
    'cut-off': '本期模型的回答不完整，暂无文字解读；',
    schema: '本期模型的回答格式无法使用，暂无文字解读；',
    language: '本期模型未用简体中文撰写，文字解读已被撤下；',
    claims: '本期由模型撰写的文字解读未通过数字核对，已被撤下；',
    junk: '本期模型没有写出可用的文字，文字解读已被撤下；',
  },
  'en-US': {
    'model-unreachable': 'The model did not answer this time, so there is no written commentary; ',
    'request-refused': 'The model server refused the request this time, so there is no written commentary; ',
    'cut-off': "The model's answer was incomplete this time, so there is no written commentary; ",
    schema: "The model's answer could not be used this time, so there is no written commentary; ",
    language: 'The model did not write in English this time, so its commentary was withheld; ',
    claims: "This report's written commentary did not pass the figure check and was withheld; ",
    junk: 'The model wrote no usable commentary this time, so none is shown; ',
  },
};

const HEADLINE: Record<Locale, (title: string) => string> = {
  'zh-CN': (title) => `${title}（仅数据，文字解读暂缺）`,
  'en-US': (title) => `${title} (figures only, commentary withheld)`,
};

/** The note the reader gets in place of the words, for `cause`. */
export function withheldNote(locale: Locale, cause: WithheldCause): string {
  return NOTE[locale][cause] + AFTER[locale];
}

/**
 * The words that go out when the model's are not printed: a one-line note in place of the narrative, so the report
 * still arrives at its time with the numbers (which come from code) and nothing unchecked. The headline is the
 * report's own title (its split value too) when given; the note is said once, and no section is left empty.
 */
export function withheldNarrative(
  locale: Locale,
  period: PeriodKind = 'week',
  cause: WithheldCause = 'claims',
  title: string = labelsFor(locale, period).reportTitle,
): Narrative {
  const note = withheldNote(locale, cause);
  return {
    headline: HEADLINE[locale](title),
    summary: note,
    kpiCommentary: { revenue: '—', orders: '—', units: '—', averageOrderValue: '—' },
    highlights: [],
    risks: [],
    recommendations: [],
    dataQualityNotes: [],
  };
}
