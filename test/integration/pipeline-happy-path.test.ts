import ExcelJS from 'exceljs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSalesMetrics } from '../../sales/load';
import { ReportDate, ReportOutcome, ReportTrigger } from '../../temporal/search-attributes';
import type { SalesMetrics } from '../../sales/metrics';
import {
  createHarness,
  expectGpuStopped,
  failureOf,
  recordHistory,
  REPORT_DATE,
  type Harness,
} from '../helpers/harness';

describe('weekly sales report, happy path (dev server, SMTP, simulator)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness({
      config: {
        email: { replyTo: 'sales-ops@example.com' },
        report: { archiveUrl: 'https://reports.example.com/sales/archive/' },
      },
    });
  });
  afterAll(() => h?.close());

  it('sends exactly one complete report and stops the GPU', async () => {
    const handle = await h.start({ reportDate: REPORT_DATE });
    const result = await h.withWorker(handle.result());
    await recordHistory(handle, 'sent');

    expect(result.outcome).toBe('sent');
    expect(result.period).toEqual({ start: '2026-11-13', end: '2026-11-19' });
    expect(result.llm?.attempts).toBe(1);
    expect(result.llm?.promptSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(result.gpu?.billedSeconds).toBeGreaterThan(0);

    // Exactly one email, with the HTML, the inline chart and the workbook.
    await h.sink.waitForMessages(1, 10_000);
    expect(h.sink.messages).toHaveLength(1);
    const mail = h.sink.messages[0]!;
    expect(mail.envelope.to.sort()).toEqual(['lead@example.com', 'sales@example.com']);
    expect(mail.parsed.messageId).toBe(result.messageId);
    // An automated report: no out-of-office replies back to it, replies to the team, dated on the reader's clock.
    expect(mail.parsed.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.parsed.headers.get('x-auto-response-suppress')).toBe('All');
    expect(mail.parsed.replyTo?.text).toBe('sales-ops@example.com');
    const dateLine = mail.parsed.headerLines.find((line) => line.key === 'date')?.line;
    expect(dateLine).toMatch(/^Date: (Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0800$/);
    expect(Math.abs(mail.parsed.date!.getTime() - Date.now())).toBeLessThan(120_000);
    expect(mail.parsed.subject).toContain('2026-11-13 – 2026-11-19');
    // The simulator's words are marked as such, so no one mistakes a demo for a model's report.
    expect(result.llm?.simulated).toBe(true);
    expect(mail.parsed.subject).toMatch(/^\[SIMULATED LLM\] /);
    expect(mail.parsed.html).toContain('cid:revenue-chart@sales-report');
    expect(mail.parsed.text).toContain('销售额');
    const chart = mail.parsed.attachments.find((a) => a.cid === 'revenue-chart@sales-report');
    expect(chart?.content.subarray(1, 4).toString()).toBe('PNG');
    const xlsx = mail.parsed.attachments.find((a) => a.filename?.endsWith('.xlsx'));
    expect(xlsx).toBeDefined();
    // The whole message, chart and workbook included, is light enough for a phone on mobile data and any mailbox.
    console.log(
      `report email: ${(mail.raw.length / 1024).toFixed(1)} KB, chart ${(chart!.content.length / 1024).toFixed(1)} KB`,
    );
    expect(mail.raw.length).toBeLessThan(120 * 1024);

    // The workbook's numbers are the metrics computed from the same file by the loader.
    const metrics: SalesMetrics = await loadSalesMetrics({
      path: h.config.data.path,
      format: 'auto',
      columns: h.config.data.columns,
      maxBadRowShare: h.config.data.maxBadRowShare,
      badRowsShown: h.config.data.badRowsShown,
      reportDate: REPORT_DATE,
      currency: 'CNY',
    });
    // Breakdowns in the body, every number from the metrics: each region, channel and category with its share.
    const body = mail.parsed.html as string;
    for (const heading of ['地区', '渠道', '品类', '热销商品 Top 5', '涨跌最大的商品'])
      expect(body).toContain(`>${heading}</h2>`);
    for (const r of [...metrics.byRegion, ...metrics.byChannel, ...metrics.byCategory])
      expect(body).toMatch(new RegExp(`<td style="[^"]*">${r.name}</td>`));
    expect(mail.parsed.text).toContain(
      `- ${metrics.byRegion[0]!.name}: ¥${Math.round(metrics.byRegion[0]!.revenue).toLocaleString('en-US')} (`,
    );
    // One data-quality statement, the code's; the (simulated) model's restatement of the counts is not repeated.
    const skipped = metrics.dataQuality.skippedRows;
    expect(skipped).toBeGreaterThan(0);
    // It says which days the rows read cover: more than the week, for the trend.
    const { orderDates, dataRows } = metrics.dataQuality;
    expect(
      body.split(
        `读取了 ${orderDates!.start} – ${orderDates!.end} 的 ${dataRows.toLocaleString('zh-CN')} 行数据（本周之外的行用于趋势、同比和本月累计），其中 ${skipped} 行无法读取，已跳过。`,
      ),
    ).toHaveLength(2);
    expect(body).not.toContain('对总数影响有限');
    // The sample export has no refund line: no refund figures, and the statement says returns are not in the data.
    expect(metrics.kpis.refunds).toBeUndefined();
    expect(body.split('数据中没有任何退款行')).toHaveLength(2);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx!.content as unknown as ArrayBuffer);
    // One sheet per breakdown, in the order the email shows them.
    expect(workbook.worksheets.map((s) => s.name)).toEqual([
      '概要',
      '每日',
      '趋势',
      '地区',
      '渠道',
      '品类',
      '热销商品 Top 10',
    ]);
    // The trend: report.trendWeeks (8) weeks, oldest first, the report's week last and equal to its KPIs.
    const trend = workbook.getWorksheet('趋势')!;
    expect(trend.rowCount).toBe(1 + 8);
    expect(trend.getRow(9).values).toEqual([
      undefined,
      new Date(`${metrics.period.start}T00:00:00Z`),
      new Date(`${metrics.period.end}T00:00:00Z`),
      metrics.kpis.revenue.current,
      metrics.kpis.orders.current,
    ]);
    const summary = workbook.worksheets[0]!;
    const revenueRow = summary.getRow(2).values as unknown[];
    expect(revenueRow.slice(1, 5)).toEqual([
      '销售额',
      metrics.kpis.revenue.current,
      metrics.kpis.revenue.previous,
      metrics.kpis.revenue.changeRatio,
    ]);
    const ordersRow = summary.getRow(3).values as unknown[];
    expect(ordersRow[2]).toBe(metrics.kpis.orders.current);
    // Counts as integers, money with cents and its currency; no refund rows where the data has no refunds.
    expect(summary.getRow(3).getCell(2).numFmt).toBe('#,##0');
    expect(summary.getRow(2).getCell(2).numFmt).toBe('"¥"#,##0.00');
    const byName = new Map(
      summary.getSheetValues().flatMap((row) => (Array.isArray(row) ? [[row[1], row] as [unknown, unknown[]]] : [])),
    );
    expect(byName.has('退款金额')).toBe(false);
    expect(byName.has('退货率')).toBe(false);
    // Under the table: why there are no refund figures, and why no year-over-year column.
    expect(summary.getRow(summary.rowCount - 1).getCell(1).value).toMatch(/^数据中没有任何退款行/);
    expect(summary.getRow(summary.rowCount).getCell(1).value).toMatch(/^数据未覆盖去年同期（2025-11-14 – 2025-11-20）/);
    expect(mail.parsed.html).not.toContain('>退款金额<'); // no KPI row
    expect(mail.parsed.html).not.toContain('>退货率<');
    const daily = workbook.worksheets[1]!;
    // Dates as dates.
    expect(daily.getRow(2).getCell(1).value).toEqual(new Date(`${metrics.period.start}T00:00:00Z`));
    const dailyRevenue = metrics.revenueByDay.map((_, i) => daily.getRow(i + 2).getCell(2).value);
    expect(dailyRevenue).toEqual(metrics.revenueByDay.map((d) => d.revenue));
    expect(summary.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });

    // The pool stopped the one GPU it started, and its process is gone.
    const [entry] = await expectGpuStopped(h);
    expect(entry!.owner.startsWith(`${h.poolId}/`)).toBe(true);
    expect(entry!.stopReason).toBe('last holder gone; idle 0s');

    // Read back through the server: status, audit search attributes, memo, and the activities in the history.
    const description = await handle.describe();
    expect(description.status.name).toBe('COMPLETED');
    expect(description.typedSearchAttributes.get(ReportDate)).toBe(REPORT_DATE);
    expect(description.typedSearchAttributes.get(ReportTrigger)).toBe('manual');
    expect(description.typedSearchAttributes.get(ReportOutcome)).toBe('sent');
    expect(description.memo?.audit).toMatchObject({
      outcome: 'sent',
      attempts: 1,
      promptSha256: result.llm?.promptSha256,
      messageId: result.messageId,
      recipientCount: 2,
    });
    const history = await handle.fetchHistory();
    const scheduled = (history.events ?? []).flatMap(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? [],
    );
    // The GPU is leased from the pool (which starts and stops it) and given back before rendering.
    expect(scheduled).toEqual([
      'acquireGpuLease',
      'loadSalesMetrics',
      'generateReport',
      'releaseGpuLease',
      'renderReport',
      'sendReportEmail',
    ]);

    // Artefacts archived under <archive>/<reportDate>/<workflowId>/<runId>/.
    expect(result.artefacts?.archive).toContain(`${REPORT_DATE}/${handle.workflowId}/${result.runId}`);
    expect((await readdir(result.artefacts!.archive)).sort()).toEqual(
      expect.arrayContaining([
        'chart.png',
        'llm-answer-1-1.json',
        'metrics.json',
        'report.html',
        'report.json',
        'report.txt',
      ]),
    );
  });

  it('renders and archives a dry run but sends nothing, and honours a recipients override', async () => {
    const before = h.sink.messages.length;
    const handle = await h.start({ reportDate: REPORT_DATE, dryRun: true, recipients: ['me@example.com'] });
    const result = await h.withWorker(handle.result());
    expect(result.outcome).toBe('dry-run');
    expect(result.messageId).toBeUndefined();
    expect(result.recipients.to).toEqual(['me@example.com']);
    expect((await readdir(result.artefacts!.archive)).filter((f) => f.endsWith('.xlsx'))).toHaveLength(1);
    expect(h.sink.messages).toHaveLength(before);
    expect((await handle.describe()).typedSearchAttributes.get(ReportOutcome)).toBe('dry-run');
  });

  it('keeps a browsable index of every report in the archive, which the email links to', async () => {
    const handle = await h.start({ reportDate: '2026-11-19', dryRun: true });
    const result = await h.withWorker(handle.result());
    const index = (await h.store.get('archive/index.html'))!.toString('utf8');
    const root = h.store.locate('archive/');
    const links = [...index.matchAll(/href="([^"]+)"/g)].map((m) => m[1]!);
    // Every report so far (the sent one and the dry runs), by date, each with its email and workbook.
    const rendered = (await h.store.list('archive/')).filter((k) => k.endsWith('/report.html'));
    expect(links.filter((l) => l.endsWith('/report.web.html')).sort()).toEqual(
      rendered.map((k) => k.slice('archive/'.length).replace(/report\.html$/, 'report.web.html')).sort(),
    );
    // The browser's copy shows the chart from the file beside it.
    const web = (await h.store.get(`archive/${links[0]!}`))!.toString('utf8');
    expect(web).toContain('src="chart.png"');
    // A workbook link per date: the date's shown run's (its other runs fold under it with their page).
    expect(links.filter((l) => l.endsWith('.xlsx'))).toHaveLength(new Set(rendered.map((k) => k.split('/')[1])).size);
    // Relative links: the folder opens from wherever it is served, here from disk.
    for (const link of links) await expect(stat(join(root, link))).resolves.toBeDefined();
    // One row per date, newest first.
    expect(index.indexOf('white-space:nowrap;">2026-11-20')).toBeLessThan(
      index.indexOf('white-space:nowrap;">2026-11-19'),
    );
    expect(index.split('white-space:nowrap;">2026-11-20')).toHaveLength(2);
    // The sent report's row is its sent run; the dry run's says it was not sent.
    const rowOf = (date: string) => index.split('<tr lang=').find((r) => r.includes(`white-space:nowrap;">${date}`))!;
    expect(rowOf('2026-11-20')).not.toContain('未发送');
    expect(rowOf('2026-11-19')).toContain('未发送');
    expect(index).toContain(result.period!.start);
    expect(index).toMatch(/<svg[^>]*role="img"/); // revenue across the reports
    expect(index).not.toMatch(/<script/);
    const [mail] = h.sink.messages;
    expect(mail!.parsed.html).toContain('href="https://reports.example.com/sales/archive/index.html"');
    expect(mail!.parsed.text).toContain('历史周报: https://reports.example.com/sales/archive/index.html');
    // The director's copy: one quiet line about the report, linking to its archive page, which has the run's details.
    const about =
      /<a href="https:\/\/reports\.example\.com\/sales\/archive\/([^"]+)" style="color:#6b7280;">关于本报告<\/a>/.exec(
        mail!.parsed.html as string,
      )?.[1];
    expect(links).toContain(about);
    expect(mail!.parsed.text).toContain(`关于本报告: https://reports.example.com/sales/archive/${about}`);
    for (const body of [mail!.parsed.html as string, mail!.parsed.text!]) {
      expect(body).not.toContain('prompt sha256');
      expect(body).not.toMatch(/GPU [\d.]+ s/);
    }
    const page = (await h.store.get(`archive/${about!}`))!.toString('utf8');
    expect(page).toMatch(/运行信息: .*prompt sha256 [0-9a-f]{12} · 1× LLM · GPU [\d.]+ s/s);
  });

  it('rejects bad input with a clear, non-retryable failure', async () => {
    const handle = await h.start({ reportDate: '2026-02-30', recipients: ['not-an-address'] });
    const { messages } = await failureOf(h.withWorker(handle.result()));
    expect(messages).toContain('reportDate "2026-02-30" is not a YYYY-MM-DD calendar date');
    expect(messages).toContain('recipients: not e-mail addresses: "not-an-address"');
  });
});
