/**
 * The contracts between the workflow and its activities. Everything here crosses Temporal's history, so it holds
 * no secrets; metrics are aggregates, never order lines.
 */
import type { WeeklySalesReport } from '../schemas/weekly-sales-report.schema';
import type { IsoDate } from './dates';
import type { Locale } from './prompts';
import type { SalesMetrics } from './sales/metrics';

export type { SalesMetrics, WeeklySalesReport };

/** The workflow input. Every field optional, so `{}` typed into the Web UI's Start Workflow form works. */
export interface ReportInput {
  /** The report covers the 7 days ending the day before this date. Default: the nominal start date. */
  reportDate?: IsoDate;
  /** Replaces the configured `to` list for this run. */
  recipients?: string[];
  /** Render and archive, send nothing. */
  dryRun?: boolean;
}

export type ReportTrigger = 'schedule' | 'manual' | 'backfill';
export type ReportOutcome = 'sent' | 'failed' | 'cancelled' | 'dry-run';

export interface RunRef {
  workflowId: string;
  runId: string;
  reportDate: IsoDate;
}

export interface PlanRequest {
  input: ReportInput;
  workflowId: string;
  runId: string;
  /** TemporalScheduledStartTime, when a schedule (by its spec, a trigger or a backfill) started the run. */
  scheduledAt?: string;
  /** When this workflow execution started (ISO instant). */
  startedAt: string;
}

/** What the workflow needs from config, fixed for the run when it starts, so replays see the same values. */
export interface ReportPlan {
  run: RunRef;
  trigger: ReportTrigger;
  dryRun: boolean;
  recipients: { to: string[]; cc: string[]; bcc: string[] };
  locale: Locale;
  timezone: string;
  model: string;
  gpuProvider: string;
  /** Set when overlapping runs share one GPU through the pool workflow of this id. */
  gpuPool?: { id: string; params: GpuPoolParams };
  timeouts: {
    loadDataSeconds: number;
    gpuStartSeconds: number;
    gpuReadySeconds: number;
    gpuStopSeconds: number;
    llmSeconds: number;
    renderSeconds: number;
    emailSeconds: number;
    heartbeatSeconds: number;
    retryInitialIntervalSeconds: number;
    retryMaximumAttempts: number;
  };
}

/** A run's claim on the shared GPU pool. */
export interface LeaseRequest {
  workflowId: string;
  runId: string;
}

/** What the pool answers a run that asked for the GPU. */
export type LeaseGrant = { handle: GpuHandle } | { error: string };

/** How the pool workflow runs: fixed by the first run that starts it. */
export interface GpuPoolParams {
  model: string;
  idleGraceSeconds: number;
  holderCheckSeconds: number;
  timeouts: ReportPlan['timeouts'];
}

export interface GpuHandle {
  provider: string;
  instanceId: string;
  /** Base URL of the OpenAI-compatible server, without /v1. */
  endpoint: string;
}

export interface GpuBill {
  provider: string;
  instanceIds: string[];
  /** From the start request to the confirmed stop. */
  billedSeconds: number;
  estimatedCost: number;
  currency: string;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export interface GeneratedReport {
  report: WeeklySalesReport;
  model: string;
  promptFile: string;
  promptSha256: string;
  schemaId: string;
  /** LLM calls made in the activity execution that succeeded (1 = valid at first try). */
  attempts: number;
  /** The server said it is the simulator (x-vllm-simulator header): the words are not a model's. */
  simulated: boolean;
  usage: TokenUsage;
}

export interface RenderedReport {
  archiveDir: string;
  htmlPath: string;
  textPath: string;
  chartPath: string;
  xlsxPath: string;
  subject: string;
}

export interface EmailReceipt {
  messageId: string;
  accepted: string[];
  rejected: string[];
  /** True when a durable sent-record showed this report had already gone out (a retried send). */
  alreadySent: boolean;
}

export type Stage =
  | 'planning'
  | 'loading data and starting GPU'
  | 'waiting for GPU'
  | 'generating report'
  | 'rendering'
  | 'sending email'
  | 'stopping GPU'
  | 'done'
  | 'failed';

export interface ReportResult {
  workflowId: string;
  runId: string;
  reportDate: IsoDate;
  trigger: ReportTrigger;
  period: { start: IsoDate; end: IsoDate };
  outcome: ReportOutcome;
  messageId?: string;
  recipients: { to: string[]; cc: string[]; bcc: string[] };
  artefacts?: RenderedReport;
  llm?: Omit<GeneratedReport, 'report'>;
  gpu?: GpuBill;
  dataQuality: { dataRows: number; skippedRows: number };
}

/** Sent to the ops recipients when a run fails. */
export interface FailureAlert {
  run: RunRef;
  stage: Stage;
  error: string;
  gpuStopped: boolean;
  gpu?: GpuBill;
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
}
