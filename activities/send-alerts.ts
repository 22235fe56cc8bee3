import { hashedName } from '../store/json-records';
import {
  WORKFLOW_TYPES,
  type AlertReceipt,
  type ConfigDriftAlert,
  type DeadlineAlert,
  type DelayNotice,
  type FailureAlert,
  type InputRefusal,
  type GpuStopAlert,
  type MissingReport,
  type MorningDigest,
  type MorningReportResult,
  type NarrativeWithheld,
} from '../temporal/contracts';
import { deadlineAlertWords } from '../alerts/deadline';
import { runUrl, scheduleUrl } from '../temporal/ui-links';
import { isPoolShare } from '../gpu/billing';
import { runKey, type ReportRef } from '../store/archive';
import { titleOf } from '../report/definitions';
import { WITHHELD_FOR_OPS, type WithheldCause } from '../report/withheld';
import type { MailDesk } from './mail-desk';

export async function sendAlert(desk: MailDesk, alert: FailureAlert): Promise<AlertReceipt> {
  const { config } = desk;
  const { run } = alert;
  const link = runUrl(config.temporal.uiUrl, config.temporal.namespace, run.workflowId, run.runId);
  const stopError = alert.gpuStopError;
  const instance = stopError?.instanceId ?? 'the instance';
  const leased = isPoolShare(alert.gpu);
  const gpuLine = leased
    ? `GPU: given back to the pool, which stops it when no run holds it (this run's share: ${alert.gpu!.billedSeconds} s, ${alert.gpu!.estimatedCost} ${alert.gpu!.currency})`
    : alert.gpuStopped
      ? `GPU: stopped${alert.gpu ? ` (${alert.gpu.billedSeconds} s billed, ${alert.gpu.estimatedCost} ${alert.gpu.currency})` : ''}`
      : `GPU NOT stopped: ${instance}, ${stopError?.error ?? 'its stop was not confirmed'}. ` +
        'The run keeps trying to stop it and the GPU reaper will too; if the error says access is refused, ' +
        'stop it by hand and fix the permission.';
  const withheld = alert.narrativeWithheld;
  // Which report, of a morning's many: its id and split value, or the default report.
  const name = desk.alertName(run);
  const reason = alert.error.length > 120 ? `${alert.error.slice(0, 119)}…` : alert.error;
  const delivery = alert.delivery;
  const deliveryLines = delivery
    ? [
        ...(delivery.unknown
          ? [
              `Delivery UNKNOWN: the report (Message-ID ${delivery.messageId ?? '-'}) was handed to the relay, which never answered the end of the message. It may or may not have arrived; it was not sent again.`,
              'Look the Message-ID up in the relay\'s log; to send it anyway, start the run again with {"resend": true}.',
            ]
          : []),
        ...(delivery.refused
          ? [`The relay refused these recipients (the others got it): ${delivery.refused.join(', ')}`]
          : []),
        ...(delivery.overriddenTo
          ? [`The recipients were set by the run's input, not the config: ${delivery.overriddenTo.join(', ')}`]
          : []),
        ...(delivery.refusedChat
          ? [
              `These chat groups did not take the report's card (its email went): ${delivery.refusedChat.join('; ')}`,
              'Check the group robot (its keyword or IP allow-list, its signing secret, the webhook URL); the other groups and the email are not affected.',
            ]
          : []),
        '',
      ]
    : [];
  const text = [
    !alert.reportDelivered
      ? `${name} for ${run.reportDate} failed while ${alert.stage}.`
      : withheld
        ? `${name} for ${run.reportDate} went out with the numbers only: ${WITHHELD_FOR_OPS[withheldCause(withheld)]}.`
        : delivery && alert.gpuStopped
          ? `${name} for ${run.reportDate}: its email needs a look.`
          : `${name} for ${run.reportDate} went out, but its GPU could not be stopped.`,
    '',
    ...deliveryLines,
    ...(alert.reportDelivered ? [] : [`Error: ${alert.error}`]),
    ...(withheld
      ? [
          `Why: ${withheld.reason}`,
          '',
          ...(withheld.rejectedText ? ['The rejected text:', withheld.rejectedText, ''] : []),
        ]
      : []),
    gpuLine,
    ...(alert.llm
      ? [
          `Model: ${alert.llm.model}${alert.llm.simulated ? ' (vLLM simulator)' : ''} · prompt sha256 ${alert.llm.promptSha256} · ${alert.llm.attempts} LLM call(s)`,
        ]
      : []),
    `Run: ${run.workflowId} / ${run.runId}`,
    `Temporal UI: ${link}`,
    ...(alert.reportDelivered
      ? []
      : ['', 'Re-run it from the Temporal UI (Start Workflow with the same input) once the cause is fixed.']),
  ].join('\n');
  const subject = !alert.reportDelivered
    ? `[FAILED] ${name} ${run.reportDate} (${alert.stage}): ${reason}${alert.gpuStopped ? '' : ' (GPU NOT stopped)'}`
    : !alert.gpuStopped
      ? `[GPU NOT STOPPED] ${instance}: ${name} ${run.reportDate} was sent`
      : withheld
        ? `[NARRATIVE WITHHELD] ${name} ${run.reportDate} was sent with the numbers only: ${WITHHELD_FOR_OPS[withheldCause(withheld)]}`
        : delivery?.unknown
          ? `[DELIVERY UNKNOWN] ${name} ${run.reportDate}`
          : delivery?.refused
            ? `[RECIPIENTS REFUSED] ${name} ${run.reportDate}: ${delivery.refused.length} not delivered`
            : delivery?.refusedChat
              ? `[CHAT REFUSED] ${name} ${run.reportDate}: ${delivery.refusedChat.length} group(s) did not take the card`
              : `[RECIPIENTS OVERRIDDEN] ${name} ${run.reportDate} went to ${delivery?.overriddenTo?.join(', ') ?? '-'}`;
  return desk.deliverAlert(desk.messageIdFor('alert', run), { subject, text, link, run }, undefined, {
    email: !alert.inMorningDigest,
  });
}

/**
 * A report whose email waits for the relay: ops told once that it is late (by the webhooks when the relay is what
 * is away), and again, on the same thread, when it went out after all.
 */
export function sendDelay(desk: MailDesk, notice: DelayNotice): Promise<AlertReceipt> {
  const { config, now, domain } = desk;
  const { run } = notice;
  const name = desk.alertName(run);
  const link = runUrl(config.temporal.uiUrl, config.temporal.namespace, run.workflowId, run.runId);
  const lateId = `<delay.${hashedName(`delay/${runKey(run)}`, 32)}@${domain}>`;
  const relay = `SMTP ${config.email.smtp.host}:${config.email.smtp.port}`;
  const at = (seconds: number) => new Date(now().getTime() + seconds * 1000).toISOString();
  if (notice.state === 'late') {
    const subject = `[REPORT DELAYED] ${name} ${run.reportDate}: the relay is away, still trying`;
    const text = [
      `${name} for ${run.reportDate} is written and rendered, but ${relay} did not take it: ${notice.error ?? 'no answer'}.`,
      '',
      `Next try: ${at(notice.nextTryInSeconds ?? 0)}. It keeps trying until ${at(notice.giveUpInSeconds ?? 0)}, then fails and tells you; you will hear again when it goes out.`,
      'The GPU is given back already: the wait costs nothing.',
      `Run: ${run.workflowId} / ${run.runId}`,
      `Temporal UI: ${link}`,
    ].join('\n');
    return desk.deliverAlert(lateId, { subject, text, link, run });
  }
  const subject = `[REPORT DELAYED → SENT] ${name} ${run.reportDate} went out after all`;
  const text = [
    `${name} for ${run.reportDate} went out after waiting for ${relay} (${notice.messageId ?? 'the report'}).`,
    `Run: ${run.workflowId} / ${run.runId}`,
    `Temporal UI: ${link}`,
  ].join('\n');
  return desk.deliverAlert(
    `<delay-sent.${hashedName(`delay/${runKey(run)}`, 32)}@${domain}>`,
    { subject, text, link, run },
    lateId,
  );
}

/**
 * A run refused at start that ops must hear of, with who started it as Temporal recorded it (the start event's
 * identity: the Web UI's user, a CLI's host, the schedule) and, for recipients, the addresses asked for.
 */
export async function sendRefusal(desk: MailDesk, refusal: InputRefusal): Promise<AlertReceipt> {
  const { config, temporal, domain } = desk;
  const { workflowId, runId } = refusal.run;
  const history = await temporal.workflowService
    .getWorkflowExecutionHistory({
      namespace: config.temporal.namespace,
      execution: { workflowId, runId },
      maximumPageSize: 1,
    })
    .catch(() => undefined);
  const identity = history?.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.identity || 'unknown';
  const link = runUrl(config.temporal.uiUrl, config.temporal.namespace, workflowId, runId);
  const date = refusal.reportDate ?? '';
  const subject = refusal.refusedRecipients?.length
    ? `[RECIPIENTS REFUSED AT START] Sales report ${date}: ${refusal.refusedRecipients.join(', ')}`
    : `[INPUT REFUSED] Sales report ${date}: the run did not start`;
  const text = [
    refusal.refusedRecipients?.length
      ? `A run asked to send the report to addresses outside email.allowedRecipients: ${refusal.refusedRecipients.join(', ')}. Nothing was sent.`
      : 'A scheduled run was refused at start: no report was written for its date.',
    '',
    `Why: ${refusal.error}`,
    `Started by: ${identity}`,
    `Run: ${workflowId} / ${runId}`,
    `Temporal UI: ${link}`,
  ].join('\n');
  return desk.deliverAlert(`<refused.${hashedName(`refused/${workflowId}/${runId}`, 32)}@${domain}>`, {
    subject,
    text,
    link,
  });
}

/** One email to ops for a morning's reports that need a human: each by its name, with why. */
export function sendDigest(desk: MailDesk, digest: MorningDigest): Promise<AlertReceipt> {
  const { config, domain } = desk;
  const { morning, reportDate, needsHuman } = digest;
  const failed = needsHuman.filter((r) => r.outcome === 'failed');
  const withheld = needsHuman.filter((r) => r.outcome === 'sent-numbers-only');
  const nameOf = (r: MorningReportResult) => titleOf(config, r);
  const link = runUrl(config.temporal.uiUrl, config.temporal.namespace, morning.workflowId, morning.runId);
  const counts = [
    ...(failed.length ? [`${failed.length} failed`] : []),
    ...(withheld.length ? [`${withheld.length} sent with the numbers only`] : []),
  ].join(', ');
  const subject = `[MORNING ${failed.length ? 'FAILED' : 'WITHHELD'}] Sales reports ${reportDate}: ${counts} of ${digest.reports}`;
  const line = (r: MorningReportResult) =>
    `- ${nameOf(r)}: ${r.outcome === 'failed' ? (r.error ?? 'failed') : `numbers only: ${r.withheld ?? 'words withheld'}`}\n  ${runUrl(config.temporal.uiUrl, config.temporal.namespace, r.workflowId)}`;
  const text = [
    `The morning of ${reportDate} ran ${digest.reports} report(s); ${counts}.`,
    '',
    ...(failed.length ? ['Failed (nothing was sent to their readers):', ...failed.map(line), ''] : []),
    ...(withheld.length
      ? ["Sent with the numbers only (the model's words did not pass the checks):", ...withheld.map(line), '']
      : []),
    `Morning: ${morning.workflowId} / ${morning.runId}`,
    `Temporal UI: ${link}`,
    '',
    'Re-run one report from the Temporal UI with {"reportDate": "…", "report": "<id>", "split": "<value>"} once the cause is fixed.',
  ].join('\n');
  return desk.deliverAlert(
    `<morning.${hashedName(runKey(morning), 32)}@${domain}>`,
    { subject, text, link },
    undefined,
    {
      webhooks: false, // each report told the webhooks itself, one line each
    },
  );
}

/** A pool's instance that would not stop: which, why, and that stopping goes on. One alert per instance. */
export function sendStopAlert(desk: MailDesk, alert: GpuStopAlert): Promise<AlertReceipt> {
  const { config, domain, deployment } = desk;
  const instance = alert.instanceId ?? alert.owner;
  const link = runUrl(config.temporal.uiUrl, config.temporal.namespace, alert.poolId);
  const subject = `[GPU NOT STOPPED] ${instance}`;
  const text = [
    `GPU NOT stopped: ${instance}, ${alert.error}`,
    '',
    'No report run holds it any more. The GPU pool keeps trying to stop it, and the GPU reaper will too; if the ' +
      'error says access is refused, stop it by hand and fix the permission.',
    `Pool: ${alert.poolId} (instance ${alert.owner})`,
    `Temporal UI: ${link}`,
  ].join('\n');
  const digest = hashedName(`${deployment}/gpu-stop/${alert.owner}`, 32);
  return desk.deliverAlert(`<gpu-stop.${digest}@${domain}>`, { subject, text, link });
}

/**
 * A morning planned while its task queue's workers ran two configs: which workers run which, what the morning planned
 * with, and what it means (a report one config lacks is missing from a morning planned on it, or fails on its workers).
 * One alert per deployment, date and set of configs.
 */
export function sendDriftAlert(desk: MailDesk, { morning, drift }: ConfigDriftAlert): Promise<AlertReceipt> {
  const { config, domain, deployment } = desk;
  const fingerprints = drift.workers.map((w) => w.fingerprint).sort();
  const link = runUrl(config.temporal.uiUrl, config.temporal.namespace, morning.workflowId, morning.runId);
  const subject = `[CONFIG DRIFT] Sales reports ${morning.reportDate}: the workers of task queue "${drift.taskQueue}" run ${fingerprints.length} configs (${fingerprints.join(', ')})`;
  const text = [
    `The morning of ${morning.reportDate} was planned with config ${drift.plannedWith}, while the workers of task queue "${drift.taskQueue}" run these configs:`,
    ...drift.workers.map(
      (w) =>
        `- ${w.fingerprint}${w.fingerprint === drift.plannedWith ? ' (planned with)' : ''}: ${w.identities.join(', ')}`,
    ),
    '',
    'A rollout half done: a report one config defines and the other lacks is missing from a morning planned on the one, or fails on the workers of the other (each such run alerts, naming both fingerprints).',
    'Roll the same config out to every worker of the task queue; then re-run what is missing with {"reportDate": "…", "report": "<id>", "split": "<value>"}.',
    `Morning: ${morning.workflowId} / ${morning.runId}`,
    `Temporal UI: ${link}`,
  ].join('\n');
  const id = hashedName(`${deployment}/config-drift/${morning.reportDate}/${fingerprints.join(',')}`, 32);
  return desk.deliverAlert(`<config-drift.${id}@${domain}>`, { subject, text, link, run: morning });
}

/** A morning that will not make its deadline on one GPU, or did not: one alert of each per morning. */
export function sendDeadline(
  desk: MailDesk,
  { morning, kind, plan, reports, pending }: DeadlineAlert,
): Promise<AlertReceipt> {
  const { config, domain, deployment } = desk;
  const link = runUrl(config.temporal.uiUrl, config.temporal.namespace, morning.workflowId, morning.runId);
  const { subject, text } = deadlineAlertWords(kind, morning.reportDate, plan, reports, pending);
  const id = hashedName(`${deployment}/deadline/${kind}/${morning.workflowId}/${morning.runId}`, 32);
  return desk.deliverAlert(`<deadline-${kind}.${id}@${domain}>`, {
    subject,
    text: `${text}\nMorning: ${morning.workflowId} / ${morning.runId}\nTemporal UI: ${link}`,
    link,
    run: morning,
  });
}

/** A report date with no report sent: which, what ran for it, what to do. One alert per date. */
export function sendMissingAlert(desk: MailDesk, missing: MissingReport): Promise<AlertReceipt> {
  const { config } = desk;
  const { reportDate, runs, report } = missing;
  const which = report ? ` "${report.id}"${report.split === undefined ? '' : ` for ${report.split}`}` : '';
  const input = JSON.stringify({
    reportDate,
    ...(report && { report: report.id, ...(report.split !== undefined && { split: report.split }) }),
  });
  const subject = `[REPORT MISSING] Sales report${which} ${reportDate}: nothing was sent`;
  const link = scheduleUrl(config.temporal.uiUrl, config.temporal.namespace, config.schedule.id);
  const text = [
    `No sales report${which} was sent for ${reportDate}.`,
    '',
    runs.length === 0
      ? 'No run was started for that date: is the schedule paused or deleted, were the workers down past the catch-up window, or did a backfill skip it?'
      : `Runs for that date: ${runs.map((r) => `${r.workflowId} / ${r.runId} (${r.outcome ?? r.status.toLowerCase()})`).join('; ')}`,
    '',
    `Send it: start ${WORKFLOW_TYPES.report} with ${input} (sales-report run --date ${reportDate}${report ? ` --report ${report.id}${report.split === undefined ? '' : ` --split ${report.split}`}` : ''}).`,
    `Temporal UI: ${link}`,
  ].join('\n');
  return desk.deliverAlert(missingAlertId(desk, reportDate, report), { subject, text, link });
}

/** The [REPORT MISSING] alarm's Message-ID for a date and report: one per deployment, date and report. */
export function missingAlertId(desk: MailDesk, reportDate: string, report: ReportRef | undefined): string {
  const { domain, deployment } = desk;
  const key = `${deployment}/missing/${reportDate}${report ? `/${report.id}/${report.split ?? ''}` : ''}`;
  return `<missing.${hashedName(key, 32)}@${domain}>`;
}

/** The cause a withheld narrative records; a run recorded before causes were told apart had words refused or no model. */
function withheldCause(w: NarrativeWithheld): WithheldCause {
  return w.cause ?? (w.rejectedText ? 'claims' : 'model-unreachable');
}
