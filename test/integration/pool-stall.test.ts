import { noopMetricMeter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { gpuPoolId } from '../../config/config';
import { WORKFLOW_TYPES } from '../../temporal/contracts';
import { readPulse, startPulse } from '../../temporal/report-pulse';
import { withHarness } from '../helpers/harness';

describe('a stalled workflow task is heard of', () => {
  it("the GPU pool's workflow task that no worker completes: the pulse reads how long it has waited, and the worker logs it", () =>
    withHarness({}, async (h) => {
      // A pool whose first workflow task nobody takes: what every run waits on when the pool's task stalls.
      const pool = await h.client.workflow.start(WORKFLOW_TYPES.gpuPool, {
        taskQueue: h.config.temporal.taskQueue,
        workflowId: gpuPoolId(h.config),
        args: [],
      });
      try {
        const idle = await readPulse(h.client, h.config, h.store, new Date());
        expect(idle.poolTask?.attempt).toBe(1);
        expect(idle.poolTask!.pendingSeconds).toBeLessThan(10);

        // The pulse a minute on (its clock, not a sleep): the task has waited a minute, and the worker says so.
        const warnings: { message: string; attrs: Record<string, unknown> }[] = [];
        const later = () => new Date(Date.now() + 60_000);
        const stop = startPulse(
          { client: h.client, config: h.config, store: h.store, meter: noopMetricMeter, now: later },
          (message, attrs) => warnings.push({ message, attrs }),
        );
        try {
          for (let waited = 0; warnings.length === 0 && waited < 20_000; waited += 100)
            await new Promise((r) => setTimeout(r, 100));
        } finally {
          stop();
        }
        expect(warnings[0]?.message).toBe("the GPU pool's workflow task is stalled: runs wait for their model slot");
        expect(warnings[0]?.attrs).toMatchObject({ poolId: gpuPoolId(h.config), attempt: 1 });
        expect(warnings[0]?.attrs.pendingSeconds).toBeGreaterThanOrEqual(60);
      } finally {
        await pool.terminate('test over');
      }
      // An ended pool has nothing pending.
      expect((await readPulse(h.client, h.config, h.store, new Date())).poolTask).toBeUndefined();
    }));
});
