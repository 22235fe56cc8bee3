import { describe, expect, it } from 'vitest';
import type { ActivityDeps } from '../../activities';
import { createPlanActivities } from '../../activities/plan';
import { parseConfig } from '../../config/config';
import { configFingerprint } from '../../config/fingerprint';
import type { PlanRequest } from '../../temporal/contracts';

const reports = [
  { id: 'daily', period: 'day' as const },
  {
    id: 'by-region',
    period: 'week' as const,
    split: { by: 'region' as const, recipients: { 华北: ['north@example.com'] } },
  },
];

/** planReport as a worker with `config` runs it: it reads nothing but its config. */
const planOn = (config: ReturnType<typeof parseConfig>) => (request: PlanRequest) =>
  createPlanActivities({ config } as unknown as ActivityDeps).planReport(request);

describe('one plan per morning, whatever the rollout', () => {
  const planned = parseConfig({ reports });
  const older = parseConfig({ reports: reports.slice(0, 1) });
  const request = {
    input: { reportDate: '2026-11-20', report: 'by-region', split: '华北' },
    workflowId: 'morning/by-region/华北',
    runId: '0f5d8c52-4d6c-4a65-9f5d-1d2b3c4d5e6f',
    startedAt: '2026-11-20T01:00:00Z',
  };

  it('fingerprints what a plan depends on, and not what a host may set for itself', () => {
    expect(configFingerprint(planned)).toMatch(/^[0-9a-f]{12}$/);
    expect(configFingerprint(planned)).not.toBe(configFingerprint(older));
    expect(configFingerprint(parseConfig({ reports, worker: { metricsAddress: '0.0.0.0:9464' } }))).toBe(
      configFingerprint(planned),
    );
  });

  it("a worker that cannot run its morning's report says it is a deployment fault, naming both configs", async () => {
    const refused = await planOn(older)({ ...request, plannedWith: configFingerprint(planned) }).catch(
      (e: Error) => e.message,
    );
    expect(refused).toContain('report "by-region" is not defined');
    expect(refused).toContain(
      `A deployment fault, not an input error: this worker's config (fingerprint ${configFingerprint(older)}) is not the one its morning planned with (${configFingerprint(planned)})`,
    );
    // A run started by hand with a report the config lacks is a plain input error.
    const typo = await planOn(older)(request).catch((e: Error) => e.message);
    expect(typo).toContain('report "by-region" is not defined');
    expect(typo).not.toContain('deployment fault');
  });
});
