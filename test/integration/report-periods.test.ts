import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeSampleCsv } from '../../dev/sample-data';
import { loadSalesMetrics } from '../../sales/load';
import { formatDay, formatMoney, formatPeriod } from '../../report/render/format';
import { WORKFLOW_TYPES } from '../../temporal/contracts';
import type { morningReports, salesReport } from '../../workflows';
import { recordHistory, withHarness } from '../helpers/harness';

/** The morning of 1 December: the daily flash, the weekly report and the monthly report on the first of the month. */
const REPORT_DATE = '2026-12-01';

describe('a daily, a weekly and a monthly report in one morning, and one of another source, on the real dev server', () => {
  it('each computes its window and comparison, writes in its own words and passes the figure check', async () => {
    const dataPath = join(await mkdtemp(join(tmpdir(), 'sales-report-periods-')), 'sales.csv');
    await writeSampleCsv(dataPath, {
      endDate: '2026-11-30',
      days: 75,
      ordersPerDay: 20,
      seed: 3,
      badRowsPerThousand: 0,
    });
    // A second export, a named source: the online shop's, read for its own report.
    const shopPath = join(await mkdtemp(join(tmpdir(), 'sales-report-shop-')), 'shop.csv');
    await writeSampleCsv(shopPath, {
      endDate: '2026-11-30',
      days: 30,
      ordersPerDay: 6,
      seed: 11,
      badRowsPerThousand: 0,
    });
    await withHarness(
      {
        dataPath,
        config: {
          sources: { shop: { path: shopPath } },
          reports: [
            { id: 'daily', period: 'day' },
            { id: 'weekly', period: 'week' },
            { id: 'monthly', period: 'month', locale: 'en-US' },
            { id: 'shop', period: 'week', title: '网店周报', source: 'shop', prompt: 'store' },
          ],
        },
      },
      async (h) => {
        const morning = await h.client.workflow.start<typeof morningReports>(WORKFLOW_TYPES.morning, {
          taskQueue: h.config.temporal.taskQueue,
          workflowId: `morning-${randomUUID()}`,
          args: [{ reportDate: REPORT_DATE }],
        });
        const outcomes = await h.withWorker(morning.result());
        expect(outcomes.map((o) => [o.id, o.outcome])).toEqual([
          ['daily', 'sent'],
          ['weekly', 'sent'],
          ['monthly', 'sent'],
          ['shop', 'sent'],
        ]);
        const result = (id: string) =>
          h.client.workflow.getHandle<typeof salesReport>(`${morning.workflowId}/${id}`).result();
        const [daily, weekly, monthly] = await Promise.all(['daily', 'weekly', 'monthly'].map(result));

        // The windows: yesterday (a Monday) against the Monday before; the 7 days to yesterday; on the 1st, the whole
        // of November (30 days) against the whole of October (31).
        expect(daily!.period).toEqual({ start: '2026-11-30', end: '2026-11-30' });
        expect(weekly!.period).toEqual({ start: '2026-11-24', end: '2026-11-30' });
        expect(monthly!.period).toEqual({ start: '2026-11-01', end: '2026-11-30' });
        // Every narrative passed the check in its own period's words: none was withheld.
        for (const r of [daily, weekly, monthly]) expect(r!.llm?.narrativeWithheld).toBeUndefined();
        expect(daily!.llm?.promptFile).toBe('prompts/system.day.zh-CN.md');
        expect(weekly!.llm?.promptFile).toBe('prompts/system.zh-CN.md');
        // The monthly report is the English one: its own language's prompt, words and check.
        expect(monthly!.llm?.promptFile).toBe('prompts/system.month.en-US.md');
        // The shop's report has a fixed system prompt of its own (reports[].prompt).
        expect((await result('shop')).llm?.promptFile).toBe('prompts/system.store.zh-CN.md');

        // The comparisons, against the same lines read directly: what each email prints.
        const metrics = (period: 'day' | 'week' | 'month', path = dataPath) =>
          loadSalesMetrics({
            path,
            format: 'auto',
            columns: h.config.data.columns,
            maxBadRowShare: 0.05,
            badRowsShown: 5,
            reportDate: REPORT_DATE,
            currency: 'CNY',
            period,
            trendWeeks: h.config.report.trendWeeks,
          });
        const [day, month] = await Promise.all([metrics('day'), metrics('month')]);
        expect(day.previousPeriod).toEqual({ start: '2026-11-23', end: '2026-11-23' });
        expect(month.previousPeriod).toEqual({ start: '2026-10-01', end: '2026-10-31' });
        expect(month.revenueByDay).toHaveLength(30);
        expect(month.trend?.map((t) => t.start)).toEqual([
          '2026-06-01',
          '2026-07-01',
          '2026-08-01',
          '2026-09-01',
          '2026-10-01',
          '2026-11-01',
        ]);
        const mail = (subject: string) => h.sink.messages.find((m) => m.parsed.subject?.includes(subject))!;
        const money = (x: number, locale: 'zh-CN' | 'en-US') => formatMoney(x, 'CNY', locale, 0);
        const dailyMail = mail('销售日报');
        const monthlyMail = mail('Monthly sales report');
        expect(mail('销售周报')).toBeDefined();
        for (const [m, email, words, locale] of [
          [day, dailyMail, ['昨日', '上周同日'], 'zh-CN'],
          [month, monthlyMail, ['This month', 'Last month, same days'], 'en-US'],
        ] as const) {
          const html = email.parsed.html as string;
          for (const w of words) expect(html).toContain(w);
          expect(html).toContain(money(m.kpis.revenue.current, locale));
          expect(html).toContain(money(m.kpis.revenue.previous, locale));
          expect(email.parsed.subject).toContain(formatPeriod(m.period, locale));
        }
        // A day is printed as a day, in its reader's words: never as a range of one date.
        expect(dailyMail.parsed.subject).toContain(formatDay(day.period.end, 'zh-CN'));
        expect(dailyMail.parsed.subject).toMatch(/\d+月\d+日（周.）/);
        expect(dailyMail.parsed.subject).not.toContain(`${day.period.start} – ${day.period.end}`);
        expect(dailyMail.parsed.text).not.toContain(`${day.period.start} – ${day.period.end}`);
        // On the 1st the month is whole: its figure is no projection, and none is printed (test/unit/report-periods
        // has the month under way).
        expect(monthlyMail.parsed.text).not.toContain('A projection');
        // A weekly report's words stay its own.
        expect(mail('销售周报').parsed.html).toContain('本周');

        // The shop's report is of its own source, and the company's weekly report of `data`: neither prints the
        // other's revenue.
        const [week, shopWeek] = await Promise.all([metrics('week'), metrics('week', shopPath)]);
        expect(shopWeek.kpis.revenue.current).not.toBe(week.kpis.revenue.current);
        const shopHtml = mail('网店周报').parsed.html as string;
        const weeklyHtml = mail('销售周报').parsed.html as string;
        expect(shopHtml).toContain(money(shopWeek.kpis.revenue.current, 'zh-CN'));
        // Its recommendations are owned by the store's roles, as its prompt names them, not the company's.
        const shopReport = (await result('shop')).llm!;
        expect(shopReport).toBeDefined();
        for (const owner of ['店长', '店员', '陈列']) expect(shopHtml).toContain(`>${owner}</td>`);
        expect(shopHtml).not.toContain('>区域销售经理</td>');
        expect(shopHtml).not.toContain(money(week.kpis.revenue.current, 'zh-CN'));
        expect(weeklyHtml).toContain(money(week.kpis.revenue.current, 'zh-CN'));
        expect(weeklyHtml).not.toContain(money(shopWeek.kpis.revenue.current, 'zh-CN'));

        await recordHistory(morning, 'morning-reports-day-week-month');
      },
    );
  }, 240_000);
});
