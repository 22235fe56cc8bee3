import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig, type Config } from '../../config/config';
import { configFingerprint } from '../../config/fingerprint';
import { WORKFLOW_TYPES } from '../../temporal/contracts';
import { morningResults } from '../../temporal/runs';
import { configDrift } from '../../temporal/worker-configs';
import type { morningReports } from '../../workflows';
import { startWorkerProcess } from '../helpers/cli';
import { REPORT_DATE, withHarness } from '../helpers/harness';

const DAILY = { id: 'daily', title: '每日快报', period: 'day' as const };
const BY_REGION = {
  id: 'by-region',
  title: '区域周报',
  period: 'week' as const,
  split: { by: 'region' as const, recipients: { 华东: ['east@example.com'] } },
};

async function configFile(dir: string, config: Config): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, 'config.json');
  await writeFile(path, JSON.stringify(config, null, 2));
  return path;
}

describe('one plan per morning, whatever the rollout', () => {
  it('two workers on one queue with different reports: the morning tells ops of the drift, naming both configs, and no report is lost without an alert', () =>
    withHarness({ config: { reports: [DAILY, BY_REGION] } }, async (h) => {
      // The new config (both reports) rolled out to one worker; the other still runs the old one (no by-region).
      const newer = h.config;
      const older = parseConfig({ ...h.config, reports: [DAILY] });
      const workers: ChildProcess[] = [
        startWorkerProcess(await configFile(join(h.dir, 'newer'), newer)),
        startWorkerProcess(await configFile(join(h.dir, 'older'), older)),
      ];
      try {
        // Both are polling: the server's pollers carry each one's config fingerprint.
        for (let waited = 0; ; waited += 200) {
          const drift = await configDrift(h.client, newer, new Date());
          if (drift && drift.workers.length === 2) break;
          if (waited > 60_000) throw new Error(`the two workers never both polled: ${JSON.stringify(drift)}`);
          await new Promise((r) => setTimeout(r, 200));
        }
        const morning = await h.client.workflow.start<typeof morningReports>(WORKFLOW_TYPES.morning, {
          taskQueue: h.config.temporal.taskQueue,
          workflowId: `morning-${randomUUID()}`,
          args: [{ reportDate: REPORT_DATE }],
        });
        const results = await morningResults(morning);
        await h.poolSettled();

        const ops = h.sink.messages.filter((m) => m.envelope.to.includes('ops@example.com'));
        const drift = ops.filter((m) => m.parsed.subject?.startsWith('[CONFIG DRIFT]'));
        expect(drift).toHaveLength(1);
        const [a, b] = [configFingerprint(newer), configFingerprint(older)].sort();
        expect(drift[0]!.parsed.subject).toBe(
          `[CONFIG DRIFT] Sales reports ${REPORT_DATE}: the workers of task queue "${h.config.temporal.taskQueue}" run 2 configs (${a}, ${b})`,
        );
        expect(drift[0]!.parsed.text).toMatch(/was planned with config [0-9a-f]{12}/);

        // Whichever worker planned it, each report it planned went out or failed as the deployment fault it is, told.
        for (const r of results) {
          if (r.outcome === 'sent' || r.outcome === 'sent-numbers-only') continue;
          expect(r.outcome, `${r.id}/${r.split ?? ''}`).toBe('failed');
          expect(r.error).toContain('A deployment fault, not an input error');
          expect(ops.some((m) => m.parsed.text?.includes(r.workflowId))).toBe(true);
        }
        // A morning planned on the old config has no by-region at all: the drift alert is what tells of it.
        if (!results.some((r) => r.id === 'by-region'))
          expect(drift[0]!.parsed.text).toContain('missing from a morning');
        console.log(
          `config drift: planned ${results.map((r) => `${r.id}${r.split ? `/${r.split}` : ''}=${r.outcome}`).join(', ')}; ops told: ${ops.map((m) => m.parsed.subject).join(' | ')}`,
        );
      } finally {
        for (const w of workers) w.kill('SIGKILL');
      }
    }));
});
