import { randomUUID } from 'node:crypto';
import type { temporal } from '@temporalio/proto';
import Long from 'long';
import { describe, expect, it } from 'vitest';
import { LeaseBook } from '../../gpu/leases';
import { archivePrefix } from '../../store/archive';
import { ReportOutcome } from '../../temporal/search-attributes';
import type { ReportResult } from '../../temporal/contracts';
import type { salesReport } from '../../workflows';
import { createHarness, recordHistory, REPORT_DATE, type Harness } from '../helpers/harness';

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

async function resetTo(h: Harness, workflowId: string, runId: string, point: Long): Promise<string> {
  const { runId: newRunId } = await h.client.workflowService.resetWorkflowExecution({
    namespace: h.config.temporal.namespace,
    workflowExecution: { workflowId, runId },
    reason: `test: reset to workflow task ${point.toString()}`,
    workflowTaskFinishEventId: point,
    requestId: randomUUID(),
  });
  if (!newRunId) throw new Error('the reset returned no run id');
  return newRunId;
}

/** Every point the Web UI offers a Reset at: each completed workflow task, the first to the last. */
function everyPoint(history: History): Long[] {
  return (history.events ?? [])
    .filter((e) => e.workflowTaskCompletedEventAttributes)
    .map((e) => Long.fromValue(e.eventId!));
}

/** The activities a reset run scheduled itself: those after the reset point, whose history the new run copied. */
function scheduledAfterReset(history: History): string[] {
  const events = history.events ?? [];
  const reset = events.findIndex((e) => e.workflowTaskFailedEventAttributes);
  return events.slice(reset + 1).flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
}

describe('Reset from the Web UI, at the points it offers', () => {
  it('at every point of a sent run, the reset run ends already-sent: no lease, no model call, no email, and none of the original send claimed', async () => {
    const h = await createHarness();
    try {
      const handle = await h.start({ reportDate: REPORT_DATE });
      const original = await h.withWorker(handle.result());
      await h.sink.waitForMessages(1, 10_000);
      const originalKey = `${handle.workflowId}/${original.runId}`;
      const originalFiles = (await h.store.list(`archive/${REPORT_DATE}/`)).sort();
      const metricsBefore = await h.store.get(`${archivePrefix({ ...original, reportDate: REPORT_DATE })}metrics.json`);
      const originalHistory = await handle.fetchHistory();
      const instances = (await h.ledgerEntries()).length;
      const points = everyPoint(originalHistory);
      const beforeGeneration = taskThatScheduled(originalHistory, 'generateReport');
      const duringLoad = taskDuring(originalHistory, 'loadSalesMetrics');
      expect(points.map(String)).toEqual(expect.arrayContaining([beforeGeneration, duringLoad].map(String)));

      // One reset at a time, from the first workflow task to the last (the one that completed the run).
      const resets = await h.withWorker(
        (async () => {
          const done: { point: Long; runId: string; result: ReportResult }[] = [];
          for (const point of points) {
            const runId = await resetTo(h, handle.workflowId, original.runId, point);
            const run = h.client.workflow.getHandle<typeof salesReport>(handle.workflowId, runId);
            done.push({ point, runId, result: await run.result() });
          }
          return done;
        })(),
      );
      const book = new LeaseBook(h.store);
      for (const { point, runId, result } of resets) {
        const at = `reset to ${point.toString()}`;
        expect(result.runId, at).toBe(runId);
        expect(result.outcome, at).toBe('already-sent');
        expect(result.sentBy, at).toBe(originalKey);
        expect(result.messageId, at).toBeUndefined();
        expect(result.gpu, at).toBeUndefined();
        expect(result.artefacts, at).toBeUndefined();
        expect(await book.get(`${handle.workflowId}/${runId}`), at).toBeUndefined();
        const run = h.client.workflow.getHandle(handle.workflowId, runId);
        const activities = scheduledAfterReset(await run.fetchHistory());
        expect(activities, at).not.toContain('generateReport');
        expect(activities, at).not.toContain('acquireGpuLease');
        expect(activities, at).not.toContain('sendReportEmail');
        const { memo, typedSearchAttributes } = await run.describe();
        expect(typedSearchAttributes.get(ReportOutcome), at).toBe('already-sent');
        expect(memo?.audit, at).not.toHaveProperty('messageId');
        expect((memo?.audit as { gpuSeconds?: number } | undefined)?.gpuSeconds ?? 0, at).toBe(0); // no GPU second
      }
      await recordHistory(
        h.client.workflow.getHandle(handle.workflowId, resets.find((r) => r.point.equals(beforeGeneration))!.runId),
        'already-sent-after-reset-before-generation',
      );

      // No instance started for any reset run: the pool's one GPU was the original's.
      expect(await h.ledgerEntries()).toHaveLength(instances);
      // A reset while the data loaded: the load the history had scheduled ran again for the new run, under its own id.
      const loadedAgain = resets.find((r) => r.point.equals(duringLoad))!;
      const own = archivePrefix({ workflowId: handle.workflowId, runId: loadedAgain.runId, reportDate: REPORT_DATE });
      expect(await h.store.get(`${own}metrics.json`)).toBeDefined();
      // One email in all, and the original run's archive is as it was: every file there, none rewritten.
      expect(h.sink.messages.map((m) => m.parsed.messageId)).toEqual([original.messageId]);
      const after = await h.store.list(`archive/${REPORT_DATE}/`);
      expect(after.filter((k) => k.includes(original.runId)).sort()).toEqual(originalFiles);
      expect(await h.store.get(`${archivePrefix({ ...original, reportDate: REPORT_DATE })}metrics.json`)).toEqual(
        metricsBefore,
      );
    } finally {
      await h.close();
    }
  });
});
