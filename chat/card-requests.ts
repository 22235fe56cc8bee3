import type { Config } from '../config/config';
import type { ReportCard } from '../report/render/card';
import { dingtalkSignedUrl, feishuSignature } from './robot';

/** The chat platforms a report's card goes to (reports[].chat; the config schema is the one list). */
export type ChatKind = NonNullable<NonNullable<Config['reports']>[number]['chat']>[number]['kind'];

export interface ChatChannel {
  kind: ChatKind;
  url: string;
  /** The robot's signing secret (DingTalk, Feishu), read from the environment; never from the config file. */
  secret?: string;
}

/** "Revenue ¥927,600 ▲ +14.2%" lines, in Markdown as DingTalk and WeCom render it. */
function markdownKpis(card: ReportCard): string {
  return card.kpis.map((k) => `- **${k.label}** ${k.value} ${k.change}`).join('\n');
}

/**
 * The request each platform's incoming webhook takes for a report card: DingTalk markdown (signed), WeCom markdown,
 * a Feishu interactive card (signed), Slack Block Kit, a Teams Adaptive Card (Workflows webhook). The chart goes where
 * the platform shows an image by URL (DingTalk, Slack, Teams) and the archive is served (report.archiveUrl).
 */
export function cardRequest(channel: ChatChannel, card: ReportCard, now: Date): { url: string; body: unknown } {
  const versus = `(${card.comparedWith})`;
  switch (channel.kind) {
    case 'dingtalk':
      return {
        url: dingtalkSignedUrl(channel.url, channel.secret, now),
        body: {
          msgtype: 'markdown',
          markdown: {
            title: card.title,
            text: [
              `### ${card.title}`,
              card.headline,
              `${markdownKpis(card)}\n\n${versus}`,
              ...(card.imageUrl ? [`![chart](${card.imageUrl})`] : []),
              ...(card.link ? [`[${card.linkText}](${card.link})`] : []),
            ].join('\n\n'),
          },
        },
      };
    case 'wecom':
      return {
        url: channel.url,
        body: {
          msgtype: 'markdown',
          markdown: {
            content: [
              `**${card.title}**`,
              `> ${card.headline}`,
              ...card.kpis.map(
                (k) =>
                  `${k.label}：<font color="${k.direction === 'down' ? 'warning' : 'info'}">${k.value} ${k.change}</font>`,
              ),
              versus,
              ...(card.link ? [`[${card.linkText}](${card.link})`] : []),
            ].join('\n'),
          },
        },
      };
    case 'feishu':
      return {
        url: channel.url,
        body: {
          ...feishuSignature(channel.secret, now),
          msg_type: 'interactive',
          card: {
            config: { wide_screen_mode: true },
            header: { title: { tag: 'plain_text', content: card.title }, template: 'blue' },
            elements: [
              { tag: 'div', text: { tag: 'lark_md', content: card.headline } },
              {
                tag: 'div',
                fields: card.kpis.map((k) => ({
                  is_short: true,
                  text: { tag: 'lark_md', content: `**${k.label}**\n${k.value} ${k.change}` },
                })),
              },
              { tag: 'note', elements: [{ tag: 'plain_text', content: versus }] },
              ...(card.link
                ? [
                    {
                      tag: 'action',
                      actions: [
                        {
                          tag: 'button',
                          text: { tag: 'plain_text', content: card.linkText },
                          url: card.link,
                          type: 'primary',
                        },
                      ],
                    },
                  ]
                : []),
            ],
          },
        },
      };
    case 'slack':
      return {
        url: channel.url,
        body: {
          text: card.title,
          blocks: [
            { type: 'header', text: { type: 'plain_text', text: card.title.slice(0, 150) } },
            { type: 'section', text: { type: 'mrkdwn', text: card.headline } },
            {
              type: 'section',
              fields: card.kpis.map((k) => ({ type: 'mrkdwn', text: `*${k.label}*\n${k.value} ${k.change}` })),
            },
            { type: 'context', elements: [{ type: 'mrkdwn', text: versus }] },
            ...(card.imageUrl ? [{ type: 'image', image_url: card.imageUrl, alt_text: card.title }] : []),
            ...(card.link
              ? [
                  {
                    type: 'actions',
                    elements: [{ type: 'button', text: { type: 'plain_text', text: card.linkText }, url: card.link }],
                  },
                ]
              : []),
          ],
        },
      };
    case 'teams':
      return {
        url: channel.url,
        body: {
          type: 'message',
          attachments: [
            {
              contentType: 'application/vnd.microsoft.card.adaptive',
              contentUrl: null,
              content: {
                $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
                type: 'AdaptiveCard',
                version: '1.4',
                body: [
                  { type: 'TextBlock', text: card.title, weight: 'Bolder', size: 'Medium', wrap: true },
                  { type: 'TextBlock', text: card.headline, wrap: true },
                  {
                    type: 'FactSet',
                    facts: card.kpis.map((k) => ({ title: k.label, value: `${k.value} ${k.change}` })),
                  },
                  { type: 'TextBlock', text: versus, isSubtle: true, size: 'Small', wrap: true },
                  ...(card.imageUrl ? [{ type: 'Image', url: card.imageUrl, altText: card.title }] : []),
                ],
                ...(card.link ? { actions: [{ type: 'Action.OpenUrl', title: card.linkText, url: card.link }] } : {}),
              },
            },
          ],
        },
      };
  }
}
