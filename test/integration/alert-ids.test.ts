import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { createEmailActivities } from '../../activities/email';
import type { ActivityDeps } from '../../activities/deps';
import { parseConfig } from '../../config/config';
import { startSmtpSink } from '../../dev/smtp-sink';
import { createMailer } from '../../email/mailer';
import { LocalStore } from '../../store/local-store';
import type { GpuStopAlert, MissingReport } from '../../temporal/contracts';

/** Alerts about a date or an instance are not about a run: their Message-IDs name the deployment they come from. */
describe("two deployments' alerts to one ops mailbox", () => {
  it('a missing report and a GPU that would not stop, for the same date and owner, have Message-IDs of their own', async () => {
    const sink = await startSmtpSink();
    try {
      for (const taskQueue of ['sales-report-shanghai', 'sales-report-beijing']) {
        const config = parseConfig({ temporal: { taskQueue }, email: { smtp: { port: sink.port } } });
        const store = new LocalStore(await mkdtemp(join(tmpdir(), 'sales-report-alert-ids-')));
        const email = createEmailActivities({
          config,
          mailer: createMailer(config, { llmApiKey: 'EMPTY' }),
          store,
        } as Pick<ActivityDeps, 'config' | 'mailer' | 'store'> as ActivityDeps);
        const env = new MockActivityEnvironment();
        await env.run((m: MissingReport) => email.sendMissingReportAlert(m), { reportDate: '2026-11-20', runs: [] });
        await env.run((a: GpuStopAlert) => email.sendGpuStopAlert(a), { poolId: 'p', owner: 'gpu-1', error: 'denied' });
      }
      await sink.waitForMessages(4, 10_000);
      const ids = sink.messages.map((m) => m.parsed.messageId);
      expect(ids.every((id) => id?.startsWith('<missing.') || id?.startsWith('<gpu-stop.'))).toBe(true);
      expect(new Set(ids).size).toBe(4);
    } finally {
      await sink.close();
    }
  });
});
