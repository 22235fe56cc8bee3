import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookRequest } from '../../alerts/webhooks';
import type { AuditMemo } from '../../temporal/contracts';
import { ReportAlert, ReportOutcome } from '../../temporal/search-attributes';
import { createHarness, failureOf, freePort } from '../helpers/harness';

interface Received {
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown>;
}

/** A robot endpoint on loopback: records what it gets and answers as the named robot does. */
async function startRobot(): Promise<{
  url: string;
  received: Received[];
  refuse: Set<string>;
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const refuse = new Set<string>();
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://robot');
      received.push({
        path: url.pathname,
        query: url.searchParams,
        body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>,
      });
      const kind = url.pathname.slice(1);
      if (refuse.has(kind)) {
        // DingTalk and WeCom refuse with 200 and an error code in the body.
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end('{"errcode":310000,"errmsg":"keywords not in content"}');
        return;
      }
      const ok =
        kind === 'feishu' ? '{"code":0,"msg":"success"}' : kind === 'slack' ? 'ok' : '{"errcode":0,"errmsg":"ok"}';
      res.writeHead(200).end(ok);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    refuse,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

describe('alerts: email and webhooks, and a run that says when no one was told', () => {
  let robot: Awaited<ReturnType<typeof startRobot>>;
  beforeAll(async () => {
    robot = await startRobot();
  });
  afterAll(() => robot?.close());

  it('writes each robot its own message, signed where the robot asks for it', () => {
    const message = {
      subject: 'S',
      text: 'T',
      link: 'http://ui/run',
      run: { workflowId: 'w', runId: 'r', reportDate: '2026-11-20' },
    };
    const at = new Date(1_764_000_000_000);
    const ding = webhookRequest(
      { kind: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=x', secret: 'SEC' },
      message,
      at,
    );
    const dingUrl = new URL(ding.url);
    expect(dingUrl.searchParams.get('timestamp')).toBe('1764000000000');
    expect(dingUrl.searchParams.get('sign')).toBe(
      createHmac('sha256', 'SEC').update('1764000000000\nSEC').digest('base64'),
    );
    expect(ding.body).toEqual({ msgtype: 'text', text: { content: 'S\n\nT' } });
    expect(webhookRequest({ kind: 'wecom', url: 'http://x' }, message, at).body).toEqual({
      msgtype: 'text',
      text: { content: 'S\n\nT' },
    });
    expect(webhookRequest({ kind: 'feishu', url: 'http://x', secret: 'K' }, message, at).body).toEqual({
      timestamp: '1764000000',
      sign: createHmac('sha256', '1764000000\nK').update('').digest('base64'),
      msg_type: 'text',
      content: { text: 'S\n\nT' },
    });
    expect(webhookRequest({ kind: 'slack', url: 'http://x' }, message, at).body).toEqual({ text: '*S*\nT' });
    expect(webhookRequest({ kind: 'generic', url: 'http://x' }, message, at).body).toMatchObject({
      event: 'sales-report.alert',
      subject: 'S',
      link: 'http://ui/run',
    });
  });

  it('SMTP relay down for the whole run: the alert still reaches the robots, and the run records which took it', async () => {
    const deadSmtp = await freePort(); // nothing listens: connection refused, as with a relay that is down
    const kinds = ['generic', 'dingtalk', 'wecom', 'feishu', 'slack'] as const;
    const h = await createHarness({
      config: {
        email: { smtp: { port: deadSmtp, connectionTimeoutSeconds: 1 } },
        alerts: { webhooks: kinds.map((kind) => ({ kind, url: `${robot.url}/${kind}` })) },
        timeouts: { retryMaximumAttempts: 2 },
      },
    });
    try {
      const before = robot.received.length;
      const handle = await h.start();
      const { messages } = await failureOf(h.withWorker(handle.result()));
      expect(messages).toContain('failed while sending email');
      const got = robot.received.slice(before);
      expect(got.map((r) => r.path).sort()).toEqual(kinds.map((k) => `/${k}`).sort());
      expect(JSON.stringify(got.find((r) => r.path === '/dingtalk')!.body)).toContain('failed while sending email');
      const described = await handle.describe();
      expect(described.typedSearchAttributes.get(ReportOutcome)).toBe('failed');
      expect(described.typedSearchAttributes.get(ReportAlert)).toBe('delivered');
      expect((described.memo?.audit as AuditMemo).alert).toEqual({
        delivered: kinds.map((k, i) => `webhook ${i + 1} (${k})`),
      });
    } finally {
      await h.close();
    }
  });

  it('no channel takes the alert: the run says so in its failure, its memo and a search attribute', async () => {
    robot.refuse.add('dingtalk');
    const h = await createHarness({
      config: {
        email: { smtp: { port: await freePort(), connectionTimeoutSeconds: 1 } },
        alerts: { webhooks: [{ kind: 'dingtalk', url: `${robot.url}/dingtalk` }] },
        timeouts: { retryMaximumAttempts: 2 },
      },
    });
    try {
      const handle = await h.start();
      const { messages } = await failureOf(h.withWorker(handle.result()));
      expect(messages).toMatch(
        /NO ALERT DELIVERED: no alert channel accepted the alert: email: .*; webhook 1 \(dingtalk\): refused: 310000/,
      );
      const described = await handle.describe();
      expect(described.typedSearchAttributes.get(ReportAlert)).toBe('undelivered');
      expect((described.memo?.audit as AuditMemo).alert?.delivered).toEqual([]);
    } finally {
      robot.refuse.delete('dingtalk');
      await h.close();
    }
  });
});
