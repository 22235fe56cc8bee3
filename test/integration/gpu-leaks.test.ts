import { describe, expect, it } from 'vitest';
import { WORKFLOW_TYPES, type ReapedInstance } from '../../temporal/contracts';
import type { gpuReaper } from '../../workflows';
import { startWorkerProcess, writeConfig } from '../helpers/cli';
import { createHarness, expectGpuStopped, waitForStage } from '../helpers/harness';

describe('no GPU minute leaked', () => {
  it('the reaper stops the GPU of a pool terminated while a run held it (no workflow code runs on terminate)', async () => {
    const h = await createHarness({
      simArgs: ['--latency-ms', '60000'],
      config: { gpu: { reaper: { idleGraceSeconds: 0 } } },
    });
    try {
      const handle = await h.start();
      const reaped = await h.withWorker(
        (async () => {
          await waitForStage(handle, 'generating report');
          await h.client.workflow.getHandle(h.poolId).terminate('operator pressed Terminate on the pool');
          await handle.terminate('and on the run');
          const terminatedAt = Date.now();
          const [entry] = await h.ledgerEntries();
          expect(h.gpuProcessAlive(entry!)).toBe(true); // nothing stopped it: terminate ran no workflow code

          const sweep = await h.client.workflow.execute<typeof gpuReaper>(WORKFLOW_TYPES.gpuReaper, {
            taskQueue: h.config.temporal.taskQueue,
            workflowId: `gpu-reaper-${handle.workflowId}`,
          });
          return { sweep, owner: entry!.owner, upAfterFaultSeconds: (Date.now() - terminatedAt) / 1000 };
        })(),
      );
      const ours = reaped.sweep.find((r: ReapedInstance) => r.holder === reaped.owner);
      expect(ours).toMatchObject({ action: 'stopped' });
      expect(ours!.reason).toMatch(/its run ended at .* without stopping it/);
      const [entry] = await expectGpuStopped(h);
      expect(entry?.stopReason).toMatch(/^reaper: /);
      console.log(
        `pool terminated → GPU stopped by the reaper in ${reaped.upAfterFaultSeconds.toFixed(1)}s (reaper run on demand)`,
      );
    } finally {
      await h.close();
    }
  });

  it('the reaper keeps instances whose runs are alive', async () => {
    const h = await createHarness({
      simArgs: ['--latency-ms', '60000'],
      config: { gpu: { reaper: { idleGraceSeconds: 0 } } },
    });
    try {
      const handle = await h.start();
      const sweep = await h.withWorker(
        (async () => {
          await waitForStage(handle, 'generating report');
          const result = await h.client.workflow.execute<typeof gpuReaper>(WORKFLOW_TYPES.gpuReaper, {
            taskQueue: h.config.temporal.taskQueue,
            workflowId: `gpu-reaper-keep-${handle.workflowId}`,
          });
          await handle.cancel();
          await handle.result().catch(() => undefined);
          return result;
        })(),
      );
      expect(sweep.find((r) => r.holder.startsWith(`${h.poolId}/`))).toMatchObject({
        action: 'kept',
        reason: 'its run is still going',
      });
      await expectGpuStopped(h);
    } finally {
      await h.close();
    }
  });

  it('a worker killed mid-run (SIGKILL) and replaced: the run finishes and the GPU is stopped', async () => {
    const h = await createHarness({ simArgs: ['--latency-ms', '4000'], config: { timeouts: { heartbeatSeconds: 2 } } });
    try {
      const configPath = await writeConfig(h.dir, h.config);
      const worker = startWorkerProcess(configPath);
      const handle = await h.start();
      await waitForStage(handle, 'generating report');
      worker.kill('SIGKILL');
      const killedAt = Date.now();
      const [entry] = await h.ledgerEntries();
      expect(h.gpuProcessAlive(entry!)).toBe(true); // the GPU outlives the worker that started it

      // A replacement worker (here in-process) picks the run up once the dead worker's heartbeat times out.
      const result = await h.withWorker(handle.result());
      expect(result.outcome).toBe('sent');
      const [stopped] = await expectGpuStopped(h);
      const stoppedAt = Date.parse(stopped!.stoppedAt!);
      const history = await handle.fetchHistory();
      const generateAttempts = history.events?.flatMap((e) =>
        e.activityTaskStartedEventAttributes && e.activityTaskStartedEventAttributes.attempt
          ? [e.activityTaskStartedEventAttributes.attempt]
          : [],
      );
      expect(Math.max(...(generateAttempts ?? [1]))).toBeGreaterThan(1);
      expect(h.sink.messages).toHaveLength(1);
      console.log(
        `worker SIGKILL → GPU stopped ${((stoppedAt - killedAt) / 1000).toFixed(1)}s later, after the run finished on the new worker`,
      );
    } finally {
      await h.close();
    }
  });
});
