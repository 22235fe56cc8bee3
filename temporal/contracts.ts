/**
 * Everything that crosses Temporal's history, in one module: workflow, signal and query names, the workflow input and
 * result, the activity requests and answers, and the failure types. It holds no secrets; metrics are aggregates,
 * never order lines. Workflow code imports it, so it imports nothing with I/O.
 *
 * Terminology, one word per thing, in code, docs and logs:
 * - **run**: one workflow execution (workflow id + run id). A Reset or a re-run is a new run of the same report.
 * - **report**: what a report run produces for one report date: metrics, words, rendered files, one email. The
 *   config may define several (`reports`), each by its **report id**; a report **split** by a field is one report
 *   per value of it, each a run of its own with its **slice** of the figures (sales/slices.ts).
 * - **morning**: the reports due together, written by one `morningReports` run: one child run per report and split
 *   value, one GPU boot for all of them.
 * - **plan**: what a run fixes from its input and the config when it starts (`ReportPlan`), so replays see it.
 * - **pool**: the workflow that owns the GPU's life (`gpuPool`), one per pool id.
 * - **instance**: one GPU machine or model-server process the pool started; its ledger key is the **instance key**
 *   "<poolId>/<poolRunId>/<generation>" (stored as `owner` in ledger entries).
 * - **holder**: a run that asked for (or holds) the pool's instance (`Holder`); its **holder key** is
 *   "<workflowId>/<runId>" (gpu/holders.ts, the one home of both key formats).
 * - **lease**: a holder's claim from acquire to release, kept as a lease record with its share of the time.
 * - **grant**: the pool's answer to a holder: the instance's handle, or why there is none (`LeaseGrant`).
 * - **slot**: leave to have one call to the model in flight, held by a holder while it generates; the pool hands
 *   out llm.maxConcurrentRequests of them per instance across every host, first come first served.
 * - **fleet**: a pool of more than one instance (gpu.pool.maxInstances); a morning's **order** says how many it
 *   needs for its deadline; an instance that **drains** takes no new slot and stops when its last one is given back.
 * - **handle**: where an instance serves (`GpuHandle`). **bill**: what GPU time cost (`GpuBill`): an instance's own,
 *   or a run's share of its lease.
 * - **reaper**: the scheduled sweep that stops managed instances no live pool holds.
 */
import { ApplicationFailure } from '@temporalio/common';
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { DroppedItem } from '../report/narrative';
import type { WithheldCause } from '../report/withheld';
import type { ReportInput } from '../schemas/report-input.schema';
import type { Narrative } from '../schemas/narrative.schema';
import type { IsoDate } from '../sales/dates';
import type { SalesMetrics } from '../sales/metrics';
import type { GpuBill } from '../gpu/billing';
import type { DeadlinePlan } from '../gpu/deadline';
import type { Holder } from '../gpu/holders';
import type { GpuHandle, GpuInstance } from '../gpu/providers/provider';
import type { ReportRef, RunRef } from '../store/archive';
import type { MorningInput } from '../schemas/morning-input.schema';
import type { EmailReceipt } from '../store/sent-records';
import type { ChatKind } from '../chat/card-requests';

export type { EmailReceipt, GpuBill, GpuHandle, Holder, ReportRef, RunRef, SalesMetrics, Narrative };

/** Workflow types as registered by the worker: the names of the functions workflows/index.ts exports. */
export const WORKFLOW_TYPES = {
  report: 'salesReport',
  /**
   * The report run's name until 2026-12-08, when it came to write daily flashes and months to date too: still
   * registered for runs recorded, running or scheduled under it (workflows/index.ts), and listed with the rest.
   */
  reportAsNamedBefore: 'weeklySalesReport',
  morning: 'morningReports',
  gpuPool: 'gpuPool',
  gpuReaper: 'gpuReaper',
  missedReportCheck: 'missedReportCheck',
} as const;

/** Every name a report run has had: what a query for report runs asks for. */
export const REPORT_WORKFLOW_TYPES = [WORKFLOW_TYPES.report, WORKFLOW_TYPES.reportAsNamedBefore] as const;

/** The `type` of every ApplicationFailure the product raises; `ReportFailed` wraps the others at the workflow. */
export const FAILURE_TYPES = [
  'InvalidInput',
  'SalesDataError',
  'GpuNotReady',
  'GpuFailed',
  'GpuCloudRefused',
  'ReportSchemaViolation',
  'LlmRequestRejected',
  'SmtpRejected',
  'StoreFault',
  'ReportFailed',
] as const;
export type FailureType = (typeof FAILURE_TYPES)[number];

/** A failure that retrying will not fix, typed so its `type` is one of the product's. */
export function nonRetryableFailure(type: FailureType, message: string, details?: unknown): ApplicationFailure {
  return details === undefined
    ? ApplicationFailure.nonRetryable(message, type)
    : ApplicationFailure.nonRetryable(message, type, details);
}

/** The workflow input: its schema (schemas/report-input.schema.ts) is the one home of its shape. */
export type { MorningInput, ReportInput };

export type ReportTrigger = 'schedule' | 'manual' | 'backfill';
/**
 * How a report run ended, one word everywhere (search attribute, memo, result, morning, metrics, CLI):
 * `sent`: the report went out with the model's words; `sent-numbers-only`: it went out with the words withheld;
 * `sent-partial`: it went out with items of the words left out (they stayed wrong); `already-sent`: the same report
 * (date, report, split value, recipients) had gone out from another run, so this one sent nothing; `unknown`: the
 * relay never answered the end of DATA, so whether it was delivered is not known (ops are told). Runs recorded
 * before 2026-12-07 said `sent` for the two kinds of partly sent report.
 */
export const REPORT_OUTCOMES = [
  'sent',
  'sent-numbers-only',
  'sent-partial',
  'already-sent',
  'failed',
  'cancelled',
  'dry-run',
  'unknown',
] as const;
export type ReportOutcome = (typeof REPORT_OUTCOMES)[number];

/** The outcomes of a run that sent its report itself. */
export const SENT_OUTCOMES: readonly ReportOutcome[] = ['sent', 'sent-numbers-only', 'sent-partial'];

/** Whether the date's report reached its readers: this run sent it, or another run had. */
export function reportDelivered(outcome: string | undefined): boolean {
  return outcome === 'already-sent' || SENT_OUTCOMES.includes(outcome as ReportOutcome);
}

/** What became of the model's words (search attribute ReportNarrative): printed whole, in part, or withheld. */
export const REPORT_NARRATIVES = ['full', 'partial', 'withheld'] as const;
export type ReportNarrative = (typeof REPORT_NARRATIVES)[number];

export interface PlanRequest {
  /** As the run was started: checked against the input schema by planReport, not trusted before. */
  input: unknown;
  workflowId: string;
  runId: string;
  /** TemporalScheduledStartTime, when a schedule (by its spec, a trigger or a backfill) started the run. */
  scheduledAt?: string;
  /** When this workflow execution started (ISO instant). */
  startedAt: string;
  /** For a morning's run: the config fingerprint the morning planned with. */
  plannedWith?: string;
}

/** Details a failed generateReport carries: how many calls to the model the run made in all. */
export interface LlmCallsDetails {
  llmCalls: number;
}

/** Details of an InvalidInput failure: the date the run would have reported on, for its audit record. */
export interface InvalidInputDetails {
  reportDate: IsoDate;
  /** Recipients the input named outside email.allowedRecipients, when that was why. */
  refusedRecipients?: string[];
}

/** A run refused at start that ops must hear of: outside recipients asked for, or a scheduled run's bad input. */
export interface InputRefusal {
  run: { workflowId: string; runId: string };
  reportDate?: IsoDate;
  error: string;
  refusedRecipients?: string[];
}

/**
 * What the workflow needs from config, fixed for the run when it starts, so replays see the same values. Rendering
 * and generation read the live config (locale, time zone): they run in activities, which replay does not re-run.
 */
export interface ReportPlan {
  run: RunRef;
  trigger: ReportTrigger;
  dryRun: boolean;
  /** Send even when this date's report already went to these recipients (input `resend`). */
  resend?: boolean;
  recipients: { to: string[]; cc: string[]; bcc: string[] };
  /** The recipients came from the input, not the config: ops are told who got the report. */
  recipientsOverridden?: boolean;
  /** The chat groups its card goes to after the email (reports[].chat), by kind; unset: none (and in plans before). */
  chat?: ChatKind[];
  /** llm.onModelDown "numbers-only": a model that cannot be reached still leaves a report with the numbers. */
  numbersOnlyWhenModelDown?: boolean;
  model: string;
  /** The pool workflow the run leases its GPU from. */
  gpuPool: { id: string; params: GpuPoolParams };
  timeouts: ReportTimeouts;
  /** How long the email keeps trying a relay that is away (email.delivery); unset in plans made before. */
  delivery?: { withinSeconds: number; firstRetrySeconds: number; maxRetrySeconds: number; lateAfterSeconds: number };
}

/** Ops told that a report's email waits for the relay (`late`), or that it went out after all (`sent`). */
export interface DelayNotice {
  run: RunRef;
  state: 'late' | 'sent';
  /** What the relay said last. */
  error?: string;
  nextTryInSeconds?: number;
  /** How long the email keeps trying before it gives up. */
  giveUpInSeconds?: number;
  messageId?: string;
}

/** Time limits of an instance's life and of the pool's own activities; retries apply to every activity. */
export interface GpuTimeouts {
  gpuStartSeconds: number;
  gpuReadySeconds: number;
  gpuStopSeconds: number;
  /** The pool's stop alert is an email. */
  emailSeconds: number;
  heartbeatSeconds: number;
  retryInitialIntervalSeconds: number;
  retryMaximumAttempts: number;
}

/** Time limits of a report run's activities. */
export interface ReportTimeouts extends GpuTimeouts {
  loadDataSeconds: number;
  llmSeconds: number;
  /** How long a run waits for a slot to call the model (llm.slotWaitSeconds); unset in plans made before slots. */
  llmSlotWaitSeconds?: number;
  renderSeconds: number;
}

/**
 * What the pool answers a run that asked for the GPU. `runId` (the run it answers) lets a run that asked again after
 * a Reset tell its own grant from one meant for the run it replaced.
 */
export type LeaseGrant = ({ handle: GpuHandle } | { error: string }) & { runId?: string };

/** How the pool workflow runs: fixed by the first run that starts it, carried over when it continues as new. */
export interface GpuPoolParams {
  model: string;
  idleGraceSeconds: number;
  holderCheckSeconds: number;
  timeouts: GpuTimeouts;
  /**
   * Where the instance's start, readiness and stop activities run. Set for local-process, whose server is a
   * process of one host: that host's own task queue. Unset: the report task queue (any worker).
   */
  lifecycleTaskQueue?: string;
  /** The pool continues as new after this many history events (or when the server suggests it). */
  historyEventsBeforeContinueAsNew?: number;
  /**
   * Calls to the model in flight at once, across every run on every host (llm.maxConcurrentRequests): the pool
   * hands out that many **slots**. Unset in pools started before slots: no bound.
   */
  maxConcurrentRequests?: number;
  /**
   * gpu.pool.maxInstances: the most instances the pool runs at once. Above 1 the pool runs a **fleet**
   * (workflows/gpu-fleet.ts): as many instances as the morning's order asks, one more when the reports fall behind
   * it, each stopped once no report needs it; each instance has maxConcurrentRequests slots. Unset or 1: one instance.
   */
  maxInstances?: number;
}

/**
 * A morning's order to the pool (gpu/deadline.ts): how many instances to start at once for its reports and deadline.
 * `dueInSeconds` counts from when the pool takes the order.
 */
export interface FleetOrder {
  /** The morning that ordered, by workflow id: a later order replaces it. */
  morning: string;
  instances: number;
  reports: number;
  dueInSeconds: number;
}

/** One instance of a fleet as a pool hands it to its next run (only instances that serve or drain are carried). */
export interface FleetInstanceCarry {
  owner: string;
  /** Its place among the fleet's instances (0 … maxInstances-1): which port or candidate it starts on first. */
  place: number;
  handle: GpuHandle;
  draining: boolean;
  /** Runs holding one of its slots. */
  holding: Holder[];
}

/** What a fleet hands to its next run when it continues as new. */
export interface FleetCarry {
  instances: FleetInstanceCarry[];
  order?: FleetOrder & { seen: string[]; ticks: number };
  /** Reports written (slots given back) and holder checks with a call in flight since the fleet last changed: the rate. */
  written: number;
  servingTicks: number;
  /** The ticks (with a call in flight, and of the order) when the last report was written. */
  writtenAt?: { servingTicks: number; orderTicks: number };
  added: number;
}

/** What a pool hands to its next run when it continues as new: the instance it runs and who holds it. */
export interface GpuPoolCarry {
  /** Generation of the instance it runs (or last ran): its instance key is "<poolId>/<poolRunId>/<generation>". */
  generation: number;
  /** The running instance (`owner`: its instance key) and its grant; absent when none runs. */
  instance?: { owner: string; grant: LeaseGrant };
  holders: Holder[];
  /** Holders that asked but were not answered yet. */
  waiting: Holder[];
  /** Runs holding a slot to call the model, and runs waiting for one, first come first served. */
  slots?: { holding: Holder[]; waiting: Holder[] };
  /** A fleet's instances, order and measured rate (params.maxInstances above 1). */
  fleet?: FleetCarry;
}

/** Tells ops that a pool's instance could not be stopped: it keeps trying. */
export interface GpuStopAlert {
  poolId: string;
  /** The instance key ("<poolId>/<poolRunId>/<generation>"). */
  owner: string;
  instanceId?: string;
  error: string;
}

/** The pool asks which of its holders ended without releasing. */
export interface EndedHoldersRequest {
  poolId: string;
  /** The holders to look at (named `requests` in recorded histories). */
  requests: Holder[];
}

export interface EndedHolder {
  /** The holder whose run ended (named `request` in recorded histories). */
  request: Holder;
  /** How its run closed: TERMINATED, TIMED_OUT, FAILED, … or NOT FOUND. */
  status: string;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /**
   * Of the prompt tokens, those the server's prefix cache held (the fixed system prompt), which cost no prefill: as
   * vLLM reports them (`usage.prompt_tokens_details.cached_tokens`, with --enable-prompt-tokens-details). Unset when
   * the server does not say, and in runs recorded before.
   */
  cachedPromptTokens?: number;
}

export interface GeneratedReport {
  report: Narrative;
  model: string;
  promptFile: string;
  promptSha256: string;
  schemaId: string;
  /** Calls to the model this run made in all, across activity retries (1 = valid at the first call). */
  attempts: number;
  /** The server said it is the simulator (x-vllm-simulator header): the words are not a model's. */
  simulated: boolean;
  /** The accepted answer came wrapped in a Markdown code fence, which was taken out (the JSON itself was valid). */
  fenceStripped?: boolean;
  /** No answer passed the checks: `report` is a one-line note, the numbers go out alone, ops are told why. */
  narrativeWithheld?: NarrativeWithheld;
  /**
   * Items of the model's words that stayed wrong after repair, left out of `report` (the rest is printed, and the
   * email's data-quality line says how many): which, what they said and why.
   */
  itemsDropped?: DroppedItem[];
  usage: TokenUsage;
}

export interface RenderedReport {
  /** Where the run's archive is, for people: a folder, or an s3:// URL. */
  archive: string;
  /** Store keys of what was rendered. */
  /** `card`: what a chat channel shows of it (report/render/card.ts), as JSON; unset in runs recorded before. */
  /** `pdf`: the email printed, when the report asks for one (reports[].pdf). */
  files: { html: string; text: string; chart: string; xlsx: string; card?: string; pdf?: string };
  subject: string;
}

export type Stage =
  | 'planning'
  | 'loading data and starting GPU'
  | 'waiting for GPU'
  | 'waiting for a model slot'
  | 'generating report'
  | 'rendering'
  | 'sending email'
  | 'waiting for the relay'
  | 'posting to chat'
  | 'stopping GPU'
  | 'done'
  | 'failed';

/** The report run's current stage, for the Web UI and `runs show` while it runs. */
export const progressQuery = defineQuery<Stage>('progress');

/** A run asks the GPU pool for the GPU, and gives it back. */
export const acquireGpuSignal = defineSignal<[Holder]>('acquireGpu');
export const releaseGpuSignal = defineSignal<[Holder]>('releaseGpu');
/** The pool's answer to a run that asked. */
export const gpuGrantedSignal = defineSignal<[LeaseGrant]>('gpuGranted');
/**
 * A run asks the pool for a slot to call the model (one of llm.maxConcurrentRequests), and gives it back when its
 * words are written; the pool answers with llmSlotGranted, naming the run.
 */
export const requestLlmSlotSignal = defineSignal<[Holder]>('requestLlmSlot');
export const releaseLlmSlotSignal = defineSignal<[Holder]>('releaseLlmSlot');
/** A fleet's grant names the instance the slot is on (`handle`): the run calls it; a later grant moves the run. */
export const llmSlotGrantedSignal = defineSignal<[{ runId: string; handle?: GpuHandle }]>('llmSlotGranted');
/** A morning tells the pool how many instances its reports need by its deadline (params.maxInstances above 1). */
export const orderGpusSignal = defineSignal<[FleetOrder]>('orderGpus');
/** Who holds the pool's GPU now, as holder keys. */
export const holdersQuery = defineQuery<string[]>('holders');

export interface ReportResult {
  workflowId: string;
  runId: string;
  reportDate: IsoDate;
  trigger: ReportTrigger;
  /** The week, day or month the report covers; absent when the run ended before reading the data (already sent). */
  period?: { start: IsoDate; end: IsoDate };
  outcome: ReportOutcome;
  /** The report email this run sent; never another run's (that one is `sentBy`). */
  messageId?: string;
  recipients: { to: string[]; cc: string[]; bcc: string[] };
  artefacts?: RenderedReport;
  llm?: Omit<GeneratedReport, 'report'>;
  gpu?: GpuBill;
  dataQuality?: { dataRows: number; skippedRows: number };
  /** Recipients the relay refused while it took the others. */
  refusedRecipients?: string[];
  /** The run that had sent this date's report to these recipients (outcome "already-sent"), as "<workflowId>/<runId>". */
  sentBy?: string;
  /** Each chat group's card: posted (now or by an earlier attempt), or refused with the robot's words. */
  chat?: ChatPost[];
}

/** One chat group's card of a run: `channel` is "<kind> <n>" in the report's chat list. */
export interface ChatPost {
  channel: string;
  posted: boolean;
  error?: string;
}

/** A report's cards to its chat groups, after its email: which run, and where its rendered card is. */
export interface PostReportCardsRequest {
  run: RunRef;
  rendered: RenderedReport;
  resend?: boolean;
}

/** The memo key a morning leaves on its runs: the nominal time its schedule started it, for their trigger and date. */
export const MORNING_SCHEDULED_AT = 'morningScheduledAt';
/** The memo key of the config fingerprint a morning planned its runs with: a worker on another config says so. */
export const MORNING_CONFIG = 'morningConfig';

/** What morningReports is asked to write (planMorning): the date, and each report and split value a run of its own. */
export interface MorningPlan {
  reportDate: IsoDate;
  dryRun: boolean;
  runs: ReportRef[];
  /** The fingerprint of the config the morning planned with (config/fingerprint.ts); unset in plans made before. */
  configFingerprint?: string;
  /** Workers of the task queue running another config than the one planned with, when any were polling. */
  configDrift?: ConfigDrift;
  /** The morning against schedule.deadline, when the schedule started it and a deadline is set. */
  deadline?: DeadlinePlan;
}

/** Ops told that a morning will not make its deadline on one GPU instance, or did not make it. */
export interface DeadlineAlert {
  morning: RunRef & { reportDate: IsoDate };
  kind: 'at-risk' | 'missed';
  plan: DeadlinePlan;
  reports: number;
  /** missed: the reports not out at the deadline. */
  pending?: ReportRef[];
}

/** Two configs on one task queue, as the server's pollers show them (temporal/worker-configs.ts). */
export interface ConfigDrift {
  plannedWith: string;
  taskQueue: string;
  workers: { fingerprint: string; identities: string[] }[];
}

/** Ops told of a morning planned while the task queue's workers ran two configs. */
export interface ConfigDriftAlert {
  morning: RunRef;
  drift: ConfigDrift;
}

/** One report of a morning as it ended: its run, its outcome, its tokens and its share of the GPU. */
export interface MorningReportResult extends ReportRef {
  workflowId: string;
  outcome: ReportOutcome;
  /** Who it went to (to). */
  audience: string[];
  tokens?: number;
  /** Its tokens by kind, for the next mornings' plans; unset in results recorded before. */
  usage?: TokenUsage;
  gpuSeconds?: number;
  /** Why it failed, when it did. */
  error?: string;
  /** Why its words were withheld, when they were (outcome sent-numbers-only). */
  withheld?: string;
}

/** Sent to the ops recipients when a run fails, or when its report went out but its GPU is not stopped. */
export interface FailureAlert {
  run: RunRef;
  stage: Stage;
  error: string;
  gpuStopped: boolean;
  gpu?: GpuBill;
  /** The instance and why its stop failed, when it did. */
  gpuStopError?: { instanceId?: string; error: string };
  /** True when the report itself was sent (or rendered, for a dry run): only what follows needs a human. */
  reportDelivered?: boolean;
  /** The report went out with its narrative withheld: why, and the model's last rejected text. */
  narrativeWithheld?: NarrativeWithheld;
  /** What became of the report's email, when it needs a human: unknown, refused recipients, an override. */
  delivery?: DeliveryNotice;
  /** How the words were made, when the run got that far: the engineering details the director's copy leaves out. */
  llm?: { model: string; promptSha256: string; attempts: number; simulated?: boolean };
  /** The run's morning mails ops one digest of its failed and withheld reports: this one goes to the webhooks only. */
  inMorningDigest?: boolean;
}

/** What a morning tells ops once, in one email, of its reports that need a human (failed, or words withheld). */
export interface MorningDigest {
  morning: { workflowId: string; runId: string };
  reportDate: IsoDate;
  /** How many reports the morning ran. */
  reports: number;
  needsHuman: MorningReportResult[];
}

/** The audit record a morning keeps in its memo: each report's end, and the morning's GPU seconds summed. */
export interface MorningAudit {
  outcome: ReportOutcome;
  reports: {
    id: string;
    split?: string;
    outcome: ReportOutcome;
    audience: number;
    tokens?: number;
    gpuSeconds?: number;
  }[];
  /** The sum of the reports' GPU shares (each run's share of the pool's instance time). */
  gpuSecondsShared: number;
  tokens: number;
  /** The tokens by kind of the reports that wrote, what the next mornings plan with; unset in audits before. */
  usage?: { reportsWritten: number; promptTokens: number; cachedPromptTokens: number; completionTokens: number };
  /** schedule.deadline: when it was due, whether every report was out by then, and what the plan said. */
  deadline?: {
    dueAt: string;
    met: boolean;
    instancesNeeded: number;
    /** The instances the pool ran the morning on (gpu.pool.maxInstances at most); unset in audits before fleets. */
    instancesPlanned?: number;
    oneInstanceFinishSeconds: number;
    /** Where the plan's tokens a report came from: the last mornings, or the default. */
    basis: string;
    /** How the pool's count was worked out, in words checked by hand; unset in audits before fleets. */
    derivation?: string;
  };
}

/** What ops hear about a report's email besides failures. */
export interface DeliveryNotice {
  messageId?: string;
  /** Handed to the relay, no answer: it may or may not have arrived. */
  unknown?: boolean;
  /** Recipients the relay refused while it took the others. */
  refused?: string[];
  /** The recipients came from the run's input, not the config. */
  overriddenTo?: string[];
  /** Chat groups that refused the report's card: "<kind> <n>: <the robot's words>". */
  refusedChat?: string[];
}

/** Which channels took an alert (email, each webhook), and why the others did not. */
export interface AlertReceipt {
  delivered: string[];
  failed: { channel: string; error: string }[];
}

/** The audit record kept in the workflow memo. No sales figures, no secrets. */
export interface AuditMemo {
  trigger: ReportTrigger;
  outcome: ReportOutcome;
  model?: string;
  promptSha256?: string;
  schemaId?: string;
  attempts?: number;
  totalTokens?: number;
  gpuSeconds?: number;
  gpuCost?: number;
  gpuCurrency?: string;
  messageId?: string;
  recipientCount: number;
  /** How many recipients the relay refused (their addresses are in the run's result and the alert). */
  refusedRecipients?: number;
  /** What became of the model's words, when the run wrote any (runs recorded before 2026-12-07: "withheld" only). */
  narrative?: ReportNarrative;
  /** The items of the model's words left out because they stayed wrong ("highlights[1]"): names, no figures. */
  itemsDropped?: string[];
  /** Whether the run's alert (if it raised one) reached a human, and through which channels. */
  alert?: { delivered: string[]; error?: string };
}

/** The requests the report workflow makes of its activities. */
export interface GenerateReportRequest {
  run: RunRef;
  gpu: GpuHandle;
  metrics: SalesMetrics;
}

/** The model could not be reached: the report goes out with the numbers and this reason for ops. */
export interface WithholdNarrativeRequest {
  run: RunRef;
  /** Why, as the failure said it. */
  error: string;
  /** The failure's type (`LlmRequestRejected`: the server refused the request, which is not "unreachable"). */
  failureType?: string;
}

/** Why a report went out without the model's words: the one true cause, every attempt's reasons, the last answer. */
export interface NarrativeWithheld {
  reason: string;
  rejectedText: string;
  /** Absent in runs recorded before causes were told apart. */
  cause?: WithheldCause;
}

export interface RenderRequest {
  run: RunRef;
  metrics: SalesMetrics;
  generated: GeneratedReport;
  /** Absent when the GPU's stop is not confirmed yet: the report goes out all the same. */
  gpu?: GpuBill;
}

/** Which send findReportSend looks for: this run's report (date, report, split value) to these recipients. */
export type FindReportSendRequest = Pick<SendReportRequest, 'run' | 'recipients'>;

export interface SendReportRequest {
  run: RunRef;
  rendered: RenderedReport;
  recipients: ReportPlan['recipients'];
  resend?: boolean;
}

export interface WaitGpuReadyRequest {
  /** The instance key. */
  owner: string;
  handle: GpuHandle;
  model: string;
}

export interface AcquireLeaseRequest {
  poolId: string;
  params: GpuPoolParams;
  request: Holder;
}

/** Where a fleet starts an instance: its place, and the instances its others run on, which it must not take. */
export interface StartGpuOptions {
  place: number;
  avoid: GpuInstance[];
}

export interface ReleaseLeaseRequest {
  poolId: string;
  request: Holder;
}

/** The missed-report check's input: the dates to check (default: those due by now). */
export interface MissedReportCheckInput {
  dates?: IsoDate[];
}

/** A report date with no sent report, and the runs that were made for it. */
export interface MissingReport {
  reportDate: IsoDate;
  /** Which report and split value went without (config reports); absent: the default report. */
  report?: ReportRef;
  runs: { workflowId: string; runId: string; status: string; outcome?: string }[];
}

/** What the reaper did with one instance of the ledger. */
export interface ReapedInstance {
  instanceId: string;
  holder: string;
  action: 'stopped' | 'kept' | 'needs attention';
  reason: string;
  upSeconds: number;
}
