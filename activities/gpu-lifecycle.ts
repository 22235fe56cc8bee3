import { ApplicationFailure } from '@temporalio/activity';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GpuBill, GpuHandle } from '../lib/contracts';
import type { ActivityDeps } from './deps';
import { InstanceLedger, type LedgerEntry } from './gpu/ledger';
import { probeVllm } from './gpu/vllm-ready';
import { withHeartbeat } from './heartbeat';

export function createGpuActivities({ config, secrets, gpuProvider, now = () => new Date() }: ActivityDeps) {
  const ledger = new InstanceLedger(join(config.gpu.stateDir, 'ledger'));

  function bill(entry: LedgerEntry | undefined): GpuBill {
    const seconds =
      entry?.stoppedAt && entry.instanceId
        ? Math.max(0, (Date.parse(entry.stoppedAt) - Date.parse(entry.requestedAt)) / 1000)
        : 0;
    return {
      provider: gpuProvider.name,
      instanceIds: entry?.instanceId ? [entry.instanceId] : [],
      billedSeconds: Math.round(seconds * 10) / 10,
      estimatedCost: Math.round(((seconds * config.gpu.hourlyPrice) / 3600) * 10_000) / 10_000,
      currency: config.gpu.priceCurrency,
    };
  }

  return {
    /**
     * Asks for a GPU and returns as soon as its endpoint is known. Idempotent per owner: a retry after a worker
     * crash finds the instance in the ledger and reuses it rather than paying for a second one.
     */
    async startGpu(owner: string): Promise<GpuHandle> {
      const existing = await ledger.get(owner);
      if (existing?.instanceId && !existing.stoppedAt) {
        const { state } = await gpuProvider.describe(existing);
        if (state === 'running' || state === 'starting') {
          return { provider: existing.provider, instanceId: existing.instanceId, endpoint: existing.endpoint };
        }
      }
      const requestedAt = now().toISOString();
      // Recorded before the request, so a crash mid-start leaves a trace an operator or the reaper can follow.
      await ledger.put({ owner, provider: gpuProvider.name, requestedAt, instanceId: '', endpoint: '' });
      const instance = await gpuProvider.start(owner);
      await ledger.put({ owner, provider: gpuProvider.name, requestedAt, ...instance });
      return { provider: gpuProvider.name, ...instance };
    },

    /** Polls until vLLM serves the model, heartbeating; bounded by gpu.readyTimeoutSeconds from the start request. */
    async waitGpuReady(request: {
      owner: string;
      handle: GpuHandle;
      model: string;
    }): Promise<{ readySeconds: number }> {
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
              throw ApplicationFailure.nonRetryable(
                `GPU ${request.handle.instanceId} failed: ${(err as Error).message}`,
                'GpuFailed',
              );
            }
            const probe = await probeVllm(request.handle.endpoint, request.model, secrets.llmApiKey, signal);
            if (probe.ready) return { readySeconds: Math.round((now().getTime() - startedMs) / 100) / 10 };
            last = probe.reason;
            if (now().getTime() >= deadline) {
              throw ApplicationFailure.nonRetryable(
                `GPU ${request.handle.endpoint} not ready after ${config.gpu.readyTimeoutSeconds}s (last probe: ${last})`,
                'GpuNotReady',
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

    /** Stops whatever the ledger holds for the owner and waits for the confirmation. Stopping twice is success. */
    async stopGpu(owner: string): Promise<GpuBill> {
      const entry = await ledger.get(owner);
      if (!entry || entry.stoppedAt) return bill(entry);
      if (entry.instanceId) await gpuProvider.stop(entry);
      const stopped = { ...entry, stoppedAt: now().toISOString() };
      await ledger.put(stopped);
      return bill(stopped);
    },
  };
}
