import type { RenderedReport, RenderRequest } from '../temporal/contracts';
import { CHART_CID, renderRevenueChart } from '../report/render/chart';
import { renderEmailHtml, renderEmailText, subjectLine, type EmailContent } from '../report/render/email-content';
import { formatMoney } from '../report/render/format';
import { labelsFor } from '../report/render/labels';
import { renderWorkbook } from '../report/render/workbook';
import { runUrl } from '../temporal/ui-links';
import type { ActivityDeps } from './deps';
import { archiveDirFor, archiveFile } from '../store/archive';

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
