import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSampleCsv } from '../../dev/sample-data';
import { loadSalesMetrics, loadSalesViews } from '../../sales/load';
import { sliceOf } from '../../sales/slices';
import { writeDocument, metricsFromPrompt } from '../../dev/simulator/report-writer';
import { junkDocument } from '../../dev/simulator/server';
import { citationsIn, withoutCitations } from '../../report/citations';
import { checkClaims } from '../../report/fact-check';
import { factBook, factLines } from '../../report/facts';
import { printedNarrative } from '../../report/narrative';
import { loadPrompts } from '../../report/prompts';
import type { Locale } from '../../report/locale';
import { formatCompactMoney, formatMoney, formatRatio } from '../../report/render/format';
import type { SalesMetrics } from '../../sales/metrics';
import { narrativeSchema, type Narrative } from '../../schemas/narrative.schema';
import { simulatedAnswer } from '../helpers/answers';
import { loadOptions, sampleReportWeek } from '../helpers/load';

const simulated = (m: SalesMetrics, locale: Locale) => simulatedAnswer(m, locale);

const headlineProblems = (m: SalesMetrics, locale: Locale, headline: string) =>
  checkClaims({ ...simulated(m, locale), headline }, m, { locale }).filter((p) => p.field === 'headline');

/** A year of seeded history (seed 23), reporting on 2026-11-20: the data the claims were first tried on. */
const year = () => sampleReportWeek({ days: 371, ordersPerDay: 25, seed: 23, yearlyGrowth: 0.15 }, { trendWeeks: 8 });

describe('claims with no digits in them: the verdict is the truth, whichever it is', () => {
  it('judges each sentence a director was once told wrongly, by what the metrics say', async () => {
    const m = await year();
    const grew = (rows: SalesMetrics['byRegion']) => rows.filter((r) => (r.changeRatio ?? 0) > 0).length;
    const bestDay = [...m.revenueByDay].sort((a, b) => b.revenue - a.revenue)[0]!.date;
    const friday = m.revenueByDay.find((d) => new Date(`${d.date}T00:00:00Z`).getUTCDay() === 5)!.date;
    const huabei = m.byRegion.find((r) => r.name === '华北')!;
    const change = (m.kpis.revenue.changeRatio ?? 0) * 100;
    const cases: [Locale, string, boolean][] = [
      ['zh-CN', '华东销售额排名第一。', m.byRegion[0]!.name === '华东'],
      ['en-US', '华东 was the top region by revenue.', m.byRegion[0]!.name === '华东'],
      ['zh-CN', '所有区域销售额均实现增长。', grew(m.byRegion) === m.byRegion.length],
      ['en-US', 'Every region grew week over week.', grew(m.byRegion) === m.byRegion.length],
      ['zh-CN', '5个区域中有4个实现增长。', grew(m.byRegion) === 4 && m.byRegion.length === 5],
      ['en-US', '4 of 5 categories grew.', grew(m.byCategory) === 4 && m.byCategory.length === 5],
      ['zh-CN', '本周周五销售额最高。', bestDay === friday],
      ['en-US', 'Friday was the best day of the week.', bestDay === friday],
      ['zh-CN', `${m.topProducts[1]!.product}是本周最畅销商品。`, false],
      ['zh-CN', `${m.topProducts[0]!.product}是本周最畅销商品。`, true],
      ['zh-CN', '华北贡献了过半销售额。', huabei.share > 0.5],
      ['en-US', 'Revenue was flat week over week.', Math.abs(change) < 1],
      ['zh-CN', '本周销售额与上周基本持平。', Math.abs(change) < 1],
    ];
    const verdicts = cases.map(([locale, sentence, truth]) => ({
      sentence,
      truth,
      passed: headlineProblems(m, locale, sentence).length === 0,
    }));
    expect(verdicts.filter((v) => v.passed !== v.truth)).toEqual([]);
    // The sample is one where most of these are false: the test would pass vacuously otherwise.
    expect(verdicts.filter((v) => !v.truth).length).toBeGreaterThanOrEqual(8);
  });
});

describe('a figure written as the email prints it is never refused for rounding', () => {
  it('passes every cited KPI change, year-over-year change and figure at a glance, for 12 samples in both locales', async () => {
    const refused: unknown[] = [];
    let sentences = 0;
    for (let seed = 20; seed < 32; seed++) {
      const m = await sampleReportWeek({ days: 371, ordersPerDay: 15, seed, yearlyGrowth: 0.2 }, { trendWeeks: 8 });
      for (const locale of ['zh-CN', 'en-US'] as const) {
        const zh = locale === 'zh-CN';
        const r = m.kpis.revenue;
        const shown = (ratio: number | null | undefined) => formatRatio(ratio ?? null, locale).replace(/^[+-]/, '');
        const up = (ratio: number | null | undefined) =>
          (ratio ?? 0) >= 0 ? (zh ? '增长' : 'rose') : zh ? '下降' : 'fell';
        const written = [
          zh
            ? `销售额环比${up(r.changeRatio)}${shown(r.changeRatio)} [revenue]`
            : `Revenue ${up(r.changeRatio)} ${shown(r.changeRatio)} week over week [revenue]`,
          zh
            ? `销售额同比${up(r.yoyChangeRatio)}${shown(r.yoyChangeRatio)} [revenue]`
            : `Revenue ${up(r.yoyChangeRatio)} ${shown(r.yoyChangeRatio)} year over year [revenue]`,
          zh
            ? `本周销售额${formatCompactMoney(r.current, 'CNY', locale)}`
            : `Revenue came in at ${formatCompactMoney(r.current, 'CNY', locale)}`,
          zh
            ? `本周销售额${formatMoney(r.current, 'CNY', locale, 0)}`
            : `Revenue was ${formatMoney(r.current, 'CNY', locale, 0)}`,
          ...m.byRegion.map((x) =>
            zh
              ? `${x.name}销售额同比${up(x.yoyChangeRatio)}${shown(x.yoyChangeRatio)} [region.${x.name}]`
              : `${x.name} revenue ${up(x.yoyChangeRatio)} ${shown(x.yoyChangeRatio)} year over year [region.${x.name}]`,
          ),
        ];
        for (const headline of written) {
          sentences++;
          const problems = headlineProblems(m, locale, headline);
          if (problems.length > 0) refused.push({ seed, headline, problems });
        }
      }
    }
    expect(refused).toEqual([]);
    expect(sentences).toBeGreaterThan(150);
  });

  it('reads "¥0.26 mn" as a quarter of a million, as it reads 26万', async () => {
    const m = await year();
    const mn = (m.kpis.revenue.current / 1e6).toFixed(2);
    expect(headlineProblems(m, 'en-US', `Revenue came in at ¥${mn} mn.`)).toEqual([]);
    expect(headlineProblems(m, 'en-US', `Revenue came in at ¥${(Number(mn) * 2).toFixed(2)} mn.`)).toHaveLength(1);
  });
});

describe('the model cites facts; the reader never sees an id', () => {
  it('lists every fact with its id, and the simulator cites only ids the book has', async () => {
    const m = await year();
    for (const locale of ['zh-CN', 'en-US'] as const) {
      const book = factBook(m, locale);
      const lines = factLines(book).split('\n');
      expect(lines.length).toBe(book.facts.length);
      for (const id of ['revenue', 'rank.region', 'growth.region', 'days', 'trend', 'movers'])
        expect(book.ids).toContain(id);
      const answer = simulated(m, locale);
      const cited = Object.values(answer).flatMap((v) => citationsIn(JSON.stringify(v)));
      expect(cited.length).toBeGreaterThan(5);
      expect(cited.filter((id) => !book.ids.has(id))).toEqual([]);
      const printed = printedNarrative(answer, checkClaims(answer, m, { locale, facts: book }));
      expect(printed.dropped).toEqual([]);
      expect(JSON.stringify(printed.report)).not.toMatch(/\[(revenue|movers|rank\.|region\.)/);
    }
  });

  it('refuses a citation of a fact the book does not have, and takes citations out of the printed text', async () => {
    const m = await year();
    const [problem] = headlineProblems(m, 'zh-CN', '本周销售额表现稳健 [revenue.forecast]');
    expect(problem?.reason).toContain('not a fact of this report');
    expect(withoutCitations('华东销售额排名第二 [rank.region]。')).toBe('华东销售额排名第二。');
    expect(withoutCitations('Revenue rose [revenue, rank.region], as planned [注]')).toBe(
      'Revenue rose, as planned [注]',
    );
  });

  it('leaves out the items that stay wrong and withholds only for the headline or summary', async () => {
    const m = await year();
    const answer = simulated(m, 'en-US');
    const wrongRegion = m.byRegion[1]!.name;
    answer.highlights = [`${wrongRegion} was the top region by revenue [rank.region].`, ...answer.highlights.slice(1)];
    answer.risks = ['Every region grew week over week.', ...answer.risks];
    const printed = printedNarrative(answer, checkClaims(answer, m, { locale: 'en-US' }));
    expect(printed.dropped.map((d) => d.item)).toEqual(['highlights[0]', 'risks[0]']);
    expect(printed.report!.highlights).toHaveLength(answer.highlights.length - 1);
    expect(printed.report!.risks).toHaveLength(answer.risks.length - 1);
    expect(printed.dropped[0]!.reason).toContain(`[rank.region]`);

    const falseHeadline = { ...answer, headline: `${wrongRegion} led every region this week.` };
    const withheld = printedNarrative(falseHeadline, checkClaims(falseHeadline, m, { locale: 'en-US' }));
    expect(withheld.report).toBeUndefined();
    expect(withheld.fatal[0]?.field).toBe('headline');
  });
});

describe("the simulator's honest answers pass beside every report shape", () => {
  it('for the day, week and month reports and a store of a store split, in both locales', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-shapes-'));
    const sample = join(dir, 'sales.csv');
    await writeSampleCsv(sample, { endDate: '2026-11-29', days: 90, ordersPerDay: 30, seed: 9, badRowsPerThousand: 0 });
    // Three stores in two regions, two lines an order, over the two weeks before 2026-11-30.
    const stores = join(dir, 'stores.csv');
    const lines = ['Order ID,Order Date,Product,Category,Region,Channel,Store,Quantity,Amount'];
    for (let i = 0; i < 420; i++) {
      const store = `S0${(i % 3) + 1}`;
      const day = String(16 + (Math.floor(i / 6) % 14)).padStart(2, '0');
      const order = `${store}-${Math.floor(i / 6)}`;
      lines.push(
        `${order},2026-11-${day},P${i % 7},C${i % 3},${i % 3 === 0 ? 'East' : 'West'},Online,${store},1,${10 + ((i * 37) % 90)}`,
      );
    }
    await writeFile(stores, lines.join('\n') + '\n');
    const shapes: [string, SalesMetrics, 'day' | 'week' | 'month'][] = [];
    for (const period of ['day', 'week', 'month'] as const)
      shapes.push([period, await loadSalesMetrics(loadOptions(sample, { reportDate: '2026-11-30', period })), period]);
    const byView = await loadSalesViews(
      loadOptions(stores, {
        reportDate: '2026-11-30',
        views: [{ id: 'by-store', period: 'week', slicing: { split: 'store' } }],
      }),
    );
    shapes.push(['store S02', sliceOf(byView['by-store']!, 'S02', 'store', true), 'week']);
    const refused: unknown[] = [];
    for (const [shape, m, period] of shapes)
      for (const locale of ['zh-CN', 'en-US'] as const) {
        const answer = writeDocument(
          narrativeSchema,
          metricsFromPrompt(loadPrompts(locale, period).userMessage(m)),
          locale === 'zh-CN' ? 'zh' : 'en',
        ) as Narrative;
        const problems = checkClaims(answer, m, { locale });
        if (problems.length > 0) refused.push({ shape, locale, problems });
      }
    expect(refused).toEqual([]);
    expect(shapes).toHaveLength(4);
  });
});

describe('words that are not prose are refused like false claims', () => {
  // What a small model wrote with nothing to say, as the simulator's --junk serves it.
  const junk = () => junkDocument(false) as Narrative;

  it('refuses every field of a junk answer, in both locales, and withholds the narrative', async () => {
    const m = await year();
    for (const locale of ['zh-CN', 'en-US'] as const) {
      const answer = junk();
      const problems = checkClaims(answer, m, { locale });
      const fields = new Set(problems.map((p) => p.field));
      // Every printed field is refused, each as not prose.
      expect(fields.size).toBe(18);
      expect(problems.every((p) => p.reason.startsWith('is not prose'))).toBe(true);
      expect(printedNarrative(answer, problems).report).toBeUndefined();
    }
  });

  it('drops a junk item and a repeated one, keeps the prose, and passes every honest simulator answer', async () => {
    const m = await year();
    for (const locale of ['zh-CN', 'en-US'] as const) {
      const answer = simulated(m, locale);
      expect(checkClaims(answer, m, { locale })).toEqual([]);
      answer.highlights = [answer.highlights[0]!, 'righlight', answer.highlights[0]!];
      const printed = printedNarrative(answer, checkClaims(answer, m, { locale }));
      expect(printed.dropped.map((d) => d.item)).toEqual(['highlights[1]', 'highlights[2]']);
      expect(printed.report?.highlights).toEqual([withoutCitations(answer.highlights[0]!)]);
    }
  });
});

describe('the honest answers pass on any report date', () => {
  it("passes the simulator's answers for 20 report dates in a row (dates such as 2026-11-11 are not a repeated character)", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-dates-'));
    const path = join(dir, 'sales.csv');
    await writeSampleCsv(path, { endDate: '2026-11-19', days: 60, ordersPerDay: 20, seed: 7, badRowsPerThousand: 3 });
    const refused: unknown[] = [];
    for (let day = 1; day <= 20; day++) {
      const reportDate = `2026-11-${String(day).padStart(2, '0')}`;
      const m = await loadSalesMetrics(loadOptions(path, { reportDate, trendWeeks: 8 }));
      for (const locale of ['zh-CN', 'en-US'] as const) {
        const problems = checkClaims(simulated(m, locale), m, { locale });
        if (problems.length > 0) refused.push({ reportDate, locale, problems });
      }
    }
    expect(refused).toEqual([]);
  });
});
