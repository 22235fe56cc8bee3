import {
  ApplicationFailure,
  isCancellation,
  log,
  metricMeter,
  patched,
  upsertMemo,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type {
  AuditMemo,
  DeliveryNotice,
  GeneratedReport,
  GpuBill,
  LlmCallsDetails,
  ReportNarrative,
  ReportOutcome,
  ReportPlan,
  ReportResult,
} from '../temporal/contracts';
import { causeOf, rootMessage } from './failures';
import { productMetrics, reportTag } from '../temporal/product-metrics';
import {
  ReportAlert,
  ReportNarrative as ReportNarrativeKey,
  ReportOutcome as ReportOutcomeKey,
} from '../temporal/search-attributes';

/** How a report run is ending: what the `finally` of the workflow records, alerts on and audits. */
export interface RunEnd {
  /** This run's holder key: its bill is the one that names it. */
  holder: string;
  instanceId?: string;
  result?: ReportResult;
  failure?: unknown;
  reportFailure?: ApplicationFailure;
  gpuBill?: GpuBill;
  releaseError?: string;
  alert?: AuditMemo['alert'];
  /** What ops are told about the report's email, when it needs them. */
  delivery?: DeliveryNotice;
  /** The run found its report sent by another run before sending (or a Reset found the original's receipt). */
  sentElsewhere?: boolean;
}

/**
 * delivery-told (2026-11-30): ops hear of a delivery that is unknown, of recipients the relay refused, and of a
 * recipients override. Runs recorded before raised no such alert and replay without one.
 */
const DELIVERY_TOLD = 'delivery-told';

/** The report went out, but a human should know how: unknown delivery, refused recipients, overridden recipients. */
export function deliveryNeedsAHuman(plan: ReportPlan, end: RunEnd): string | undefined {
  const result = end.result;
  // A report another run sent was that run's to tell of.
  if (!result || plan.dryRun || end.sentElsewhere) return undefined;
  const notice: DeliveryNotice = {
    ...(result.messageId && { messageId: result.messageId }),
    ...(result.outcome === 'unknown' && { unknown: true }),
    ...(result.refusedRecipients && { refused: result.refusedRecipients }),
    ...(plan.recipientsOverridden && {
      overriddenTo: [...plan.recipients.to, ...plan.recipients.cc, ...plan.recipients.bcc],
    }),
    ...(result.chat?.some((c) => !c.posted) && {
      refusedChat: result.chat.filter((c) => !c.posted).map((c) => `${c.channel}: ${c.error ?? 'refused'}`),
    }),
  };
  if (!notice.unknown && !notice.refused && !notice.overriddenTo && !notice.refusedChat) return undefined;
  if (!patched(DELIVERY_TOLD)) return undefined;
  end.delivery = notice;
  return notice.unknown
    ? `delivery unknown: ${notice.messageId ?? 'the report'} was handed to the relay, which never answered`
    : notice.refused
      ? `recipients refused by the relay: ${notice.refused.join(', ')}`
      : notice.refusedChat
        ? `chat groups refused the card: ${notice.refusedChat.join('; ')}`
        : `recipients overridden by the run's input: ${notice.overriddenTo!.join(', ')}`;
}

/** What ops must hear about, in one line, or nothing: a failure, a GPU not given back, a narrative withheld. */
export function whatNeedsAHuman(end: RunEnd): string | undefined {
  const failed = end.failure !== undefined && !isCancellation(end.failure);
  if (failed) return rootMessage(end.failure);
  if (end.gpuBill === undefined) return `GPU NOT stopped: ${end.releaseError ?? 'not confirmed'}`;
  const withheld = end.result?.llm?.narrativeWithheld;
  return withheld ? `narrative withheld: ${withheld.reason}` : undefined;
}

/** How a report this run sent went out: with its words, with items left out, or with the numbers only. */
export function sentAs(llm: Pick<GeneratedReport, 'narrativeWithheld' | 'itemsDropped'>): ReportOutcome {
  return llm.narrativeWithheld ? 'sent-numbers-only' : llm.itemsDropped?.length ? 'sent-partial' : 'sent';
}

/** What became of the model's words in this run's report, when it wrote one. */
function narrativeOf(llm: Pick<GeneratedReport, 'narrativeWithheld' | 'itemsDropped'>): ReportNarrative {
  return llm.narrativeWithheld ? 'withheld' : llm.itemsDropped?.length ? 'partial' : 'full';
}

/**
 * The outcome on the run's search attributes and its audit record in the memo, counted once (withheld words only
 * when the report went out with the numbers). No figures, no secrets. Metrics carry the report id, not the split
 * value: a label per store would make a series per store.
 */
export function recordOutcome(plan: ReportPlan, end: RunEnd): void {
  const outcome: ReportOutcome = end.result?.outcome ?? (isCancellation(end.failure) ? 'cancelled' : 'failed');
  const report = reportTag(plan.run.report);
  const split = plan.run.report?.split;
  const metrics = productMetrics(metricMeter);
  metrics.reports.add(1, { outcome, report });
  const withheld = end.result?.llm?.narrativeWithheld;
  if (outcome === 'sent-numbers-only' && withheld)
    metrics.narrativesWithheld.add(1, { reason: withheld.cause ?? 'claims', report });
  const narrative = end.result?.llm && narrativeOf(end.result.llm);
  log.info('report run ended', {
    outcome,
    reportDate: plan.run.reportDate,
    reportId: report,
    ...(split !== undefined && { split }),
    ...(narrative && { narrative }),
    ...(end.alert && { alerted: true }),
    // The reason a person reads, never a secret: the failure's own message, and its type.
    ...(outcome === 'failed' && {
      error: { message: rootMessage(end.failure), type: causeOf(end.failure)?.type ?? errorName(end.failure) },
    }),
  });
  upsertSearchAttributes([
    { key: ReportOutcomeKey, value: outcome },
    ...(narrative ? [{ key: ReportNarrativeKey, value: narrative }] : []),
    ...(end.alert ? [{ key: ReportAlert, value: end.alert.delivered.length > 0 ? 'delivered' : 'undelivered' }] : []),
  ]);
  upsertMemo({ audit: auditMemo(plan, outcome, end) });
}

function errorName(err: unknown): string | undefined {
  return err instanceof Error ? err.name : undefined;
}

function auditMemo(plan: ReportPlan, outcome: ReportOutcome, end: RunEnd): AuditMemo {
  const { result } = end;
  const gpu = ownBill(end.gpuBill, end.holder);
  return {
    trigger: plan.trigger,
    outcome,
    model: result?.llm?.model ?? plan.model,
    promptSha256: result?.llm?.promptSha256,
    schemaId: result?.llm?.schemaId,
    attempts: result?.llm?.attempts ?? llmCallsOf(end.failure),
    totalTokens: result?.llm?.usage.totalTokens,
    gpuSeconds: gpu?.billedSeconds,
    gpuCost: gpu?.estimatedCost,
    gpuCurrency: gpu?.currency,
    messageId: result?.messageId,
    recipientCount: plan.recipients.to.length + plan.recipients.cc.length + plan.recipients.bcc.length,
    ...(result?.refusedRecipients && { refusedRecipients: result.refusedRecipients.length }),
    ...(result?.llm && { narrative: narrativeOf(result.llm) }),
    ...(result?.llm?.itemsDropped && { itemsDropped: result.llm.itemsDropped.map((d) => d.item) }),
    ...(end.alert && { alert: end.alert }),
  };
}

/** How many calls to the model a failed generateReport had made, from its failure's details. */
function llmCallsOf(failure: unknown): number | undefined {
  const [details] = (causeOf(failure)?.details ?? []) as (Partial<LlmCallsDetails> | undefined)[];
  return typeof details?.llmCalls === 'number' ? details.llmCalls : undefined;
}

/** A bill recorded before a Reset point is the reset run's: counting it here would bill those GPU seconds twice. */
export function ownBill(bill: GpuBill | undefined, holder: string): GpuBill | undefined {
  return bill && (!bill.owner || bill.owner === holder) ? bill : undefined;
}
