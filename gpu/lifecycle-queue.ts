import { hostname } from 'node:os';
import type { Config } from '../config/config';

/**
 * The task queue an instance's start, readiness and stop activities run on. A local-process server is a process of
 * one host: only that host's worker can reach it, so its life runs on a queue of that host. Cloud instances are
 * reachable from every worker: undefined (the report task queue).
 */
export function lifecycleTaskQueue(config: Config, host: string = hostname()): string | undefined {
  if (config.gpu.provider !== 'local-process') return undefined;
  const id = config.gpu.localProcess.hostId ?? host.replace(/[^A-Za-z0-9._-]/g, '-');
  return `${config.temporal.taskQueue}-gpu@${id}`;
}
