import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookRequest } from '../../alerts/webhooks';
import type { AuditMemo } from '../../temporal/contracts';
import { ReportAlert, ReportOutcome } from '../../temporal/search-attributes';
import { startSmtpSink } from '../../dev/smtp-sink';
import { createHarness, failureOf, freePort, waitForStage } from '../helpers/harness';

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

  it('SMTP relay down for the whole run: the alert still reaches the robots and the ops relay (alerts.smtp), and the run records which took it', async () => {
    const deadSmtp = await freePort(); // nothing listens: connection refused, as with a relay that is down
    const opsRelay = await startSmtpSink();
    const kinds = ['generic', 'dingtalk', 'wecom', 'feishu', 'slack'] as const;
    const h = await createHarness({
      config: {
        // The relay stays down: the email gives up at once (email.delivery.withinMinutes 0) rather than wait.
        email: { smtp: { port: deadSmtp, connectionTimeoutSeconds: 1 }, delivery: { withinMinutes: 0 } },
        alerts: {
          webhooks: kinds.map((kind) => ({ kind, url: `${robot.url}/${kind}` })),
          smtp: { port: opsRelay.port, connectionTimeoutSeconds: 1 },
        },
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
        delivered: ['email via alerts.smtp', ...kinds.map((k, i) => `webhook ${i + 1} (${k})`)],
      });
      // The ops email went by the second relay, the report's relay being the fault.
      const [opsMail] = await opsRelay.waitForMessages(1, 5_000);
      expect(opsMail!.envelope.to).toEqual(['ops@example.com']);
      expect(opsMail!.parsed.subject).toMatch(/^\[FAILED\] Sales report 2026-11-20 \(sending email\)/);
      expect(opsMail!.parsed.text).toMatch(/SMTP 127\.0\.0\.1:\d+/);
    } finally {
      await Promise.all([h.close(), opsRelay.close()]);
    }
  });

  it('a relay away for a while (421 at connect): the email waits on durable timers, ops hear by the robot that it is late, then one email goes out and ops hear that too', async () => {
    let relayAway = true;
    const h = await createHarness({
      smtp: { refuseConnections: () => relayAway },
      config: {
        email: { delivery: { withinMinutes: 2, firstRetrySeconds: 2, maxRetrySeconds: 4, lateAfterMinutes: 0 } },
        alerts: { webhooks: [{ kind: 'generic', url: `${robot.url}/generic` }] },
        timeouts: { retryMaximumAttempts: 2 },
      },
    });
    try {
      const before = robot.received.length;
      const handle = await h.start();
      const result = await h.withWorker(
        (async () => {
          await waitForStage(handle, 'waiting for the relay', 60_000);
          // Late: told by the robot while the relay (the ops email's way too) is away. The GPU is given back.
          const posted = () => robot.received.slice(before).map((r) => String(r.body.subject));
          for (let waited = 0; posted().length === 0 && waited < 20_000; waited += 100)
            await new Promise((r) => setTimeout(r, 100));
          const late = posted();
          expect(late).toEqual([
            expect.stringMatching(/^\[REPORT DELAYED\] Sales report 2026-11-20: the relay is away/),
          ]);
          expect(h.sink.messages).toHaveLength(0);
          relayAway = false;
          return handle.result();
        })(),
      );
      expect(result.outcome).toBe('sent');
      await h.sink.waitForMessages(2, 10_000);
      const reports = h.sink.messages.filter((m) => !m.envelope.to.includes('ops@example.com'));
      expect(reports.map((m) => m.parsed.messageId)).toEqual([result.messageId]);
      // The late notice went by the robot (the relay was its email's way too); the follow-up by both, threaded on it.
      const ops = h.sink.messages.filter((m) => m.envelope.to.includes('ops@example.com'));
      expect(ops.map((m) => m.parsed.subject)).toEqual([
        '[REPORT DELAYED → SENT] Sales report 2026-11-20 went out after all',
      ]);
      expect(ops[0]!.parsed.inReplyTo).toMatch(/^<delay\./);
      expect(robot.received.slice(before).map((r) => String(r.body.subject))).toContain(
        '[REPORT DELAYED → SENT] Sales report 2026-11-20 went out after all',
      );
      // The waits are in the history as timers, not a hot loop of activity attempts.
      const timers = (await handle.fetchHistory()).events!.filter((e) => e.timerStartedEventAttributes);
      expect(timers.length).toBeGreaterThanOrEqual(1);
    } finally {
      await h.close();
    }
  });

  it('a relay that refuses every recipient with 550: no second try, ops told at once', async () => {
    const h = await createHarness({
      smtp: { refuseRecipients: ['sales@example.com', 'lead@example.com'] },
      config: { email: { delivery: { firstRetrySeconds: 2 } } },
    });
    try {
      const handle = await h.start();
      const { messages } = await failureOf(h.withWorker(handle.result()));
      expect(messages).toMatch(/refused the message \(550\)/);
      const history = await handle.fetchHistory();
      const sends = history.events!.filter(
        (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'sendReportEmail',
      );
      expect(sends).toHaveLength(1);
      expect(history.events!.some((e) => e.timerStartedEventAttributes && e.eventId! > sends[0]!.eventId!)).toBe(false);
      const [alert] = await h.sink.waitForMessages(1, 10_000);
      expect(alert!.parsed.subject).toMatch(/^\[FAILED\] Sales report 2026-11-20 \(sending email\)/);
    } finally {
      await h.close();
    }
  });

  it('no channel takes the alert: the run says so in its failure, its memo and a search attribute', async () => {
    robot.refuse.add('dingtalk');
    const h = await createHarness({
      config: {
        email: { smtp: { port: await freePort(), connectionTimeoutSeconds: 1 }, delivery: { withinMinutes: 0 } },
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
