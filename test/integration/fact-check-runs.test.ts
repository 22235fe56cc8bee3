import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SalesMetrics } from '../../sales/metrics';
import type { AuditMemo } from '../../temporal/contracts';
import { outcomeText, summarize } from '../../temporal/runs';
import { REPORT_DATE, sampleSalesFile, withHarness } from '../helpers/harness';
import { loadReportWeek } from '../helpers/load';
import { chineseNumeral } from '../helpers/numerals';

const n = (x: number, decimals = 0) =>
  x.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });

/**
 * A sample of the fact-check corpus (test/unit/fact-check-kinds.test.ts) through whole runs on the dev server, with
 * a model that always writes the same words, so repair cannot help: a wrong sentence never reaches the sales team
 * (a wrong headline withholds the narrative, a wrong item is left out and the rest is sent; the audit says which),
 * a right one does.
 */
describe('the words of a whole run, with a model that never changes them', () => {
  async function runWith(simArgs: (m: SalesMetrics) => string[]) {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-words-'));
    const dataPath = await sampleSalesFile(dir);
    const metrics = await loadReportWeek(dataPath, { trendWeeks: 8 });
    const args = simArgs(metrics);
    return withHarness({ dataPath, simArgs: args }, async (h) => {
      const handle = await h.start();
      const result = await h.withWorker(handle.result());
      const mails = await h.sink.waitForMessages(result.llm?.narrativeWithheld ? 2 : 1, 10_000);
      const report = mails.find((m) => m.envelope.to.includes('sales@example.com'))!;
      const description = await handle.describe();
      const summary = summarize(description);
      const audit = description.memo?.audit as AuditMemo | undefined;
      return { metrics, args, result, report, mails, summary, audit };
    });
  }
  async function run(headline: (m: SalesMetrics) => string) {
    const r = await runWith((m) => ['--headline', headline(m)]);
    return { ...r, sentence: r.args[1]! };
  }

  it.each([
    ['comparison basis', (m: SalesMetrics) => `销售额同比下降${n(Math.abs(m.kpis.revenue.changeRatio! * 100), 1)}%`],
    ['currency', (m: SalesMetrics) => `本周销售额$${n(m.kpis.revenue.current, 1)}`],
    ['ranking', (m: SalesMetrics) => `${m.byRegion[1]!.name}销售额排名第一，领跑全国`],
  ])(
    'withholds a wrong sentence (%s): numbers only in the email, ops told, the audit says "withheld"',
    async (_kind, headline) => {
      const { sentence, result, report, mails, summary } = await run(headline);
      expect(result.outcome).toBe('sent-numbers-only');
      expect(result.llm?.narrativeWithheld?.reason).toBeTruthy();
      expect(report.parsed.text).not.toContain(sentence);
      expect(report.parsed.text).toContain('文字解读未通过数字核对');
      expect(mails.some((m) => m.parsed.subject?.startsWith('[NARRATIVE WITHHELD]'))).toBe(true);
      expect(summary.narrativeWithheld).toBe(true);
      expect(outcomeText(summary.outcome, summary.narrativeWithheld)).toBe('sent-numbers-only');
    },
  );

  it('sends a right sentence written in Chinese numerals as it was written', async () => {
    const { sentence, result, report, summary } = await run(
      (m) => `本周销售额约${chineseNumeral(Math.round(m.kpis.revenue.current / 1e4) * 1e4)}元`,
    );
    expect(result.llm?.narrativeWithheld).toBeUndefined();
    expect(result.reportDate).toBe(REPORT_DATE);
    expect(report.parsed.text).toContain(sentence);
    expect(outcomeText(summary.outcome, summary.narrativeWithheld)).toBe('sent');
  });

  it('leaves out a false ranking, a false quantifier and a false "flat", sends the rest, and the audit names them', async () => {
    const { metrics, args, result, report, mails, audit } = await runWith((m) => {
      const fell = m.byRegion.some((r) => (r.changeRatio ?? 0) < 0);
      return [
        '--highlight',
        `${m.byRegion[1]!.name}销售额排名第一 [rank.region]。`,
        '--highlight',
        fell ? '所有区域销售额均实现增长。' : '没有一个区域实现增长。',
        '--highlight',
        '本周销售额与上周基本持平 [revenue]。',
      ];
    });
    // The sample must make all three false, or this proves nothing.
    expect(Math.abs(metrics.kpis.revenue.changeRatio! * 100)).toBeGreaterThanOrEqual(1);
    const wrong = args.filter((_, i) => i % 2 === 1).map((x) => x.replace(/ \[[^\]]+\]/, ''));
    expect(result.outcome).toBe('sent-partial');
    expect(result.llm?.narrativeWithheld).toBeUndefined();
    expect(result.llm?.itemsDropped?.map((d) => d.item)).toEqual(['highlights[0]', 'highlights[1]', 'highlights[2]']);
    expect(result.llm?.itemsDropped?.[0]?.reason).toContain('ranks');
    expect(result.llm?.itemsDropped?.[2]?.reason).toContain('held flat');
    expect(audit?.itemsDropped).toEqual(['highlights[0]', 'highlights[1]', 'highlights[2]']);
    for (const sentence of wrong) {
      expect(report.parsed.text).not.toContain(sentence.slice(0, 8));
      expect(report.parsed.html).not.toContain(sentence.slice(0, 8));
    }
    // The rest of the words went out, without their citations, and the data-quality line says what was left out.
    expect(report.parsed.text).toContain(metrics.risers[0]!.product);
    expect(report.parsed.text).not.toMatch(/\[(?:revenue|movers|rank\.|region\.)/);
    expect(report.parsed.text).toContain('有 3 条与系统计算的数据不符，已删去');
    expect(mails.some((m) => m.parsed.subject?.startsWith('[NARRATIVE WITHHELD]'))).toBe(false);
  });
});
