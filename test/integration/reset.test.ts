import { randomUUID } from 'node:crypto';
import type { temporal } from '@temporalio/proto';
import Long from 'long';
import { describe, expect, it } from 'vitest';
import { archivePrefix } from '../../store/archive';
import type { ReportResult } from '../../temporal/contracts';
import type { weeklySalesReport } from '../../workflows';
import { createHarness, expectGpuStopped, recordHistory, REPORT_DATE, type Harness } from '../helpers/harness';

type History = temporal.api.history.v1.IHistory;

/** The workflow task that scheduled `activity`: resetting to it re-runs the workflow from just before that step. */
function taskThatScheduled(history: History, activity: string): Long {
  const events = history.events ?? [];
  const at = events.findIndex((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activity);
  const completed = events
    .slice(0, at)
    .reverse()
    .find((e) => e.workflowTaskCompletedEventAttributes);
  if (at < 0 || !completed?.eventId) throw new Error(`no ${activity} in the history`);
  return Long.fromValue(completed.eventId);
}

/** A workflow task completed while `activity` was running (scheduled, not yet completed): a point "during" it. */
function taskDuring(history: History, activity: string): Long {
  const events = history.events ?? [];
  const scheduled = events.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activity);
  const done = events.find(
    (e) => e.activityTaskCompletedEventAttributes?.scheduledEventId?.toString() === scheduled?.eventId?.toString(),
  );
  const during = events.find(
    (e) =>
      e.workflowTaskCompletedEventAttributes &&
      Long.fromValue(e.eventId!).greaterThan(Long.fromValue(scheduled!.eventId!)) &&
      Long.fromValue(e.eventId!).lessThan(Long.fromValue(done!.eventId!)),
  );
  if (!during?.eventId) throw new Error(`no workflow task completed while ${activity} ran`);
  return Long.fromValue(during.eventId);
}

async function resetTo(
  h: Harness,
  workflowId: string,
  runId: string,
  activity: string,
  where: (history: History, activity: string) => Long = taskThatScheduled,
): Promise<string> {
  const history = await h.client.workflow.getHandle(workflowId, runId).fetchHistory();
  const { runId: newRunId } = await h.client.workflowService.resetWorkflowExecution({
    namespace: h.config.temporal.namespace,
    workflowExecution: { workflowId, runId },
    reason: `test: reset to before ${activity}`,
    workflowTaskFinishEventId: where(history, activity),
    requestId: randomUUID(),
  });
  if (!newRunId) throw new Error('the reset returned no run id');
  return newRunId;
}

describe('Reset from the Web UI, at the points it offers', () => {
  it('before the email, before generation and during the data load: each reset run archives under its own id, with a GPU of its own, and mails no one again', async () => {
    const h = await createHarness();
    try {
      const handle = await h.start({ reportDate: REPORT_DATE });
      const original = await h.withWorker(handle.result());
      await h.sink.waitForMessages(1, 10_000);
      const originalFiles = (await h.store.list(`archive/${REPORT_DATE}/`)).sort();
      const metricsBefore = await h.store.get(`${archivePrefix({ ...original, reportDate: REPORT_DATE })}metrics.json`);

      // Reset to before the email: the date's report already went to these people, so the list gets nothing again;
      // the run says so and names the run that sent it, and claims no send of its own.
      const beforeEmail = await resetTo(h, handle.workflowId, original.runId, 'sendReportEmail');
      const second: ReportResult = await h.withWorker(
        h.client.workflow.getHandle<typeof weeklySalesReport>(handle.workflowId, beforeEmail).result(),
      );
      expect(second.runId).toBe(beforeEmail);
      expect(second.outcome).toBe('already-sent');
      expect(second.sentBy).toBe(`${handle.workflowId}/${original.runId}`);
      expect(second.messageId).toBe(original.messageId);
      // Its GPU was the first run's (stopped before the reset point): billed there, not again here.
      expect(second.gpu).toBeUndefined();
      expect(
        (await h.client.workflow.getHandle(handle.workflowId, beforeEmail).describe()).memo?.audit,
      ).not.toHaveProperty('gpuSeconds');

      // Reset to before generation: the recorded GPU was stopped when the first run ended; this run gets its own.
      const beforeGeneration = await resetTo(h, handle.workflowId, original.runId, 'generateReport');
      const third: ReportResult = await h.withWorker(
        h.client.workflow.getHandle<typeof weeklySalesReport>(handle.workflowId, beforeGeneration).result(),
      );
      await recordHistory(
        h.client.workflow.getHandle(handle.workflowId, beforeGeneration),
        'sent-after-reset-before-generation',
      );
      expect(third.outcome).toBe('already-sent');
      expect(third.gpu?.billedSeconds).toBeGreaterThan(0); // its own GPU, its own bill
      expect(third.artefacts?.archive).toContain(beforeGeneration);
      // The pool had stopped the first run's GPU; this run's lease started a second, stopped after it too.
      expect((await expectGpuStopped(h)).length).toBeGreaterThanOrEqual(2);

      // Reset to a point while the data was loading: the load the history had scheduled runs again for the new run,
      // which takes its run id from Temporal, not from the recorded request: it archives under its own id.
      const duringLoad = await resetTo(h, handle.workflowId, original.runId, 'loadSalesMetrics', taskDuring);
      const fourth: ReportResult = await h.withWorker(
        h.client.workflow.getHandle<typeof weeklySalesReport>(handle.workflowId, duringLoad).result(),
      );
      expect(fourth.outcome).toBe('already-sent');
      const own = archivePrefix({ workflowId: handle.workflowId, runId: duringLoad, reportDate: REPORT_DATE });
      expect(await h.store.get(`${own}metrics.json`)).toBeDefined();
      const originalMetrics = `${archivePrefix({ ...original, reportDate: REPORT_DATE })}metrics.json`;
      expect(await h.store.get(originalMetrics)).toEqual(metricsBefore);

      // One email in all: no reset mailed the list again.
      expect(h.sink.messages.map((m) => m.parsed.messageId)).toEqual([original.messageId]);
      // The original run's archive is as it was: every file still there, none rewritten under its id.
      const after = await h.store.list(`archive/${REPORT_DATE}/`);
      expect(after.filter((k) => k.includes(original.runId)).sort()).toEqual(originalFiles);
      expect(after.some((k) => k.includes(beforeGeneration))).toBe(true);
    } finally {
      await h.close();
    }
  });
});
