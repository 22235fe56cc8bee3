import { createHash } from 'node:crypto';
import type { Config } from './config';

/**
 * What a morning's plan depends on (the reports, the report defaults, the schedule), hashed: workers on one task
 * queue with different fingerprints run different plans, which a rollout can cause and the rules flag
 * (SalesReportConfigDrift). Host-local settings (worker.*, store paths, the GPU host) are left out: they may differ.
 */
export function configFingerprint(config: Config): string {
  const planned = { reports: config.reports ?? null, report: config.report, schedule: config.schedule };
  return createHash('sha256').update(JSON.stringify(planned)).digest('hex').slice(0, 12);
}
