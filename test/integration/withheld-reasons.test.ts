import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { archivePrefix } from '../../store/archive';
import { REPORT_DATE, withHarness } from '../helpers/harness';

/**
 * Why the words were not printed, told truly, through whole runs on the dev server: a model that writes junk under
 * the schema (in both locales), and a server that refuses the request as longer than its context. Readers read a
 * note that says what happened, ops an alert that names it, and the audit keeps every attempt's reason.
 */
describe('one true reason for words not printed', () => {
  it.each([
    ['zh-CN', '本期模型没有写出可用的文字', ['标题标题标题', 'action (owner)']],
    ['en-US', 'The model wrote no usable commentary this time', ['hhaedlinc', 'summaraykkuo', 'righlight']],
  ] as const)('junk in %s reaches no reader: a true note, ops told "no usable text"', (locale, note, junk) =>
    withHarness({ simArgs: ['--junk', '99'], config: { report: { locale } } }, async (h) => {
      const handle = await h.start();
      const result = await h.withWorker(handle.result());
      expect(result.outcome).toBe('sent-numbers-only');
      expect(result.llm?.narrativeWithheld?.cause).toBe('junk');
      expect(result.llm?.narrativeWithheld?.reason).toMatch(/^the model wrote no usable text: .*attempt 1 \(junk\)/);
      const mails = await h.sink.waitForMessages(2, 10_000);
      const report = mails.find((m) => m.envelope.to.includes('sales@example.com'))!;
      const alert = mails.find((m) => m.envelope.to.includes('ops@example.com'))!;
      expect(report.parsed.text).toContain(note);
      expect(report.parsed.text).not.toMatch(/未通过数字核对|did not pass the figure check/);
      for (const words of junk) expect(report.parsed.text).not.toContain(words);
      expect(alert.parsed.subject).toBe(
        `[NARRATIVE WITHHELD] Sales report ${REPORT_DATE} was sent with the numbers only: the model wrote no usable text`,
      );
      // The repair turn is the last answer and its problems, not every attempt so far: the prompt does not grow.
      const dir = h.store.locate(
        archivePrefix({ workflowId: handle.workflowId, runId: result.runId, reportDate: REPORT_DATE }),
      );
      const promptTokens = await Promise.all(
        [1, 2, 3].map(async (attempt) => {
          const answer = JSON.parse(await readFile(`${dir}/llm-answer-1-${attempt}.json`, 'utf8')) as {
            usage: { prompt_tokens: number };
          };
          return answer.usage.prompt_tokens;
        }),
      );
      expect(promptTokens[2]).toBeLessThanOrEqual(promptTokens[1]! * 1.05);
    }),
  );

  it('a prompt with no room for an answer is refused at once, naming both sizes: "refused, and will recur"', () =>
    withHarness({ simArgs: ['--max-model-len', '2500'] }, async (h) => {
      const handle = await h.start();
      const result = await h.withWorker(handle.result());
      expect(result.outcome).toBe('sent-numbers-only');
      const withheld = result.llm?.narrativeWithheld;
      expect(withheld?.cause).toBe('request-refused');
      expect(withheld?.reason).toMatch(/^the model server refused the request; it will recur/);
      expect(withheld?.reason).toMatch(/the prompt is about \d+ tokens and the model server serves 2500 tokens in all/);
      expect(withheld?.reason).toContain('(no call reached the model)');
      expect(withheld?.reason).not.toContain('could not be reached');
      const mails = await h.sink.waitForMessages(2, 10_000);
      const report = mails.find((m) => m.envelope.to.includes('sales@example.com'))!;
      expect(report.parsed.text).toContain('本期模型服务拒绝了撰写请求');
      const alert = mails.find((m) => m.envelope.to.includes('ops@example.com'))!;
      expect(alert.parsed.subject).toContain('the model server refused the request');
    }));

  it('a server whose context leaves less than llm.maxTokens gets a request sized to fit, and writes the words', () =>
    // 3,600 tokens: the prompt and the configured 2,048 for the answer would not fit, the prompt and what is left do.
    withHarness({ simArgs: ['--max-model-len', '3600'] }, async (h) => {
      const result = await h.withWorker((await h.start()).result());
      expect(result.outcome).toBe('sent');
      expect(result.llm?.narrativeWithheld).toBeUndefined();
      expect(result.llm?.attempts).toBe(1);
    }));
});
