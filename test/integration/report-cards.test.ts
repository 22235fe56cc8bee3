import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_DATE, withHarness } from '../helpers/harness';

interface Posted {
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown>;
}

/**
 * Group robots on loopback, one path per platform, answering as each does: DingTalk and WeCom `errcode`, Feishu
 * `code`, Slack "ok", Teams (a Workflows webhook) 202 with no body. A path in `refuse` answers as a robot refusing.
 */
async function startRobots(): Promise<{ url: string; posted: Posted[]; refuse: Set<string>; close(): Promise<void> }> {
  const posted: Posted[] = [];
  const refuse = new Set<string>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://robot');
      posted.push({
        path: url.pathname,
        query: url.searchParams,
        body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
      });
      const kind = url.pathname.split('/')[1];
      if (refuse.has(url.pathname)) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errcode: 310000, errmsg: 'keywords not in content' }));
      } else if (kind === 'dingtalk' || kind === 'wecom') res.end(JSON.stringify({ errcode: 0, errmsg: 'ok' }));
      else if (kind === 'feishu') res.end(JSON.stringify({ code: 0, msg: 'success', data: {} }));
      else if (kind === 'slack') res.end('ok');
      else res.writeHead(202).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    posted,
    refuse,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const ARCHIVE = 'https://reports.example.com/sales/archive';

describe("each report's card where its readers read: DingTalk, WeCom, Feishu, Slack, Teams", () => {
  let robots: Awaited<ReturnType<typeof startRobots>>;
  beforeAll(async () => {
    robots = await startRobots();
    process.env.TEST_DINGTALK_SECRET = 'SEC-ding';
    process.env.TEST_FEISHU_SECRET = 'SEC-feishu';
  });
  afterAll(() => robots?.close());

  it('posts the card each platform renders, signed where it signs, once per date: the figures the email prints', () =>
    withHarness(
      {
        config: {
          report: { archiveUrl: ARCHIVE },
          reports: [
            {
              id: 'daily',
              title: '每日快报',
              period: 'day',
              chat: [
                {
                  kind: 'dingtalk',
                  url: `${robots.url}/dingtalk/send?access_token=t1`,
                  secretEnv: 'TEST_DINGTALK_SECRET',
                },
                { kind: 'wecom', url: `${robots.url}/wecom/send?key=k1` },
                { kind: 'feishu', url: `${robots.url}/feishu/hook/f1`, secretEnv: 'TEST_FEISHU_SECRET' },
                { kind: 'slack', url: `${robots.url}/slack/services/T/B/X` },
                { kind: 'teams', url: `${robots.url}/teams/workflows/w1` },
              ],
            },
          ],
        },
      },
      async (h) => {
        const before = robots.posted.length;
        const handle = await h.start({ reportDate: REPORT_DATE, report: 'daily' });
        const result = await h.withWorker(handle.result());
        expect(result.outcome).toBe('sent');
        expect(result.chat).toEqual(
          ['dingtalk 1', 'wecom 2', 'feishu 3', 'slack 4', 'teams 5'].map((channel) => ({ channel, posted: true })),
        );
        const got = robots.posted.slice(before);
        const of = (kind: string) => got.find((p) => p.path.startsWith(`/${kind}/`))!;
        expect(got).toHaveLength(5);

        // The email's figures: every KPI value the card shows is printed the same way in the email.
        const [email] = h.sink.messages.filter((m) => !m.envelope.to.includes('ops@example.com'));
        const emailText = email!.parsed.text ?? '';
        const archivePage = `${ARCHIVE}/reports/daily/${REPORT_DATE}/${handle.workflowId}/${result.runId}/report.web.html`;

        // DingTalk: markdown, signed in the query (HMAC-SHA256 of "<ms>\n<secret>"), the chart and the page by URL.
        const ding = of('dingtalk');
        const ts = ding.query.get('timestamp')!;
        expect(ding.query.get('access_token')).toBe('t1');
        expect(ding.query.get('sign')).toBe(
          createHmac('sha256', 'SEC-ding').update(`${ts}\nSEC-ding`).digest('base64'),
        );
        const md = (ding.body as { msgtype: string; markdown: { title: string; text: string } }).markdown;
        expect(ding.body.msgtype).toBe('markdown');
        expect(md.title).toBe(email!.parsed.subject);
        for (const label of ['销售额', '订单数', '客单价']) expect(md.text).toContain(`**${label}**`);
        const values = [...md.text.matchAll(/\*\*(?:销售额|订单数|客单价)\*\* (\S+)/g)].map((m) => m[1]!);
        expect(values).toHaveLength(3);
        for (const v of values) expect(emailText).toContain(v);
        expect(md.text).toContain(`[查看完整报告](${archivePage})`);
        expect(md.text).toContain(`![chart](${archivePage.replace('report.web.html', 'chart.png')})`);

        // WeCom: markdown content, the same three figures.
        const wecom = of('wecom');
        expect(wecom.body.msgtype).toBe('markdown');
        const content = (wecom.body.markdown as { content: string }).content;
        for (const v of values) expect(content).toContain(v);

        // Feishu: an interactive card, signed in the body (HMAC-SHA256 keyed "<s>\n<secret>" over nothing).
        const feishu = of('feishu');
        expect(feishu.body.msg_type).toBe('interactive');
        expect(feishu.body.sign).toBe(
          createHmac('sha256', `${String(feishu.body.timestamp)}\nSEC-feishu`)
            .update('')
            .digest('base64'),
        );
        const card = feishu.body.card as { header: { title: { content: string } }; elements: { tag: string }[] };
        expect(card.header.title.content).toBe(email!.parsed.subject);
        expect(card.elements.map((e) => e.tag)).toEqual(['div', 'div', 'note', 'action']);

        // Slack: Block Kit with a fallback text; Teams: an Adaptive Card in a message attachment.
        const slack = of('slack');
        expect((slack.body.blocks as { type: string }[]).map((b) => b.type)).toEqual([
          'header',
          'section',
          'section',
          'context',
          'image',
          'actions',
        ]);
        const teams = of('teams').body as {
          type: string;
          attachments: {
            contentType: string;
            content: { type: string; body: { type: string; facts?: unknown[] }[] };
          }[];
        };
        expect(teams.type).toBe('message');
        expect(teams.attachments[0]!.contentType).toBe('application/vnd.microsoft.card.adaptive');
        expect(teams.attachments[0]!.content.body.find((b) => b.type === 'FactSet')?.facts).toHaveLength(3);

        // Once per date: a second run of the date ends before the GPU and posts nothing.
        const again = await h.withWorker((await h.start({ reportDate: REPORT_DATE, report: 'daily' })).result());
        expect(again.outcome).toBe('already-sent');
        expect(robots.posted.length - before).toBe(5);
      },
    ));

  it("a split report's card goes to its own value's group only; a group that refuses it is told to ops, the email still sent", () =>
    withHarness(
      {
        config: {
          reports: [
            {
              id: 'by-region',
              title: '区域周报',
              period: 'week',
              split: {
                by: 'region',
                recipients: { 华东: ['east@example.com'], 华北: ['north@example.com'] },
                chat: {
                  华东: [{ kind: 'dingtalk', url: `${robots.url}/dingtalk/east` }],
                  华北: [{ kind: 'wecom', url: `${robots.url}/wecom/north` }],
                },
              },
            },
          ],
        },
      },
      async (h) => {
        robots.refuse.add('/dingtalk/east');
        const before = robots.posted.length;
        const east = await h.withWorker(
          (await h.start({ reportDate: REPORT_DATE, report: 'by-region', split: '华东' })).result(),
        );
        expect(east.outcome).toBe('sent');
        expect(east.chat).toEqual([
          { channel: 'dingtalk 1', posted: false, error: 'refused: 310000 keywords not in content' },
        ]);
        const got = robots.posted.slice(before);
        // Only 华东's group was offered 华东's card; 华北's group got nothing.
        expect(got.map((p) => p.path)).toEqual(['/dingtalk/east']);
        const [alert] = await h.sink
          .waitForMessages(2, 10_000)
          .then((all) => all.filter((m) => m.envelope.to.includes('ops@example.com')));
        expect(alert!.parsed.subject).toBe(
          '[CHAT REFUSED] 区域周报 · 华东 2026-11-20: 1 group(s) did not take the card',
        );
        expect(alert!.parsed.text).toContain('dingtalk 1: refused: 310000 keywords not in content');
        expect(h.sink.messages.filter((m) => m.envelope.to.includes('east@example.com'))).toHaveLength(1);
      },
    ));
});
