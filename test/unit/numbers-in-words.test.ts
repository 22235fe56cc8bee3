import { describe, expect, it } from 'vitest';
import { numbersIn, parseChineseNumeral } from '../../report/numbers-in-words';
import { chineseNumeral } from '../helpers/numerals';

describe('numbers as business text writes them', () => {
  it('reads Chinese numerals and magnitudes, with the place of their last digit', () => {
    // The forms two npm packages read wrong (两万 → 0, 一点二亿 → 1.2; 一亿二千万 → 1,000,020,000,000).
    expect(parseChineseNumeral('七十六万')).toEqual({ value: 760_000, last: 10_000 });
    expect(parseChineseNumeral('一百二十万')).toEqual({ value: 1_200_000, last: 100_000 });
    expect(parseChineseNumeral('一点二亿')).toEqual({ value: 120_000_000, last: 10_000_000 });
    expect(parseChineseNumeral('一亿二千万')).toEqual({ value: 120_000_000, last: 10_000_000 });
    expect(parseChineseNumeral('九十二点八万')?.value).toBeCloseTo(928_000);
    expect(parseChineseNumeral('两万')).toEqual({ value: 20_000, last: 10_000 });
    expect(parseChineseNumeral('二十万零五百')).toEqual({ value: 200_500, last: 100 });
    expect(parseChineseNumeral('三千四百五十六')).toEqual({ value: 3456, last: 1 });
    expect(parseChineseNumeral('十二')).toEqual({ value: 12, last: 1 });
    expect(parseChineseNumeral('销售')).toBeUndefined();
  });

  it('reads back what the test encoder writes, for numbers of every size', () => {
    for (const x of [1, 10, 15, 108, 1010, 20_005, 208_766, 1_000_000, 10_020_300, 120_000_000, 3_000_000_008])
      expect(parseChineseNumeral(chineseNumeral(x))?.value, chineseNumeral(x)).toBe(x);
  });

  it('finds each number with its kind, claim and precision, and leaves words, dates and small counts alone', () => {
    const found = (text: string) =>
      numbersIn(text).map(({ written, value, kind, claim }) => ({ written, value, kind, claim }));
    expect(found('销售额约七十六万元，订单超过１,２００笔')).toEqual([
      { written: '约七十六万元', value: 760_000, kind: 'money', claim: 'approx' },
      { written: '超过１,２００笔', value: 1200, kind: 'count', claim: 'over' },
    ]);
    expect(found('占比提升2.3个百分点，近四成来自线上')).toEqual([
      { written: '2.3个百分点', value: 2.3, kind: 'points', claim: 'exact' },
      { written: '近四成', value: 40, kind: 'fraction', claim: 'nearly' },
    ]);
    expect(found('Revenue of nearly $1.2 million, doubled from last week')).toEqual([
      { written: 'nearly $1.2 million', value: 1_200_000, kind: 'money', claim: 'nearly' },
      { written: 'doubled', value: 2, kind: 'ratio', claim: 'approx' },
    ]);
    expect(found('进一步提升，十分重要，千万不要在2026年11月13日（周五）第47周前停下，top 3 与双11、618大促')).toEqual(
      [],
    );
    // A figure whose last group is 618 is a figure, not the shopping festival.
    expect(found('本周销售额163,618，较上周¥7,618.50').map((n) => n.value)).toEqual([163_618, 7_618.5]);
  });
});
