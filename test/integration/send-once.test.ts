import { describe, expect, it } from 'vitest';
import { startWorkerProcess, writeConfig } from '../helpers/cli';
import { ReportOutcome } from '../../temporal/search-attributes';
import { createHarness, waitForStage } from '../helpers/harness';

describe('sent once', () => {
  it('a worker that dies waiting for the relay’s answer: the next worker sends nothing blindly, the delivery is "unknown" within a heartbeat timeout (not the relay’s 600 s) and ops are told', async () => {
    const h = await createHarness({
      smtp: { stallFirst: 1 },
      config: {
        timeouts: { heartbeatSeconds: 2, emailSeconds: 120 },
        // The relay's own time limit stays RFC 5321's 10 minutes: the next attempt must not wait it out.
        email: { smtp: { dataTimeoutSeconds: 600, connectionTimeoutSeconds: 1 } },
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
      // The dead attempt's hand-over stopped saying it waits: the email activity ends "unknown" within about one
      // heartbeat timeout (2 s) plus the clocks' allowance (2 s) of the kill, not after the relay's 600 s.
      const events = (await handle.fetchHistory()).events!;
      const send = events.find(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendReportEmail',
      )!;
      const sendEnded = events.find((e) =>
        e.activityTaskCompletedEventAttributes?.scheduledEventId?.equals(send.eventId!),
      );
      const decided =
        (Number(sendEnded!.eventTime!.seconds) * 1000 + sendEnded!.eventTime!.nanos! / 1e6 - killedAt) / 1000;
      expect(decided).toBeLessThan(8);
      // Ops are told once the workflow's next task runs: after the dead worker's sticky queue times out (10 s).
      expect(seconds).toBeLessThan(30);
      console.log(
        `worker SIGKILL waiting for the relay → delivery "unknown" ${decided.toFixed(1)}s later, ops told ${seconds.toFixed(1)}s later`,
      );
    } finally {
      await h.close();
    }
  });
});
