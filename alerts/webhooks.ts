import type { Config } from '../config/config';
import { createHmac } from 'node:crypto';

/** The chat robots a webhook can be: the config schema is the one list. */
export type WebhookKind = Config['alerts']['webhooks'][number]['kind'];

export interface Webhook {
  kind: WebhookKind;
  url: string;
  /** The robot's signing secret (DingTalk, Feishu), from this environment variable; never from the config file. */
  secret?: string;
}

export interface AlertMessage {
  subject: string;
  text: string;
  /** The run's (or the GPU pool's) page in the Temporal Web UI. */
  link: string;
  /** The report run it is about; absent for an alert about the GPU pool. */
  run?: { workflowId: string; runId: string; reportDate: string };
}

/** The request body each robot expects: its own message shape (and signature, where it asks for one). */
export function webhookRequest(hook: Webhook, message: AlertMessage, now: Date): { url: string; body: unknown } {
  const content = `${message.subject}\n\n${message.text}`;
  const timestamp = now.getTime();
  switch (hook.kind) {
    case 'dingtalk': {
      const url = new URL(hook.url);
      if (hook.secret) {
        const sign = createHmac('sha256', hook.secret).update(`${timestamp}\n${hook.secret}`).digest('base64');
        url.searchParams.set('timestamp', String(timestamp));
        url.searchParams.set('sign', sign);
      }
      return { url: url.toString(), body: { msgtype: 'text', text: { content } } };
    }
    case 'wecom':
      return { url: hook.url, body: { msgtype: 'text', text: { content } } };
    case 'feishu': {
      const seconds = Math.floor(timestamp / 1000);
      const sign = hook.secret
        ? {
            timestamp: String(seconds),
            sign: createHmac('sha256', `${seconds}\n${hook.secret}`).update('').digest('base64'),
          }
        : {};
      return { url: hook.url, body: { ...sign, msg_type: 'text', content: { text: content } } };
    }
    case 'slack':
      return { url: hook.url, body: { text: `*${message.subject}*\n${message.text}` } };
    case 'generic':
      return { url: hook.url, body: { event: 'sales-report.alert', ...message } };
  }
}

/**
 * Posts the alert; resolves only when the robot accepted it. The robots answer 200 with an error code in the body
 * when they refuse (bad keyword, bad signature): that counts as refused.
 */
export async function postWebhook(
  hook: Webhook,
  message: AlertMessage,
  timeoutMs: number,
  now = new Date(),
): Promise<void> {
  const { url, body } = webhookRequest(hook, message, now);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${text.slice(0, 200)}`);
  let answer: { errcode?: number; errmsg?: string; code?: number; msg?: string } = {};
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    // Slack answers "ok", a generic receiver anything: a 2xx is acceptance.
  }
  if (answer.errcode !== undefined && answer.errcode !== 0)
    throw new Error(`refused: ${answer.errcode} ${answer.errmsg ?? ''}`);
  if (answer.code !== undefined && answer.code !== 0) throw new Error(`refused: ${answer.code} ${answer.msg ?? ''}`);
}
