import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type Mail from 'nodemailer/lib/mailer';
import { CHART_CID } from '../report/render/chart';
import { SentRecords } from '../store/sent-records';
import {
  nonRetryableFailure,
  type EmailReceipt,
  type FailureAlert,
  type RunRef,
  type SendReportRequest,
} from '../temporal/contracts';
import { runUrl } from '../temporal/ui-links';
import type { ActivityDeps } from './deps';

interface SmtpError extends Error {
  responseCode?: number;
  code?: string;
}

export function createEmailActivities({ config, mailer, store, now = () => new Date() }: ActivityDeps) {
  const sent = new SentRecords(store);

  /** A rendered file, read back from the store (it may have been rendered on another host). */
  async function archived(key: string): Promise<Buffer> {
    const body = await store.get(key);
    if (!body) throw new Error(`the rendered report is missing from the store: ${store.locate(key)}`);
    return body;
  }
  const domain = /@([^>\s]+)>?\s*$/.exec(config.email.from)?.[1] ?? 'sales-report.local';

  /** Same workflow run → same Message-ID, whatever the worker or the attempt. */
  function messageIdFor(kind: 'report' | 'alert', run: RunRef): string {
    const digest = createHash('sha256').update(`${kind}/${run.workflowId}/${run.runId}`).digest('hex').slice(0, 32);
    return `<${kind}.${digest}@${domain}>`;
  }

  async function sendOnce(messageId: string, message: Mail.Options): Promise<EmailReceipt> {
    const previous = await sent.find(messageId);
    if (previous) return previous;
    let info: { accepted: (string | Mail.Address)[]; rejected: (string | Mail.Address)[] };
    try {
      info = (await mailer.sendMail({ ...message, messageId, from: config.email.from })) as typeof info;
    } catch (err) {
      const e = err as SmtpError;
      const where = `SMTP ${config.email.smtp.host}:${config.email.smtp.port}`;
      // 5xx is a permanent refusal (bad credentials, sender not allowed, every recipient refused): retrying won't help.
      if (e.responseCode !== undefined && e.responseCode >= 500) {
        throw nonRetryableFailure('SmtpRejected', `${where} refused the message (${e.responseCode}): ${e.message}`);
      }
      throw new Error(`${where}: ${e.message}`);
    }
    const address = (a: string | Mail.Address): string => (typeof a === 'string' ? a : (a.address ?? ''));
    const receipt: EmailReceipt = {
      messageId,
      accepted: info.accepted.map(address),
      rejected: info.rejected.map(address),
      alreadySent: false,
    };
    return sent.record({ ...receipt, sentAt: now().toISOString() });
  }

  return {
    async sendReportEmail({ run, rendered, recipients }: SendReportRequest): Promise<EmailReceipt> {
      const { files } = rendered;
      const [text, html, chart, xlsx] = await Promise.all(
        [files.text, files.html, files.chart, files.xlsx].map(archived),
      );
      return sendOnce(messageIdFor('report', run), {
        to: recipients.to,
        cc: recipients.cc,
        bcc: recipients.bcc,
        subject: rendered.subject,
        text: text!.toString('utf8'),
        html: html!.toString('utf8'),
        headers: { 'X-Sales-Report-Run': `${run.workflowId}/${run.runId}` },
        attachments: [
          { filename: 'chart.png', content: chart, cid: CHART_CID, contentType: 'image/png' },
          {
            filename: basename(files.xlsx),
            content: xlsx,
            contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          },
        ],
      });
    },

    /** Tells the ops recipients a run failed: where, why, whether the GPU is off, and the link to the run. */
    async sendFailureAlert(alert: FailureAlert): Promise<EmailReceipt> {
      const { run } = alert;
      const link = runUrl(config.temporal.uiUrl, config.temporal.namespace, run.workflowId, run.runId);
      const stopError = alert.gpuStopError;
      const instance = stopError?.instanceId ?? 'the instance';
      const gpuLine = alert.gpuStopped
        ? `GPU: stopped${alert.gpu ? ` (${alert.gpu.billedSeconds} s billed, ${alert.gpu.estimatedCost} ${alert.gpu.currency})` : ''}`
        : `GPU NOT stopped: ${instance}, ${stopError?.error ?? 'its stop was not confirmed'}. ` +
          'The run keeps trying to stop it and the GPU reaper will too; if the error says access is refused, ' +
          'stop it by hand and fix the permission.';
      const text = [
        alert.reportDelivered
          ? `The sales report for ${run.reportDate} went out, but its GPU could not be stopped.`
          : `The sales report for ${run.reportDate} failed while ${alert.stage}.`,
        '',
        ...(alert.reportDelivered ? [] : [`Error: ${alert.error}`]),
        gpuLine,
        `Run: ${run.workflowId} / ${run.runId}`,
        `Temporal UI: ${link}`,
        ...(alert.reportDelivered
          ? []
          : ['', 'Re-run it from the Temporal UI (Start Workflow with the same input) once the cause is fixed.']),
      ].join('\n');
      return sendOnce(messageIdFor('alert', run), {
        to: config.email.alertTo,
        subject: alert.reportDelivered
          ? `[GPU NOT STOPPED] ${instance}: sales report ${run.reportDate} was sent`
          : `[FAILED] Sales report ${run.reportDate}: ${alert.stage}${alert.gpuStopped ? '' : ' (GPU NOT stopped)'}`,
        text,
        headers: { 'X-Sales-Report-Run': `${run.workflowId}/${run.runId}` },
      });
    },
  };
}
