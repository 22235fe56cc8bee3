import type { RenderedReport, RenderRequest } from '../temporal/contracts';
import { CHART_CID, renderRevenueChart } from '../report/render/chart';
import { renderEmailHtml, renderEmailText, subjectLine, type EmailContent } from '../report/render/email-content';
import { formatMoney } from '../report/render/format';
import { labelsFor } from '../report/render/labels';
import { renderWorkbook } from '../report/render/workbook';
import { runUrl } from '../temporal/ui-links';
import type { ActivityDeps } from './deps';
import { archivePrefix } from '../store/archive';

export function createRenderActivities({ config, store }: ActivityDeps) {
  return {
    /** Writes the email (HTML + text), the chart and the workbook into the run's archive folder. */
    async renderReport({ run, metrics, generated, gpu }: RenderRequest): Promise<RenderedReport> {
      const labels = labelsFor(config.report.locale);
      const prefix = archivePrefix(run);
      const save = async (name: string, body: string | Buffer) => {
        await store.put(`${prefix}${name}`, body);
        return `${prefix}${name}`;
      };
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
          gpu: gpu
            ? `GPU ${gpu.billedSeconds.toFixed(1)} s (${formatMoney(gpu.estimatedCost, gpu.currency, 'en-US', 4)})`
            : 'GPU stop not confirmed yet',
          simulated: generated.simulated,
          uiUrl: runUrl(config.temporal.uiUrl, config.temporal.namespace, run.workflowId, run.runId),
        },
      };
      const [chart, html, text, xlsx] = await Promise.all([
        save('chart.png', renderRevenueChart(metrics, labels)),
        save('report.html', renderEmailHtml(content)),
        save('report.txt', renderEmailText(content)),
        renderWorkbook(metrics, labels).then((workbook) =>
          save(`sales-report-${metrics.period.start}_${metrics.period.end}.xlsx`, workbook),
        ),
      ]);
      return {
        archive: store.locate(prefix),
        files: { html, text, chart, xlsx },
        subject: subjectLine(title, metrics, labels, generated.simulated),
      };
    },
  };
}
