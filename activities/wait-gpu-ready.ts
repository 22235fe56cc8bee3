import { setTimeout as sleep } from 'node:timers/promises';
import { probeVllm } from '../gpu/readiness';
import { nonRetryableFailure, type WaitGpuReadyRequest } from '../temporal/contracts';
import type { LifecycleContext } from './deps';
import { withHeartbeat } from './heartbeat';

/** Polls until vLLM serves the model, heartbeating; bounded by gpu.readyTimeoutSeconds from the start request. */
export async function waitGpuReady(
  { config, secrets, gpuProvider, fleet, now }: LifecycleContext,
  request: WaitGpuReadyRequest,
): Promise<{ readySeconds: number }> {
  const entry = await fleet.ledger.get(request.owner);
  const startedMs = entry ? Date.parse(entry.requestedAt) : now().getTime();
  const deadline = startedMs + config.gpu.readyTimeoutSeconds * 1000;
  let last = 'not probed yet';
  return withHeartbeat(
    async (signal) => {
      for (;;) {
        try {
          await gpuProvider.waitReady(request.handle, signal);
        } catch (err) {
          throw nonRetryableFailure('GpuFailed', `GPU ${request.handle.instanceId} failed: ${(err as Error).message}`);
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
}
