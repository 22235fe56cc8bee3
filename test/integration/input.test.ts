import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReportInput } from '../../activities/plan-report';
import { WORKFLOW_TYPES } from '../../temporal/contracts';
import { ReportDate, ReportOutcome } from '../../temporal/search-attributes';
import { createHarness, failureOf, recordHistory, REPORT_DATE, type Harness } from '../helpers/harness';

describe('workflow input, as typed into the Web UI', () => {
  it('names an unknown key and the accepted ones, a bad date, bad addresses, and input that is not an object', () => {
    const problems = (raw: unknown) => {
      const checked = checkReportInput(raw);
      return checked.ok ? [] : checked.problems;
    };
    expect(problems({ reportDate: '2026-11-20', recipients: ['me@example.com'], dry_run: true })).toEqual([
      'unknown key "dry_run" (accepted: reportDate, report, split, recipients, cc, bcc, dryRun, resend)',
    ]);
    expect(problems({ reportDate: '2026-02-30', recipients: ['me@example.com', 'not-an-address'] })).toEqual([
      'reportDate "2026-02-30" is not a YYYY-MM-DD calendar date',
      'recipients: not e-mail addresses: "not-an-address"',
    ]);
    expect(problems('just a string')).toEqual([
      'the input must be a JSON object such as {} or {"reportDate":"2026-11-20"}, not a string',
    ]);
    expect(problems([{ dryRun: true }])[0]).toMatch(/must be a JSON object .*, not a list/);
    expect(problems({ dryRun: 'yes' })).toEqual(['dryRun must be true or false']);
    expect(problems({})).toEqual([]);
    expect(problems(null)).toEqual([]);
    expect(problems({ reportDate: '2026-11-20', recipients: ['a@x.com'], cc: [], dryRun: true })).toEqual([]);
  });

  describe('on the dev server', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness();
    });
    afterAll(() => h?.close());

    const startRaw = (input: unknown) =>
      h.client.workflow.start(WORKFLOW_TYPES.report, {
        taskQueue: h.config.temporal.taskQueue,
        workflowId: `input-${Math.random().toString(36).slice(2)}`,
        args: [input],
      });

    it.each([
      [
        { reportDate: REPORT_DATE, recipients: ['me@example.com'], dry_run: true },
        'unknown key "dry_run"',
        REPORT_DATE,
      ],
      [{ unknownField: 1 }, 'unknown key "unknownField"', undefined],
      ['just a string', 'must be a JSON object', undefined],
      [[{ dryRun: true }], 'must be a JSON object', undefined],
    ])('refuses %j before anything starts, and records the run as failed', async (input, says, date) => {
      const handle = await startRaw(input);
      const { messages } = await failureOf(h.withWorker(handle.result()));
      if (says.includes('dry_run')) await recordHistory(handle, 'failed-invalid-input');
      expect(messages).toContain(says);
      const described = await handle.describe();
      expect(described.typedSearchAttributes.get(ReportOutcome)).toBe('failed');
      expect(described.typedSearchAttributes.get(ReportDate)).toMatch(date ?? /^\d{4}-\d{2}-\d{2}$/);
      const history = await handle.fetchHistory();
      expect(history.events?.some((e) => e.activityTaskScheduledEventAttributes)).toBe(false);
      expect(h.sink.messages).toHaveLength(0);
    });

    it('a recipients override replaces every recipient: the configured cc and bcc get nothing', async () => {
      const handle = await h.start({ reportDate: REPORT_DATE, recipients: ['me@example.com'] });
      const result = await h.withWorker(handle.result());
      expect(result.recipients).toEqual({ to: ['me@example.com'], cc: [], bcc: [] });
      const [mail] = await h.sink.waitForMessages(1, 10_000);
      expect(mail!.envelope.to).toEqual(['me@example.com']);
    });
  });
});
