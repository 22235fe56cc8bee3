import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSampleXlsx } from '../../dev/sample-data';
import { checkClaims } from '../../report/fact-check';
import { simulatedAnswer } from '../helpers/answers';
import { loadReportWeek } from '../helpers/load';
import type { SalesMetrics } from '../../sales/metrics';
import type { Narrative } from '../../schemas/narrative.schema';

const n = (x: number, decimals = 0) =>
  x.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
const pct = (ratio: number | null, decimals = 1) => n(Math.abs((ratio ?? 0) * 100), decimals);
/** Thousands to one decimal, cut instead of rounded (or, where that happens to be right, one tenth off). */
const misrounded = (x: number) => {
  const cut = Math.floor(x / 100) / 10;
  return cut !== Math.round(x / 100) / 10 ? cut.toFixed(1) : (cut + 0.2).toFixed(1);
};
const upZh = (r: number | null) => ((r ?? 0) > 0 ? '增长' : '下降');
const downZh = (r: number | null) => ((r ?? 0) > 0 ? '下降' : '增长');
const upEn = (r: number | null) => ((r ?? 0) > 0 ? 'rose' : 'fell');
const downEn = (r: number | null) => ((r ?? 0) > 0 ? 'fell' : 'rose');

describe('the figures in the words, checked against the metrics: a corpus of 40 answers', () => {
  let m: SalesMetrics;
  let base: { zh: Narrative; en: Narrative };
  beforeAll(async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'sales-report-facts-')), 'sales.xlsx');
    await writeSampleXlsx(path, { endDate: '2026-11-19', days: 21, ordersPerDay: 25, seed: 7, badRowsPerThousand: 3 });
    m = await loadReportWeek(path);
    // The simulator writes answers from the metrics in the prompt: the honest baseline, in both locales.
    base = { zh: simulatedAnswer(m, 'zh-CN'), en: simulatedAnswer(m, 'en-US') };
  });

  /** The baseline answer with its headline replaced by `sentence`. */
  const answer = (locale: 'zh' | 'en', sentence: string): Narrative => ({
    ...base[locale],
    headline: sentence,
  });

  function cases() {
    const r = m.kpis.revenue;
    const o = m.kpis.orders;
    const u = m.kpis.units;
    const a = m.kpis.averageOrderValue;
    const category = m.byCategory[0]!;
    const region = m.byRegion.find((x) => x.changeRatio !== null && Math.abs(x.changeRatio) > 0.01)!;
    const product = m.topProducts[0]!;
    const correct: [string, 'zh' | 'en', string][] = [
      ['exact amount', 'zh', `本周销售额¥${n(r.current, 2)}`],
      ['万', 'zh', `本周销售额${n(r.current / 1e4, 1)}万元`],
      ['no decimals', 'zh', `本周销售额 ${n(r.current)} 元`],
      ['million', 'en', `Revenue reached ¥${n(r.current / 1e6, 2)} million`],
      ['k', 'en', `Revenue of ${n(r.current / 1e3)}k this week`],
      ['change zh', 'zh', `销售额环比${upZh(r.changeRatio)}${pct(r.changeRatio)}%`],
      ['signed change en', 'en', `Revenue ${upEn(r.changeRatio)} ${pct(r.changeRatio)}% week over week`],
      ['two decimals', 'zh', `销售额环比${upZh(r.changeRatio)}${pct(r.changeRatio, 2)}%`],
      ['orders', 'zh', `本周共${n(o.current)}笔订单`],
      ['AOV', 'zh', `客单价${n(a.current)}元`],
      ['units', 'en', `${n(u.current)} units sold`],
      ['share', 'zh', `${category.name}占销售额的${pct(category.share)}%`],
      ['region change', 'zh', `${region.name}销售额环比${upZh(region.changeRatio)}${pct(region.changeRatio)}%`],
      ['product revenue', 'zh', `${product.product}销售额¥${n(product.revenue)}`],
      ['difference', 'zh', `销售额较上周变动${n(Math.abs(r.current - r.previous))}元`],
      ['last week', 'zh', `上周销售额为${n(r.previous, 2)}`],
      ['orders en', 'en', `Orders ${upEn(o.changeRatio)} ${pct(o.changeRatio)}% to ${n(o.current)}`],
      ['AOV en', 'en', `Average order value ${upEn(a.changeRatio)} ${pct(a.changeRatio)}%`],
      ['dates and small counts', 'en', `Week 2026-11-13 – 2026-11-19: the top 3 products led`],
      ['Chinese dates', 'zh', `11月13日至11月19日（第47周）销售额${n(r.current / 1e4, 1)}万`],
    ];
    const wrong: [string, 'zh' | 'en', string][] = [
      ['invented amount', 'zh', '销售额暴跌 85.0% 至 ¥9,999,999'],
      ['invented percent', 'zh', `销售额${downZh(r.changeRatio)}85.0%`],
      ['wrong direction', 'zh', `销售额环比${downZh(r.changeRatio)}${pct(r.changeRatio)}%`],
      ['亿 for 万', 'zh', `本周销售额${n(r.current / 1e4, 1)}亿元`],
      ['10× million', 'en', `Revenue reached ${n(r.current / 1e5, 2)} million`],
      ['doubled', 'en', 'Revenue doubled: +100%'],
      ['orders count', 'zh', `本周共${n(o.current + 52)}笔订单`],
      ['AOV amount', 'zh', `客单价${n(a.current * 2)}元`],
      ['units count', 'en', `${n(u.current * 3 + 7)} units sold`],
      ['share', 'zh', `${category.name}占销售额的99.0%`],
      ['region direction', 'zh', `${region.name}销售额环比${downZh(region.changeRatio)}${pct(region.changeRatio)}%`],
      ['product revenue', 'zh', `${product.product}销售额¥${n(product.revenue * 10)}`],
      ['direction en', 'en', `Revenue ${downEn(r.changeRatio)} ${pct(r.changeRatio)}%`],
      ['orders direction en', 'en', `Orders ${downEn(o.changeRatio)} ${pct(o.changeRatio)}%`],
      ['dollars M', 'en', 'Revenue hit $1.2M'],
      ['off percent', 'zh', `销售额环比${upZh(r.changeRatio)}${n(Math.abs((r.changeRatio ?? 0) * 100) + 0.4, 1)}%`],
      ['orders percent', 'zh', `订单${upZh(o.changeRatio)}${n(Math.abs((o.changeRatio ?? 0) * 100) + 10, 1)}%`],
      ['AOV direction', 'zh', `客单价环比${downZh(a.changeRatio)}${pct(a.changeRatio)}%`],
      ['invented product', 'zh', '神秘新品销售额 ¥88,888，表现亮眼'],
      ['misrounded', 'en', `Revenue of ${misrounded(r.current)}k`],
    ];
    return { correct, wrong };
  }

  it('accepts the baseline answers and 20 correct ones written in varied number styles, in both locales', () => {
    expect(checkClaims(base.zh, m)).toEqual([]);
    expect(checkClaims(base.en, m)).toEqual([]);
    const { correct } = cases();
    expect(correct).toHaveLength(20);
    const rejected = correct
      .map(([name, locale, sentence]) => ({ name, sentence, problems: checkClaims(answer(locale, sentence), m) }))
      .filter((c) => c.problems.length > 0);
    expect(rejected).toEqual([]);
  });

  it('catches all 20 wrong ones: invented figures, wrong directions, wrong units, misrounded numbers', () => {
    const { wrong } = cases();
    expect(wrong).toHaveLength(20);
    const missed = wrong
      .map(([name, locale, sentence]) => ({ name, sentence, problems: checkClaims(answer(locale, sentence), m) }))
      .filter((c) => c.problems.length === 0);
    expect(missed).toEqual([]);
  });

  it('names the wrong figure and the closest right one, for the model to fix', () => {
    const [problem] = checkClaims(answer('zh', '本周销售额 ¥9,999,999'), m);
    expect(problem).toMatchObject({ field: 'headline', written: '¥9,999,999' });
    expect(problem!.reason).toMatch(/is not one of the report's figures \(closest: .+ = [\d,.]+\)/);
  });
});
