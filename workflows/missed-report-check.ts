import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { MissedReportCheckInput, MissingReport } from '../temporal/contracts';

const { findMissingReports, sendMissingReportAlert } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { maximumAttempts: 5 },
});

/**
 * Started by its own schedule after the report's: every report date due by now that has no sent report is an
 * alert, whatever the cause (a paused schedule, workers down past the catch-up window, a skipped backfill, a run
 * that failed). One alert per date. Started by hand with {"dates": [...]}, it checks those dates.
 */
export async function missedReportCheck(input: MissedReportCheckInput = {}): Promise<MissingReport[]> {
  const missing = await findMissingReports(input ?? {});
  for (const report of missing) await sendMissingReportAlert(report);
  return missing;
}
