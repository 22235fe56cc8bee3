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
  GpuBill,
  LlmCallsDetails,
  ReportOutcome,
  ReportPlan,
  ReportResult,
} from '../temporal/contracts';
import { causeOf, rootMessage } from './failures';
import { productMetrics } from '../temporal/product-metrics';
import { ReportAlert, ReportOutcome as ReportOutcomeKey } from '../temporal/search-attributes';

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
  };
  if (!notice.unknown && !notice.refused && !notice.overriddenTo) return undefined;
  if (!patched(DELIVERY_TOLD)) return undefined;
  end.delivery = notice;
  return notice.unknown
    ? `delivery unknown: ${notice.messageId ?? 'the report'} was handed to the relay, which never answered`
    : notice.refused
      ? `recipients refused by the relay: ${notice.refused.join(', ')}`
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

/** The outcome on the run's search attributes and its audit record in the memo. No figures, no secrets. */
export function recordOutcome(plan: ReportPlan, end: RunEnd): void {
  const outcome: ReportOutcome = end.result?.outcome ?? (isCancellation(end.failure) ? 'cancelled' : 'failed');
  productMetrics(metricMeter).reports.add(1, { outcome });
  log.info('report run ended', { outcome, reportDate: plan.run.reportDate, ...(end.alert && { alerted: true }) });
  upsertSearchAttributes([
    { key: ReportOutcomeKey, value: outcome },
    ...(end.alert ? [{ key: ReportAlert, value: end.alert.delivered.length > 0 ? 'delivered' : 'undelivered' }] : []),
  ]);
  upsertMemo({ audit: auditMemo(plan, outcome, end) });
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
    ...(result?.llm?.narrativeWithheld && { narrative: 'withheld' as const }),
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
