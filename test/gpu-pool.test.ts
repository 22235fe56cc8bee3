import { describe, expect, it } from 'vitest';
import { InstanceLedger, type LedgerEntry } from '../gpu/ledger';
import { groupAlive } from '../gpu/providers/local-process';
import type { gpuPool } from '../workflows';
import { createHarness, recordHistory, REPORT_DATE, type Harness, waitForStage } from './helpers/harness';

const ledgerEntries = (h: Harness): Promise<LedgerEntry[]> => new InstanceLedger(h.store).all();

const pid = (e: LedgerEntry) => Number(/^pid:(\d+):/.exec(e.instanceId)?.[1]);

describe('shared GPU pool (gpu.sharing.enabled)', () => {
  it('three overlapping runs share one instance: one start, one stop', async () => {
    const h = await createHarness({
      simArgs: ['--latency-ms', '1500'],
      config: { gpu: { sharing: { enabled: true, idleGraceSeconds: 1, holderCheckSeconds: 5 } } },
    });
    try {
      const poolId = `${h.config.temporal.taskQueue}-gpu-pool`;
      const results = await h.withWorker(
        (async () => {
          const handles = await Promise.all([1, 2, 3].map(() => h.start({ reportDate: REPORT_DATE })));
          const done = await Promise.all(handles.map((x) => x.result()));
          const pool = h.client.workflow.getHandle<typeof gpuPool>(poolId);
          const bills = await pool.result();
          await recordHistory(handles[0]!, 'sent-via-gpu-pool');
          await recordHistory(pool, 'gpu-pool-three-holders');
          return { done, bills };
        })(),
      );
      expect(results.done.map((r) => r.outcome)).toEqual(['sent', 'sent', 'sent']);
      expect(h.sink.messages).toHaveLength(3);
      const entries = await ledgerEntries(h);
      expect(entries).toHaveLength(1); // one instance started…
      expect(entries[0]!.owner.startsWith(`${poolId}/`)).toBe(true);
      expect(entries[0]!.stoppedAt).toBeDefined(); // …and stopped once
      expect(groupAlive(pid(entries[0]!))).toBe(false);
      expect(results.bills).toHaveLength(1);
      expect(results.bills[0]!.billedSeconds).toBeGreaterThan(0);
      for (const r of results.done) {
        expect(r.gpu?.instanceIds).toEqual([`pool:${poolId}`]);
        expect(r.gpu!.billedSeconds).toBeGreaterThan(0);
      }
      const history = await h.client.workflow.getHandle(poolId).fetchHistory();
      const started = history.events?.filter(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'startGpu',
      );
      expect(started).toHaveLength(1);
    } finally {
      await h.close();
    }
  });

  it('a terminated holder is dropped at the next liveness check and the GPU is stopped', async () => {
    const h = await createHarness({
      simArgs: ['--latency-ms', '60000'],
      config: { gpu: { sharing: { enabled: true, idleGraceSeconds: 0, holderCheckSeconds: 1 } } },
    });
    try {
      const poolId = `${h.config.temporal.taskQueue}-gpu-pool`;
      const upAfterTerminate = await h.withWorker(
        (async () => {
          const handle = await h.start();
          await waitForStage(handle, 'generating report');
          await handle.terminate('stuck');
          const terminatedAt = Date.now();
          await h.client.workflow.getHandle<typeof gpuPool>(poolId).result();
          return (Date.now() - terminatedAt) / 1000;
        })(),
      );
      const [entry] = await ledgerEntries(h);
      expect(entry?.stoppedAt).toBeDefined();
      expect(groupAlive(pid(entry!))).toBe(false);
      expect(upAfterTerminate).toBeLessThan(15);
      console.log(
        `pool: terminate → GPU stopped ${upAfterTerminate.toFixed(1)}s later (holder check every 1s, grace 0s)`,
      );
    } finally {
      await h.close();
    }
  });
});
