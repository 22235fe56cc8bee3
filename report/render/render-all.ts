import type { SalesMetrics } from '../../sales/metrics';
import { periodKindOf } from '../../sales/metrics';
import type { Narrative } from '../../schemas/narrative.schema';
import type { Locale } from '../locale';
import { CHART_CID, renderRevenueChart } from './chart';
import { renderEmailHtml, renderEmailText, subjectLine, type EmailContent, type FooterFacts } from './email-content';
import { labelsFor } from './labels';
import { reportCard, type ReportCard } from './card';
import { renderWorkbook } from './workbook';
import type { PdfPrinter } from './pdf';

/** What a report is rendered from: plain data, so it can cross to the render process. */
export interface RenderInput {
  metrics: SalesMetrics;
  report: Narrative;
  locale: Locale;
  title: string;
  footer: FooterFacts;
  simulated: boolean;
  /** Items of the model's words left out because they stayed wrong. */
  itemsLeftOut?: number;
  /** Whose figures these are, when not the company's: a split value (华东, a store), its own targets' label. */
  own?: string;
  /** Print the email as a PDF too (reports[].pdf). */
  pdf?: boolean;
}

/** Every file of a rendered report, and its subject. */
export interface RenderedFiles {
  chart: Buffer;
  html: string;
  text: string;
  xlsx: Buffer;
  /** The same page for a browser (the archive's): the chart by file name, not by CID, and the run's details. */
  webHtml: string;
  subject: string;
  /** What a chat channel shows of it. */
  card: ReportCard;
  /** The email printed (A4), when asked. */
  pdf?: Buffer;
}

/**
 * The email (HTML and text), its chart, the workbook, the archive's page and, when asked, the PDF, from the report's
 * figures and words. `printer` prints the PDFs (one browser kept for the process).
 */
export async function renderAll(input: RenderInput, printer?: PdfPrinter): Promise<RenderedFiles> {
  const { metrics, report, title, footer } = input;
  const labels = labelsFor(input.locale, periodKindOf(metrics));
  const subject = subjectLine(title, metrics, labels, input.simulated);
  const content: EmailContent = {
    metrics,
    report,
    labels,
    title,
    chartSrc: `cid:${CHART_CID}`,
    copy: 'reader',
    footer,
    itemsLeftOut: input.itemsLeftOut ?? 0,
  };
  const chart = renderRevenueChart(metrics, labels);
  const html = renderEmailHtml(content);
  if (input.pdf && !printer) throw new Error('a PDF was asked for with no printer to print it');
  return {
    chart,
    html,
    text: renderEmailText(content),
    xlsx: await renderWorkbook(metrics, labels, title, input.own),
    webHtml: renderEmailHtml({ ...content, chartSrc: 'chart.png', copy: 'archive' }),
    subject,
    card: reportCard(subject, metrics, report, labels, { page: footer.aboutUrl, chart: footer.chartUrl }),
    ...(input.pdf && printer && { pdf: await printer.print(html, content.chartSrc, chart) }),
  };
}
