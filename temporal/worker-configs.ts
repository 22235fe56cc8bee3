import { hostname } from 'node:os';
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { Config } from '../config/config';
import { configFingerprint } from '../config/fingerprint';
import type { ConfigDrift } from './contracts';
import { timestampMs } from './run-timeline';

/**
 * A worker's identity as the server shows it (the Web UI's Workers tab, DescribeTaskQueue's pollers): its process,
 * its host and the fingerprint of the config it plans with, so two configs on one task queue are visible there.
 */
export function workerIdentity(config: Config): string {
  return `${process.pid}@${hostname()} config ${configFingerprint(config)}`;
}

const FINGERPRINT = / config ([0-9a-f]{12})$/;

/**
 * How long after its last poll a worker counts as on the queue: an idle worker's long poll lasts up to about a
 * minute, so a live one has polled within two. A worker stopped less than that ago still counts.
 */
export const POLLED_WITHIN_MS = 120_000;

/**
 * The configs of the workers polling `config`'s task queue for workflow tasks, when they are not all this one: a
 * rollout half done, whose two plans may lose a report. Workers from before identities carried a fingerprint are not
 * counted.
 */
export async function configDrift(client: Client, config: Config, now: Date): Promise<ConfigDrift | undefined> {
  const own = configFingerprint(config);
  const { pollers } = await client.workflowService.describeTaskQueue({
    namespace: config.temporal.namespace,
    taskQueue: { name: config.temporal.taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  });
  const byFingerprint = new Map<string, string[]>();
  for (const poller of pollers ?? []) {
    const fingerprint = FINGERPRINT.exec(poller.identity ?? '')?.[1];
    if (!fingerprint || now.getTime() - timestampMs(poller.lastAccessTime) > POLLED_WITHIN_MS) continue;
    byFingerprint.set(fingerprint, [...(byFingerprint.get(fingerprint) ?? []), poller.identity!]);
  }
  if ([...byFingerprint.keys()].every((f) => f === own)) return undefined;
  return {
    plannedWith: own,
    taskQueue: config.temporal.taskQueue,
    workers: [...byFingerprint].map(([fingerprint, identities]) => ({ fingerprint, identities: identities.sort() })),
  };
}
