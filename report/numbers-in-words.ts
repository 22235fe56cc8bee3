/**
 * Every way business text in Chinese and English writes a number, read back as a value with what it claims: digits
 * of any width, Chinese numerals and magnitudes (七十六万, 1.2亿), percentages and percentage points, fractions and
 * multiples in words (四成, 过半, 翻倍, 三分之一, half, doubled), and bounds or approximations (近, 约, 突破, 不到,
 * nearly, over, topped, almost). Pure: the fact check (report/fact-check.ts) decides whether each is true.
 */

/** What a number in the words is. `fraction` is a share in words (过半, 四成); `ratio` a multiple (翻倍, twice). */
export type NumberKind = 'percent' | 'points' | 'money' | 'count' | 'plain' | 'fraction' | 'ratio';

/**
 * How the value is claimed: `exact` as rounded in the text; `approx` (约, about) near it at the precision of its
 * last nonzero digit; `nearly` (近, almost) just under it; `over` (超过, 突破, topped) and `under` (不到, below) a
 * bound that must hold.
 */
export type Claim = 'exact' | 'approx' | 'nearly' | 'over' | 'under';

export interface WrittenNumber {
  /** As in the text, bound words included. */
  written: string;
  index: number;
  value: number;
  kind: NumberKind;
  claim: Claim;
  /** The place of the last digit written (0.1 for "6.3%", 10,000 for "76万"): the text's rounding is half of it. */
  place: number;
  /** The place of the last nonzero digit: what an approximation is rounded to ("约760,000" → 10,000). */
  roundedTo: number;
  /** A currency as written ($, ¥, 元, USD, …), when one is. */
  currency?: string;
  /** A sign written before it (+2.3%, −1.2%). */
  sign?: '+' | '-';
}

/** Full-width digits, signs and the decimal point as ASCII, so "１２３．５％" is read as "123.5%". */
export function normalizeDigits(text: string): string {
  return text.replace(/[\uFF10-\uFF19\uFF0E\uFF05\uFF0B\uFF0D]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

const DIGIT: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const SMALL_UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000 };

/** One section below 万: "三千四百五十六", "十二", "九十二点八"; with the place of its last nonzero digit. */
function section(s: string): { value: number; last: number } | undefined {
  const [whole = '', decimals] = s.split('点');
  let value = 0;
  let digit: number | undefined;
  let last = Infinity;
  for (const c of whole) {
    if (c in DIGIT) {
      digit = DIGIT[c]!;
    } else if (c in SMALL_UNIT) {
      const unit = SMALL_UNIT[c]!;
      // "十二" is ten-two: a unit with no digit before it counts once.
      const d = digit ?? 1;
      value += d * unit;
      if (d !== 0) last = unit;
      digit = undefined;
    } else {
      return undefined;
    }
  }
  if (digit !== undefined) {
    value += digit;
    if (digit !== 0) last = 1;
  }
  if (decimals !== undefined) {
    if (decimals === '' || ![...decimals].every((c) => c in DIGIT)) return undefined;
    [...decimals].forEach((c, i) => {
      value += DIGIT[c]! * 10 ** -(i + 1);
      if (DIGIT[c] !== 0) last = 10 ** -(i + 1);
    });
  }
  return { value, last: last === Infinity ? 1 : last };
}

/**
 * The value of a Chinese numeral, with the place of its last nonzero digit: 七十六万 → 760,000 (万), 一点二亿 →
 * 120,000,000 (0.1亿), 一亿二千万 → 120,000,000 (千万), 二十万零五百 → 200,500 (百). Undefined when it is not one.
 */
export function parseChineseNumeral(s: string): { value: number; last: number } | undefined {
  let value = 0;
  let last = Infinity;
  let rest = s;
  for (const [mark, scale] of [
    ['亿', 1e8],
    ['万', 1e4],
  ] as const) {
    const at = rest.indexOf(mark);
    if (at < 0) continue;
    const head = section(rest.slice(0, at) || '一');
    if (!head) return undefined;
    value += head.value * scale;
    if (head.value !== 0) last = Math.min(last, head.last * scale);
    rest = rest.slice(at + 1);
  }
  if (rest !== '') {
    const tail = section(rest);
    if (!tail) return undefined;
    value += tail.value;
    if (tail.value !== 0) last = Math.min(last, tail.last);
  }
  return { value, last: last === Infinity ? 1 : last };
}

/** The place of the last nonzero digit of a number written with `decimals` decimals. */
function lastNonzeroPlace(value: number, decimals: number, scale: number): number {
  let place = 10 ** -decimals;
  let digits = Math.round(value / scale / place);
  while (digits !== 0 && digits % 10 === 0) {
    digits /= 10;
    place *= 10;
  }
  return place * scale;
}

const SCALE: Record<string, number> = {
  万亿: 1e12,
  亿: 1e8,
  万: 1e4,
  百万: 1e6,
  千: 1e3,
  k: 1e3,
  K: 1e3,
  thousand: 1e3,
  M: 1e6,
  m: 1e6,
  million: 1e6,
  mn: 1e6,
  mln: 1e6,
  bn: 1e9,
  billion: 1e9,
};

const CURRENCY_SIGN = String.raw`US\$|CN¥|RMB|USD|EUR|GBP|CNY|[¥￥$€£]`;
const CURRENCY_WORD = String.raw`元|人民币|美元|欧元|英镑|RMB|CNY|USD|EUR|GBP|dollars?|yuan|euros?`;
const POINTS = String.raw`个百分点|百分点|percentage points?|pp\b|pts?\b|points?\b`;
const COUNT_WORD = String.raw`笔|单|件|个|行|家|位|次|orders?\b|units?\b|lines?\b|rows?\b|items?\b|refunds?\b`;

/** Arabic digits: sign, currency, digits, magnitude, then a currency word, % or points, or a count word. */
const ARABIC = new RegExp(
  String.raw`([+\-−])?\s?(${CURRENCY_SIGN})?\s?(\d{1,3}(?:,\d{3})+(?!\d)|\d+)(\.\d+)?\s?([多余])?\s?(万亿|亿|万|百万|千|k\b|K\b|M\b|m\b|million|mn\b|mln\b|thousand|bn|billion)?\s?(?:(%)|(${POINTS})|(${CURRENCY_WORD})|(${COUNT_WORD}))?`,
  'g',
);

const CN = '零〇一二两三四五六七八九十百千万亿点';
/** Chinese numerals: a run that starts with a digit or 十 (千万 alone is "by all means", 万一 "in case"). */
const CHINESE = new RegExp(
  String.raw`(${CURRENCY_SIGN})?([一二两三四五六七八九十][${CN}]*)([多余])?([万亿])?\s?(?:(${POINTS})|(${CURRENCY_WORD})|(${COUNT_WORD}))?`,
  'g',
);
const PERCENT_IN_WORDS = new RegExp(String.raw`百分之([${CN}]+)`, 'g');

/** Shares and multiples said in words, with what each claims. */
const WORD_FIGURES: {
  pattern: RegExp;
  value: (m: RegExpExecArray) => number | undefined;
  kind: NumberKind;
  claim: Claim;
  place: number;
}[] = [
  {
    pattern:
      /过半|超过一半|逾半|半数以上|大半|more than half|over half|majority of|\bmost of (?!the (?:regions|channels|categories|products))/gi,
    value: () => 50,
    kind: 'fraction',
    claim: 'over',
    place: 1,
  },
  {
    pattern: /近半|将近一半|接近一半|nearly half|almost half/gi,
    value: () => 50,
    kind: 'fraction',
    claim: 'nearly',
    place: 10,
  },
  {
    pattern: /(?<![过近超逾])(?:一半|半数)|\bhalf\b(?! (?:of )?(?:the |a )?(?:week|month|year|day|hour))/gi,
    value: () => 50,
    kind: 'fraction',
    claim: 'approx',
    place: 10,
  },
  {
    pattern: /([一二两三四五六七八九])成/g,
    value: (m) => DIGIT[m[1]!]! * 10,
    kind: 'fraction',
    claim: 'approx',
    place: 10,
  },
  {
    pattern: new RegExp(String.raw`([${CN}]+)分之([${CN}]+)`, 'g'),
    value: (m) => {
      const whole = parseChineseNumeral(m[1]!)?.value;
      const part = parseChineseNumeral(m[2]!)?.value;
      return whole && part !== undefined ? (part / whole) * 100 : undefined;
    },
    kind: 'fraction',
    claim: 'approx',
    place: 5,
  },
  { pattern: /\b(?:a|one)[- ]third\b/gi, value: () => 100 / 3, kind: 'fraction', claim: 'approx', place: 5 },
  { pattern: /\b(?:a|one)[- ]fifth\b/gi, value: () => 20, kind: 'fraction', claim: 'approx', place: 5 },
  { pattern: /\btwo[- ]thirds\b/gi, value: () => 200 / 3, kind: 'fraction', claim: 'approx', place: 5 },
  { pattern: /\b(?:a|one)[- ]quarter\b/gi, value: () => 25, kind: 'fraction', claim: 'approx', place: 5 },
  { pattern: /\bthree[- ]quarters\b/gi, value: () => 75, kind: 'fraction', claim: 'approx', place: 5 },
  {
    pattern: /翻了?(?:一)?(?:倍|番)(?!番)|\bdoubled?\b|\btwice\b|\btwo times\b|\btwofold\b/gi,
    value: () => 2,
    kind: 'ratio',
    claim: 'approx',
    place: 0.2,
  },
  {
    pattern: /翻了?两番|\bquadrupled?\b|\bfour times\b|\bfourfold\b/gi,
    value: () => 4,
    kind: 'ratio',
    claim: 'approx',
    place: 0.4,
  },
  {
    pattern: /\btripled?\b|\bthree times\b|\bthreefold\b/gi,
    value: () => 3,
    kind: 'ratio',
    claim: 'approx',
    place: 0.3,
  },
  { pattern: /减半|\bhalved\b/gi, value: () => 0.5, kind: 'ratio', claim: 'approx', place: 0.1 },
  {
    pattern: /(\d+(?:\.\d+)?)\s?(?:times\b|x\b|×)/gi,
    value: (m) => Number(m[1]),
    kind: 'ratio',
    claim: 'approx',
    place: 0.1,
  },
  {
    pattern: new RegExp(String.raw`(\d+(?:\.\d+)?|[${CN}]+)倍`, 'g'),
    value: (m) => (/\d/.test(m[1]!) ? Number(m[1]) : parseChineseNumeral(m[1]!)?.value),
    kind: 'ratio',
    claim: 'approx',
    place: 0.1,
  },
];

/** Bound and approximation words before a number (the nearest wins), and after it. */
const BEFORE: [RegExp, Claim][] = [
  [/(?:将近|接近|近|几乎|nearly|almost|close to|just under)\s*$/i, 'nearly'],
  [/(?:大约|大概|约为|约合|约|around|about|roughly|approximately|some|~)\s*$/i, 'approx'],
  [
    /(?:超过|超出|突破|逾|超|破|高于|多于|至少|不少于|over|more than|above|topped|exceeded|surpassed|at least|upwards of|beyond)\s*$/i,
    'over',
  ],
  [/(?:不到|不足|低于|少于|最多|至多|不超过|under|below|less than|fewer than|at most|up to|short of)\s*$/i, 'under'],
];
const AFTER: [RegExp, Claim][] = [
  [/^\s*(?:左右|上下|前后)/, 'approx'],
  [/^\s*(?:以上|多)/, 'over'],
  [/^\s*以下/, 'under'],
];

/** Dates, times, week numbers and shopping festivals are not figures. */
const NOT_FIGURES = [
  /\d{4}[-/.]\d{1,2}[-/.]\d{1,2}/g,
  /\d{4}年(\d{1,2}月(\d{1,2}日)?)?/g,
  /\d{1,2}月\d{1,2}日/g,
  /[一二三四五六七八九十]{1,3}月(?:[一二三四五六七八九十]{1,3}[日号])?/g,
  /(周|星期|礼拜)[一二三四五六日天]/g,
  /第[一二三四五六七八九十百\d]+/g,
  /\d{1,2}:\d{2}/g,
  /(W|week\s?)\d{1,2}(周)?/gi,
  /\bQ[1-4]\b|[一二三四]季度/gi,
  // 618 the shopping festival, not the last group of ¥163,618 nor the start of 618.5.
  /双1[12]|(?<![\d.,])\b618\b(?![.,]\d)|\btop\s?\d+\b/gi,
];

/** The text with dates and such blanked out (same length, so indexes stay true). */
function blankNonFigures(text: string): string {
  let out = text;
  for (const pattern of NOT_FIGURES) out = out.replace(pattern, (m) => ' '.repeat(m.length));
  return out;
}

function claimAround(
  text: string,
  start: number,
  end: number,
  fallback: Claim,
): { claim: Claim; from: number; to: number } {
  const before = text.slice(Math.max(0, start - 16), start);
  for (const [pattern, claim] of BEFORE) {
    const m = pattern.exec(before);
    if (m) return { claim, from: start - m[0].length, to: end };
  }
  const after = text.slice(end, end + 4);
  for (const [pattern, claim] of AFTER) {
    const m = pattern.exec(after);
    if (m) return { claim, from: start, to: end + m[0].length };
  }
  return { claim: fallback, from: start, to: end };
}

function kindOf(
  percent: string | undefined,
  points: string | undefined,
  currency: string | undefined,
  count: string | undefined,
): NumberKind {
  if (percent) return 'percent';
  if (points) return 'points';
  if (currency) return 'money';
  if (count) return 'count';
  return 'plain';
}

/**
 * Every number-like token in `text`, in order. Small plain integers (up to 12, no unit, no decimals: "top 3",
 * "两个渠道") count things and are left out; so are dates, times and week numbers.
 */
export function numbersIn(raw: string): WrittenNumber[] {
  const text = blankNonFigures(normalizeDigits(raw));
  const found: WrittenNumber[] = [];
  const taken: [number, number][] = [];
  const free = (from: number, to: number) => taken.every(([a, b]) => to <= a || from >= b);
  const add = (
    n: Omit<WrittenNumber, 'written' | 'index' | 'claim'>,
    start: number,
    end: number,
    fallback: Claim = 'exact',
  ) => {
    if (!free(start, end)) return;
    const { claim, from, to } = claimAround(text, start, end, fallback);
    taken.push([start, end]);
    found.push({ ...n, claim, index: from, written: raw.slice(from, to).trim() });
  };

  for (const m of text.matchAll(PERCENT_IN_WORDS)) {
    const parsed = parseChineseNumeral(m[1]!.replace(/点$/, ''));
    if (parsed)
      add(
        { value: parsed.value, kind: 'percent', place: parsed.last, roundedTo: parsed.last },
        m.index,
        m.index + m[0].length,
      );
  }
  for (const w of WORD_FIGURES) {
    for (const m of text.matchAll(w.pattern)) {
      const value = w.value(m);
      if (value === undefined) continue;
      add({ value, kind: w.kind, place: w.place, roundedTo: w.place }, m.index, m.index + m[0].length, w.claim);
    }
  }
  for (const m of text.matchAll(ARABIC)) {
    const [whole, signText, currencySign, digits, fraction, more, magnitude, percent, points, currencyWord, count] = m;
    const decimals = fraction ? fraction.length - 1 : 0;
    const number = Number(`${digits!.replaceAll(',', '')}${fraction ?? ''}`);
    const scale = magnitude ? (SCALE[magnitude] ?? 1) : 1;
    const currency = currencySign ?? currencyWord;
    if (!percent && !points && !currency && scale === 1 && !fraction && number <= 12 && !digits!.includes(','))
      continue;
    const value = number * scale;
    const place = 10 ** -decimals * scale;
    const start = m.index + (whole.length - whole.trimStart().length);
    const sign = signText ? (signText === '+' ? '+' : '-') : undefined;
    add(
      {
        value,
        kind: kindOf(percent, points, currency, count),
        place,
        roundedTo: lastNonzeroPlace(value, decimals, scale),
        ...(currency && { currency }),
        ...(sign && { sign }),
      },
      start,
      m.index + whole.trimEnd().length,
      more ? 'over' : 'exact',
    );
  }
  for (const m of text.matchAll(CHINESE)) {
    const [whole, currencySign, numeral, more, magnitude, points, currencyWord, count] = m;
    const body = numeral!.replace(/点$/, '');
    const parsed = parseChineseNumeral(body + (magnitude ?? ''));
    if (!parsed) continue;
    const currency = currencySign ?? currencyWord;
    if (!points && !currency && parsed.value <= 12) continue;
    add(
      {
        value: parsed.value,
        kind: kindOf(undefined, points, currency, count),
        place: parsed.last,
        roundedTo: parsed.last,
        ...(currency && { currency }),
      },
      m.index,
      m.index + whole.trimEnd().length,
      more ? 'over' : 'exact',
    );
  }
  return found.sort((a, b) => a.index - b.index);
}
