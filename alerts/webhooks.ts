import type { Config } from '../config/config';
import { dingtalkSignedUrl, feishuSignature, postToRobot } from '../chat/robot';

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
  switch (hook.kind) {
    case 'dingtalk':
      return { url: dingtalkSignedUrl(hook.url, hook.secret, now), body: { msgtype: 'text', text: { content } } };
    case 'wecom':
      return { url: hook.url, body: { msgtype: 'text', text: { content } } };
    case 'feishu':
      return {
        url: hook.url,
        body: { ...feishuSignature(hook.secret, now), msg_type: 'text', content: { text: content } },
      };
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
  await postToRobot(url, body, timeoutMs);
}
