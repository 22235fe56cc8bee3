import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHarness, expectGpuStopped, freePort, waitForStage } from '../helpers/harness';
import { startPersistentServer } from '../helpers/persistent-server';

describe('the Temporal server itself fails', () => {
  it('SIGKILLed mid-generation and restarted on the same database: the run finishes, one email, GPU stopped', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-server-'));
    const server = await startPersistentServer(join(dir, 'temporal.db'), await freePort());
    try {
      const h = await createHarness({ temporalAddress: server.address, simArgs: ['--latency-ms', '4000'] });
      try {
        const handle = await h.start();
        const timing = await h.withWorker(
          (async () => {
            await waitForStage(handle, 'generating report');
            await server.kill();
            const killedAt = Date.now();
            await server.restart();
            const downSeconds = (Date.now() - killedAt) / 1000;
            const result = await handle.result();
            return { result, killedAt, downSeconds };
          })(),
        );
        expect(timing.result.outcome).toBe('sent');
        expect(await h.sink.waitForMessages(1, 10_000)).toHaveLength(1);
        const [entry, ...more] = await expectGpuStopped(h);
        expect(more).toHaveLength(0);
        const stoppedAfterKill = (Date.parse(entry!.stoppedAt!) - timing.killedAt) / 1000;
        console.log(
          `Temporal server SIGKILL: down ${timing.downSeconds.toFixed(1)}s, run sent, GPU stopped ${stoppedAfterKill.toFixed(1)}s after the kill`,
        );
      } finally {
        await h.close();
      }
    } finally {
      await server.stop();
    }
  });
});
