import { describe, expect, it } from 'vitest';
import { RESTS_ON_NO_FACT } from '../../report/fact-check';
import { notProse } from '../../report/prose';
import { judgeAnswer } from '../../report/verdict';
import { simulatedAnswer } from '../helpers/answers';
import { sampleReportWeek } from '../helpers/load';

/**
 * What a small model fills a field with when it has nothing to say, and prose it must not be mistaken for (the
 * check reads a field with its citations taken out).
 */
describe('the words are words', () => {
  it.each([
    ['en-US', 'https://www.youtube.com/embed/a_13e0j2Y7g', 'is a web address, not words'],
    ['zh-CN', 'https://www.youtube.com/embed/s580k3Q2y1E', 'is a web address, not words'],
    ['en-US', 'See www.haedaid.com/bbs/board-message.php?f=cp', 'is a web address, not words'],
    ['en-US', 'hhaedlinc', 'has too few English words to be a sentence'],
    ['en-US', 'righlight', 'echoes the field name "highlight" instead of saying something'],
    ['zh-CN', '标题标题标题', 'repeats "标题" instead of saying something'],
    ['en-US', '":{', 'holds JSON or markup, not words'],
  ] as const)('%s: %j %s', (locale, text, reason) => {
    expect(notProse(text, locale)).toBe(reason);
  });

  it.each([
    ['en-US', 'Revenue rose 12.3% week over week, led by the East region.'],
    ['zh-CN', '本周销售额环比增长12.3%，华东地区贡献最大。'],
    ['en-US', 'Orders fell in the North region; details are on the dashboard at https://bi.example.com/north.'],
  ] as const)('%s: a sentence is prose, a link in it too: %j', (locale, text) => {
    expect(notProse(text, locale)).toBeUndefined();
  });
});

describe('the headline and the summary speak of this report', () => {
  it('fluent words about nothing of it are no usable text; a headline naming its week, a KPI or a member is', async () => {
    const m = await sampleReportWeek({ days: 21, ordersPerDay: 20, seed: 4 });
    const judge = (locale: 'zh-CN' | 'en-US', headline: string, summary?: string) => {
      const answer = { ...simulatedAnswer(m, locale), headline, ...(summary !== undefined && { summary }) };
      return judgeAnswer(JSON.stringify(answer), 'stop', m, { locale });
    };
    // What a real small model wrote for a daily flash: a product review.
    const review = judge(
      'en-US',
      'This is a great product for the price, I would definitely buy it again.',
      "I'm in love with this product! It has been used by many people and everyone likes it.",
    );
    expect(review.refusedBy).toBe('junk');
    expect(review.refusedBy && review.errors.filter((e) => e.includes(RESTS_ON_NO_FACT))).toHaveLength(2);
    expect(judge('zh-CN', '这款产品物美价廉，我非常喜欢，会推荐给朋友购买。').refusedBy).toBe('junk');
    // A headline with no figure that names the week, a set of members or a KPI still speaks of the report.
    expect(judge('en-US', 'Review the promotions this week before the weekend rush.').refusedBy).toBeUndefined();
    expect(judge('zh-CN', '各区域本周走势分化，建议关注渠道结构。').refusedBy).toBeUndefined();
  });
});
