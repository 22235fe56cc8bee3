import { readdir, readFile } from 'node:fs/promises';
import { WorkflowFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { checkReportAnswer } from '../../report/answer-check';
import { archivePrefix } from '../../store/archive';
import { ReportOutcome } from '../../temporal/search-attributes';
import {
  createHarness,
  expectGpuStopped,
  failureOf,
  recordHistory,
  REPORT_DATE,
  type HarnessOptions,
  withHarness,
} from '../helpers/harness';

/** A harness whose simulator misbehaves as `simArgs` say; with "fail", a wrong answer fails the run. */
const misbehaving = (simArgs: string[], onWrongAnswer?: 'fail'): HarnessOptions => ({
  simArgs,
  config: { llm: { onWrongAnswer } },
});

describe('LLM answers that break the contract', () => {
  it('takes a ```json fence out when it is the only problem, and records that it did', () => {
    const valid = JSON.stringify({ headline: 'x' });
    expect(checkReportAnswer('```json\n{"not":"closed"\n```', 'stop')).toMatchObject({ ok: false });
    expect(checkReportAnswer(`Here you go:\n\`\`\`json\n${valid}\n\`\`\``, 'stop')).toMatchObject({ ok: false });
    return withHarness(misbehaving(['--fence-json', '99']), async (h) => {
      const handle = await h.start();
      const result = await h.withWorker(handle.result());
      expect(result.outcome).toBe('sent');
      expect(result.llm).toMatchObject({ attempts: 1, fenceStripped: true });
    });
  });

  it('feeds errors back: invalid twice, then valid, is sent after 3 attempts with every raw answer archived', () =>
    withHarness(misbehaving(['--invalid-json', '2']), async (h) => {
      const handle = await h.start();
      const result = await h.withWorker(handle.result());
      expect(result.outcome).toBe('sent');
      await recordHistory(handle, 'sent-after-3-llm-attempts');
      expect(result.llm?.attempts).toBe(3);
      const dir = h.store.locate(
        archivePrefix({
          workflowId: handle.workflowId,
          runId: result.runId,
          reportDate: REPORT_DATE,
        }),
      );
      const answers = (await readdir(dir)).filter((f) => f.startsWith('llm-answer-')).sort();
      expect(answers).toEqual(['llm-answer-1-1.json', 'llm-answer-1-2.json', 'llm-answer-1-3.json']);
      const first = JSON.parse(await readFile(`${dir}/llm-answer-1-1.json`, 'utf8')) as {
        choices: { message: { content: string } }[];
      };
      expect(() => JSON.parse(first.choices[0]!.message.content) as unknown).toThrow();
      expect(h.sink.messages).toHaveLength(1);
    }));

  it('with llm.onWrongAnswer "fail": fails for good when the answer stays invalid: AJV errors, GPU stopped, alert, no report', () =>
    withHarness(misbehaving(['--invalid-json', '1000'], 'fail'), async (h) => {
      const handle = await h.start();
      const { error, messages } = await failureOf(h.withWorker(handle.result()));
      await recordHistory(handle, 'failed-llm-invalid');
      expect(error).toBeInstanceOf(WorkflowFailedError);
      expect(messages).toContain('stayed invalid after 3 attempts');
      expect(messages).toMatch(
        /must have required property|must be equal to one of the allowed values|must NOT have additional properties/,
      );
      const runId = (await handle.describe()).runId;
      await expectGpuStopped(h);

      const [alert] = await h.sink.waitForMessages(1, 10_000);
      expect(h.sink.messages).toHaveLength(1);
      expect(alert!.envelope.to).toEqual(['ops@example.com']);
      // The subject says which report, where and why: the reason a person reads first.
      expect(alert!.parsed.subject).toMatch(
        new RegExp(
          `^\\[FAILED\\] Sales report ${REPORT_DATE} \\(generating report\\): .*stayed invalid after 3 attempts`,
        ),
      );
      expect(alert!.parsed.text).toContain('GPU: given back to the pool');
      expect(alert!.parsed.text).toContain(`/workflows/${handle.workflowId}/${runId}/history`);
      expect((await handle.describe()).typedSearchAttributes.get(ReportOutcome)).toBe('failed');
    }));

  it('treats a truncated answer (finish_reason "length") as invalid and asks again', () =>
    withHarness(misbehaving(['--truncate', '1']), async (h) => {
      const handle = await h.start();
      const result = await h.withWorker(handle.result());
      expect(result.llm?.attempts).toBe(2);
      const dir = h.store.locate(
        archivePrefix({
          workflowId: handle.workflowId,
          runId: result.runId,
          reportDate: REPORT_DATE,
        }),
      );
      const first = JSON.parse(await readFile(`${dir}/llm-answer-1-1.json`, 'utf8')) as {
        choices: { finish_reason: string }[];
      };
      expect(first.choices[0]!.finish_reason).toBe('length');
      expect(h.sink.messages).toHaveLength(1);
    }));

  it('leaves 5xx from the server to Temporal retries, with the SDK retries off', () =>
    withHarness(misbehaving(['--fail-5xx', '2']), async (h) => {
      const handle = await h.start();
      const result = await h.withWorker(handle.result());
      expect(result.outcome).toBe('sent');
      const history = await handle.fetchHistory();
      const generate = history.events?.find(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'generateReport',
      );
      const started = history.events?.find(
        (e) => e.activityTaskStartedEventAttributes?.scheduledEventId?.toString() === generate?.eventId?.toString(),
      );
      expect(started?.activityTaskStartedEventAttributes?.attempt).toBe(3);
      // Every call to the model counts, across activity retries: two answered 500, the third wrote the report.
      expect(result.llm?.attempts).toBe(3);
      expect((await handle.describe()).memo?.audit).toMatchObject({ attempts: 3 });
    }));

  it('an answer that misstates figures goes back to the model by name; one that stays wrong is never sent', async () => {
    await withHarness(misbehaving(['--misstate-figures', '1']), async (h) => {
      const result = await h.withWorker((await h.start()).result());
      expect(result.outcome).toBe('sent');
      expect(result.llm?.attempts).toBe(2);
      const [mail] = await h.sink.waitForMessages(1, 10_000);
      expect(mail!.parsed.text).not.toContain('9,999,999');
    });
    await withHarness(misbehaving(['--misstate-figures', '99'], 'fail'), async (h) => {
      const { messages } = await failureOf(h.withWorker((await h.start()).result()));
      expect(messages).toContain('headline: "¥9,999,999" is not one of the report\'s figures');
      expect(messages).toMatch(/headline: ".*" says revenue went down, but it went (up|down)|"85.0%" is not one/);
      expect(h.sink.messages.every((m) => m.envelope.to.includes('ops@example.com'))).toBe(true);
    });
  });

  it('by default, an answer that stays wrong is withheld: the report goes out at its time with the numbers, ops get the rejected text', async () => {
    await withHarness(misbehaving(['--misstate-figures', '99']), async (h) => {
      const handle = await h.start();
      const result = await h.withWorker(handle.result());
      await recordHistory(handle, 'sent-narrative-withheld');
      expect(result.outcome).toBe('sent-numbers-only');
      expect(result.llm?.narrativeWithheld?.reason).toContain("is not one of the report's figures");
      const mails = await h.sink.waitForMessages(2, 10_000);
      const report = mails.find((m) => m.envelope.to.includes('sales@example.com'))!;
      const alert = mails.find((m) => m.envelope.to.includes('ops@example.com'))!;
      expect(report.parsed.text).toContain('文字解读未通过数字核对');
      expect(report.parsed.text).not.toContain('9,999,999');
      expect(report.parsed.text).toMatch(/销售额: ¥[\d,]+ \(/); // the figures, in whole yuan
      expect(alert.parsed.subject).toBe(
        `[NARRATIVE WITHHELD] Sales report ${REPORT_DATE} was sent with the numbers only: the model's words stated what the figures do not bear out`,
      );
      expect(alert.parsed.text).toContain('¥9,999,999');
      // The engineering details are ops', not the director's: model, prompt, calls, GPU share, run and its link.
      expect(alert.parsed.text).toMatch(
        new RegExp(
          `Model: ${result.llm!.model}.* · prompt sha256 ${result.llm!.promptSha256} · ${result.llm!.attempts} LLM call`,
        ),
      );
      expect(alert.parsed.text).toMatch(/GPU: given back to the pool.*\d+(\.\d+)? s, /);
      expect(alert.parsed.text).toContain(`Run: ${handle.workflowId} / `);
      expect(alert.parsed.text).toMatch(/Temporal UI: http:\/\/127\.0\.0\.1:\d+\/namespaces\//);
      expect(report.parsed.text).not.toMatch(/sha256|Temporal|GPU/);
    });
  });

  it('a model server that answers 5xx to every call: the numbers go out alone, ops hear how many calls over how long', async () => {
    const h = await createHarness({ simArgs: ['--fail-5xx', '99'], config: { timeouts: { retryMaximumAttempts: 3 } } });
    try {
      const handle = await h.start();
      const result = await h.withWorker(handle.result());
      expect(result.outcome).toBe('sent-numbers-only');
      expect(result.llm?.narrativeWithheld?.reason).toMatch(
        /^the model could not be reached \(3 call\(s\) to the model over \d+s\) while generating report: /,
      );
      expect((await handle.describe()).memo?.audit).toMatchObject({
        outcome: 'sent-numbers-only',
        attempts: 3,
        narrative: 'withheld',
      });
      const mails = await h.sink.waitForMessages(2, 10_000);
      const alert = mails.find((m) => m.envelope.to.includes('ops@example.com'))!;
      expect(alert.parsed.text).toContain('3 call(s) to the model over');
    } finally {
      await h.close();
    }
  });
});
