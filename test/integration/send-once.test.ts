import { describe, expect, it } from 'vitest';
import { startWorkerProcess, writeConfig } from '../helpers/cli';
import { ReportOutcome } from '../../temporal/search-attributes';
import { createHarness, waitForStage } from '../helpers/harness';

describe('sent once', () => {
  it('a worker that dies waiting for the relay’s answer: the next worker sends nothing blindly, the delivery is "unknown" and ops are told within seconds', async () => {
    const h = await createHarness({
      smtp: { stallFirst: 1 },
      config: {
        timeouts: { heartbeatSeconds: 2, emailSeconds: 120 },
        // How long the next attempt waits for the dead one's answer before calling the delivery unknown.
        email: { smtp: { dataTimeoutSeconds: 4, connectionTimeoutSeconds: 1 } },
      },
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
      const [alert] = await h.sink.waitForMessages(1, 30_000);
      const seconds = (Date.now() - killedAt) / 1000;
      // The message was handed over and the relay never answered: it may have arrived, so it is not sent again.
      expect(result.outcome).toBe('unknown');
      expect(h.sink.messages).toHaveLength(1);
      expect(alert!.envelope.to).toEqual(['ops@example.com']);
      expect(alert!.parsed.subject).toBe('[DELIVERY UNKNOWN] Sales report 2026-11-20');
      expect(alert!.parsed.text).toContain(result.messageId);
      expect((await handle.describe()).typedSearchAttributes.get(ReportOutcome)).toBe('unknown');
      // Heartbeats: the next worker took over within seconds, not after the whole email time limit.
      expect(seconds).toBeLessThan(30);
      console.log(`worker SIGKILL waiting for the relay → delivery "unknown", ops told ${seconds.toFixed(1)}s later`);
    } finally {
      await h.close();
    }
  });
});
