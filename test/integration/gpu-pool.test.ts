import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { spawnSimulator } from '../../dev/simulator/launch';
import { leaseRecords, type LeaseRecord } from '../../gpu/leases';
import { leaseShareSeconds } from '../../gpu/billing';
import { WORKFLOW_TYPES, type ReportResult } from '../../temporal/contracts';
import type { gpuPool, gpuReaper, salesReport } from '../../workflows';
import {
  createHarness,
  expectGpuStopped,
  failureOf,
  recordHistory,
  REPORT_DATE,
  type Harness,
  terminateWhileGenerating,
  waitForStage,
} from '../helpers/harness';

const leases = (h: Harness): Promise<LeaseRecord[]> => leaseRecords(h.store).all();
const seconds = (fromIso: string, toIso: string) => (Date.parse(toIso) - Date.parse(fromIso)) / 1000;

/** How many startGpu activities a workflow id scheduled, over all its runs (a pool continues as new). */
async function startsOf(h: Harness, workflowId: string): Promise<number> {
  let count = 0;
  for await (const run of h.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    const history = await h.client.workflow.getHandle(workflowId, run.runId).fetchHistory();
    count += (history.events ?? []).filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'startGpu',
    ).length;
  }
  return count;
}

describe('a lease split evenly among the runs that hold the GPU together', () => {
  it('gives a lone holder all of its time and splits overlaps', () => {
    expect(leaseShareSeconds({ from: 0, to: 10_000 }, [])).toBe(10);
    // 0–4 s alone, 4–10 s with one other: 4 + 6/2.
    expect(leaseShareSeconds({ from: 0, to: 10_000 }, [{ from: 4_000, to: 20_000 }])).toBe(7);
    // Another still holding counts through the end of this lease.
    expect(leaseShareSeconds({ from: 0, to: 10_000 }, [{ from: 0 }, { from: 5_000, to: 6_000 }])).toBeCloseTo(
      5 / 2 + 1 / 3 + 4 / 2,
    );
    // Leases of other times do not count.
    expect(leaseShareSeconds({ from: 0, to: 10_000 }, [{ from: 10_000, to: 12_000 }])).toBe(10);
  });
});

describe('the GPU pool: every run leases the GPU, the pool owns its life', () => {
  it('three overlapping runs share one instance: one start, one stop, shares that add up to the time held', async () => {
    const h = await createHarness({ simArgs: ['--latency-ms', '1500'] });
    try {
      const results = await h.withWorker(
        (async () => {
          // Three reports of the same date to the same people: each asks to be sent (resend) rather than found sent.
          const handles = await Promise.all([1, 2, 3].map(() => h.start({ reportDate: REPORT_DATE, resend: true })));
          const done = await Promise.all(handles.map((x) => x.result()));
          const bills = await h.client.workflow.getHandle<typeof gpuPool>(h.poolId).result();
          await recordHistory(handles[0]!, 'sent-via-gpu-pool');
          await recordHistory(h.client.workflow.getHandle(h.poolId), 'gpu-pool-three-holders');
          return { done, bills };
        })(),
      );
      expect(results.done.map((r) => r.outcome)).toEqual(['sent', 'sent', 'sent']);
      expect(h.sink.messages).toHaveLength(3);
      const [entry, ...more] = await expectGpuStopped(h);
      expect(more).toHaveLength(0);
      expect(entry!.owner.startsWith(`${h.poolId}/`)).toBe(true);
      expect(results.bills).toHaveLength(1);
      expect(await startsOf(h, h.poolId)).toBe(1);
      const shares = results.done.map((r) => r.gpu!.billedSeconds);
      for (const r of results.done) expect(r.gpu?.instanceIds).toEqual([`pool:${h.poolId}`]);
      // Overlaps split, not summed: the shares add up to the time some run held the GPU, within the instance's bill.
      const records = await leases(h);
      const firstAsked = records.map((l) => l.acquiredAt).sort()[0]!;
      const lastGaveBack = records
        .map((l) => l.releasedAt!)
        .sort()
        .at(-1)!;
      const sum = shares.reduce((a, b) => a + b, 0);
      expect(sum).toBeCloseTo(seconds(firstAsked, lastGaveBack), 0);
      expect(sum).toBeLessThanOrEqual(results.bills[0]!.billedSeconds + 0.3);
      console.log(
        `pool, 3 runs: instance billed ${results.bills[0]!.billedSeconds}s, run shares ${shares.join(' + ')} = ${sum.toFixed(1)}s`,
      );
    } finally {
      await h.close();
    }
  });

  it('20 overlapping runs: one instance started, all 20 sent, none leaked', async () => {
    const h = await createHarness({ simArgs: ['--latency-ms', '500'] });
    try {
      const done = await h.withWorker(
        (async () => {
          const handles = await Promise.all(
            Array.from({ length: 20 }, () => h.start({ reportDate: REPORT_DATE, resend: true })),
          );
          return Promise.all(handles.map((x) => x.result()));
        })(),
      );
      // The outcomes in the message: a run that ended otherwise is named, with how its email went.
      const outcomes = JSON.stringify(done.map((r) => [r.runId, r.outcome, r.messageId]));
      // Sent, with or without the model's words (under a loaded machine a model call may time out).
      expect(
        done.filter((r) => r.outcome.startsWith('sent')),
        outcomes,
      ).toHaveLength(20);
      expect(await h.sink.waitForMessages(20, 10_000)).toHaveLength(20);
      expect(await startsOf(h, h.poolId)).toBe(1);
      const entries = await expectGpuStopped(h);
      expect(entries).toHaveLength(1);
      const billed = seconds(entries[0]!.requestedAt, entries[0]!.stoppedAt!);
      const shares = done.reduce((s, r) => s + r.gpu!.billedSeconds, 0);
      // Each share is rounded to a tenth of a second: 20 of them may round up by 0.05 s each.
      expect(shares).toBeLessThanOrEqual(billed + 0.05 * done.length + 0.1);
      console.log(`pool, 20 runs: 1 instance, billed ${billed.toFixed(1)}s, run shares sum ${shares.toFixed(1)}s`);
    } finally {
      await h.close();
    }
  });

  it('an operator terminates the pool while a run holds its GPU: the run sends, and its release stops the orphaned instance', async () => {
    const h = await createHarness({ simArgs: ['--latency-ms', '3000'] });
    try {
      const handle = await h.start();
      await terminateWhileGenerating(h, handle, h.client.workflow.getHandle(h.poolId), 'operator: wrong pool');
      const result = await h.withWorker(handle.result());
      expect(result.outcome).toBe('sent');
      const [entry] = await expectGpuStopped(h);
      expect(entry!.stopReason).toMatch(/^pool .* gone \(terminated\?\): stopped by a run giving its lease back$/);
    } finally {
      await h.close();
    }
  });

  it('a server it did not start already on the port is not adopted: the start fails naming the port, the stranger is left alone', async () => {
    const h = await createHarness({ config: { llm: { onModelDown: 'fail' } } });
    const stranger = spawnSimulator(h.config.gpu.localProcess.port);
    try {
      // Until the stranger serves (bounded).
      for (let deadline = Date.now() + 20_000; ;) {
        if (
          await fetch(`${stranger.url}/health`).then(
            (r) => r.ok,
            () => false,
          )
        )
          break;
        if (Date.now() > deadline) throw new Error('the stranger did not come up');
        await new Promise((r) => setTimeout(r, 100));
      }
      const handle = await h.start();
      const { messages } = await failureOf(h.withWorker(handle.result()));
      expect(messages).toContain(
        `port 127.0.0.1:${h.config.gpu.localProcess.port} already has a server this pool did not start`,
      );
      expect(stranger.process.exitCode).toBeNull(); // neither used nor stopped by the pool
      expect((await h.ledgerEntries()).every((e) => !e.instanceId || e.stoppedAt)).toBe(true);
    } finally {
      stranger.stop();
      await h.close();
    }
  });

  it('a run terminated mid-generation is noticed within the holder check: GPU stopped, its lease closed and billed', async () => {
    const h = await createHarness({ simArgs: ['--latency-ms', '60000'] });
    try {
      const handle = await h.start();
      const terminatedAt = await terminateWhileGenerating(h, handle);
      const [entry] = await expectGpuStopped(h);
      const pastNeed = (Date.parse(entry!.stoppedAt!) - terminatedAt) / 1000;
      expect(pastNeed).toBeLessThan(10); // holder check 1 s, grace 0 s, a stop
      expect(entry!.stopReason).toBe('last holder gone; idle 0s');
      const [lease] = await leases(h);
      expect(lease).toMatchObject({ endedBy: 'run terminated holding the lease' });
      expect(lease!.shareSeconds).toBeGreaterThan(0);
      console.log(`pool: terminate → GPU stopped ${pastNeed.toFixed(1)}s later (holder check 1s, grace 0s)`);
    } finally {
      await h.close();
    }
  });

  it('a run reset mid-generation: the new run leases again and keeps the GPU, the reset one is dropped', async () => {
    const h = await createHarness({ simArgs: ['--latency-ms', '3000'] });
    try {
      const handle = await h.start();
      const result = await h.withWorker(
        (async () => {
          await waitForStage(handle, 'generating report');
          const { runId } = await handle.describe();
          const history = await handle.fetchHistory();
          // The workflow task that scheduled generateReport: the Web UI's "Reset" to that point.
          const events = history.events ?? [];
          const scheduled = events.findIndex(
            (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'generateReport',
          );
          const completed = events
            .slice(0, scheduled)
            .filter((e) => e.workflowTaskCompletedEventAttributes)
            .at(-1);
          const reset = await h.client.workflowService.resetWorkflowExecution({
            namespace: h.config.temporal.namespace,
            workflowExecution: { workflowId: handle.workflowId, runId },
            reason: 'test: reset mid-generation',
            workflowTaskFinishEventId: completed!.eventId,
            requestId: randomUUID(),
          });
          const resetRun = h.client.workflow.getHandle<typeof salesReport>(handle.workflowId, reset.runId);
          const done = await resetRun.result();
          await recordHistory(resetRun, 'sent-after-reset-mid-generation');
          return done;
        })(),
      );
      expect(result.outcome).toBe('sent');
      expect(h.sink.messages).toHaveLength(1);
      expect(await expectGpuStopped(h)).toHaveLength(1); // the same instance served the new run
      const records = await leases(h);
      expect(records.find((l) => l.holder.endsWith(result.runId))?.shareSeconds).toBeGreaterThan(0);
      expect(records.find((l) => !l.holder.endsWith(result.runId))).toMatchObject({
        endedBy: 'run terminated holding the lease',
      });
    } finally {
      await h.close();
    }
  });

  it('a GPU that never serves: every waiting run fails with the reason, and the instance is stopped', async () => {
    const h = await createHarness({
      simArgs: ['--boot-delay-ms', '60000'],
      config: { gpu: { readyTimeoutSeconds: 2 }, llm: { onModelDown: 'fail' } },
    });
    try {
      const handles = await Promise.all([1, 2].map(() => h.start()));
      const failures = await h.withWorker(Promise.all(handles.map((x) => failureOf(x.result()))));
      for (const { messages } of failures) {
        expect(messages).toContain('failed while waiting for GPU');
        expect(messages).toMatch(/GPU pool .*: GPU http:\/\/127\.0\.0\.1:\d+ not ready after 2s/);
      }
      const [entry] = await expectGpuStopped(h);
      expect(entry!.stopReason).toMatch(/^start failed: GPU .* not ready after 2s/);
    } finally {
      await h.close();
    }
  });

  it('continues as new while a run holds the GPU: the instance carries over, the reaper keeps it, one stop', async () => {
    const h = await createHarness({
      simArgs: ['--latency-ms', '12000'],
      config: { gpu: { pool: { historyEventsBeforeContinueAsNew: 100 }, reaper: { idleGraceSeconds: 0 } } },
    });
    try {
      const handle = await h.start();
      const { result, sweep, poolRuns } = await h.withWorker(
        (async () => {
          await waitForStage(handle, 'generating report');
          const firstPoolRun = (await h.client.workflow.getHandle(h.poolId).describe()).runId;
          // Wait (bounded) for the pool to continue as new.
          const deadline = Date.now() + 30_000;
          while ((await h.client.workflow.getHandle(h.poolId).describe()).runId === firstPoolRun) {
            if (Date.now() > deadline) throw new Error('the pool did not continue as new');
            await new Promise((r) => setTimeout(r, 200));
          }
          const sweep = await h.client.workflow.execute<typeof gpuReaper>(WORKFLOW_TYPES.gpuReaper, {
            taskQueue: h.config.temporal.taskQueue,
            workflowId: `gpu-reaper-can-${handle.workflowId}`,
          });
          const result: ReportResult = await handle.result();
          await h.poolSettled();
          await recordHistory(h.client.workflow.getHandle(h.poolId), 'gpu-pool-continued-as-new');
          // The run that continued as new: full, and nobody waiting for it, so a calm moment to go on.
          await recordHistory(h.client.workflow.getHandle(h.poolId, firstPoolRun), 'gpu-pool-before-continue-as-new');
          const poolRuns = (await h.client.workflow.count(`WorkflowId = '${h.poolId}'`)).count;
          return { result, sweep, poolRuns };
        })(),
      );
      expect(result.outcome).toBe('sent');
      expect(poolRuns).toBeGreaterThan(1);
      const [entry, ...more] = await expectGpuStopped(h);
      expect(more).toHaveLength(0);
      expect(sweep.find((r) => r.holder === entry!.owner)).toMatchObject({
        action: 'kept',
        reason: 'its run is still going',
      });
      expect(await startsOf(h, h.poolId)).toBe(1);
    } finally {
      await h.close();
    }
  });
});
