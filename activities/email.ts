import {
  type AlertReceipt,
  type ConfigDriftAlert,
  type DeadlineAlert,
  type DelayNotice,
  type EmailReceipt,
  type FailureAlert,
  type FindReportSendRequest,
  type InputRefusal,
  type GpuStopAlert,
  type MissingReport,
  type MorningDigest,
  type SendReportRequest,
} from '../temporal/contracts';
import type { ActivityDeps } from './deps';
import { withHeartbeat } from './heartbeat';
import { MailDesk } from './mail-desk';
import { findReportSend, sendReport } from './send-report';
import {
  sendAlert,
  sendDeadline,
  sendDelay,
  sendDigest,
  sendDriftAlert,
  sendMissingAlert,
  sendRefusal,
  sendStopAlert,
} from './send-alerts';

/**
 * The email activities: the report's send (activities/send-report.ts) and the alerts (activities/send-alerts.ts),
 * over what they share (activities/mail-desk.ts), built once per worker.
 */
export function createEmailActivities(deps: ActivityDeps) {
  const desk = new MailDesk(deps);
  return {
    findReportSend: (request: FindReportSendRequest) => findReportSend(desk, request),

    /** Tells ops of a run refused at start: outside recipients asked for, or a scheduled run's bad input. */
    async sendInputRefusedAlert(refusal: InputRefusal): Promise<AlertReceipt> {
      return withHeartbeat(() => sendRefusal(desk, refusal));
    },

    /** Tells ops that a report's email waits for the relay, or that it went out after all. */
    async sendDelayNotice(notice: DelayNotice): Promise<AlertReceipt> {
      return withHeartbeat(() => sendDelay(desk, notice));
    },

    /** Tells ops, in one email, of a morning's reports that failed or went out with the numbers only. */
    async sendMorningDigest(digest: MorningDigest): Promise<AlertReceipt> {
      return withHeartbeat(() => sendDigest(desk, digest));
    },

    /** Tells ops that a morning was planned while the task queue's workers ran two configs. */
    async sendConfigDriftAlert(alert: ConfigDriftAlert): Promise<AlertReceipt> {
      return withHeartbeat(() => sendDriftAlert(desk, alert));
    },

    /** Tells ops that a morning will not make its deadline on one GPU (at its start), or did not (at the deadline). */
    async sendDeadlineAlert(alert: DeadlineAlert): Promise<AlertReceipt> {
      return withHeartbeat(() => sendDeadline(desk, alert));
    },

    /** Tells ops that a report date went without a report. */
    async sendMissingReportAlert(missing: MissingReport): Promise<AlertReceipt> {
      return withHeartbeat(() => sendMissingAlert(desk, missing));
    },

    async sendReportEmail(request: SendReportRequest): Promise<EmailReceipt> {
      return withHeartbeat(() => sendReport(desk, request));
    },

    /** Tells the ops recipients a run failed: where, why, whether the GPU is off, and the link to the run. */
    async sendFailureAlert(alert: FailureAlert): Promise<AlertReceipt> {
      return withHeartbeat(() => sendAlert(desk, alert));
    },

    /** Tells the ops recipients the pool could not stop its instance. */
    async sendGpuStopAlert(alert: GpuStopAlert): Promise<AlertReceipt> {
      return withHeartbeat(() => sendStopAlert(desk, alert));
    },
  };
}
