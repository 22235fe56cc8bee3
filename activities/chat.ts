import { log } from '@temporalio/activity';
import { cardRequest } from '../chat/card-requests';
import { postToRobot } from '../chat/robot';
import { chatChannelsOf, definitionOf } from '../report/definitions';
import type { ReportCard } from '../report/render/card';
import { runKey } from '../store/archive';
import { hashedName, JsonRecords } from '../store/json-records';
import type { ChatPost, PostReportCardsRequest } from '../temporal/contracts';
import type { ActivityDeps } from './deps';
import { activityMetrics } from './metrics';
import { thisRun } from './this-run';

/** One report's card in one chat group: `posting` is claimed before the post, so two runs never both post it. */
interface CardPost {
  state: 'posting' | 'posted' | 'refused';
  by: string;
  at: string;
  error?: string;
}

export function createChatActivities({ config, store, now = () => new Date() }: ActivityDeps) {
  const posts = new JsonRecords<CardPost>(store, 'chat-posts/', (key) => hashedName(key));

  return {
    /**
     * Posts the report's card to each of its chat groups (reports[].chat, or its split value's), once per date, report,
     * split value and group, like the email: a retry, a re-run or a Reset finds the post and makes no second one (a
     * run with `resend` posts again, once). A refusal (an HTTP error, or a robot's errcode ≠ 0) is returned, not
     * thrown: the email went, and ops are told which group refused and why.
     */
    async postReportCards({ run: recorded, rendered, resend }: PostReportCardsRequest): Promise<ChatPost[]> {
      const run = thisRun(recorded);
      const own = runKey(run);
      const channels = chatChannelsOf(definitionOf(config, run.report), run.report?.split);
      const cardKey = rendered.files.card;
      if (!cardKey || channels.length === 0) return [];
      const body = await store.get(cardKey);
      if (!body) throw new Error(`the rendered card is missing from the store: ${store.locate(cardKey)}`);
      const card = JSON.parse(body.toString('utf8')) as ReportCard;
      const which = run.report ? `|report:${run.report.id}|split:${run.report.split ?? ''}` : '';
      const results: ChatPost[] = [];
      for (const [i, c] of channels.entries()) {
        const channel = `${c.kind} ${i + 1}`;
        const key = `${run.reportDate}${which}|chat:${c.url}${resend ? `|resend:${own}` : ''}`;
        const earlier = await posts.get(key);
        if (earlier?.state === 'posted' || (earlier?.state === 'posting' && earlier.by !== own)) {
          results.push({ channel, posted: true });
          continue;
        }
        const claim: CardPost = { state: 'posting', by: own, at: now().toISOString() };
        if (!earlier && !(await posts.create(key, claim))) {
          results.push({ channel, posted: true }); // another run claimed it a moment ago
          continue;
        }
        if (earlier) await posts.put(key, claim);
        try {
          const secret = c.secretEnv ? process.env[c.secretEnv] : undefined;
          const request = cardRequest({ kind: c.kind, url: c.url, secret }, card, now());
          await postToRobot(request.url, request.body, config.alerts.timeoutSeconds * 1000);
          await posts.put(key, { ...claim, state: 'posted' });
          results.push({ channel, posted: true });
          activityMetrics().chatCards.add(1, { kind: c.kind, result: 'posted' });
        } catch (err) {
          const error = (err as Error).message;
          await posts.put(key, { ...claim, state: 'refused', error });
          log.warn('report card refused by a chat group', { channel, error });
          results.push({ channel, posted: false, error });
          activityMetrics().chatCards.add(1, { kind: c.kind, result: 'refused' });
        }
      }
      return results;
    },
  };
}
