import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Context, log } from '@temporalio/activity';
import MailComposer from 'nodemailer/lib/mail-composer';
import { CHART_CID } from '../report/render/chart';
import { hashedName } from '../store/json-records';
import { receiptOf, type ReportSend } from '../store/report-sends';
import { gatedMessage } from '../email/gated-message';
import { thisRun } from './this-run';
import {
  nonRetryableFailure,
  type EmailReceipt,
  type FindReportSendRequest,
  type RunRef,
  type SendReportRequest,
} from '../temporal/contracts';
import { runUrl } from '../temporal/ui-links';
import { reportTag } from '../temporal/product-metrics';
import { archivePrefix, runKey } from '../store/archive';
import { SENT_MARKER, writeArchiveIndex } from './archive-index';
import { titleOf } from '../report/definitions';
import { activityMetrics } from './metrics';
import { automatedMessage } from '../email/headers';
import { MailDesk, receiptOfRelay, type SmtpError, type SmtpInfo } from './mail-desk';
import { missingAlertId } from './send-alerts';

/** How often the accepted send's record is tried while the store is away (about a minute in all). */
const RECORD_TRIES = 8;
/** How often a record the store acknowledged and did not keep is written again before ops are told. */
const RECORD_LOSS_TRIES = 3;
/** How far two worker hosts' clocks may be apart when one reads the time another wrote. */
const CLOCK_SKEW_MS = 2_000;

/**
 * Sends the report at most once per date and audience. Before the message's last bytes reach the relay, the send is
 * claimed in the store (ReportSends), so a retry, another host, a re-run or a Reset finds it and sends nothing;
 * once the relay says 250 the receipt is returned (durable in the run's history) and the record updated, retrying
 * the store on its own. A relay that never answers the end of DATA leaves the delivery unknown: never sent again.
 */
export async function sendReport(desk: MailDesk, request: SendReportRequest): Promise<EmailReceipt> {
  const { config, store, sends, now, mailer } = desk;
  const run = thisRun(request.run);
  const { files } = request.rendered;
  const { recipients } = request;
  const own = runKey(run);
  const key = sends.key(run.reportDate, recipients, run.report, request.resend ? own : undefined);
  const earlier = await settled(desk, key, own);
  if (earlier && earlier.state !== 'refused') return receiptOf(earlier);

  const messageId = desk.messageIdFor('report', run);
  const [text, html, chart, xlsx, pdf] = await Promise.all(
    [files.text, files.html, files.chart, files.xlsx, files.pdf].map((key) =>
      key === undefined ? Promise.resolve(undefined) : desk.archived(key),
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
  const alive = keepAlive(desk, key, send);
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
    throw desk.smtpFailure(err);
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
  await recordAccepted(desk, run, key, {
    ...send,
    state: 'accepted',
    accepted: receipt.accepted,
    rejected: receipt.rejected,
    acceptedAt: now().toISOString(),
  });
  await markSentInArchive(desk, run, messageId);
  await followUpLateReport(desk, run, messageId);
  return receipt;
}

/**
 * The archive's index shows, for each date, the run whose email went: marked beside its report, and the index
 * rewritten. Best effort: the email is sent and recorded; an index a send behind is put right by the next write.
 */
export async function markSentInArchive(desk: MailDesk, run: RunRef, messageId: string): Promise<void> {
  const { config, store, now } = desk;
  try {
    await store.put(`${archivePrefix(run)}${SENT_MARKER}`, JSON.stringify({ messageId, sentAt: now().toISOString() }));
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
export async function settled(desk: MailDesk, key: string, own: string): Promise<ReportSend | undefined> {
  const { config, sends, now } = desk;
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
export function aliveEveryMs(): number {
  return Math.max(200, Math.floor((Context.current().info.heartbeatTimeoutMs ?? 30_000) / 3));
}

/**
 * While the relay has the message and has not answered, the hand-over's record says every `aliveEveryMs` that this
 * attempt still waits, so a next attempt (after this worker died) knows at once that no answer will come rather than
 * wait out the relay's time limit. `stop` waits for a write in flight, which must not land on the record's next state.
 */
export function keepAlive(desk: MailDesk, key: string, send: ReportSend): { start(): void; stop(): Promise<void> } {
  const { sends, now } = desk;
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
export async function recordAccepted(desk: MailDesk, run: RunRef, key: string, send: ReportSend): Promise<void> {
  const { sends } = desk;
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
  await tellOpsRecordLost(desk, run, send.messageId, problem);
}

/**
 * The report went out and the store did not keep its record: ops hear of a store fault, since until it is fixed a
 * later run of the date may not see the send. Best effort: the report is sent whatever this alert does.
 */
export async function tellOpsRecordLost(
  desk: MailDesk,
  run: RunRef,
  messageId: string,
  problem: string,
): Promise<void> {
  const { config, store, domain } = desk;
  const name = desk.alertName(run);
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
    await desk.deliverAlert(`<store-fault.${hashedName(`store-fault/${runKey(run)}`, 32)}@${domain}>`, {
      subject,
      text,
      link,
      run,
    });
  } catch (err) {
    log.warn('the store-fault alert was not delivered', { error: (err as Error).message });
  }
}

/**
 * A report sent after its date was alarmed as missing: one follow-up on the alarm's thread, so whoever read the
 * alarm reads that it went out after all. Nothing when no alarm was sent; never fails the send it follows.
 */
export async function followUpLateReport(desk: MailDesk, run: RunRef, messageId: string): Promise<void> {
  const { config, sent, domain } = desk;
  const alarm = missingAlertId(desk, run.reportDate, run.report);
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
    await desk.deliverAlert(`<late.${hashedName(alarm, 32)}@${domain}>`, { subject, text, link, run }, alarm);
  } catch (err) {
    log.warn('the follow-up to a missing-report alarm was not sent', { error: (err as Error).message });
  }
}

/**
 * The send another run made of this report (date, report, split value, audience), if any: asked before a run leases
 * the GPU, so a report that went out costs a re-run no GPU second. A claim the relay refused is no send.
 */
export async function findReportSend(
  desk: MailDesk,
  { run: recorded, recipients }: FindReportSendRequest,
): Promise<EmailReceipt | null> {
  const { sends } = desk;
  const own = runKey(thisRun(recorded));
  const send = await sends.find(sends.key(recorded.reportDate, recipients, recorded.report));
  return send && send.state !== 'refused' && send.sentBy !== own ? receiptOf(send) : null;
}
