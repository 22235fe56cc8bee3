import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { formatMoney } from '../../report/render/format';
import { withheldNote } from '../../report/withheld';
import { kpisOf, type SalesMetrics } from '../../sales/metrics';
import { loadConfiguredSlices, WHOLE_WEEK } from '../../sales/source';
import { LeaseBook } from '../../gpu/leases';
import { archiveRootOf } from '../../store/archive';
import { WORKFLOW_TYPES, type MorningAudit, type ReportInput } from '../../temporal/contracts';
import { morningResults, type RunSummary } from '../../temporal/runs';
import { ReportDate, ReportOutcome } from '../../temporal/search-attributes';
import type { morningReports, salesReport as reportRun } from '../../workflows';
import type { ReceivedMail } from '../../dev/smtp-sink';
import { salesReport, temporalCli, writeConfig } from '../helpers/cli';
import { recordHistory, REPORT_DATE, withHarness } from '../helpers/harness';

const RECIPIENTS = {
  华东: ['east@example.com'],
  华北: ['north@example.com'],
  华中: ['central@example.com'],
  // In the mapping, not in the data: its report fails, alone.
  东北: ['northeast@example.com'],
};

/** Every money figure of a slice, as the email (no decimals) and the workbook (cents) write it: 4 digits and up. */
function moneyFigures(m: SalesMetrics): number[] {
  const values = [
    ...kpisOf(m).flatMap(([key, k]) => (key === 'revenue' || key === 'refunds' ? [k.current, k.previous] : [])),
    ...[...m.byChannel, ...m.byCategory, ...m.byRegion].flatMap((r) => [r.revenue, r.previousRevenue]),
    ...m.topProducts.map((p) => p.revenue),
  ];
  return [...new Set(values.filter((v) => Math.abs(v) >= 1000))];
}

/** Every number a slice's report may show in any role (a mover's delta, an average), to the yuan. */
function shownToTheYuan(m: SalesMetrics): Set<number> {
  const found = new Set<number>();
  const walk = (x: unknown): void => {
    if (typeof x === 'number') found.add(Math.round(Math.abs(x)));
    else if (x && typeof x === 'object') Object.values(x).forEach(walk);
  };
  walk(m);
  return found;
}

async function workbookText(
  mail: ReceivedMail,
): Promise<{ text: string; numbers: number[]; file: string; title: string; printHeader: string }> {
  const xlsx = mail.parsed.attachments.find((a) => a.filename?.endsWith('.xlsx'));
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(xlsx!.content as unknown as ArrayBuffer);
  const texts: string[] = [];
  const numbers: number[] = [];
  book.eachSheet((sheet) =>
    sheet.eachRow((row) =>
      row.eachCell((cell) => {
        if (typeof cell.value === 'number') numbers.push(cell.value);
        else texts.push(String(cell.text));
      }),
    ),
  );
  return {
    text: texts.join('\n'),
    numbers,
    file: xlsx!.filename!,
    title: book.title,
    printHeader: book.worksheets.map((w) => w.headerFooter.oddHeader ?? '').join('\n'),
  };
}

describe('a report split by region: one report per value, each to its own readers with its own figures only', () => {
  it('sends each region its report in one morning, fails the region without data alone, tells ops once of what needs them, and re-runs one value', async () => {
    // A chat robot on loopback: each report that needs a human posts its own line there.
    const posted: { subject?: string }[] = [];
    const robot = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        posted.push(JSON.parse(Buffer.concat(chunks).toString()) as { subject?: string });
        res.writeHead(200).end('{}');
      });
    });
    await new Promise<void>((r) => robot.listen(0, '127.0.0.1', r));
    const robotPort = (robot.address() as AddressInfo).port;
    await withHarness(
      {
        // The morning's first answer is junk and a run asks once: one region's words are withheld, whichever asks first.
        simArgs: ['--junk', '1'],
        config: {
          llm: { maxAttempts: 1 },
          alerts: { webhooks: [{ kind: 'generic', url: `http://127.0.0.1:${robotPort}/hook` }] },
          reports: [
            { id: 'by-region', title: '区域周报', period: 'week', split: { by: 'region', recipients: RECIPIENTS } },
          ],
        },
      },
      async (h) => {
        const morning = await h.client.workflow.start<typeof morningReports>(WORKFLOW_TYPES.morning, {
          taskQueue: h.config.temporal.taskQueue,
          workflowId: `morning-${randomUUID()}`,
          args: [{ reportDate: REPORT_DATE }],
        });
        const results = await h.withWorker(morningResults(morning));
        const outcome: Record<string, string> = Object.fromEntries(results.map((r) => [r.split ?? r.id, r.outcome]));
        expect(outcome['东北']).toBe('failed');
        expect(results.find((r) => r.split === '东北')?.error).toContain('no lines for region "东北" in the data read');
        const withheld = results.filter((r) => r.outcome === 'sent-numbers-only');
        expect(withheld).toHaveLength(1);
        expect(results.filter((r) => r.outcome === 'sent')).toHaveLength(2);
        const withheldRegion = withheld[0]!.split!;
        for (const r of results.filter((x) => x.outcome !== 'failed')) {
          expect(r.audience).toEqual(RECIPIENTS[r.split as keyof typeof RECIPIENTS]);
          expect(r.tokens).toBeGreaterThan(0);
          expect(r.gpuSeconds).toBeGreaterThan(0);
        }

        // Each region's email went to that region's readers alone; ops heard of the one that failed.
        const reports = h.sink.messages.filter(
          (m) => m.parsed.subject?.includes('区域周报') && !m.envelope.to.includes('ops@example.com'),
        );
        expect(reports.map((m) => m.envelope.to.join(',')).sort()).toEqual(
          ['central@example.com', 'east@example.com', 'north@example.com'].sort(),
        );
        // The numbers-only email is still its own report: its title and value as the headline, the note once, no
        // section left empty.
        const numbersOnly = reports.find((m) =>
          m.envelope.to.includes(RECIPIENTS[withheldRegion as keyof typeof RECIPIENTS][0]!),
        )!;
        const numbersOnlyText = numbersOnly.parsed.text ?? '';
        expect(numbersOnlyText).toContain(`区域周报 · ${withheldRegion}（仅数据，文字解读暂缺）`);
        expect(numbersOnlyText.split(withheldNote('zh-CN', 'junk'))).toHaveLength(2);
        expect(numbersOnly.parsed.html as string).not.toContain('亮点');
        // The morning is red in the Web UI, and keeps its own audit: each report's end, the GPU shares summed.
        const described = await morning.describe();
        expect(described.status.name).toBe('FAILED');
        expect(described.typedSearchAttributes.get(ReportOutcome)).toBe('failed');
        const audit = described.memo?.audit as MorningAudit;
        expect(audit.reports.map((r) => `${r.split}:${r.outcome}`).sort()).toEqual(
          results.map((r) => `${r.split}:${r.outcome}`).sort(),
        );
        expect(audit.gpuSecondsShared).toBeCloseTo(
          results.reduce((sum, r) => sum + (r.gpuSeconds ?? 0), 0),
          1,
        );
        // Ops got one email for the morning, naming both reports that need them, by title and value, with why;
        // the robot got one line for each, from the report's own run.
        const opsMail = h.sink.messages.filter((m) => m.envelope.to.includes('ops@example.com'));
        expect(opsMail.map((m) => m.parsed.subject)).toEqual([
          '[MORNING FAILED] Sales reports 2026-11-20: 1 failed, 1 sent with the numbers only of 4',
        ]);
        expect(opsMail[0]!.parsed.text).toContain('区域周报 · 东北: ');
        expect(opsMail[0]!.parsed.text).toContain('no lines for region "东北"');
        expect(opsMail[0]!.parsed.text).toContain(
          `区域周报 · ${withheldRegion}: numbers only: the model wrote no usable text`,
        );
        expect(posted.map((p) => p.subject)).toEqual(
          expect.arrayContaining([
            expect.stringMatching(
              /^\[FAILED\] 区域周报 · 东北 2026-11-20 \(loading data and starting GPU\): .*no lines for region "东北"/,
            ),
            `[NARRATIVE WITHHELD] 区域周报 · ${withheldRegion} 2026-11-20 was sent with the numbers only: the model wrote no usable text`,
          ]),
        );
        expect(posted).toHaveLength(2);

        // No figure of another region, nor of the company, in the body, the text, the subject or the workbook.
        const slices = await loadConfiguredSlices(h.config, { llmApiKey: 'EMPTY' }, REPORT_DATE, {
          slicing: { split: 'region' },
          period: 'week',
        });
        const [whole] = Object.values(
          await loadConfiguredSlices(h.config, { llmApiKey: 'EMPTY' }, REPORT_DATE, WHOLE_WEEK),
        );
        const regions = Object.keys(slices);
        expect(regions.length).toBe(5);
        for (const mail of reports) {
          const own = regions.find((r) => RECIPIENTS[r as keyof typeof RECIPIENTS]?.[0] === mail.envelope.to[0])!;
          // A figure of another region that this one also has (in any role, to the yuan) would prove nothing.
          const ownFigures = shownToTheYuan(slices[own]!);
          const foreign = [
            ...regions.filter((r) => r !== own).flatMap((r) => moneyFigures(slices[r]!)),
            whole!.kpis.revenue.current,
            whole!.kpis.revenue.previous,
          ].filter((v) => !ownFigures.has(Math.round(Math.abs(v))));
          expect(foreign.length).toBeGreaterThan(20);
          const book = await workbookText(mail);
          const written = [mail.parsed.subject ?? '', mail.parsed.html as string, mail.parsed.text ?? '', book.text];
          expect(mail.parsed.subject).toContain(`区域周报 · ${own}`);
          expect(mail.parsed.html).toContain(formatMoney(slices[own]!.kpis.revenue.current, 'CNY', 'zh-CN', 0));
          for (const text of written) {
            for (const other of regions.filter((r) => r !== own)) expect(text).not.toContain(other);
            for (const v of foreign)
              for (const shown of [formatMoney(v, 'CNY', 'zh-CN', 0), formatMoney(v, 'CNY', 'zh-CN', 2)])
                expect(text, `${own}'s report shows ${shown}`).not.toContain(shown);
          }
          for (const v of foreign) expect(book.numbers, `${own}'s workbook holds ${v}`).not.toContain(v);
          expect(book.numbers).toContain(slices[own]!.kpis.revenue.current);
          // The workbook names its own value however it is opened, saved or printed.
          expect(book.file).toMatch(
            new RegExp(`^sales-report-by-region-${own}-\\d{4}-\\d{2}-\\d{2}_\\d{4}-\\d{2}-\\d{2}\\.xlsx$`),
          );
          expect(book.title).toBe(`区域周报 · ${own}`);
          expect(book.printHeader).toContain(`区域周报 · ${own}`);
        }

        // Each region's archive is its own folder, whose front page lists its runs alone.
        const eastIndex = (await h.store.get(`${archiveRootOf({ id: 'by-region', split: '华东' })}index.html`))!;
        expect(eastIndex.toString()).toContain('区域周报 · 华东');
        for (const other of regions.filter((r) => r !== '华东')) expect(eastIndex.toString()).not.toContain(other);

        // Found by report and split value, by the Temporal CLI and by runs list.
        const address = h.config.temporal.address;
        /** The workflow ids `temporal workflow list --query` finds, as the Web UI's list query would. */
        const found = async (query: string) =>
          (
            (await temporalCli(address, 'workflow', 'list', '--query', query)) as {
              execution: { workflowId: string };
            }[]
          ).map((w) => w.execution.workflowId);
        expect(await found(`ReportId='by-region' AND ReportSplit='华北'`)).toEqual([
          `${morning.workflowId}/by-region/华北`,
        ]);
        // The one whose words were withheld, found as the Web UI lists it.
        expect(await found(`ReportNarrative='withheld' AND TaskQueue='${h.config.temporal.taskQueue}'`)).toEqual([
          `${morning.workflowId}/by-region/${withheldRegion}`,
        ]);

        // One value re-run from a `temporal workflow start` input, as typed into the Web UI: sent again with resend.
        /** `temporal workflow start` of a report run with `input`, as an operator types it: its workflow id. */
        const startFromCli = async (name: string, input: ReportInput) => {
          const workflowId = `${name}-${randomUUID()}`;
          await temporalCli(
            address,
            'workflow',
            'start',
            '--type',
            WORKFLOW_TYPES.report,
            '--task-queue',
            h.config.temporal.taskQueue,
            '--workflow-id',
            workflowId,
            '--input',
            JSON.stringify(input),
          );
          return workflowId;
        };
        const rerunId = await startFromCli('rerun', {
          reportDate: REPORT_DATE,
          report: 'by-region',
          split: '华北',
          resend: true,
        });
        const rerun = await h.withWorker(h.client.workflow.getHandle<typeof reportRun>(rerunId).result());
        // Sent again (a new instance of the simulator answers junk first again: its words may be withheld too).
        expect(rerun.outcome).toMatch(/^sent/);
        expect(rerun.recipients).toEqual({ to: ['north@example.com'], cc: [], bcc: [] });
        // The same value re-run without resend: it went out this morning, so the run ends before the GPU.
        const againId = await startFromCli('again', { reportDate: REPORT_DATE, report: 'by-region', split: '华东' });
        const again = await h.withWorker(h.client.workflow.getHandle<typeof reportRun>(againId).result());
        expect(again.outcome).toBe('already-sent');
        expect(again.sentBy).toContain(`${morning.workflowId}/by-region/华东/`);
        expect(await new LeaseBook(h.store).get(`${againId}/${again.runId}`)).toBeUndefined();
        // A typo in the value is refused before anything starts, naming the values there are.
        const typoId = await startFromCli('typo', { report: 'by-region', split: '华 北' });
        const typo = await h
          .withWorker(h.client.workflow.getHandle<typeof reportRun>(typoId).result())
          .catch((e: Error & { cause?: Error }) => e.cause?.message ?? e.message);
        expect(typo).toContain('report "by-region" has no region "华 北" (its values: 华东, 华北, 华中, 东北');

        // A morning refused at start (a report name mistyped) is a failed morning of its date, found as one.
        const refused = await h.client.workflow.start<typeof morningReports>(WORKFLOW_TYPES.morning, {
          taskQueue: h.config.temporal.taskQueue,
          workflowId: `morning-typo-${randomUUID()}`,
          args: [{ reportDate: REPORT_DATE, reports: ['by-regoin'] }],
        });
        const refusal = await h.withWorker(refused.result()).catch((e: Error & { cause?: Error }) => e.cause?.message);
        expect(refusal).toContain('reports "by-regoin" not defined (reports: by-region)');
        const refusedAttributes = (await refused.describe()).typedSearchAttributes;
        expect(refusedAttributes.get(ReportOutcome)).toBe('failed');
        expect(refusedAttributes.get(ReportDate)).toBe(REPORT_DATE);

        const configPath = await writeConfig(h.dir, h.config);
        // The morning is found as one whose reports did not all go out, each report's end counted.
        const mornings = JSON.parse(
          (await salesReport(configPath, 'runs', 'list', '--mornings', '--outcome', 'failed', '--json')).stdout,
        ) as RunSummary[];
        expect(mornings.find((m) => m.workflowId === morning.workflowId)?.reports).toEqual({
          sent: 2,
          'sent-numbers-only': 1,
          failed: 1,
        });
        const morningTable = (await salesReport(configPath, 'runs', 'list', '--mornings')).stdout;
        expect(morningTable).toMatch(/failed \((?=.*2 sent)(?=.*1 failed)(?=.*1 sent-numbers-only)[^)]*\)/);
        const runs = await salesReport(
          configPath,
          'runs',
          'list',
          '--report',
          'by-region',
          '--split',
          '华北',
          '--json',
        );
        const rows = JSON.parse(runs.stdout) as { workflowId: string; report: string; split: string }[];
        expect(rows.map((r) => r.workflowId).sort()).toEqual([`${morning.workflowId}/by-region/华北`, rerunId].sort());
        expect(rows.every((r) => r.report === 'by-region' && r.split === '华北')).toBe(true);
        const numbersOnlyRows = JSON.parse(
          (await salesReport(configPath, 'runs', 'list', '--narrative', 'withheld', '--json')).stdout,
        ) as { workflowId: string; narrative: string }[];
        expect(numbersOnlyRows).toContainEqual(
          expect.objectContaining({
            workflowId: `${morning.workflowId}/by-region/${withheldRegion}`,
            outcome: 'sent-numbers-only',
            narrative: 'withheld',
          }),
        );
        expect(numbersOnlyRows.every((r) => r.narrative === 'withheld')).toBe(true);

        // The morning's GPU bill split across its reports: each sent region's runs and their shares.
        const cost = await salesReport(configPath, 'cost', '--by-report', '--month', '2026-11', '--json');
        const byReport = JSON.parse(cost.stdout) as { report: string; runs: number; gpuSeconds: number }[];
        const share = (report: string) => byReport.find((r) => r.report === report);
        expect(share('by-region · 华北')?.runs).toBe(2);
        for (const region of ['华东', '华北', '华中'])
          expect(share(`by-region · ${region}`)?.gpuSeconds).toBeGreaterThan(0);
        const eastShare = results.find((r) => r.split === '华东')!.gpuSeconds!;
        expect(share('by-region · 华东')?.gpuSeconds).toBeCloseTo(eastShare, 1);

        await recordHistory(morning, 'morning-reports-split-by-region');
        await recordHistory(h.client.workflow.getHandle(rerunId), 'sent-split-value-rerun');
      },
    ).finally(() => new Promise<void>((r) => robot.close(() => r())));
  }, 240_000);
});
