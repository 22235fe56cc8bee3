import type Mail from 'nodemailer/lib/mailer';
import { postWebhook, type AlertMessage } from '../alerts/webhooks';
import { hashedName, JsonRecords } from '../store/json-records';
import { SentRecords } from '../store/sent-records';
import { ReportSends } from '../store/report-sends';
import { nonRetryableFailure, type AlertReceipt, type EmailReceipt, type RunRef } from '../temporal/contracts';
import { runKey } from '../store/archive';
import { titleOf } from '../report/definitions';
import type { ActivityDeps } from './deps';
import { activityMetrics } from './metrics';
import { automatedMessage } from '../email/headers';

export interface SmtpError extends Error {
  responseCode?: number;
  code?: string;
}

export interface SmtpInfo {
  accepted: (string | Mail.Address)[];
  rejected: (string | Mail.Address)[];
}

const address = (a: string | Mail.Address): string => (typeof a === 'string' ? a : (a.address ?? ''));

/** What the relay said when it took a message: who it accepted and who it refused. */
export function receiptOfRelay(messageId: string, info: SmtpInfo): EmailReceipt {
  return { messageId, accepted: info.accepted.map(address), rejected: info.rejected.map(address), alreadySent: false };
}

/**
 * What every email activity shares, built once per worker: the relays (the report's, and the alerts' own), the records
 * of what was sent, this deployment's name in Message-IDs, and the acts every send and alert uses.
 */
export class MailDesk {
  readonly config: ActivityDeps['config'];
  readonly store: ActivityDeps['store'];
  readonly temporal: ActivityDeps['temporal'];
  readonly mailer: ActivityDeps['mailer'];
  readonly now: () => Date;
  readonly sent: SentRecords;
  readonly sends: ReportSends;
  readonly postedWebhooks: JsonRecords<{ postedAt: string }>;
  readonly domain: string;
  /**
   * This deployment, in the Message-IDs of alerts about a date or an instance rather than a run: two deployments (two
   * task queues, or two namespaces) alerting one ops mailbox never share one, which a mailbox that drops duplicate
   * Message-IDs would show once.
   */
  readonly deployment: string;
  /**
   * The relays an alert email tries, in order: the alerts' own (alerts.smtp) when the config names one, so an alert
   * about the report's relay does not wait on it, then the report's.
   */
  readonly alertRelays: { channel: string; mailer: ActivityDeps['mailer']; smtp: { host: string; port: number } }[];

  constructor({ config, mailer, alertMailer, store, temporal, now = () => new Date() }: ActivityDeps) {
    this.config = config;
    this.store = store;
    this.temporal = temporal;
    this.mailer = mailer;
    this.now = now;
    this.sent = new SentRecords(store);
    this.sends = new ReportSends(store);
    this.postedWebhooks = new JsonRecords<{ postedAt: string }>(store, 'alerts/', hashedName);
    this.domain = /@([^>\s]+)>?\s*$/.exec(config.email.from)?.[1] ?? 'sales-report.local';
    this.deployment = `${config.temporal.namespace}/${config.temporal.taskQueue}`;
    this.alertRelays = [
      ...(alertMailer && config.alerts.smtp
        ? [{ channel: 'email via alerts.smtp', mailer: alertMailer, smtp: config.alerts.smtp }]
        : []),
      { channel: 'email', mailer, smtp: config.email.smtp },
    ];
  }

  /** A rendered file, read back from the store (it may have been rendered on another host). */
  async archived(key: string): Promise<Buffer> {
    const body = await this.store.get(key);
    if (!body) throw new Error(`the rendered report is missing from the store: ${this.store.locate(key)}`);
    return body;
  }

  /** A failed send, said for people: 5xx is a permanent refusal (bad credentials, sender or every recipient refused). */
  smtpFailure(err: unknown, smtp: { host: string; port: number } = this.config.email.smtp): Error {
    const e = err as SmtpError;
    const where = `SMTP ${smtp.host}:${smtp.port}`;
    if (e.responseCode !== undefined && e.responseCode >= 500)
      return nonRetryableFailure('SmtpRejected', `${where} refused the message (${e.responseCode}): ${e.message}`);
    return new Error(`${where}: ${e.message}`);
  }

  /** Which report an alert is about, as its readers know it: a defined report's title and split value. */
  alertName(run: RunRef): string {
    return run.report ? titleOf(this.config, run.report) : 'Sales report';
  }

  /** Same workflow run → same Message-ID, whatever the worker or the attempt. */
  messageIdFor(kind: 'report' | 'alert', run: RunRef): string {
    const digest = hashedName(`${kind}/${runKey(run)}`, 32);
    return `<${kind}.${digest}@${this.domain}>`;
  }

  /**
   * An alert email, once per Message-ID whatever the attempt: by the first relay of `alertRelays` that takes it.
   * Returns the channel that did; throws with every relay's refusal when none did.
   */
  async sendAlertEmail(messageId: string, message: Mail.Options): Promise<string> {
    if (await this.sent.find(messageId)) return 'email';
    const refusals: string[] = [];
    for (const relay of this.alertRelays) {
      try {
        const automated = automatedMessage(this.config, this.now());
        const info = (await relay.mailer.sendMail({
          ...automated,
          ...message,
          headers: { ...automated.headers, ...(message.headers as Record<string, string> | undefined) },
          messageId,
          from: this.config.email.from,
        })) as SmtpInfo;
        await this.sent.record({ ...receiptOfRelay(messageId, info), sentAt: this.now().toISOString() });
        return relay.channel;
      } catch (err) {
        refusals.push(this.smtpFailure(err, relay.smtp).message);
      }
    }
    throw new Error(refusals.join('; '));
  }

  /** To every alert channel: the ops email, then each webhook (the relay may be what is down). */
  async deliverAlert(
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
        const channel = await this.sendAlertEmail(messageId, {
          to: this.config.email.alertTo,
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
    for (const [i, hook] of channels.webhooks === false ? [] : this.config.alerts.webhooks.entries()) {
      const channel = `webhook ${i + 1} (${hook.kind})`;
      const id = `${messageId}/${channel}`;
      try {
        if (!(await this.postedWebhooks.get(id))) {
          const secret = hook.secretEnv ? process.env[hook.secretEnv] : undefined;
          await postWebhook(
            { kind: hook.kind, url: hook.url, secret },
            message,
            this.config.alerts.timeoutSeconds * 1000,
          );
          await this.postedWebhooks.put(id, { postedAt: this.now().toISOString() });
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
}
