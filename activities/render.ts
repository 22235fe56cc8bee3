import type { RenderedReport, RenderRequest } from '../temporal/contracts';
import { CHART_CID, renderRevenueChart } from '../report/render/chart';
import { renderEmailHtml, renderEmailText, subjectLine, type EmailContent } from '../report/render/email-content';
import { formatMoney } from '../report/render/format';
import { labelsFor } from '../report/render/labels';
import { titleOf } from '../report/definitions';
import { periodKindOf } from '../sales/metrics';
import { renderWorkbook } from '../report/render/workbook';
import { runUrl } from '../temporal/ui-links';
import type { ActivityDeps } from './deps';
import { thisRun } from './this-run';
import { archivePrefix, archiveRootOf } from '../store/archive';
import { writeArchiveIndex } from './archive-index';

/** archiveUrl is where the store's archive/ folder is served. */
const ARCHIVE_ROOT_LENGTH = archiveRootOf(undefined).length;

export function createRenderActivities({ config, store }: ActivityDeps) {
  return {
    /** Writes the email (HTML + text), the chart and the workbook into the run's archive folder. */
    async renderReport({ run: requested, metrics, generated, gpu }: RenderRequest): Promise<RenderedReport> {
      const run = thisRun(requested);
      const labels = labelsFor(config.report.locale, periodKindOf(metrics));
      const prefix = archivePrefix(run);
      const save = async (name: string, body: string | Buffer) => {
        await store.put(`${prefix}${name}`, body);
        return `${prefix}${name}`;
      };
      const title = titleOf(config, run.report);
      const archiveBase = config.report.archiveUrl?.replace(/\/+$/, '');
      const content: EmailContent = {
        metrics,
        report: generated.report,
        labels,
        title,
        chartSrc: `cid:${CHART_CID}`,
        copy: 'reader',
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
          ...(archiveBase && {
            archiveUrl: `${archiveBase}/${archiveRootOf(run.report).slice(ARCHIVE_ROOT_LENGTH)}index.html`,
            aboutUrl: `${archiveBase}/${prefix.slice(ARCHIVE_ROOT_LENGTH)}report.web.html`,
          }),
        },
      };
      const [chart, html, text, xlsx] = await Promise.all([
        save('chart.png', renderRevenueChart(metrics, labels)),
        save('report.html', renderEmailHtml(content)),
        save('report.txt', renderEmailText(content)),
        renderWorkbook(metrics, labels).then((workbook) =>
          save(`sales-report-${metrics.period.start}_${metrics.period.end}.xlsx`, workbook),
        ),
        // The same page for a browser (the archive's index links to it): the chart by file name, not by CID.
        // It is the report's archive page: it carries the run's details, which the director's copy links to.
        save('report.web.html', renderEmailHtml({ ...content, chartSrc: 'chart.png', copy: 'archive' })),
      ]);
      await writeArchiveIndex(store, config, run.report, title);
      return {
        archive: store.locate(prefix),
        files: { html, text, chart, xlsx },
        subject: subjectLine(title, metrics, labels, generated.simulated),
      };
    },
  };
}
