import { describe, expect, it } from 'vitest';
import { startWorkerProcess, writeConfig } from '../helpers/cli';
import { createHarness, waitForStage } from '../helpers/harness';

describe('sent once', () => {
  it('a worker that dies mid-send: the send is retried on another worker within seconds, and one email arrives', async () => {
    const h = await createHarness({
      smtp: { stallFirst: 1 },
      config: { timeouts: { heartbeatSeconds: 2, emailSeconds: 120 } },
    });
    try {
      const configPath = await writeConfig(h.dir, h.config);
      const worker = startWorkerProcess(configPath);
      const handle = await h.start();
      await waitForStage(handle, 'sending email', 60_000);
      // The relay has the message's DATA and does not answer; the worker dies waiting.
      await new Promise((r) => setTimeout(r, 500));
      worker.kill('SIGKILL');
      const killedAt = Date.now();

      const result = await h.withWorker(handle.result());
      const [mail] = await h.sink.waitForMessages(1, 30_000);
      const seconds = (Date.now() - killedAt) / 1000;
      expect(result.outcome).toBe('sent');
      expect(h.sink.messages).toHaveLength(1);
      expect(mail!.parsed.messageId).toBe(result.messageId);
      // Before heartbeats, the retry waited for the whole emailSeconds (120 s here).
      expect(seconds).toBeLessThan(30);
      console.log(`worker SIGKILL mid-send → email delivered by the next worker ${seconds.toFixed(1)}s later`);
    } finally {
      await h.close();
    }
  });
});
