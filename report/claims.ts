import { parseChineseNumeral } from './numbers-in-words';

/**
 * The grammar of a claim in business Chinese and English, beside numbers (numbers-in-words.ts): what in a clause
 * says how things stand against each other or against time. It is built from how the two languages form such
 * claims, not from a list of sentences:
 * - superlatives and ranks: 最 + adjective, 第 + numeral (+ 名 / 位 / 大 / 高), 居首 / 垫底 / 领先; the English -est
 *   forms and most / least + adjective, best / worst / top / bottom / led, ordinals (first, 2nd);
 * - quantifiers over a set: 所有 / 全部 / 均 / 都 / 多数 / 少数 / 唯一 / N个中M个; all / every / none / most / few /
 *   only / both / neither / N of M;
 * - directions and their absence: 增长 / 下降 / 持平; rose / fell / flat;
 * - comparatives between two things: 高于 / 低于 / 不及 / 比…高; more / less / -er than, outpaced, trailed;
 * - records within the trend: 新高 / 新低 / 纪录; record, all-time, peak;
 * - days and dates: 周五 / 星期五 / 11月14日 / 11-14; Friday, Nov 14, 2026-11-14.
 * Pure: report/fact-check.ts binds each to a fact of the report or refuses it.
 */

/** A set the report ranks and counts: the breakdowns and the top products. */
export type Dimension = 'region' | 'channel' | 'category' | 'product';

/** `negated`: said with a negation before it (未创新高, not the top, 并非所有): the claim is that it is not so. */
export type Marker = { negated?: boolean } &
  /** `position` from the top (1 = first), or counted from the bottom (`fromBottom`: 1 = last). */
  (
    | { kind: 'rank'; at: number; text: string; position: number; fromBottom: boolean }
    | { kind: 'quantifier'; at: number; text: string; count: QuantifierCount; of?: number }
    | { kind: 'direction'; at: number; text: string; direction: 'up' | 'down' | 'flat' }
    | { kind: 'comparative'; at: number; text: string; direction: 'more' | 'less' }
    | { kind: 'record'; at: number; text: string; direction: 'high' | 'low' }
    /** A day named: its weekday (0 = Sunday) or its month and day. */
    | { kind: 'day'; at: number; text: string; weekday?: number; monthDay?: string }
  );

export type QuantifierCount = 'all' | 'none' | 'most' | 'few' | 'half' | 'only' | number;

const EN_NUMBERS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
};
const EN_ORDINALS: Record<string, number> = {
  first: 1,
  second: 2,
  third: 3,
  fourth: 4,
  fifth: 5,
  sixth: 6,
  seventh: 7,
  eighth: 8,
  ninth: 9,
  tenth: 10,
};

/** A small count as written: 4, 四, four. */
export function smallCount(word: string): number | undefined {
  if (/^\d+$/.test(word)) return Number(word);
  const lower = word.toLowerCase();
  if (lower in EN_NUMBERS) return EN_NUMBERS[lower];
  return parseChineseNumeral(word)?.value;
}

const COUNT = String.raw`\d+|[一二两三四五六七八九十]+|one|two|three|four|five|six|seven|eight|nine|ten`;

/** The words that name each set: what a quantifier or a rank is over. */
export const DIMENSION_WORDS: Record<Dimension, RegExp> = {
  region: /区域|地区|大区|片区|\bregions?\b|\bregional\b/i,
  channel: /渠道|平台|\bchannels?\b/i,
  category: /品类|类目|类别|\bcategor(?:y|ies)\b/i,
  product: /商品|单品|产品|SKU|爆款|\bproducts?\b|\bitems?\b|\bSKUs?\b|\bsellers?\b/i,
};
/** A claim about days or weeks of the period and the trend, not about a region or a product. */
export const DAY_WORDS = /每日|单日|哪天|一天|当天|\bdays?\b|\bdaily\b/i;
export const WEEK_WORDS = /那一周|当周|一周|这周|\bweeks?\b/i;

/** Change is the measure of a rank ("grew fastest", "增幅最大"), not the level. */
export const GROWTH_WORDS =
  /增长|增幅|涨幅|增速|增量|上涨|提升|升幅|\bgrowth\b|\bgrew\b|\bgrow(?:s|ing)?\b|\brise\b|\brisers?\b|\brising\b|\bgains?\b|\bgained\b|\bincreases?\b|\bclimb(?:ed|s)?\b|\bjumps?\b|\bjumped\b/i;
export const DECLINE_WORDS =
  /下降|下滑|降幅|跌幅|下跌|回落|减少|\bdeclines?\b|\bdeclined\b|\bdrops?\b|\bdropped\b|\bfell\b|\bfall(?:s|ing)?\b|\bfallers?\b|\blosses\b|\bslid\b|\bdecreases?\b/i;

/** Superlatives that mean the top of a set (or the most of a change), and the bottom. */
// 最多 / 最少 before a number bound it (at most, at least); 最大化 is to maximise; 最好 before a verb is "had better".
const TOP_ZH =
  /最(?:高|大(?!化|限度)|强|快|佳|畅销|受欢迎|突出|亮眼|抢眼|领先)|最多(?![\d一二两三四五六七八九十])|最好(?![地在是先再尽能])|居首|榜首|冠军|头名|之首|领跑|领先|排名第一|排第一|第一大|首位/;
const BOTTOM_ZH = /最(?:低|小(?!化)|差|弱|慢|冷)|最少(?![\d一二两三四五六七八九十])|垫底|末位|末尾|倒数第一|殿后|最末/;
// "top 5" and "top products" name the list the report prints; "most of" is a share; "leading to" a consequence.
const TOP_EN =
  /\b(?:best|peaked|top(?!\s*\d|\s+(?:products|sellers|items|skus))|highest|largest|biggest|greatest|strongest|fastest|steepest|sharpest|leading(?! to)|led(?! to| by)|number one|no\. ?1|most(?! of))\b/i;
const BOTTOM_EN = /\b(?:worst|lowest|smallest|weakest|slowest|least(?! of)|poorest|bottom|laggard)\b/i;
/** Words ending in -est that are no superlative. */
const NOT_SUPERLATIVE =
  /^(?:rest|interest|test|west|request|suggest|invest|harvest|forest|honest|modest|arrest|protest|latest|contest|digest|nest|guest|quest|chest|pest|vest|zest|manifest|earnest|attest|detest|divest|ingest|infest|molest|crest|jest|lest|unrest|behest|conquest|bequest|priest|inquest|midwest|southwest|northwest|best|worst|most|least|highest|lowest|largest|biggest|greatest|strongest|fastest|steepest|sharpest|smallest|weakest|slowest|poorest)$/i;

const FLAT =
  /基本持平|持平|平稳|持稳|走平|变化不大|波动不大|基本不变|保持稳定|大致相当|\bflat\b|\bunchanged\b|\bsteady\b|\bstable\b|\bheld steady\b|\blittle changed\b|\bbroadly level\b|\bin line with last\b/i;
const UP =
  /增长|上升|提升|上涨|增加|回升|走高|大涨|暴涨|攀升|走强|回暖|\brose\b|\bgrew\b|\bincreased?\b|(?<!\b(?:made|make|makes|making|set|sets|pick|picked|pile|piled|end|ended|follow|step|ramp|stock|back|sign|catch|keep|line|build|look|top) )\bup\b(?! to\b)|\bhigher\b|\bgains?\b|\bgained\b|\bclimbed\b|\bjumped\b|\brebounded\b|\bimproved\b/i;
const DOWN =
  /下降|下滑|减少|下跌|回落|走低|暴跌|大跌|走弱|萎缩|\bfell\b|\bdropped\b|\bdeclined?\b|\bdecreased?\b|\bdown\b|\blower\b|\bslipped\b|\bslumped\b|\bplunged\b|\bshrank\b|\bweakened\b/i;

const COMPARATIVE_MORE =
  /高于|多于|优于|胜过|跑赢|超过了?|超出|大于|强于|快于|比\S{1,8}?(?:高|多|大|好|强|快)|\b(?:more|higher|greater|larger|bigger|better|stronger|faster)\s+than\b|\boutpaced\b|\boutperformed\b|\boutsold\b|\bbeat\b|\bahead of\b/i;
const COMPARATIVE_LESS =
  /低于|少于|不及|不如|逊于|跑输|小于|弱于|慢于|比\S{1,8}?(?:低|少|小|差|弱|慢)|\b(?:less|fewer|lower|smaller|worse|weaker|slower)\s+than\b|\bunderperformed\b|\bbehind\b|\btrailed\b|\blagged\b/i;

const RECORD_HIGH =
  /新高|历史最高|创纪录|纪录高|峰值|最高点|\brecord(?: high)?\b|\ball-time high\b|\bnew high\b|\bpeak\b/i;
const RECORD_LOW = /新低|历史最低|纪录低|谷底|最低点|\brecord low\b|\ball-time low\b|\bnew low\b|\btrough\b/i;

const WEEKDAYS_ZH: Record<string, number> = { 日: 0, 天: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6 };
const WEEKDAYS_EN = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MONTHS_EN = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const pad = (n: number) => String(n).padStart(2, '0');

function first(pattern: RegExp, text: string): RegExpExecArray | null {
  return new RegExp(pattern.source, pattern.flags.replace('g', '')).exec(text);
}

/** The rank a clause claims: an ordinal (第二大, second-largest, 3rd) or a superlative (最高, best, lowest). */
function rankIn(clause: string): Marker | undefined {
  const fromBottomOrdinal =
    /倒数第(\d+|[一二两三四五六七八九十]+)|(\d+|second|third|fourth|fifth)(?:st|nd|rd|th)?[- ](?:lowest|smallest|worst|weakest|from (?:the )?bottom)/i.exec(
      clause,
    );
  if (fromBottomOrdinal) {
    const word = fromBottomOrdinal[1] ?? fromBottomOrdinal[2]!;
    const n = smallCount(word) ?? EN_ORDINALS[word.toLowerCase()] ?? 1;
    return { kind: 'rank', at: fromBottomOrdinal.index, text: fromBottomOrdinal[0], position: n, fromBottom: true };
  }
  const zhOrdinal = /(?:排名|排在|排|位列|位居|居)?第(\d+|[一二两三四五六七八九十]+)(?:名|位|大|高)?/.exec(clause);
  const afterOrdinal = zhOrdinal ? clause.slice(zhOrdinal.index + zhOrdinal[0].length) : '';
  if (zhOrdinal && !/^(?:周|天|日|季度|月|年|次|批|期|时间|步|轮|阶段|梯队|个|款)/.test(afterOrdinal)) {
    const n = smallCount(zhOrdinal[1]!)!;
    return { kind: 'rank', at: zhOrdinal.index, text: zhOrdinal[0], position: n, fromBottom: false };
  }
  // "a third", "one fifth" are shares, not places.
  const enOrdinal =
    /\b(?:ranked|ranks|ranking|placed|came|finished|was|is)?\s*(?:the\s+)?(?<!\b(?:a|one|two|three|four)[- ])(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))(?=[-\s](?:largest|biggest|highest|best|strongest|place|by|among|of|in|region|channel|category|product|most|-))/i.exec(
      clause,
    );
  if (enOrdinal) {
    const word = enOrdinal[1]!.toLowerCase();
    const n = EN_ORDINALS[word] ?? Number(word.replace(/\D/g, ''));
    return { kind: 'rank', at: enOrdinal.index, text: enOrdinal[0].trim(), position: n, fromBottom: false };
  }
  for (const [pattern, fromBottom] of [
    [BOTTOM_ZH, true],
    [TOP_ZH, false],
    [BOTTOM_EN, true],
    [TOP_EN, false],
  ] as const) {
    const m = first(pattern, clause);
    if (m) return { kind: 'rank', at: m.index, text: m[0], position: 1, fromBottom };
  }
  // "most profitable", "-est" adjectives not listed: a superlative all the same, of unknown direction: the top.
  for (const m of clause.matchAll(/\b(?:most|least)\s+[a-z]+\b|\b[a-z]{3,}est\b/gi)) {
    if (NOT_SUPERLATIVE.test(m[0])) continue;
    return { kind: 'rank', at: m.index, text: m[0], position: 1, fromBottom: /^least/i.test(m[0]) };
  }
  return undefined;
}

/** A quantifier over a set: all, none, most, few, half, only, or N (of M). */
function quantifierIn(clause: string): Marker | undefined {
  const nOfM =
    new RegExp(
      String.raw`(${COUNT})\s*(?:个|家|类)?\s*(?:\S{0,6}?)中(?:有|的)?\s*(${COUNT})\s*(?:个|家|类)?`,
      'i',
    ).exec(clause) ??
    new RegExp(String.raw`\b(${COUNT})\s+(?:out\s+)?of\s+(?:the\s+|all\s+)?(${COUNT})\b`, 'i').exec(clause);
  if (nOfM) {
    const zhOrder = /中/.test(nOfM[0]);
    const [of, count] = zhOrder
      ? [smallCount(nOfM[1]!), smallCount(nOfM[2]!)]
      : [smallCount(nOfM[2]!), smallCount(nOfM[1]!)];
    if (count !== undefined && of !== undefined)
      return { kind: 'quantifier', at: nOfM.index, text: nOfM[0], count, of };
  }
  const words: [RegExp, QuantifierCount][] = [
    [/唯一|唯独|只有|仅有|\bthe only\b|\bonly one\b|\bsole\b|\balone\b/i, 'only'],
    [
      /无一|没有一个|均未|都没有|\bnone\b|\bneither\b|\bno (?:region|channel|category|product)s?\b|\bnot a single\b/i,
      'none',
    ],
    [
      /所有|全部|全线|各个?(?:区域|地区|渠道|品类|类目|商品|大区)|(?<![平人单笔日周月户])均(?![价值衡匀])|都|皆|一致|每个|每一个|\ball\b|\bevery\b|\beach\b|\bboth\b|\bacross the board\b/i,
      'all',
    ],
    [/多数|大多数|大部分|多半|\bmost\b|\bmajority\b/i, 'most'],
    [/少数|个别|\bfew\b|\bminority\b/i, 'few'],
    [/半数|一半|\bhalf\b/i, 'half'],
  ];
  for (const [pattern, count] of words) {
    const m = first(pattern, clause);
    if (m) return { kind: 'quantifier', at: m.index, text: m[0], count };
  }
  const bare = new RegExp(
    String.raw`(${COUNT})\s*(?:个|家|类)\s*(?:区域|地区|大区|渠道|平台|品类|类目|商品|单品)|\b(${COUNT})\s+(?:regions|channels|categories|products)\b`,
    'i',
  ).exec(clause);
  if (bare) {
    const count = smallCount(bare[1] ?? bare[2]!);
    if (count !== undefined) return { kind: 'quantifier', at: bare.index, text: bare[0], count };
  }
  return undefined;
}

/** Every day a clause names: weekdays and month-days. */
function daysIn(clause: string): Marker[] {
  const days: Marker[] = [];
  for (const m of clause.matchAll(/(?:周|星期|礼拜)([一二三四五六日天])(?!度|报|末|期|转)/g))
    days.push({ kind: 'day', at: m.index, text: m[0], weekday: WEEKDAYS_ZH[m[1]!]! });
  // Weekdays by their full names, or capitalised abbreviations ("sat" and "wed" are words too).
  for (const m of clause.matchAll(
    /\b(?:(sun|mon|tues|wednes|thurs|fri|satur)day|(Sun|Mon|Tue|Wed|Thu|Fri|Sat)\b\.?)/gi,
  )) {
    if (m[2] && !/^[A-Z]/.test(m[2])) continue;
    days.push({
      kind: 'day',
      at: m.index,
      text: m[0],
      weekday: WEEKDAYS_EN.indexOf((m[1] ?? m[2]!).slice(0, 3).toLowerCase()),
    });
  }
  // 11月14日, 2026-11-14, 11-14 (not a range: "5-10%").
  for (const m of clause.matchAll(
    /(?:\d{4}[-/.])?(\d{1,2})月(\d{1,2})[日号]|(?:\d{4}-)?\b(\d{1,2})-(\d{2})\b(?![-/]?\s?[\d%％])/g,
  )) {
    const month = Number(m[1] ?? m[3]);
    const day = Number(m[2] ?? m[4]);
    if (month >= 1 && month <= 12 && day >= 1 && day <= 31)
      days.push({ kind: 'day', at: m.index, text: m[0], monthDay: `${pad(month)}-${pad(day)}` });
  }
  for (const m of clause.matchAll(
    /\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+(\d{1,2})\b(?!\s?[%％])/g,
  ))
    days.push({
      kind: 'day',
      at: m.index,
      text: m[0],
      monthDay: `${pad(MONTHS_EN.indexOf(m[1]!.toLowerCase()) + 1)}-${pad(Number(m[2]))}`,
    });
  return days;
}

/** A negation just before a claim word: 未 / 没有 / 不是 / 并非 …, not / never / no longer / isn't … */
const NEGATION_ZH = /(?:未|没有|没|不是|并非|并未|不再|尚未|不(?![断少到足超]))[^，。；]{0,5}$/;
const NEGATION_EN =
  /\b(?:not|never|no longer|isn't|wasn't|aren't|weren't|didn't|doesn't|failed to)\s+(?:\w+\s+){0,2}$/i;

function negatedAt(clause: string, at: number): boolean {
  const before = clause.slice(Math.max(0, at - 24), at);
  return NEGATION_ZH.test(before.slice(-7)) || NEGATION_EN.test(before);
}

/** Every claim marker in a clause, besides its numbers. */
export function claimMarkersIn(clause: string): Marker[] {
  const markers: Marker[] = [];
  const add = (m: Marker | undefined) => {
    if (!m) return;
    if (m.kind !== 'day' && negatedAt(clause, m.at)) m.negated = true;
    markers.push(m);
  };
  const record = first(RECORD_LOW, clause) ?? first(RECORD_HIGH, clause);
  if (record)
    add({ kind: 'record', at: record.index, text: record[0], direction: RECORD_LOW.test(record[0]) ? 'low' : 'high' });
  else add(rankIn(clause));
  add(quantifierIn(clause));
  const flat = first(FLAT, clause);
  const up = first(UP, clause);
  const down = first(DOWN, clause);
  if (flat) add({ kind: 'direction', at: flat.index, text: flat[0], direction: 'flat' });
  else if (up && !down) add({ kind: 'direction', at: up.index, text: up[0], direction: 'up' });
  else if (down && !up) add({ kind: 'direction', at: down.index, text: down[0], direction: 'down' });
  const more = first(COMPARATIVE_MORE, clause);
  const less = first(COMPARATIVE_LESS, clause);
  if (more && !less) add({ kind: 'comparative', at: more.index, text: more[0], direction: 'more' });
  else if (less && !more) add({ kind: 'comparative', at: less.index, text: less[0], direction: 'less' });
  markers.push(...daysIn(clause));
  return markers;
}

/** Words that put a clause in the future or under a condition: a direction there is a forecast, not a claim. */
export const HEDGED =
  /可能|或将|或许|预计|预期|有望|若|如果|如|一旦|风险|需警惕|防止|避免|\bmay\b|\bmight\b|\bcould\b|\bif\b|\bexpected\b|\blikely\b|\brisks?\b|\bshould\b|\bwould\b|\bwatch\b|\bprevent\b|\bavoid\b/i;
