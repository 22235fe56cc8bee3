import type { WorkflowHandle } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import type { GenerateReportRequest } from '../../temporal/contracts';

/**
 * The calls to the model a report run made, read from its history: the instance each generateReport went to (its
 * request's handle) and when it completed. The run's payloads must be readable as JSON (no encryption configured).
 */
export async function modelCalls(handle: WorkflowHandle): Promise<{ instanceId: string; endedAtMs: number }[]> {
  const history = await handle.fetchHistory();
  const toInstance = new Map<string, string>();
  const calls: { instanceId: string; endedAtMs: number }[] = [];
  for (const event of history.events ?? []) {
    const scheduled = event.activityTaskScheduledEventAttributes;
    if (scheduled?.activityType?.name === 'generateReport') {
      const data = scheduled.input?.payloads?.[0]?.data;
      const request = JSON.parse(Buffer.from(data!).toString('utf8')) as GenerateReportRequest;
      toInstance.set(String(event.eventId), request.gpu.instanceId);
    }
    const completed = event.activityTaskCompletedEventAttributes;
    const instanceId = completed && toInstance.get(String(completed.scheduledEventId));
    if (instanceId) calls.push({ instanceId, endedAtMs: tsToMs(event.eventTime) });
  }
  return calls;
}
