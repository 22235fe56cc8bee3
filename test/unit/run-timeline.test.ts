import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { describe, expect, it } from 'vitest';
import { activityTimeline, formatTimeline } from '../../temporal/run-timeline';

const history = (name: string) =>
  historyFromJSON(JSON.parse(readFileSync(join(__dirname, '..', 'replay', 'histories', name), 'utf8')));

describe('run timeline from history', () => {
  it('lists each activity with its duration and outcome, in order', () => {
    const spans = activityTimeline(history('sent.json'));
    expect(spans.map((s) => [s.activity, s.status])).toEqual([
      ['acquireGpuLease', 'completed'],
      ['loadSalesMetrics', 'completed'],
      ['generateReport', 'completed'],
      ['releaseGpuLease', 'completed'],
      ['renderReport', 'completed'],
      ['sendReportEmail', 'completed'],
    ]);
    for (const s of spans) expect(s.closedMs).toBeGreaterThanOrEqual(s.scheduledMs);
    expect(formatTimeline(spans)).toMatch(/generateReport\s+\d+\.\d\ds\s+completed/);
  });

  it('shows a failed and a cancelled step as such', () => {
    const failed = activityTimeline(history('failed-llm-invalid.json'));
    expect(failed.find((s) => s.activity === 'generateReport')?.status).toBe('failed');
    expect(failed.map((s) => s.activity)).toContain('sendFailureAlert');
    const cancelled = activityTimeline(history('cancelled-during-generation.json'));
    expect(cancelled.find((s) => s.activity === 'generateReport')?.status).toBe('cancelled');
    expect(cancelled.at(-1)?.activity).toBe('releaseGpuLease');
  });
});
