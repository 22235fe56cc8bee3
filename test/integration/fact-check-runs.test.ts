import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SalesMetrics } from '../../sales/metrics';
import { outcomeText, summarize } from '../../temporal/runs';
import { REPORT_DATE, sampleSalesFile, withHarness } from '../helpers/harness';
import { loadReportWeek } from '../helpers/load';
import { chineseNumeral } from '../helpers/numerals';

const n = (x: number, decimals = 0) =>
  x.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });

/**
 * A sample of the fact-check corpus (test/unit/fact-check-kinds.test.ts) through whole runs on the dev server, with
 * a model that always writes the same headline, so repair cannot help: a wrong sentence never reaches the sales
 * team (the report goes out with the numbers and the narrative withheld, the audit says so), a right one does.
 */
describe('the words of a whole run, with a model that never changes its headline', () => {
  async function run(headline: (m: SalesMetrics) => string) {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-words-'));
    const dataPath = await sampleSalesFile(dir);
    const metrics = await loadReportWeek(dataPath, { trendWeeks: 8 });
    const sentence = headline(metrics);
    return withHarness({ dataPath, simArgs: ['--headline', sentence] }, async (h) => {
      const handle = await h.start();
      const result = await h.withWorker(handle.result());
      const mails = await h.sink.waitForMessages(result.llm?.narrativeWithheld ? 2 : 1, 10_000);
      const report = mails.find((m) => m.envelope.to.includes('sales@example.com'))!;
      const summary = summarize(await handle.describe());
      return { sentence, result, report, mails, summary };
    });
  }

  it.each([
    ['comparison basis', (m: SalesMetrics) => `销售额同比下降${n(Math.abs(m.kpis.revenue.changeRatio! * 100), 1)}%`],
    ['currency', (m: SalesMetrics) => `本周销售额$${n(m.kpis.revenue.current, 1)}`],
  ])(
    'withholds a wrong sentence (%s): numbers only in the email, ops told, the audit says "withheld"',
    async (_kind, headline) => {
      const { sentence, result, report, mails, summary } = await run(headline);
      expect(result.outcome).toBe('sent');
      expect(result.llm?.narrativeWithheld?.reason).toBeTruthy();
      expect(report.parsed.text).not.toContain(sentence);
      expect(report.parsed.text).toContain('文字解读未通过数字核对');
      expect(mails.some((m) => m.parsed.subject?.startsWith('[NARRATIVE WITHHELD]'))).toBe(true);
      expect(summary.narrativeWithheld).toBe(true);
      expect(outcomeText(summary.outcome, summary.narrativeWithheld)).toBe('sent (narrative withheld)');
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
});
