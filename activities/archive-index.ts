import type { Config } from '../config/config';
import { renderArchiveIndex, type ArchivedReport } from '../report/render/archive-index';
import { labelsFor } from '../report/render/labels';
import { definitionOf } from '../report/definitions';
import type { Locale } from '../report/locale';
import type { SalesMetrics } from '../sales/metrics';
import { archiveRootOf, type ReportRef } from '../store/archive';
import type { Store } from '../store/store';

/** Beside a run's archived report once the relay accepted its email: the index shows that run for its date. */
export const SENT_MARKER = 'sent.json';

/**
 * Rewrites archive/index.html from every rendered report in the store: after a render (a new row) and after a send
 * (the row's run becomes the one sent). Each write is whole, so two at once leave a complete index either way.
 */
export async function writeArchiveIndex(
  store: Store,
  config: Config,
  report: ReportRef | undefined,
  title: string,
): Promise<void> {
  const root = archiveRootOf(report);
  const { locale } = definitionOf(config, report);
  const keys = await store.list(root);
  const reports: ArchivedReport[] = [];
  // Only this report's runs: <date>/<workflowId>/<runId>/ under its root (other reports' folders sit beside them).
  const ownRun = /^\d{4}-\d{2}-\d{2}\/[^/]+\/[^/]+\/report\.html$/;
  for (const html of keys.filter((k) => ownRun.test(k.slice(root.length)))) {
    const dir = html.slice(0, -'report.html'.length);
    const [metrics, page] = await Promise.all([store.get(`${dir}metrics.json`), store.get(html)]);
    if (!metrics || !page) continue;
    const m = JSON.parse(metrics.toString('utf8')) as SalesMetrics;
    const own = (ext: string) =>
      keys.find((k) => k.startsWith(dir) && k.endsWith(ext) && !k.slice(dir.length).includes('/'));
    const [xlsx, pdf] = [own('.xlsx'), own('.pdf')];
    const [reportDate = '', , runId = ''] = dir.slice(root.length).split('/');
    const web = `${dir}report.web.html`;
    // Each row in its own report's language: the one its page was written in.
    const lang = /<html lang="([^"]+)"/.exec(page.subarray(0, 300).toString('utf8'))?.[1];
    reports.push({
      reportDate,
      runId,
      locale: (lang === 'en-US' ? 'en-US' : lang === 'zh-CN' ? 'zh-CN' : locale) satisfies Locale,
      sent: keys.includes(`${dir}${SENT_MARKER}`),
      html: (keys.includes(web) ? web : html).slice(root.length),
      ...(xlsx && { xlsx: xlsx.slice(root.length) }),
      ...(pdf && { pdf: pdf.slice(root.length) }),
      metrics: m,
    });
  }
  await store.put(`${root}index.html`, renderArchiveIndex(reports, labelsFor(locale), title));
}
