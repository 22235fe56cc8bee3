import type { GeneratedReport, GpuBill, RenderedReport, RunRef, SalesMetrics } from '../lib/contracts';
import { renderRevenueChart } from '../lib/render/chart';
import { renderEmailHtml, renderEmailText, subjectLine, type EmailContent } from '../lib/render/email-content';
import { formatMoney } from '../lib/render/format';
import { labelsFor } from '../lib/render/labels';
import { renderWorkbook } from '../lib/render/workbook';
import { runUrl } from '../lib/temporal-ui';
import type { ActivityDeps } from './deps';
import { archiveDirFor, archiveFile } from './archive';

export interface RenderRequest {
  run: RunRef;
  metrics: SalesMetrics;
  generated: GeneratedReport;
  gpu: GpuBill;
}

export const CHART_CID = 'revenue-chart@sales-report';

export function createRenderActivities({ config }: ActivityDeps) {
  return {
    /** Writes the email (HTML + text), the chart and the workbook into the run's archive folder. */
    async renderReport({ run, metrics, generated, gpu }: RenderRequest): Promise<RenderedReport> {
      const labels = labelsFor(config.report.locale);
      const dir = archiveDirFor(config.archive.dir, run);
      const title = config.report.title === 'Weekly sales report' ? labels.reportTitle : config.report.title;
      const content: EmailContent = {
        metrics,
        report: generated.report,
        labels,
        title,
        chartCid: CHART_CID,
        footer: {
          workflowId: run.workflowId,
          runId: run.runId,
          model: generated.model,
          promptSha256: generated.promptSha256,
          attempts: generated.attempts,
          gpuSeconds: gpu.billedSeconds,
          gpuCost: formatMoney(gpu.estimatedCost, gpu.currency, 'en-US', 4),
          simulated: generated.simulated,
          uiUrl: runUrl(config.temporal.uiUrl, config.temporal.namespace, run.workflowId, run.runId),
        },
      };
      const [chartPath, htmlPath, textPath, xlsxPath] = await Promise.all([
        archiveFile(dir, 'chart.png', renderRevenueChart(metrics, labels)),
        archiveFile(dir, 'report.html', renderEmailHtml(content)),
        archiveFile(dir, 'report.txt', renderEmailText(content)),
        renderWorkbook(metrics, labels).then((xlsx) =>
          archiveFile(dir, `sales-report-${metrics.period.start}_${metrics.period.end}.xlsx`, xlsx),
        ),
      ]);
      return {
        archiveDir: dir,
        chartPath,
        htmlPath,
        textPath,
        xlsxPath,
        subject: subjectLine(title, metrics, labels, generated.simulated),
      };
    },
  };
}
