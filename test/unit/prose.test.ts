import { describe, expect, it } from 'vitest';
import { notProse } from '../../report/prose';

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
