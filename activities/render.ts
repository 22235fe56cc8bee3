import type { RenderedReport, RenderRequest } from '../temporal/contracts';
import { formatMoney } from '../report/render/format';
import { definitionOf, titleOf } from '../report/definitions';
import { sharedRenderPool } from '../report/render/render-process';
import { runUrl } from '../temporal/ui-links';
import type { ActivityDeps } from './deps';
import { thisRun } from './this-run';
import { archivePrefix, archiveRootOf } from '../store/archive';
import { reportFileName } from '../report/render/workbook';
import { writeArchiveIndex } from './archive-index';

/** archiveUrl is where the store's archive/ folder is served. */
const ARCHIVE_ROOT_LENGTH = archiveRootOf(undefined).length;

export function createRenderActivities({ config, store, renderer = sharedRenderPool() }: ActivityDeps) {
  return {
    /** Writes the email (HTML + text), the chart and the workbook into the run's archive folder. */
    async renderReport({ run: requested, metrics, generated, gpu }: RenderRequest): Promise<RenderedReport> {
      const run = thisRun(requested);
      const prefix = archivePrefix(run);
      const save = async (name: string, body: string | Buffer) => {
        await store.put(`${prefix}${name}`, body);
        return `${prefix}${name}`;
      };
      const title = titleOf(config, run.report);
      const definition = definitionOf(config, run.report);
      const archiveBase = config.report.archiveUrl?.replace(/\/+$/, '');
      // Rendered in the render process, below the worker's priority: the runs still writing come first.
      const files = await renderer.render({
        metrics,
        report: generated.report,
        locale: definition.locale,
        pdf: definition.pdf,
        title,
        simulated: generated.simulated,
        itemsLeftOut: generated.itemsDropped?.length ?? 0,
        ...(run.report?.split !== undefined && { own: run.report.split }),
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
            chartUrl: `${archiveBase}/${prefix.slice(ARCHIVE_ROOT_LENGTH)}chart.png`,
          }),
        },
      });
      const [chart, html, text, xlsx, , card, pdf] = await Promise.all([
        save('chart.png', files.chart),
        save('report.html', files.html),
        save('report.txt', files.text),
        save(reportFileName(run.report, metrics.period, 'xlsx'), files.xlsx),
        // The archive's page (the index links to it): the chart by file name, and the run's details.
        save('report.web.html', files.webHtml),
        save('card.json', JSON.stringify(files.card)),
        files.pdf && save(reportFileName(run.report, metrics.period, 'pdf'), files.pdf),
      ]);
      await writeArchiveIndex(store, config, run.report, title);
      return {
        archive: store.locate(prefix),
        files: { html, text, chart, xlsx, card, ...(pdf && { pdf }) },
        subject: files.subject,
      };
    },
  };
}
