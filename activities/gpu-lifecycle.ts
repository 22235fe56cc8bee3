import { setTimeout as sleep } from 'node:timers/promises';
import {
  nonRetryableFailure,
  type GpuBill,
  type GpuHandle,
  type StartGpuOptions,
  type WaitGpuReadyRequest,
} from '../temporal/contracts';
import type { ActivityDeps } from './deps';
import { createFleet } from '../gpu/fleet';
import { CloudError } from '../gpu/providers/provider';
import { probeVllm } from '../gpu/readiness';
import { activityMetrics } from './metrics';
import { withHeartbeat } from './heartbeat';

/** A cloud's permanent refusal (not authorised, no such instance) fails the activity for good, at once. */
async function refusalsFinal<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof CloudError && err.permanent) throw nonRetryableFailure('GpuCloudRefused', err.message);
    throw err;
  }
}

export function createGpuLifecycleActivities({
  config,
  secrets,
  gpuProvider,
  store,
  now = () => new Date(),
}: ActivityDeps) {
  const fleet = createFleet(config, gpuProvider, store, now);
  const ledger = fleet.ledger;

  return {
    /**
     * Asks for a GPU and returns as soon as its endpoint is known. Idempotent per owner: a retry after a worker
     * crash finds the instance in the ledger and reuses it rather than paying for a second one.
     */
    async startGpu(owner: string, where?: StartGpuOptions): Promise<GpuHandle> {
      return withHeartbeat(() => refusalsFinal(fleet.start(owner, where)));
    },

    /**
     * Whether each of a fleet's instances (by instance key, in the order asked) is one its provider says is stopped (a
     * spot reclaim, someone's stop in the console, a server process that died): the fleet moves their runs and starts
     * another in their place. Answered in the order asked, not by key: the answer is recorded in the pool's history,
     * and read back by position it means the same under any workflow id.
     */
    async instancesGone(owners: string[]): Promise<boolean[]> {
      return Promise.all(
        owners.map(async (owner) => {
          const entry = await ledger.get(owner);
          if (!entry?.instanceId) return false;
          return entry.stoppedAt !== undefined || (await gpuProvider.describe(entry)).state === 'stopped';
        }),
      );
    },

    /** Polls until vLLM serves the model, heartbeating; bounded by gpu.readyTimeoutSeconds from the start request. */
    async waitGpuReady(request: WaitGpuReadyRequest): Promise<{ readySeconds: number }> {
      const entry = await ledger.get(request.owner);
      const startedMs = entry ? Date.parse(entry.requestedAt) : now().getTime();
      const deadline = startedMs + config.gpu.readyTimeoutSeconds * 1000;
      let last = 'not probed yet';
      return withHeartbeat(
        async (signal) => {
          for (;;) {
            try {
              await gpuProvider.waitReady(request.handle, signal);
            } catch (err) {
              throw nonRetryableFailure(
                'GpuFailed',
                `GPU ${request.handle.instanceId} failed: ${(err as Error).message}`,
              );
            }
            const probe = await probeVllm(
              request.handle.endpoint,
              request.model,
              secrets.llmApiKey,
              signal,
              config.llm.server === 'vllm',
            );
            if (probe.ready) return { readySeconds: Math.round((now().getTime() - startedMs) / 100) / 10 };
            last = probe.reason;
            if (now().getTime() >= deadline) {
              throw nonRetryableFailure(
                'GpuNotReady',
                `GPU ${request.handle.endpoint} not ready after ${config.gpu.readyTimeoutSeconds}s (last probe: ${last})`,
              );
            }
            await sleep(
              Math.min(config.gpu.pollIntervalSeconds * 1000, Math.max(0, deadline - now().getTime())),
              undefined,
              { signal },
            );
          }
        },
        () => ({ last }),
      );
    },

    /**
     * Stops whatever the ledger holds for the owner and waits for the confirmation, recording why it was stopped.
     * Stopping twice is success.
     */
    async stopGpu(owner: string, reason?: string): Promise<GpuBill> {
      const bill = await withHeartbeat(() => refusalsFinal(fleet.stop(owner, reason)));
      activityMetrics().gpuSeconds.record(bill.billedSeconds, { state: 'billed' });
      return bill;
    },
  };
}
