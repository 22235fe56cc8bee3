import { describe, expect, it } from 'vitest';
import { addDays } from '../../sales/dates';
import { WORKFLOW_TYPES, type MissingReport } from '../../temporal/contracts';
import { failureOf, REPORT_DATE, withHarness } from '../helpers/harness';

/** A day with no report is itself an alarm: the check finds it whatever the cause, and says which. */
describe('a missing report is an alert', () => {
  it('finds the dates with no sent report (none run, or the run failed), alerts once per date, and passes a sent one', () =>
    withHarness({}, async (h) => {
      const sentDate = REPORT_DATE;
      const skippedDate = addDays(REPORT_DATE, -1);
      // The export ends the day before REPORT_DATE: a report for the day after fails for stale data.
      const failedDate = addDays(REPORT_DATE, 1);
      await h.withWorker((await h.start({ reportDate: sentDate })).result());
      const failing = await h.start({ reportDate: failedDate });
      await failureOf(h.withWorker(failing.result()));
      await h.sink.waitForMessages(2, 10_000); // the report and the failed run's alert

      const check = () =>
        h.withWorker(
          h.client.workflow.execute<(input: { dates: string[] }) => Promise<MissingReport[]>>(
            WORKFLOW_TYPES.missedReportCheck,
            {
              taskQueue: h.config.temporal.taskQueue,
              workflowId: `missed-report-check-${Date.now()}`,
              args: [{ dates: [skippedDate, sentDate, failedDate] }],
            },
          ),
        );
      // Visibility is eventually consistent: the runs above may take a moment to be listed.
      const deadline = Date.now() + 30_000;
      let missing = await check();
      while (missing.find((m) => m.reportDate === failedDate)?.runs.length !== 1 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        missing = await check();
      }
      expect(missing.map((m) => m.reportDate)).toEqual([skippedDate, failedDate]);
      expect(missing[0]!.runs).toEqual([]);
      expect(missing[1]!.runs).toEqual([
        expect.objectContaining({ outcome: 'failed', workflowId: failing.workflowId }),
      ]);

      const alerts = () => h.sink.messages.filter((m) => m.parsed.subject?.startsWith('[REPORT MISSING]'));
      const deadlineAlerts = Date.now() + 10_000;
      while (alerts().length < 2 && Date.now() < deadlineAlerts) await new Promise((r) => setTimeout(r, 200));
      expect(alerts().map((m) => m.parsed.subject)).toEqual([
        `[REPORT MISSING] Sales report ${skippedDate}: nothing was sent`,
        `[REPORT MISSING] Sales report ${failedDate}: nothing was sent`,
      ]);
      expect(alerts()[0]!.parsed.text).toContain('No run was started for that date');
      expect(alerts()[1]!.parsed.text).toContain(`${failing.workflowId}`);
      // Checked again (the next day's check looks back over the same dates): no second alert for a date.
      await check();
      expect(alerts()).toHaveLength(2);
    }));

  it("a report that arrives after its alarm sends one follow-up on the alarm's thread, and only one", () =>
    withHarness({}, async (h) => {
      const date = addDays(REPORT_DATE, -1);
      await h.withWorker(
        h.client.workflow.execute<(input: { dates: string[] }) => Promise<MissingReport[]>>(
          WORKFLOW_TYPES.missedReportCheck,
          {
            taskQueue: h.config.temporal.taskQueue,
            workflowId: `missed-late-${Date.now()}`,
            args: [{ dates: [date] }],
          },
        ),
      );
      const [alarm] = await h.sink.waitForMessages(1, 10_000);
      expect(alarm!.parsed.subject).toBe(`[REPORT MISSING] Sales report ${date}: nothing was sent`);

      // The report is run late, then again (a re-run finds it sent): one follow-up, in reply to the alarm.
      await h.withWorker((await h.start({ reportDate: date })).result());
      await h.withWorker((await h.start({ reportDate: date })).result());
      const mails = await h.sink.waitForMessages(3, 10_000);
      const late = mails.filter((m) => m.parsed.subject?.startsWith('[REPORT LATE → SENT]'));
      expect(late.map((m) => m.parsed.subject)).toEqual([
        `[REPORT LATE → SENT] Sales report ${date} was sent after all`,
      ]);
      expect(late[0]!.parsed.inReplyTo).toBe(alarm!.parsed.messageId);
      expect(late[0]!.envelope.to).toEqual(['ops@example.com']);
    }));
});
