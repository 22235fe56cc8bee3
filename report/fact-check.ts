import type { Narrative } from '../schemas/narrative.schema';
import { KPI_KEYS, kpisOf, periodKindOf, type AnyKpiKey, type KpiKey, type SalesMetrics } from '../sales/metrics';
import type { PeriodKind } from '../sales/dates';
import { entityNames, sameSubject, subjectName, type Figure, type FigureUnit, type Subject } from './figures';
import { normalizeDigits, numbersIn, type WrittenNumber } from './numbers-in-words';
import type { Locale } from './locale';
import { claimMarkersIn, DIMENSION_WORDS, HEDGED } from './claims';
import { qualitativeProblems, round } from './claim-binding';
import { citationsIn, withoutCitations } from './citations';
import { factBook, type FactBook } from './facts';
import { notProse, repeatsAnEarlierItem } from './prose';
import { carriesTheReport, type ClaimProblem } from './claim-problem';

/** How a headline or summary about nothing of this report is refused: words, but no usable text. */
export const RESTS_ON_NO_FACT = 'says nothing of this report';

export interface ClaimCheckOptions {
  /** The report's language: a narrative in another one is refused. Unset: not checked. */
  locale?: Locale;
  /** The fact book, when the caller has it (else built from the metrics in `locale`). */
  facts?: FactBook;
  /** report.flatChangePercent, for a fact book built here. */
  flatPercent?: number;
}

const KPI_NAMES: Record<AnyKpiKey, RegExp> = {
  revenue: /销售额|营收|收入|营业额|GMV|revenue|sales\b/i,
  orders: /订单|单量|orders?\b/i,
  units: /销量|件数|售出|units?\b/i,
  averageOrderValue: /客单价|每单|单均|笔均|average order value|\bAOV\b|order value|per order/i,
  refunds: /退款金额|退款额|refunds?\b(?!\s+lines?)|refunded/i,
  refundLines: /退款笔数|退款单数|refund lines?/i,
  returnRate: /退货率|退款率|return rate|refund rate/i,
};
const SHARE_WORDS = /占比|份额|\bshare\b/i;
const DATA_WORDS = /行数据|行记录|条记录|无法读取|跳过|\brows?\b|\brecords?\b/i;
const TOTAL_WORDS =
  /总|整体|全部|全公司|合计|\btotal\b|\boverall\b|\bcompany\b|\ball (?:regions|channels|categories)\b/i;
/**
 * The comparisons the report computes are week over week, and year over year where the source holds the same week a
 * year earlier: another basis is a claim on figures it does not have.
 */
const YEAR_OVER_YEAR =
  /同比|去年同期|去年|year[- ]over[- ]year|year[- ]on[- ]year|\bYoY\b|(?:versus|vs\.?|than|compared (?:with|to)) last year|a year (?:ago|earlier)/i;
const MONTH_OVER_MONTH =
  /月环比|环比上月|较上月|比上月|上个?月|month[- ]over[- ]month|month[- ]on[- ]month|\bMoM\b|last month/i;
/** A sentence about a target: the only kind that may cite a target, its attainment, gap or pace. */
const TARGET_WORDS =
  /目标|达成|完成率|完成度|进度|本月累计|月累计|本月至今|月初至今|\btargets?\b|attainment|\bgoals?\b|\bquota\b|\bpace\b|month[- ]to[- ]date|\bMTD\b/i;
/**
 * Words of the comparison with the period before (环比: last week, the same weekday a week before, the same days of
 * the month before): a sentence with them and 同比 may cite both.
 */
const WEEK_OVER_WEEK =
  /环比|上周|上一周|前一周|上月|上个月|week[- ]over[- ]week|week[- ]on[- ]week|\bWoW\b|\bMoM\b|last week|previous week|last month|previous month|month[- ]over[- ]month/i;
/** How the reasons name a report's periods, for the model to fix its sentence. */
const PERIOD_NAMES: Record<PeriodKind, Record<'current' | 'previous', string>> = {
  day: { current: "yesterday's", previous: "the same day last week's" },
  week: { current: "this week's", previous: "last week's" },
  month: { current: "this month's", previous: "last month's" },
};

/**
 * The words that name the period reported on (its figures are `current`) and the one compared with (`previous`), by
 * the report's period: 本月 is the current period of a monthly report, but in a weekly one the month to date.
 */
const PERIOD_WORDS: Record<PeriodKind, { current: RegExp; previous: RegExp }> = {
  day: {
    current: /昨日|昨天|当日|yesterday/gi,
    previous: /上周同日|上周同期|上周|上一周|前一周|same day last week|last week|previous week|the week before/gi,
  },
  week: {
    current: /本周|这周|这一周|本星期|this week/gi,
    previous: /上周|上一周|前一周|上个?星期|last week|previous week|prior week|the week before/gi,
  },
  month: {
    current: /本月|当月|这个月|this month/gi,
    previous: /上月同期|上个?月|last month|previous month|the month before/gi,
  },
};
/**
 * Whether a clause names something of the report without a claim: its period ("this week", "本周") or a set of its
 * members ("regions", "渠道"). "Product" alone is not enough: it is every review's word ("a great product").
 */
function namesThisReport(clause: string, kind: PeriodKind): boolean {
  const words = PERIOD_WORDS[kind];
  return (
    new RegExp(words.current.source, 'i').test(clause) ||
    new RegExp(words.previous.source, 'i').test(clause) ||
    (['region', 'channel', 'category'] as const).some((d) => DIMENSION_WORDS[d].test(clause))
  );
}

/** A period word that only names what is compared with ("较上周", "on last week") does not say whose figure it is. */
const COMPARED_WITH =
  /(?:较|比|相比|环比|对比|比起|than|on|from|over|versus|vs\.?|compared (?:with|to)|against)\s*(?:the\s+)?$/i;

const CURRENCY_MARKS: Record<string, RegExp> = {
  CNY: /^(?:¥|￥|CN¥|元|人民币|RMB|CNY|yuan)$/i,
  USD: /^(?:\$|US\$|美元|USD|dollars?)$/i,
  EUR: /^(?:€|欧元|EUR|euros?)$/i,
  GBP: /^(?:£|英镑|GBP)$/i,
};

/** Which figures each kind of written number may be. */
const UNITS_FOR: Record<WrittenNumber['kind'], FigureUnit[]> = {
  percent: ['percent'],
  points: ['points'],
  money: ['money'],
  count: ['count'],
  plain: ['money', 'count'],
  fraction: ['percent'],
  ratio: ['ratio'],
};

/** Every text field of the report that anything prints, with its path. */
function textsOf(report: Narrative): [string, string][] {
  return [
    ['headline', report.headline],
    ['summary', report.summary],
    ...KPI_KEYS.map((k) => [`kpiCommentary.${k}`, report.kpiCommentary[k]] as [string, string]),
    ...report.highlights.map((t, i) => [`highlights[${i}]`, t] as [string, string]),
    ...report.risks.map((t, i) => [`risks[${i}]`, t] as [string, string]),
    ...report.recommendations.flatMap((r, i) => [
      [`recommendations[${i}].action`, r.action] as [string, string],
      [`recommendations[${i}].rationale`, r.rationale] as [string, string],
      [`recommendations[${i}].owner`, r.owner] as [string, string],
    ]),
    ...report.dataQualityNotes.map((t, i) => [`dataQualityNotes[${i}]`, t] as [string, string]),
  ];
}

/**
 * Names stand in the text as one opaque character each, so "爆款！限量礼盒" is neither two sentences nor a
 * number, and a sentence's subject is found by name whatever punctuation or digits the name holds.
 */
class NameMask {
  private readonly names: string[];
  constructor(names: string[]) {
    this.names = names.slice(0, 4000);
  }
  mask(text: string): string {
    let out = text;
    this.names.forEach((name, i) => (out = out.replaceAll(name, String.fromCharCode(0xe000 + i))));
    return out;
  }
  unmask(text: string): string {
    return text.replace(/[\ue000-\uefff]/g, (c) => this.names[c.charCodeAt(0) - 0xe000] ?? c);
  }
  namedIn(text: string): string[] {
    return [...new Set([...text.matchAll(/[\ue000-\uefff]/g)].map((m) => this.names[m[0].charCodeAt(0) - 0xe000]!))];
  }
}

/** Whether the number claims `truth` (a figure's value), as its claim words and rounding say. */
function holds(n: WrittenNumber, truth: number): boolean {
  const t = Math.abs(truth);
  const v = n.value;
  const eps = 1e-9 * Math.max(1, v);
  const rounded = Math.max(n.place, n.roundedTo);
  switch (n.claim) {
    case 'exact':
      return Math.abs(t - v) <= 0.5 * n.place + eps;
    case 'approx':
      return Math.abs(t - v) <= 0.5 * rounded + eps;
    case 'nearly':
      // Just under what is written: within its rounding, and never more than a tenth below.
      return t <= v + Math.min(0.5 * n.place, 0.005 * v) + eps && t >= v - Math.min(rounded, 0.1 * v) - eps;
    case 'over':
      // A bound must hold; one far from the figure says nothing and is most often about something else.
      return t >= v - eps && (n.kind === 'fraction' || t <= v * 1.3 + n.roundedTo);
    case 'under':
      return t <= v + eps && t >= v * 0.7 - eps;
  }
}

/** "increased 1倍" means twice last week; "是上周的1.5倍" one and a half times. */
function ratioValues(n: WrittenNumber, before: string): number[] {
  return /(?:增长|增加|提升|上涨|多)了?\s*$/.test(before) ? [n.value, n.value + 1] : [n.value];
}

function subjectsNamed(clause: string, mask: NameMask, present: AnyKpiKey[]): Subject[] {
  const entities: Subject[] = mask.namedIn(clause).map((name) => ({ kind: 'entity', name }));
  let kpis = present.filter((k) => KPI_NAMES[k].test(clause));
  // "华东销售额" is 华东's revenue, not the company's: the revenue word goes with the entity unless a total is said.
  if (entities.length > 0 && !TOTAL_WORDS.test(clause)) kpis = kpis.filter((k) => k !== 'revenue');
  const named: Subject[] = [...entities, ...kpis.map((key): Subject => ({ kind: 'kpi', key }))];
  if (named.length === 0 && DATA_WORDS.test(clause)) named.push({ kind: 'data' });
  return named;
}

function fieldSubject(field: string): Subject[] | undefined {
  if (field.startsWith('kpiCommentary.')) return [{ kind: 'kpi', key: field.slice('kpiCommentary.'.length) as KpiKey }];
  if (field.startsWith('dataQualityNotes')) return [{ kind: 'data' }];
  return undefined;
}

/**
 * Which period each number of a clause is given: a "this week" / "last week" goes with the number nearest to it
 * ("上周销售额为X", "¥A this week against ¥B last week"); one that only names what is compared with ("较上周",
 * "on last week") gives none.
 */
function periodsOf(
  clause: string,
  numbers: WrittenNumber[],
  words: (typeof PERIOD_WORDS)[PeriodKind],
): ('current' | 'previous' | undefined)[] {
  const periods: ('current' | 'previous' | undefined)[] = numbers.map(() => undefined);
  const marks = [
    ...[...clause.matchAll(words.previous)].map((m) => ({
      at: m.index,
      end: m.index + m[0].length,
      period: 'previous' as const,
    })),
    ...[...clause.matchAll(words.current)].map((m) => ({
      at: m.index,
      end: m.index + m[0].length,
      period: 'current' as const,
    })),
  ];
  for (const mark of marks) {
    if (COMPARED_WITH.test(clause.slice(0, mark.at))) continue;
    let nearest = -1;
    let distance = Infinity;
    numbers.forEach((n, i) => {
      const end = n.index + n.written.length;
      const d = n.index >= mark.end ? n.index - mark.end : mark.at >= end ? mark.at - end : 0;
      if (d < distance) [nearest, distance] = [i, d];
    });
    if (nearest >= 0) periods[nearest] = mark.period;
  }
  return periods;
}

function languageProblem(text: string, locale: Locale): string | undefined {
  const han = (text.match(/\p{Script=Han}/gu) ?? []).length;
  const latinWords = (text.match(/[A-Za-z]{2,}/g) ?? []).length;
  if (locale === 'zh-CN' && latinWords >= 3 && han < 2 * latinWords)
    return 'is not in Simplified Chinese, the language of this report';
  if (locale === 'en-US' && han >= 2) return 'is not in English, the language of this report';
  return undefined;
}

function describe(f: Figure): string {
  return `${f.label} = ${round(Math.abs(f.value))}${f.unit === 'percent' ? '%' : f.unit === 'points' ? ' points' : f.unit === 'ratio' ? '×' : ''}`;
}

/** An owner names who acts, and an action says what to do: neither states how the period went. */
function isInstruction(field: string): boolean {
  return field.endsWith('.action') || field.endsWith('.owner');
}

function weekdayOf(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/**
 * Checks every claim in every printed field of the model's words against the facts the code computed (the fact
 * book, facts.ts), as an allow-list: a claim is accepted only when it binds to a fact that makes it true.
 * - Every number-like token, in its role: whose figure it is (the KPI, region, channel, category or product its
 *   clause names), which period (this week, last week, their change, a day or a trend week), which unit (money in
 *   the report's currency, count, %, percentage points, a multiple) and what it claims (exact as rounded,
 *   approximate, nearly, a bound).
 * - Every rank and superlative, quantifier, direction or "flat", comparative, record and day (claims.ts): bound to
 *   the set's order, the count of who rose or fell, the change, the trend, the period's days.
 * - A comparison the report does not compute (year over year without the data, month over month), a citation of a
 *   fact the book does not have, and words in another language.
 * What is wrong is said with the fact that would be right, so the model can fix it.
 */
export function checkClaims(report: Narrative, metrics: SalesMetrics, options: ClaimCheckOptions = {}): ClaimProblem[] {
  const facts = options.facts ?? factBook(metrics, options.locale ?? 'zh-CN', { flatPercent: options.flatPercent });
  const book = facts.figures;
  const mask = new NameMask(entityNames(metrics));
  const present = kpisOf(metrics).map(([key]) => key);
  // The sign a direction word must agree with: a relative change, or a rate's change in points; for a sentence about
  // a share ("占比提升", "share rose"), the share's change in points.
  const change = new Map<string, number>();
  const shareChange = new Map<string, number>();
  for (const f of book) {
    if (f.period !== 'change') continue;
    const key = subjectName(f.subject);
    if (f.unit === 'points' && f.subject.kind === 'entity') shareChange.set(key, f.value);
    else if ((f.unit === 'percent' || f.unit === 'points') && !change.has(key)) change.set(key, f.value);
  }
  const yoyChange = new Map<string, number>();
  for (const f of book) if (f.period === 'yoy' && f.unit === 'percent') yoyChange.set(subjectName(f.subject), f.value);
  const yearAgo = metrics.yearAgo;
  // A monthly report compares months: 较上月 is its own comparison there, and no other report's.
  const kind = periodKindOf(metrics);
  const monthsNotCompared = kind !== 'month';
  const currencyMark = CURRENCY_MARKS[metrics.currency] ?? new RegExp(`^${metrics.currency}$`, 'i');
  // Every day the report speaks of: the period's, the days compared with, and the trend's spans.
  const reportDays = [
    ...metrics.revenueByDay.map((d) => d.date),
    ...(metrics.trend ?? []).map((s) => s.start),
    metrics.previousPeriod.start,
    metrics.previousPeriod.end,
  ];
  // A weekday names a day of the period itself.
  const periodDays = new Set(metrics.revenueByDay.map((d) => d.date));
  const problems: ClaimProblem[] = [];

  for (const [field, original] of textsOf(report)) {
    const say = (written: string, reason: string) =>
      problems.push({ field, written: mask.unmask(written).trim(), reason });
    const cited = citationsIn(original);
    for (const id of cited)
      if (!facts.ids.has(id))
        say(`[${id}]`, `cites [${id}], which is not a fact of this report: cite only the ids listed`);
    // The names its citations give: what a clause that names none speaks of.
    const citedMembers = cited.flatMap((id) => {
      const name = id.slice(id.indexOf('.') + 1);
      return id.includes('.') && facts.dimensionOf.has(name) ? [name] : [];
    });
    const printed = withoutCitations(original);
    const text = normalizeDigits(mask.mask(printed));
    if (options.locale) {
      // Words first: a field that is no prose has no claims to read.
      const list = /^(\w+)\[(\d+)\]$/.exec(field);
      const items = list ? listOf(report, list[1]!) : undefined;
      const junk =
        notProse(
          mask.mask(printed).replace(/[\ue000-\uefff]/g, options.locale === 'zh-CN' ? '名' : ' Name '),
          options.locale,
          field.endsWith('.owner') ? 'name' : 'sentence',
        ) ??
        (items && repeatsAnEarlierItem(items.map(withoutCitations), Number(list![2]))
          ? 'repeats an earlier item'
          : undefined);
      if (junk) {
        say(printed.slice(0, 80), `is not prose: ${junk}`);
        continue;
      }
      const wrongLanguage = languageProblem(text.replace(/[\ue000-\uefff]/g, ' '), options.locale);
      if (wrongLanguage) say(printed.slice(0, 80), wrongLanguage);
    }
    const instruction = isInstruction(field);
    // Whether the field says anything of this report: a citation, a figure, a KPI or member named, a claim made.
    let speaksOfThisReport = cited.length > 0;
    for (const sentence of text.split(/[。；;!?！？\n]|\.(?=\s|$)/)) {
      let inherited: Subject[] | undefined;
      let inheritedMembers: string[] = [];
      for (const clause of sentence.split(/，|,(?!\d)|：|:(?!\d)/)) {
        const yoyClause = YEAR_OVER_YEAR.test(clause);
        const targetClause = TARGET_WORDS.test(clause);
        if (yoyClause && !yearAgo?.available)
          say(
            clause,
            yearAgo
              ? `compares with last year, but the source does not reach back to the same week last year (${yearAgo.period.start} – ${yearAgo.period.end}): compare with last week (环比 / week over week)`
              : 'compares with last year, but the report has no year-ago figures: compare with last week (环比 / week over week)',
          );
        if (MONTH_OVER_MONTH.test(clause) && monthsNotCompared)
          say(
            clause,
            `compares with last month, but the report compares ${kind === 'day' ? 'a day with the same weekday a week before' : 'weeks'}: compare with ${kind === 'day' ? 'the same day last week (上周同日)' : 'last week (环比 / week over week)'}`,
          );
        const named = subjectsNamed(clause, mask, present);
        if (named.length > 0) inherited = named;
        const subjects = named.length > 0 ? named : (inherited ?? citedSubjects(citedMembers) ?? fieldSubject(field));
        const markers = claimMarkersIn(clause);
        const dayMarkers = markers.filter((m) => m.kind === 'day');
        const numbers = numbersIn(clause);
        if (named.length > 0 || markers.length > 0 || numbers.length > 0 || namesThisReport(clause, kind))
          speaksOfThisReport = true;
        const dates =
          dayMarkers.length === 0
            ? undefined
            : new Set(
                reportDays.filter((d) =>
                  dayMarkers.some((m) =>
                    m.weekday !== undefined ? periodDays.has(d) && weekdayOf(d) === m.weekday : d.endsWith(m.monthDay!),
                  ),
                ),
              );
        const about = (f: Figure) => !subjects || subjects.some((s) => sameSubject(s, f.subject));
        // A clause that names a day cites that day's revenue, not another's, nor the period's.
        const onTheDay = (f: Figure) =>
          !dates ||
          f.unit !== 'money' ||
          !(f.subject.kind === 'kpi' && f.subject.key === 'revenue') ||
          (f.date !== undefined && dates.has(f.date));

        const periods = periodsOf(clause, numbers, PERIOD_WORDS[kind]);
        for (const [i, n] of numbers.entries()) {
          if (field.endsWith('.owner')) {
            say(n.written, 'is a figure in an owner, which names who acts (a person or team), not a number');
            continue;
          }
          const before = clause.slice(0, n.index);
          if (n.currency && !currencyMark.test(n.currency)) {
            say(n.written, `is in ${n.currency}, but the report's figures are in ${metrics.currency}`);
            continue;
          }
          const units = UNITS_FOR[n.kind];
          const period = periods[i];
          // Last year's figures only in a year-over-year sentence, a target's only in one about the target; a
          // year-over-year sentence cites no week-over-week change unless it names that comparison too.
          const basisFits = (f: Figure) =>
            f.period === 'yearAgo' || f.period === 'yoy'
              ? yoyClause
              : f.period === 'target'
                ? targetClause
                : !(yoyClause && (f.period === 'change' || f.period === 'previous') && !WEEK_OVER_WEEK.test(clause));
          const inPeriod = (f: Figure) =>
            basisFits(f) &&
            onTheDay(f) &&
            (!period ||
              f.period === 'change' ||
              f.period === 'other' ||
              f.period === period ||
              (period === 'current' && f.period === 'target'));
          const values = n.kind === 'ratio' ? ratioValues(n, before) : [n.value];
          // A share said in words (过半, a third) is a share, not any percentage of the subject's.
          const matches = (f: Figure) =>
            units.includes(f.unit) &&
            (n.kind !== 'fraction' || f.share === true) &&
            values.some((value) => holds({ ...n, value }, f.value) || holds({ ...n, value }, shown(f)));
          if (book.some((f) => about(f) && inPeriod(f) && matches(f))) continue;

          // The subject's own figure of another period or basis first: what the sentence most likely meant.
          const elsewhere = book.find((f) => about(f) && matches(f)) ?? book.find(matches);
          const whose = subjects?.map(subjectName).join(', ');
          let reason: string;
          if (elsewhere && about(elsewhere) && !basisFits(elsewhere)) {
            reason =
              elsewhere.period === 'yearAgo' || elsewhere.period === 'yoy'
                ? `is ${describe(elsewhere)}, a comparison with last year, but the sentence does not say so (同比 / year over year)`
                : elsewhere.period === 'target'
                  ? `is ${describe(elsewhere)}, a figure of the target, but the sentence does not say so (目标 / target)`
                  : `is ${describe(elsewhere)}, a change on last week, but the sentence compares with last year`;
          } else if (elsewhere && about(elsewhere) && !onTheDay(elsewhere)) {
            reason = `is ${describe(elsewhere)}, not the revenue of the day the sentence names (${dayMarkers.map((d) => d.text).join(', ')})`;
          } else if (elsewhere && about(elsewhere) && !inPeriod(elsewhere)) {
            reason = `is ${describe(elsewhere)}, but the sentence gives it as ${PERIOD_NAMES[kind][period ?? 'current']}`;
          } else if (elsewhere && !about(elsewhere)) {
            reason = `is ${describe(elsewhere)}, not a figure of ${whose}`;
          } else {
            const pool = book.filter((f) => about(f) && units.includes(f.unit));
            const near = pool.reduce<Figure | undefined>(
              (best, f) =>
                !best || Math.abs(Math.abs(f.value) - n.value) < Math.abs(Math.abs(best.value) - n.value) ? f : best,
              undefined,
            );
            const claimed =
              n.claim === 'exact'
                ? ''
                : ` (${n.claim === 'over' ? 'a lower bound' : n.claim === 'under' ? 'an upper bound' : n.claim === 'nearly' ? 'nearly' : 'approximately'})`;
            reason = `is not one of the report's figures${claimed}${near ? ` (closest: ${describe(near)})` : ''}`;
          }
          say(n.written, reason);
        }

        const hedged = HEDGED.test(clause);
        // The one subject a direction goes with; a clause that names none speaks of the report's revenue, unless it
        // only forecasts ("may fall further").
        const only: Subject | undefined = subjects
          ? subjects.length === 1
            ? subjects[0]
            : undefined
          : hedged
            ? undefined
            : { kind: 'kpi', key: 'revenue' };
        // The members it speaks of: named in it, else in the clause before ("华东增长20%，领跑各区域"), else cited.
        const members = mask.namedIn(clause);
        if (members.length > 0) inheritedMembers = members;
        for (const p of qualitativeProblems(
          {
            clause,
            markers,
            members: members.length > 0 ? members : inheritedMembers.length > 0 ? inheritedMembers : citedMembers,
            only,
            instruction,
            hedged,
            yoyClause,
            targetClause,
            shareClause: SHARE_WORDS.test(clause),
            trendMeasure: KPI_NAMES.orders.test(clause) && !KPI_NAMES.revenue.test(clause) ? 'orders' : 'revenue',
            dates,
          },
          facts,
          { change, yoy: yoyChange, share: shareChange },
        ))
          say(p.written, p.reason);
      }
    }
    // The headline and the summary carry the report: fluent words about nothing of it ("I'm in love with this
    // product!") are no report, whatever their grammar.
    if (options.locale && carriesTheReport(field) && !speaksOfThisReport)
      say(
        printed.slice(0, 80),
        `${RESTS_ON_NO_FACT}: it cites no fact, names no KPI or member of it and quotes no figure`,
      );
  }
  return problems;
}

/** A list of the narrative's plain items, by name ("highlights"), for the repeat check. */
function listOf(report: Narrative, name: string): readonly string[] | undefined {
  return name === 'highlights' || name === 'risks' || name === 'dataQualityNotes' ? report[name] : undefined;
}

function citedSubjects(names: string[]): Subject[] | undefined {
  return names.length > 0 ? names.map((name) => ({ kind: 'entity', name })) : undefined;
}

/** A figure as the email prints it: a percentage as render/format.ts rounds it, money and counts to whole units. */
function shown(f: Figure): number {
  return f.shown ?? Number(Math.abs(f.value).toFixed(f.unit === 'points' || f.unit === 'ratio' ? 1 : 0));
}
