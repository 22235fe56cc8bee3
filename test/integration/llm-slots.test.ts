import { describe, expect, it } from 'vitest';
import type { Harness } from '../helpers/harness';
import { recordHistory, withHarness } from '../helpers/harness';

/** The simulator's gauges and high-water marks (vLLM's names, and the simulator's own), or undefined when it is down. */
async function engineGauges(h: Harness): Promise<{ maxRunning: number; maxWaiting: number } | undefined> {
  const text = await fetch(`http://127.0.0.1:${h.config.gpu.localProcess.port}/metrics`)
    .then((r) => r.text())
    .catch(() => undefined);
  if (text === undefined) return undefined;
  const value = (name: string) => Number(new RegExp(`^${name}\\{[^}]*\\} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
  return {
    maxRunning: value('vllm_simulator:max_num_requests_running'),
    maxWaiting: value('vllm_simulator:max_num_requests_waiting'),
  };
}

describe('llm.maxConcurrentRequests: the pool hands out slots to call the model, across workers', () => {
  it('five runs on two workers never have more than two requests in flight, and use both slots', async () => {
    await withHarness(
      {
        // Each answer decodes for about 4 s, longer than the runs' loads are staggered (one workbook loader at a time
        // on two cores), so the five runs' generations overlap.
        simArgs: ['--tokens-per-second', '100', '--max-num-seqs', '2'],
        // Holders checked every second: a waiting run that asked the pool again at each check would show.
        config: { llm: { maxConcurrentRequests: 2 }, gpu: { pool: { holderCheckSeconds: 1 } } },
      },
      async (h) => {
        // Five report dates: five reports, each sent once.
        const dates = ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20'];
        const handles = await Promise.all(dates.map((reportDate) => h.start({ reportDate })));
        const seen = { maxRunning: 0, maxWaiting: 0 };
        let done = false;
        const results = Promise.all(handles.map((x) => x.result())).finally(() => (done = true));
        // The engine's high-water marks, read while the GPU serves (it is stopped once the last run gives it back).
        const watch = (async () => {
          while (!done) {
            const g = await engineGauges(h);
            if (g) {
              seen.maxRunning = Math.max(seen.maxRunning, g.maxRunning);
              seen.maxWaiting = Math.max(seen.maxWaiting, g.maxWaiting);
            }
            await new Promise((r) => setTimeout(r, 100));
          }
        })();
        // Two workers, as two hosts would run them, on the same task queue.
        const [sent] = await Promise.all([h.withWorker(results), h.withWorker(results)]);
        await watch;
        expect(sent.map((r) => r.outcome)).toEqual(Array(5).fill('sent'));
        // Never more in flight than the server batches (none queued inside it), and both slots used at once.
        expect(seen).toEqual({ maxRunning: 2, maxWaiting: 0 });
        expect(h.sink.messages).toHaveLength(5);
        // Each run asked the pool for a slot once: the ones that waited looked whether it still ran (a local
        // activity in their own history) rather than asking it again, which at a thousand runs flooded the pool.
        const signals = (await h.client.workflow.getHandle(h.poolId).fetchHistory()).events!.flatMap(
          (e) => e.workflowExecutionSignaledEventAttributes?.signalName ?? [],
        );
        expect(signals.filter((name) => name === 'requestLlmSlot')).toHaveLength(5);
        const looked = await Promise.all(
          handles.map(async (x) =>
            (await x.fetchHistory()).events!.some((e) =>
              Object.values(e.markerRecordedEventAttributes?.details ?? {}).some((d) =>
                (d.payloads ?? []).some((p) =>
                  Buffer.from(p.data ?? [])
                    .toString()
                    .includes('gpuPoolChain'),
                ),
              ),
            ),
          ),
        );
        expect(looked.filter(Boolean).length).toBeGreaterThanOrEqual(3);
        await recordHistory(handles[0]!, 'sent-holding-llm-slot');
        await recordHistory(h.client.workflow.getHandle(h.poolId), 'gpu-pool-llm-slots');
      },
    );
  });
});
