import { createHmac } from 'node:crypto';

/**
 * How the chat robots take a message, one home for what alerts and report cards share: the signature DingTalk and
 * Feishu ask for, and the answer that says whether the robot took it.
 */

/** DingTalk: timestamp and sign in the URL's query, sign = base64(HMAC-SHA256(secret, "<ms>\n<secret>")). */
export function dingtalkSignedUrl(url: string, secret: string | undefined, now: Date): string {
  const signed = new URL(url);
  if (secret) {
    const timestamp = now.getTime();
    signed.searchParams.set('timestamp', String(timestamp));
    signed.searchParams.set('sign', createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64'));
  }
  return signed.toString();
}

/** Feishu: timestamp and sign in the body, sign = base64(HMAC-SHA256(key "<s>\n<secret>", "")). */
export function feishuSignature(secret: string | undefined, now: Date): { timestamp?: string; sign?: string } {
  if (!secret) return {};
  const seconds = Math.floor(now.getTime() / 1000);
  return {
    timestamp: String(seconds),
    sign: createHmac('sha256', `${seconds}\n${secret}`).update('').digest('base64'),
  };
}

/**
 * Posts a robot's message; resolves only when the robot took it. The robots answer 200 with an error code in the body
 * when they refuse (a bad keyword, a bad signature, a rate limit): DingTalk and WeCom `errcode`, Feishu `code`; that
 * is a refusal, with the robot's own words.
 */
export async function postToRobot(url: string, body: unknown, timeoutMs: number): Promise<void> {
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
    // Slack answers "ok", Teams 202 with nothing, a generic receiver anything: a 2xx is acceptance.
  }
  if (answer.errcode !== undefined && answer.errcode !== 0)
    throw new Error(`refused: ${answer.errcode} ${answer.errmsg ?? ''}`.trim());
  if (answer.code !== undefined && answer.code !== 0)
    throw new Error(`refused: ${answer.code} ${answer.msg ?? ''}`.trim());
}
