import { describe, expect, it } from 'vitest';
import { llmCallsOf } from '../../store/llm-calls';
import { auditFromStore, listRuns } from '../../temporal/runs';
import { createHarness, REPORT_DATE, waitForStage } from '../helpers/harness';

describe('auditing failed runs', () => {
  it('runs list --outcome failed finds a terminated run too, with its GPU share and model calls from the store', async () => {
    const h = await createHarness({ simArgs: ['--latency-ms', '20000'] });
    try {
      const handle = await h.start({ reportDate: REPORT_DATE });
      await h.withWorker(
        (async () => {
          await waitForStage(handle, 'generating report');
          // Terminated once its call to the model is on record (the stage is set before the activity starts).
          const run = {
            workflowId: handle.workflowId,
            runId: (await handle.describe()).runId,
            reportDate: REPORT_DATE,
          };
          const calls = llmCallsOf(h.store, run);
          for (let i = 0; i < 300 && !(await calls.get('calls')); i++) await new Promise((r) => setTimeout(r, 100));
          await handle.terminate('stuck');
        })(),
      );
      const runId = (await handle.describe()).runId;
      const deadline = Date.now() + 30_000;
      let found: Awaited<ReturnType<typeof listRuns>> = [];
      while (Date.now() < deadline) {
        found = (await listRuns(h.client, { from: REPORT_DATE, to: REPORT_DATE, outcome: 'failed' })).filter(
          (r) => r.runId === runId,
        );
        if (found.length > 0) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(found).toEqual([expect.objectContaining({ status: 'TERMINATED', outcome: undefined })]);
      // It recorded no audit, but it held the lease and called the model: the store says how much.
      await h.poolSettled();
      const [audited] = await auditFromStore(found, h.store, h.config);
      expect(audited).toMatchObject({ attempts: 1, gpuCurrency: h.config.gpu.priceCurrency });
      expect(audited!.gpuSeconds).toBeGreaterThan(0);
    } finally {
      await h.close();
    }
  });
});
