import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Context, log } from '@temporalio/activity';
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import { postWebhook, type AlertMessage } from '../alerts/webhooks';
import { CHART_CID } from '../report/render/chart';
import { hashedName, JsonRecords } from '../store/json-records';
import { SentRecords } from '../store/sent-records';
import { receiptOf, ReportSends, type ReportSend } from '../store/report-sends';
import { gatedMessage } from '../email/gated-message';
import { thisRun } from './this-run';
import {
  WORKFLOW_TYPES,
  nonRetryableFailure,
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
  type MorningReportResult,
  type RunRef,
  type SendReportRequest,
  type NarrativeWithheld,
} from '../temporal/contracts';
import { deadlineAlertWords } from '../alerts/deadline';
import { runUrl, scheduleUrl } from '../temporal/ui-links';
import { reportTag } from '../temporal/product-metrics';
import { isPoolShare } from '../gpu/billing';
import { archivePrefix, runKey, type ReportRef } from '../store/archive';
import { SENT_MARKER, writeArchiveIndex } from './archive-index';
import { titleOf } from '../report/definitions';
import { WITHHELD_FOR_OPS, type WithheldCause } from '../report/withheld';
import type { ActivityDeps } from './deps';
import { withHeartbeat } from './heartbeat';
import { activityMetrics } from './metrics';
import { automatedMessage } from '../email/headers';

interface SmtpError extends Error {
  responseCode?: number;
  code?: string;
}

interface SmtpInfo {
  accepted: (string | Mail.Address)[];
  rejected: (string | Mail.Address)[];
}

const address = (a: string | Mail.Address): string => (typeof a === 'string' ? a : (a.address ?? ''));

/** What the relay said when it took a message: who it accepted and who it refused. */
function receiptOfRelay(messageId: string, info: SmtpInfo): EmailReceipt {
  return { messageId, accepted: info.accepted.map(address), rejected: info.rejected.map(address), alreadySent: false };
}

/** How often the accepted send's record is tried while the store is away (about a minute in all). */
const RECORD_TRIES = 8;
/** How often a record the store acknowledged and did not keep is written again before ops are told. */
const RECORD_LOSS_TRIES = 3;
/** How far two worker hosts' clocks may be apart when one reads the time another wrote. */
const CLOCK_SKEW_MS = 2_000;

export function createEmailActivities({
  config,
  mailer,
  alertMailer,
  store,
  temporal,
  now = () => new Date(),
}: ActivityDeps) {
  const sent = new SentRecords(store);
  const sends = new ReportSends(store);
  const postedWebhooks = new JsonRecords<{ postedAt: string }>(store, 'alerts/', hashedName);

  /** A rendered file, read back from the store (it may have been rendered on another host). */
  async function archived(key: string): Promise<Buffer> {
    const body = await store.get(key);
    if (!body) throw new Error(`the rendered report is missing from the store: ${store.locate(key)}`);
    return body;
  }
  const domain = /@([^>\s]+)>?\s*$/.exec(config.email.from)?.[1] ?? 'sales-report.local';
  /**
   * This deployment, in the Message-IDs of alerts about a date or an instance rather than a run: two deployments (two
   * task queues, or two namespaces) alerting one ops mailbox never share one, which a mailbox that drops duplicate
   * Message-IDs would show once.
   */
  const deployment = `${config.temporal.namespace}/${config.temporal.taskQueue}`;

  /**
   * The relays an alert email tries, in order: the alerts' own (alerts.smtp) when the config names one, so an alert
   * about the report's relay does not wait on it, then the report's.
   */
  const alertRelays = [
    ...(alertMailer && config.alerts.smtp
      ? [{ channel: 'email via alerts.smtp', mailer: alertMailer, smtp: config.alerts.smtp }]
      : []),
    { channel: 'email', mailer, smtp: config.email.smtp },
  ];

  /** A failed send, said for people: 5xx is a permanent refusal (bad credentials, sender or every recipient refused). */
  function smtpFailure(err: unknown, smtp: { host: string; port: number } = config.email.smtp): Error {
    const e = err as SmtpError;
    const where = `SMTP ${smtp.host}:${smtp.port}`;
    if (e.responseCode !== undefined && e.responseCode >= 500)
      return nonRetryableFailure('SmtpRejected', `${where} refused the message (${e.responseCode}): ${e.message}`);
    return new Error(`${where}: ${e.message}`);
  }

  /** Which report an alert is about, as its readers know it: a defined report's title and split value. */
  function alertName(run: RunRef): string {
    return run.report ? titleOf(config, run.report) : 'Sales report';
  }

  /** Same workflow run → same Message-ID, whatever the worker or the attempt. */
  function messageIdFor(kind: 'report' | 'alert', run: RunRef): string {
    const digest = hashedName(`${kind}/${runKey(run)}`, 32);
    return `<${kind}.${digest}@${domain}>`;
  }

  /**
   * An alert email, once per Message-ID whatever the attempt: by the first relay of `alertRelays` that takes it.
   * Returns the channel that did; throws with every relay's refusal when none did.
   */
  async function sendAlertEmail(messageId: string, message: Mail.Options): Promise<string> {
    if (await sent.find(messageId)) return 'email';
    const refusals: string[] = [];
    for (const relay of alertRelays) {
      try {
        const automated = automatedMessage(config, now());
        const info = (await relay.mailer.sendMail({
          ...automated,
          ...message,
          headers: { ...automated.headers, ...(message.headers as Record<string, string> | undefined) },
          messageId,
          from: config.email.from,
        })) as SmtpInfo;
        await sent.record({ ...receiptOfRelay(messageId, info), sentAt: now().toISOString() });
        return relay.channel;
      } catch (err) {
        refusals.push(smtpFailure(err, relay.smtp).message);
      }
    }
    throw new Error(refusals.join('; '));
  }

  /**
   * Sends the report at most once per date and audience. Before the message's last bytes reach the relay, the send is
   * claimed in the store (ReportSends), so a retry, another host, a re-run or a Reset finds it and sends nothing;
   * once the relay says 250 the receipt is returned (durable in the run's history) and the record updated, retrying
   * the store on its own. A relay that never answers the end of DATA leaves the delivery unknown: never sent again.
   */
  async function sendReport(request: SendReportRequest): Promise<EmailReceipt> {
    const run = thisRun(request.run);
    const { files } = request.rendered;
    const { recipients } = request;
    const own = runKey(run);
    const key = sends.key(run.reportDate, recipients, run.report, request.resend ? own : undefined);
    const earlier = await settled(key, own);
    if (earlier && earlier.state !== 'refused') return receiptOf(earlier);

    const messageId = messageIdFor('report', run);
    const [text, html, chart, xlsx, pdf] = await Promise.all(
      [files.text, files.html, files.chart, files.xlsx, files.pdf].map((key) =>
        key === undefined ? Promise.resolve(undefined) : archived(key),
      ),
    );
    const automated = automatedMessage(config, now());
    const raw = await new MailComposer({
      ...automated,
      headers: { ...automated.headers, 'X-Sales-Report-Run': own },
      messageId,
      from: config.email.from,
      to: recipients.to,
      cc: recipients.cc,
      subject: request.rendered.subject,
      text: text!.toString('utf8'),
      html: html!.toString('utf8'),
      attachments: [
        { filename: 'chart.png', content: chart, cid: CHART_CID, contentType: 'image/png' },
        {
          filename: basename(files.xlsx),
          content: xlsx,
          contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        },
        ...(files.pdf && pdf ? [{ filename: basename(files.pdf), content: pdf, contentType: 'application/pdf' }] : []),
      ],
    })
      .compile()
      .build();
    const send: ReportSend = {
      messageId,
      sentBy: own,
      state: 'handed-over',
      handedOverAt: now().toISOString(),
      accepted: [],
      rejected: [],
    };
    let claimedBy: ReportSend | undefined;
    let claimLost = false;
    let handedOver = false;
    const alive = keepAlive(key, send);
    let info: SmtpInfo;
    try {
      info = (await mailer.sendMail({
        envelope: { from: config.email.from, to: [...recipients.to, ...recipients.cc, ...recipients.bcc] },
        raw: gatedMessage(raw, async () => {
          if (!(await sends.claim(key, send))) {
            claimedBy = await sends.find(key);
            throw new Error('another run has sent this report');
          }
          // Read the claim back: a store that acknowledged it and lost it would let the next run send again.
          if ((await sends.find(key))?.messageId !== messageId) {
            claimLost = true;
            throw new Error('the store did not keep the claim');
          }
          handedOver = true;
          alive.start();
          Context.current().heartbeat({ handedOver: messageId });
        }),
      })) as SmtpInfo;
    } catch (err) {
      await alive.stop();
      if (claimedBy) return receiptOf(claimedBy);
      if (claimLost) {
        activityMetrics().emails.add(1, { result: 'failed', report: reportTag(run.report) });
        throw nonRetryableFailure(
          'StoreFault',
          `the store (${store.locate(`report-sends/`)}) acknowledged this report's send claim and does not have it: a store that loses writes, so nothing was sent (a second run could not tell the report went out); fix the store and run it again`,
        );
      }
      const answered = (err as SmtpError).responseCode !== undefined;
      // The relay answered: nothing was delivered, and another attempt may send.
      if (answered && handedOver) await sends.update(key, { ...send, state: 'refused' });
      // Handed over and no answer: it may have arrived. Ops decide; a blind second send is never made.
      if (!answered && handedOver) {
        log.warn('report handed to the relay, no answer to the end of DATA: delivery unknown', {
          messageId,
          error: (err as Error).message,
        });
        activityMetrics().emails.add(1, { result: 'unknown', report: reportTag(run.report) });
        return { messageId, accepted: [], rejected: [], alreadySent: false, sentBy: own, delivery: 'unknown' };
      }
      activityMetrics().emails.add(1, { result: 'failed', report: reportTag(run.report) });
      throw smtpFailure(err);
    }
    await alive.stop();
    const receipt: EmailReceipt = { ...receiptOfRelay(messageId, info), sentBy: own };
    activityMetrics().emails.add(1, { result: 'accepted', report: reportTag(run.report) });
    log.info('report email accepted by the relay', {
      messageId,
      accepted: receipt.accepted.length,
      refused: receipt.rejected.length,
    });
    activityMetrics().recipientsRefused.add(receipt.rejected.length, { reason: 'relay' });
    Context.current().heartbeat({ accepted: receipt });
    await recordAccepted(run, key, {
      ...send,
      state: 'accepted',
      accepted: receipt.accepted,
      rejected: receipt.rejected,
      acceptedAt: now().toISOString(),
    });
    await markSentInArchive(run, messageId);
    await followUpLateReport(run, messageId);
    return receipt;
  }

  /**
   * The archive's index shows, for each date, the run whose email went: marked beside its report, and the index
   * rewritten. Best effort: the email is sent and recorded; an index a send behind is put right by the next write.
   */
  async function markSentInArchive(run: RunRef, messageId: string): Promise<void> {
    try {
      await store.put(
        `${archivePrefix(run)}${SENT_MARKER}`,
        JSON.stringify({ messageId, sentAt: now().toISOString() }),
      );
      await writeArchiveIndex(store, config, run.report, titleOf(config, run.report));
    } catch (err) {
      log.warn('archive index not updated after the send', { error: (err as Error).message });
    }
  }

  /**
   * The send for this key as it stands once no attempt of this run is still waiting for the relay: an earlier
   * attempt (a heartbeat timeout retried it while it waited, or its worker died) may still get its 250 and record it,
   * until the relay's own time limit has passed since it handed the message over. Then a hand-over with no answer is
   * "unknown".
   */
  async function settled(key: string, own: string): Promise<ReportSend | undefined> {
    const limitMs = (config.email.smtp.dataTimeoutSeconds + config.email.smtp.connectionTimeoutSeconds) * 1000;
    const goneAfterMs = aliveEveryMs() * 3 + CLOCK_SKEW_MS;
    for (;;) {
      const send = await sends.find(key);
      if (send?.state !== 'handed-over' || send.sentBy !== own) return send;
      const at = now().getTime();
      if (at - Date.parse(send.handedOverAt) > limitMs) return send;
      // Its attempt stopped saying it waits: its process (and its connection) is gone, so no answer can come.
      if (at - Date.parse(send.aliveAt ?? send.handedOverAt) > goneAfterMs) return send;
      Context.current().heartbeat({ waitingFor: send.messageId });
      await sleep(1000, undefined, { signal: Context.current().cancellationSignal });
    }
  }

  /** How often a hand-over waiting for the relay's answer says so in its record: a third of a heartbeat timeout. */
  function aliveEveryMs(): number {
    return Math.max(200, Math.floor((Context.current().info.heartbeatTimeoutMs ?? 30_000) / 3));
  }

  /**
   * While the relay has the message and has not answered, the hand-over's record says every `aliveEveryMs` that this
   * attempt still waits, so a next attempt (after this worker died) knows at once that no answer will come rather than
   * wait out the relay's time limit. `stop` waits for a write in flight, which must not land on the record's next state.
   */
  function keepAlive(key: string, send: ReportSend): { start(): void; stop(): Promise<void> } {
    let timer: NodeJS.Timeout | undefined;
    let writing: Promise<void> = Promise.resolve();
    return {
      start() {
        timer = setInterval(() => {
          writing = writing
            .then(() => sends.update(key, { ...send, aliveAt: now().toISOString() }))
            .catch((err: unknown) => {
              log.warn('hand-over not refreshed', { error: (err as Error).message });
            });
        }, aliveEveryMs());
      },
      async stop() {
        clearInterval(timer);
        await writing;
      },
    };
  }

  /**
   * The relay took it: that is in the run's history once this activity returns. The store may be away for a while;
   * it is tried again here, and if it stays away the send stays "handed over", which no run sends again either. The
   * record is read back: one the store acknowledged and did not keep is a store fault, told to ops.
   */
  async function recordAccepted(run: RunRef, key: string, send: ReportSend): Promise<void> {
    let problem = '';
    for (let attempt = 1; attempt <= RECORD_TRIES; attempt++) {
      try {
        await sends.update(key, send);
        // Read it back: a store that acknowledged the write and lost it would let a later run send again.
        const kept = await sends.find(key);
        if (kept?.state === 'accepted' && kept.messageId === send.messageId) return;
        problem = `the store acknowledged the record and has ${kept ? `it "${kept.state}"` : 'no record'}`;
        if (attempt >= RECORD_LOSS_TRIES) break;
      } catch (err) {
        problem = (err as Error).message;
      }
      if (attempt < RECORD_TRIES) await sleep(Math.min(10_000, 500 * 2 ** attempt));
    }
    log.warn('sent-record not kept by the store', { messageId: send.messageId, error: problem });
    await tellOpsRecordLost(run, send.messageId, problem);
  }

  /**
   * The report went out and the store did not keep its record: ops hear of a store fault, since until it is fixed a
   * later run of the date may not see the send. Best effort: the report is sent whatever this alert does.
   */
  async function tellOpsRecordLost(run: RunRef, messageId: string, problem: string): Promise<void> {
    const name = alertName(run);
    const link = runUrl(config.temporal.uiUrl, config.temporal.namespace, run.workflowId, run.runId);
    const subject = `[STORE FAULT] ${name} ${run.reportDate} was sent; its send record was not kept`;
    const text = [
      `${name} for ${run.reportDate} was accepted by the relay (Message-ID ${messageId}), but the store (${store.locate('report-sends/')}) did not keep the record of it: ${problem}.`,
      '',
      'Until the store keeps its writes, a later run of this date may not see that the report went out. Fix the store; do not re-run the date.',
      `Run: ${run.workflowId} / ${run.runId}`,
      `Temporal UI: ${link}`,
    ].join('\n');
    try {
      await deliverAlert(`<store-fault.${hashedName(`store-fault/${runKey(run)}`, 32)}@${domain}>`, {
        subject,
        text,
        link,
        run,
      });
    } catch (err) {
      log.warn('the store-fault alert was not delivered', { error: (err as Error).message });
    }
  }

  async function sendAlert(alert: FailureAlert): Promise<AlertReceipt> {
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
    const name = alertName(run);
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
    return deliverAlert(messageIdFor('alert', run), { subject, text, link, run }, undefined, {
      email: !alert.inMorningDigest,
    });
  }

  /**
   * A report whose email waits for the relay: ops told once that it is late (by the webhooks when the relay is what
   * is away), and again, on the same thread, when it went out after all.
   */
  function sendDelay(notice: DelayNotice): Promise<AlertReceipt> {
    const { run } = notice;
    const name = alertName(run);
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
      return deliverAlert(lateId, { subject, text, link, run });
    }
    const subject = `[REPORT DELAYED → SENT] ${name} ${run.reportDate} went out after all`;
    const text = [
      `${name} for ${run.reportDate} went out after waiting for ${relay} (${notice.messageId ?? 'the report'}).`,
      `Run: ${run.workflowId} / ${run.runId}`,
      `Temporal UI: ${link}`,
    ].join('\n');
    return deliverAlert(
      `<delay-sent.${hashedName(`delay/${runKey(run)}`, 32)}@${domain}>`,
      { subject, text, link, run },
      lateId,
    );
  }

  /**
   * A run refused at start that ops must hear of, with who started it as Temporal recorded it (the start event's
   * identity: the Web UI's user, a CLI's host, the schedule) and, for recipients, the addresses asked for.
   */
  async function sendRefusal(refusal: InputRefusal): Promise<AlertReceipt> {
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
    return deliverAlert(`<refused.${hashedName(`refused/${workflowId}/${runId}`, 32)}@${domain}>`, {
      subject,
      text,
      link,
    });
  }

  /** One email to ops for a morning's reports that need a human: each by its name, with why. */
  function sendDigest(digest: MorningDigest): Promise<AlertReceipt> {
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
    return deliverAlert(`<morning.${hashedName(runKey(morning), 32)}@${domain}>`, { subject, text, link }, undefined, {
      webhooks: false, // each report told the webhooks itself, one line each
    });
  }

  /** To every alert channel: the ops email, then each webhook (the relay may be what is down). */
  async function deliverAlert(
    messageId: string,
    message: AlertMessage,
    /** The alert this one follows up, whose thread it joins (In-Reply-To, References). */
    inReplyTo?: string,
    /** The channels to use: both by default; a morning's digest is one email, its reports' webhooks their own. */
    channels: { email?: boolean; webhooks?: boolean } = {},
  ): Promise<AlertReceipt> {
    const { subject, text } = message;
    const runHeader = message.run ? { 'X-Sales-Report-Run': runKey(message.run) } : {};
    const thread = inReplyTo ? { inReplyTo, references: inReplyTo } : {};
    const receipt: AlertReceipt = { delivered: [], failed: [] };
    const failed = (channel: string, err: unknown) => receipt.failed.push({ channel, error: (err as Error).message });
    if (channels.email === false) receipt.delivered.push('morning digest');
    else {
      try {
        const channel = await sendAlertEmail(messageId, {
          to: config.email.alertTo,
          subject,
          text,
          headers: runHeader,
          ...thread,
        });
        receipt.delivered.push(channel);
        activityMetrics().alerts.add(1, { channel: 'email', result: 'delivered' });
      } catch (err) {
        failed('email', err);
        activityMetrics().alerts.add(1, { channel: 'email', result: 'failed' });
      }
    }
    for (const [i, hook] of channels.webhooks === false ? [] : config.alerts.webhooks.entries()) {
      const channel = `webhook ${i + 1} (${hook.kind})`;
      const id = `${messageId}/${channel}`;
      try {
        if (!(await postedWebhooks.get(id))) {
          const secret = hook.secretEnv ? process.env[hook.secretEnv] : undefined;
          await postWebhook({ kind: hook.kind, url: hook.url, secret }, message, config.alerts.timeoutSeconds * 1000);
          await postedWebhooks.put(id, { postedAt: now().toISOString() });
        }
        receipt.delivered.push(channel);
        activityMetrics().alerts.add(1, { channel: hook.kind, result: 'delivered' });
      } catch (err) {
        failed(channel, err);
        activityMetrics().alerts.add(1, { channel: hook.kind, result: 'failed' });
      }
    }
    if (receipt.delivered.length === 0) {
      // Retried by Temporal; a channel that took it on an earlier attempt is not posted to twice.
      throw new Error(
        `no alert channel accepted the alert: ${receipt.failed.map((f) => `${f.channel}: ${f.error}`).join('; ')}`,
      );
    }
    return receipt;
  }

  /** A pool's instance that would not stop: which, why, and that stopping goes on. One alert per instance. */
  function sendStopAlert(alert: GpuStopAlert): Promise<AlertReceipt> {
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
    return deliverAlert(`<gpu-stop.${digest}@${domain}>`, { subject, text, link });
  }

  /**
   * A morning planned while its task queue's workers ran two configs: which workers run which, what the morning planned
   * with, and what it means (a report one config lacks is missing from a morning planned on it, or fails on its workers).
   * One alert per deployment, date and set of configs.
   */
  function sendDriftAlert({ morning, drift }: ConfigDriftAlert): Promise<AlertReceipt> {
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
    return deliverAlert(`<config-drift.${id}@${domain}>`, { subject, text, link, run: morning });
  }

  /** A morning that will not make its deadline on one GPU, or did not: one alert of each per morning. */
  function sendDeadline({ morning, kind, plan, reports, pending }: DeadlineAlert): Promise<AlertReceipt> {
    const link = runUrl(config.temporal.uiUrl, config.temporal.namespace, morning.workflowId, morning.runId);
    const { subject, text } = deadlineAlertWords(kind, morning.reportDate, plan, reports, pending);
    const id = hashedName(`${deployment}/deadline/${kind}/${morning.workflowId}/${morning.runId}`, 32);
    return deliverAlert(`<deadline-${kind}.${id}@${domain}>`, {
      subject,
      text: `${text}\nMorning: ${morning.workflowId} / ${morning.runId}\nTemporal UI: ${link}`,
      link,
      run: morning,
    });
  }

  /** A report date with no report sent: which, what ran for it, what to do. One alert per date. */
  function sendMissingAlert(missing: MissingReport): Promise<AlertReceipt> {
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
    return deliverAlert(missingAlertId(reportDate, report), { subject, text, link });
  }

  /** The [REPORT MISSING] alarm's Message-ID for a date and report: one per deployment, date and report. */
  function missingAlertId(reportDate: string, report: ReportRef | undefined): string {
    const key = `${deployment}/missing/${reportDate}${report ? `/${report.id}/${report.split ?? ''}` : ''}`;
    return `<missing.${hashedName(key, 32)}@${domain}>`;
  }

  /**
   * A report sent after its date was alarmed as missing: one follow-up on the alarm's thread, so whoever read the
   * alarm reads that it went out after all. Nothing when no alarm was sent; never fails the send it follows.
   */
  async function followUpLateReport(run: RunRef, messageId: string): Promise<void> {
    const alarm = missingAlertId(run.reportDate, run.report);
    try {
      if (!(await sent.find(alarm))) return;
      const which = run.report
        ? ` "${run.report.id}"${run.report.split === undefined ? '' : ` for ${run.report.split}`}`
        : '';
      const link = runUrl(config.temporal.uiUrl, config.temporal.namespace, run.workflowId, run.runId);
      const text = [
        `The sales report${which} for ${run.reportDate} was sent after all (Message-ID ${messageId}), after the alarm that it was missing.`,
        '',
        'Nothing more to do for this date.',
        `Run: ${run.workflowId} / ${run.runId}`,
        `Temporal UI: ${link}`,
      ].join('\n');
      const subject = `[REPORT LATE → SENT] Sales report${which} ${run.reportDate} was sent after all`;
      await deliverAlert(`<late.${hashedName(alarm, 32)}@${domain}>`, { subject, text, link, run }, alarm);
    } catch (err) {
      log.warn('the follow-up to a missing-report alarm was not sent', { error: (err as Error).message });
    }
  }

  /**
   * The send another run made of this report (date, report, split value, audience), if any: asked before a run leases
   * the GPU, so a report that went out costs a re-run no GPU second. A claim the relay refused is no send.
   */
  async function findReportSend({ run: recorded, recipients }: FindReportSendRequest): Promise<EmailReceipt | null> {
    const own = runKey(thisRun(recorded));
    const send = await sends.find(sends.key(recorded.reportDate, recipients, recorded.report));
    return send && send.state !== 'refused' && send.sentBy !== own ? receiptOf(send) : null;
  }

  return {
    findReportSend,

    /** Tells ops of a run refused at start: outside recipients asked for, or a scheduled run's bad input. */
    async sendInputRefusedAlert(refusal: InputRefusal): Promise<AlertReceipt> {
      return withHeartbeat(() => sendRefusal(refusal));
    },

    /** Tells ops that a report's email waits for the relay, or that it went out after all. */
    async sendDelayNotice(notice: DelayNotice): Promise<AlertReceipt> {
      return withHeartbeat(() => sendDelay(notice));
    },

    /** Tells ops, in one email, of a morning's reports that failed or went out with the numbers only. */
    async sendMorningDigest(digest: MorningDigest): Promise<AlertReceipt> {
      return withHeartbeat(() => sendDigest(digest));
    },

    /** Tells ops that a morning was planned while the task queue's workers ran two configs. */
    async sendConfigDriftAlert(alert: ConfigDriftAlert): Promise<AlertReceipt> {
      return withHeartbeat(() => sendDriftAlert(alert));
    },

    /** Tells ops that a morning will not make its deadline on one GPU (at its start), or did not (at the deadline). */
    async sendDeadlineAlert(alert: DeadlineAlert): Promise<AlertReceipt> {
      return withHeartbeat(() => sendDeadline(alert));
    },

    /** Tells ops that a report date went without a report. */
    async sendMissingReportAlert(missing: MissingReport): Promise<AlertReceipt> {
      return withHeartbeat(() => sendMissingAlert(missing));
    },

    async sendReportEmail(request: SendReportRequest): Promise<EmailReceipt> {
      return withHeartbeat(() => sendReport(request));
    },

    /** Tells the ops recipients a run failed: where, why, whether the GPU is off, and the link to the run. */
    async sendFailureAlert(alert: FailureAlert): Promise<AlertReceipt> {
      return withHeartbeat(() => sendAlert(alert));
    },

    /** Tells the ops recipients the pool could not stop its instance. */
    async sendGpuStopAlert(alert: GpuStopAlert): Promise<AlertReceipt> {
      return withHeartbeat(() => sendStopAlert(alert));
    },
  };
}

/** The cause a withheld narrative records; a run recorded before causes were told apart had words refused or no model. */
function withheldCause(w: NarrativeWithheld): WithheldCause {
  return w.cause ?? (w.rejectedText ? 'claims' : 'model-unreachable');
}
