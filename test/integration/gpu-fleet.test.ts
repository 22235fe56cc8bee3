import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { isPoolInstance } from '../../gpu/holders';
import type { LedgerEntry } from '../../gpu/ledger';
import type { MorningAudit, MorningReportResult } from '../../temporal/contracts';
import { expectGpuStopped, recordHistory, withHarness, type Harness } from '../helpers/harness';
import { exportThroughYesterday, triggeredMorning } from '../helpers/schedule';
import { modelCalls } from '../helpers/history';

/** Nine reports of one morning: enough work that a plan needs three instances, each serving one call at a time. */
const REPORTS = Array.from({ length: 9 }, (_, i) => ({
  id: `r${i + 1}`,
  period: i % 2 ? ('day' as const) : ('week' as const),
}));
const HOLDER_CHECK_SECONDS = 2;

/**
 * A fleet of at most three local simulators, one request each; the plan's rates make 9 reports need three instances
 * by the deadline (9 × 400 completion tokens ÷ 100 tok/s = 36 GPU-s; 15 s less planning, less 1 s boot: ⌈36 ÷ 11…13⌉
 * = 3 or 4, capped at 3).
 */
const fleetConfig = async (pool: { historyEventsBeforeContinueAsNew?: number } = {}) => ({
  dataPath: await exportThroughYesterday(),
  simArgs: ['--tokens-per-second', '150', '--max-num-seqs', '1'],
  config: {
    reports: REPORTS,
    schedule: { id: `fleet-${randomUUID().slice(0, 8)}`, paused: true, deadline: '15s' },
    gpu: {
      pool: { maxInstances: 3, holderCheckSeconds: HOLDER_CHECK_SECONDS, ...pool },
      serving: { bootSeconds: 1, decodeTokensPerSecond: 100, prefillTokensPerSecond: 1_000_000 },
    },
    llm: { maxConcurrentRequests: 1 },
  },
});

/** The pool's instances, in the order they were started. */
async function poolInstances(h: Harness): Promise<LedgerEntry[]> {
  return (await h.ledgerEntries())
    .filter((e) => isPoolInstance(e.owner))
    .sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
}

/** Every call each instance served, from the reports' histories: the instance it went to and when it ended. */
async function callsByInstance(h: Harness, morning: WorkflowHandle, results: MorningReportResult[]) {
  const byInstance = new Map<string, number[]>();
  for (const r of results) {
    for (const call of await modelCalls(h.client.workflow.getHandle(r.workflowId)))
      byInstance.set(call.instanceId, [...(byInstance.get(call.instanceId) ?? []), call.endedAtMs]);
  }
  expect(byInstance.size, `calls of ${morning.workflowId}`).toBeGreaterThan(0);
  return byInstance;
}

describe('a fleet for a deadline (gpu.pool.maxInstances)', () => {
  it('a plan of three: all started at once, the reports spread over them, each stopped within a holder check of its last report', async () =>
    withHarness(await fleetConfig({ historyEventsBeforeContinueAsNew: 100 }), async (h) => {
      const { schedule, morning } = await triggeredMorning(h);
      try {
        const results = (await h.withWorker(morning.result())) as MorningReportResult[];
        expect(results.map((r) => r.outcome)).toEqual(REPORTS.map(() => 'sent'));
        await recordHistory(morning, 'morning-reports-fleet-ordered');
        await recordHistory(h.client.workflow.getHandle(results[0]!.workflowId), 'sent-on-fleet-slot');
        // The pool continued as new with its instances running (historyEventsBeforeContinueAsNew 100).
        const pool = h.client.workflow.getHandle(h.poolId);
        const firstPoolRun = (await pool.describe()).raw.workflowExecutionInfo?.firstRunId;
        expect(firstPoolRun).toBeTruthy();
        expect(firstPoolRun).not.toBe((await pool.describe()).runId);
        await recordHistory(pool, 'gpu-fleet-three-instances');
        await recordHistory(h.client.workflow.getHandle(h.poolId, firstPoolRun!), 'gpu-fleet-before-continue-as-new');
        const audit = (await morning.describe()).memo?.audit as MorningAudit;
        // Three, or four capped at three when planning took a second or two of the 15.
        expect(audit.deadline).toMatchObject({ instancesPlanned: 3 });
        expect(audit.deadline!.instancesNeeded).toBeGreaterThanOrEqual(3);

        const instances = await poolInstances(h);
        await expectGpuStopped(h);
        expect(instances).toHaveLength(3);
        // One port each, from gpu.localProcess.port up.
        expect(new Set(instances.map((i) => i.endpoint)).size).toBe(3);
        // Ordered before the reports asked, started together.
        const requested = instances.map((i) => Date.parse(i.requestedAt));
        expect(Math.max(...requested) - Math.min(...requested)).toBeLessThan(5_000);

        const calls = await callsByInstance(h, morning, results);
        for (const instance of instances) {
          const ended = calls.get(instance.instanceId);
          expect(ended, `${instance.instanceId} served no report`).toBeDefined();
          const gap = Date.parse(instance.stoppedAt!) - Math.max(...ended!);
          expect(gap, `${instance.instanceId} outlived its last report by ${gap} ms`).toBeLessThanOrEqual(
            HOLDER_CHECK_SECONDS * 1000,
          );
        }
      } finally {
        await schedule.delete();
      }
    }));

  it('an instance its provider stops mid-morning: its runs move to the others, another takes its place, every report goes out with its words', async () =>
    withHarness(await fleetConfig(), async (h) => {
      const { schedule, morning } = await triggeredMorning(h);
      try {
        let killed: LedgerEntry | undefined;
        const results = await h.withWorker(
          (async () => {
            // Once the first report is out (every instance serves by then), the process of one dies, as a spot
            // reclaim would end it.
            for (let i = 0; i < 600 && !killed; i++) {
              const serving = (await poolInstances(h)).filter((e) => !e.stoppedAt && h.gpuProcessAlive(e));
              const reportsOut = h.sink.messages.filter((m) => m.envelope.to.includes('sales@example.com'));
              if (reportsOut.length > 0 && serving.length === 3) {
                killed = serving[0]!;
                process.kill(-Number(/^pid:(\d+):/.exec(killed.instanceId)![1]), 'SIGKILL');
              } else await new Promise((r) => setTimeout(r, 100));
            }
            return (await morning.result()) as MorningReportResult[];
          })(),
        );
        await recordHistory(h.client.workflow.getHandle(h.poolId), 'gpu-fleet-instance-replaced');
        expect(killed, 'no instance was serving to stop').toBeDefined();
        expect(results.map((r) => r.outcome)).toEqual(REPORTS.map(() => 'sent'));

        const instances = await poolInstances(h);
        await expectGpuStopped(h);
        expect(instances.find((i) => i.instanceId === killed!.instanceId)?.stopReason).toBe('stopped by its provider');
        // Another instance started after it stopped.
        expect(instances.length).toBe(4);
        const replacement = instances.at(-1)!;
        expect(Date.parse(replacement.requestedAt)).toBeGreaterThan(Date.parse(instances[2]!.requestedAt));
        const calls = await callsByInstance(h, morning, results);
        expect(calls.get(replacement.instanceId)?.length ?? 0).toBeGreaterThan(0);
      } finally {
        await schedule.delete();
      }
    }));
});
