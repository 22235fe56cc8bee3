import { DefaultLogger, makeTelemetryFilterString, Runtime, type LogEntry } from '@temporalio/worker';
import type { Config } from '../config/config';

/**
 * The worker process's SDK runtime, installed once before any connection: its logger (JSON lines for a log pipeline,
 * or text for a terminal) and, with worker.metricsAddress, the Prometheus endpoint that carries the SDK's metrics
 * and the product's (temporal/product-metrics.ts). Workflow and activity logs carry their workflow id, run id and
 * task queue, which the SDK puts in each entry's metadata.
 */
export function installRuntime(options: Config['worker']): void {
  const logger = new DefaultLogger(options.logLevel, options.logFormat === 'json' ? writeJsonLine : undefined);
  Runtime.install({
    logger,
    telemetryOptions: {
      logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'WARN' }) },
      ...(options.metricsAddress && {
        metrics: {
          prometheus: { bindAddress: options.metricsAddress, countersTotalSuffix: true, useSecondsForDurations: true },
        },
      }),
    },
  });
}

/**
 * One JSON object per line: time, level, message, then the entry's metadata (workflowId, runId, activityType…).
 * Activities' entries name their run `workflowRunId`: it is `runId` here too, so one field finds a run's lines. An
 * activity's task token is left out: it is a credential that completes the activity.
 */
export function jsonLogLine(entry: LogEntry): string {
  const time = new Date(Number(entry.timestampNanos / 1_000_000n)).toISOString();
  const { taskToken: _token, ...meta }: Record<string, unknown> = entry.meta ?? {};
  const runId: unknown = meta.runId ?? meta.workflowRunId;
  return JSON.stringify(
    { time, level: entry.level, message: entry.message, ...meta, ...(runId !== undefined && { runId }) },
    bigints,
  );
}

function writeJsonLine(entry: LogEntry): void {
  process.stdout.write(`${jsonLogLine(entry)}\n`);
}

const bigints = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);
