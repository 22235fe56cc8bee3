import type { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;

export interface ActivitySpan {
  activity: string;
  scheduledMs: number;
  closedMs?: number;
  /** The attempt that closed it (1 = first try). */
  attempt: number;
  status: 'completed' | 'failed' | 'timed out' | 'cancelled' | 'running';
}

/** Milliseconds of a protobuf Timestamp whose seconds are a Long (from gRPC) or a number (from JSON history). */
export function timestampMs(ts: { seconds?: unknown; nanos?: number | null } | null | undefined): number {
  if (!ts) return 0;
  const s = ts.seconds as { toNumber?: () => number } | number | string | null | undefined;
  const seconds = typeof s === 'object' && s?.toNumber ? s.toNumber() : Number(s ?? 0);
  return seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

/** What a run did and how long each step took, read from its event history (the server's record, not a log). */
export function activityTimeline(history: History): ActivitySpan[] {
  const spans = new Map<string, ActivitySpan>();
  for (const e of history.events ?? []) {
    const at = timestampMs(e.eventTime);
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) {
      spans.set(String(e.eventId), {
        activity: scheduled.activityType?.name ?? '?',
        scheduledMs: at,
        attempt: 1,
        status: 'running',
      });
      continue;
    }
    // The run asked for the cancel and went on without waiting (its default): no close event may follow.
    const cancelRequested = e.activityTaskCancelRequestedEventAttributes;
    if (cancelRequested) {
      const span = spans.get(String(cancelRequested.scheduledEventId));
      if (span?.status === 'running') {
        span.status = 'cancelled';
        span.closedMs = at;
      }
      continue;
    }
    const started = e.activityTaskStartedEventAttributes;
    if (started) {
      const span = spans.get(String(started.scheduledEventId));
      if (span) span.attempt = started.attempt ?? 1;
      continue;
    }
    const status: ActivitySpan['status'] | undefined = e.activityTaskCompletedEventAttributes
      ? 'completed'
      : e.activityTaskFailedEventAttributes
        ? 'failed'
        : e.activityTaskTimedOutEventAttributes
          ? 'timed out'
          : e.activityTaskCanceledEventAttributes
            ? 'cancelled'
            : undefined;
    const closed =
      e.activityTaskCompletedEventAttributes ??
      e.activityTaskFailedEventAttributes ??
      e.activityTaskTimedOutEventAttributes ??
      e.activityTaskCanceledEventAttributes;
    const span = closed?.scheduledEventId ? spans.get(closed.scheduledEventId.toString()) : undefined;
    if (span && status) {
      span.closedMs = at;
      span.status = status;
    }
  }
  return [...spans.values()];
}

export function formatTimeline(spans: ActivitySpan[]): string {
  const origin = Math.min(...spans.map((s) => s.scheduledMs));
  return spans
    .map((s) => {
      const from = ((s.scheduledMs - origin) / 1000).toFixed(1).padStart(6);
      const took =
        s.closedMs === undefined ? '   …  ' : `${((s.closedMs - s.scheduledMs) / 1000).toFixed(2).padStart(6)}s`;
      const retry = s.attempt > 1 ? ` (attempt ${s.attempt})` : '';
      return `  +${from}s  ${s.activity.padEnd(18)} ${took}  ${s.status}${retry}`;
    })
    .join('\n');
}
