import { gpuPoolId, type Config } from '../config/config';
import { configFingerprint } from '../config/fingerprint';
import { reportInputSchema, REPORT_INPUT_KEYS, type ReportInput } from '../schemas/report-input.schema';
import { morningInputSchema, type MorningInput } from '../schemas/morning-input.schema';
import { formatSchemaErrors } from '../schemas/validator';
import { createAjv } from '../schemas/validator';
import {
  nonRetryableFailure,
  type InvalidInputDetails,
  type MorningPlan,
  type PlanRequest,
  type ReportPlan,
  type ReportTimeouts,
  type ReportTrigger,
} from '../temporal/contracts';
import { dateInZone, isIsoDate } from '../sales/dates';
import type { ActivityDeps } from './deps';
import { audienceOf, chatChannelsOf, everyReportSlice, reportDefinitions, resolveReport } from '../report/definitions';
import { activityMetrics } from './metrics';
import { lifecycleTaskQueue } from '../gpu/lifecycle-queue';
import { configDrift } from '../temporal/worker-configs';
import { log } from '@temporalio/activity';
import { availableParallelism } from 'node:os';
import { dueAt, measuredWork, parseDeadline, planDeadline, type DeadlinePlan } from '../gpu/deadline';
import { recentMorningTokens } from '../temporal/runs';

const validateInput = createAjv().compile<ReportInput>(reportInputSchema);
const validateMorningInput = createAjv().compile<MorningInput>(morningInputSchema);

/**
 * The input checked against its schema, with problems said for the person who typed it into the Web UI: the unknown
 * key and the accepted ones, the value that is not a date or an address.
 */
export function checkReportInput(raw: unknown): { ok: true; input: ReportInput } | { ok: false; problems: string[] } {
  const input = raw ?? {};
  if (validateInput(input)) return { ok: true, input };
  const accepted = REPORT_INPUT_KEYS.join(', ');
  const problems = new Set<string>();
  for (const e of validateInput.errors ?? []) {
    const field = e.instancePath.split('/')[1];
    const value: unknown = field === undefined ? input : (input as Record<string, unknown>)[field];
    if (e.instancePath === '' && e.keyword === 'type') {
      const got = Array.isArray(input) ? 'a list' : `${typeof input === 'string' ? 'a string' : typeof input}`;
      problems.add(`the input must be a JSON object such as {} or {"reportDate":"2026-11-20"}, not ${got}`);
    } else if (e.keyword === 'additionalProperties') {
      const key = (e.params as { additionalProperty: string }).additionalProperty;
      problems.add(`unknown key "${key}" (accepted: ${accepted})`);
    } else if (field === 'reportDate') {
      problems.add(`reportDate ${JSON.stringify(value)} is not a YYYY-MM-DD calendar date`);
    } else if (field === 'dryRun') {
      problems.add('dryRun must be true or false');
    } else if (Array.isArray(value) && e.keyword === 'format') {
      const bad = value.filter((v) => typeof v !== 'string' || !validateInput({ [field!]: [v] }));
      problems.add(`${field}: not e-mail addresses: ${bad.map((b) => JSON.stringify(b)).join(', ')}`);
    } else {
      problems.add(`${field ?? 'input'}: ${e.message ?? e.keyword}`);
    }
  }
  return { ok: false, problems: [...problems] };
}

/**
 * The server marks every schedule-started run with its nominal time but does not say whether the spec, a manual
 * trigger or a backfill started it. A normal action starts within the catch-up window (plus jitter) of its nominal
 * time; a run whose nominal time is further back than that can only be a backfill. A trigger counts as "schedule".
 */
export function triggerOf(request: Pick<PlanRequest, 'scheduledAt' | 'startedAt'>, config: Config): ReportTrigger {
  if (!request.scheduledAt) return 'manual';
  const lateMs = Date.parse(request.startedAt) - Date.parse(request.scheduledAt);
  const allowedMs = (config.schedule.catchupWindowSeconds + config.schedule.jitterSeconds + 60) * 1000;
  return lateMs > allowedMs ? 'backfill' : 'schedule';
}

/** Who a recipients override may name: email.allowedRecipients, else the configured recipients' domains. */
export function allowedRecipients(config: Config): string[] {
  const { email } = config;
  const configured = [
    ...email.to,
    ...email.cc,
    ...email.bcc,
    ...email.alertTo,
    ...reportDefinitions(config).flatMap((d) => [
      ...d.to,
      ...d.cc,
      ...d.bcc,
      ...Object.values(d.splitRecipients ?? {}).flat(),
    ]),
  ];
  return email.allowedRecipients ?? [...new Set(configured.map((a) => a.split('@')[1]!.toLowerCase()))];
}

/** The addresses outside the allow-list: an entry with "@" is an address, one without a domain. */
export function outsideAllowList(config: Config, addresses: string[]): string[] {
  const allowed = allowedRecipients(config).map((a) => a.toLowerCase().replace(/^@/, ''));
  return addresses.filter((address) => {
    const a = address.toLowerCase();
    const domain = a.split('@')[1] ?? '';
    return !allowed.some((entry) => (entry.includes('@') ? entry === a : entry === domain));
  });
}

/** A report run's time limits, from the config: the plan fixes them, and the pool's params take their GPU part. */
export function reportTimeouts(config: Config): ReportTimeouts {
  const t = config.timeouts;
  const gpu = config.gpu;
  return {
    loadDataSeconds: t.loadDataSeconds,
    gpuStartSeconds: t.gpuStartSeconds,
    gpuReadySeconds: gpu.readyTimeoutSeconds,
    gpuStopSeconds: gpu.stopTimeoutSeconds,
    llmSeconds: config.llm.requestTimeoutSeconds * config.llm.maxAttempts,
    llmSlotWaitSeconds: config.llm.slotWaitSeconds,
    renderSeconds: t.renderSeconds,
    // A send waits for the relay's answer to the end of DATA for as long as RFC 5321 allows.
    emailSeconds: Math.max(
      t.emailSeconds,
      config.email.smtp.dataTimeoutSeconds + 2 * config.email.smtp.connectionTimeoutSeconds,
    ),
    heartbeatSeconds: t.heartbeatSeconds,
    retryInitialIntervalSeconds: t.retryInitialIntervalSeconds,
    retryMaximumAttempts: t.retryMaximumAttempts,
  };
}

/** The pool a run leases from, and how it runs: the same for every run and for a morning's order to it. */
export function gpuPoolOf(config: Config): ReportPlan['gpuPool'] {
  const pool = config.gpu.pool;
  const lifecycleQueue = lifecycleTaskQueue(config);
  return {
    id: gpuPoolId(config),
    params: {
      model: config.llm.model,
      idleGraceSeconds: pool.idleGraceSeconds,
      holderCheckSeconds: pool.holderCheckSeconds,
      timeouts: reportTimeouts(config),
      ...(lifecycleQueue && { lifecycleTaskQueue: lifecycleQueue }),
      historyEventsBeforeContinueAsNew: pool.historyEventsBeforeContinueAsNew,
      maxConcurrentRequests: config.llm.maxConcurrentRequests,
      // A pool of one runs as pools always have; its params (and so its recorded history) are unchanged.
      ...(pool.maxInstances > 1 && { maxInstances: pool.maxInstances }),
    },
  };
}

export function createPlanActivities({ config, temporal, now = () => new Date() }: ActivityDeps) {
  /**
   * A morning the schedule started, against schedule.deadline: the instances its reports need by then, and whether
   * the pool's one instance makes it. The tokens a report takes are measured from the last mornings' audits.
   */
  async function deadlineOf(request: PlanRequest, reports: number, zone: string): Promise<DeadlinePlan | undefined> {
    const { deadline } = config.schedule;
    if (deadline === undefined || !request.scheduledAt || triggerOf(request, config) !== 'schedule') return undefined;
    const mornings = await recentMorningTokens(temporal, config.temporal.taskQueue).catch((err: unknown) => {
      log.warn('could not read the last mornings: the plan takes the default tokens a report', {
        error: (err as Error).message,
      });
      return [];
    });
    const { serving } = config.gpu;
    return planDeadline(
      reports,
      measuredWork(mornings),
      { name: config.gpu.provider, ...serving, hourlyPrice: config.gpu.hourlyPrice },
      dueAt(parseDeadline(deadline), new Date(request.scheduledAt), zone),
      now(),
      availableParallelism(),
      config.gpu.pool.maxInstances,
    );
  }

  return {
    /**
     * What a morning writes: its date (the input's, else the nominal one, as planReport fixes it) and every report
     * and split value the config defines, or those the input names. A name the config lacks fails before any run
     * starts.
     */
    async planMorning(request: PlanRequest): Promise<MorningPlan> {
      const input = request.input ?? {};
      // A refused morning still says which date it was for (its audit attributes): the input's, else the nominal one.
      const asked = (input as { reportDate?: unknown }).reportDate;
      const refused: InvalidInputDetails = {
        reportDate:
          typeof asked === 'string' && isIsoDate(asked)
            ? asked
            : dateInZone(new Date(request.scheduledAt ?? request.startedAt), config.report.timezone),
      };
      if (!validateMorningInput(input))
        throw nonRetryableFailure(
          'InvalidInput',
          `Invalid workflow input: ${formatSchemaErrors(validateMorningInput.errors).join('; ')}`,
          refused,
        );
      const all = everyReportSlice(config);
      const defined = [...new Set(all.map((r) => r.id))];
      const unknown = (input.reports ?? []).filter((id) => !defined.includes(id));
      if (unknown.length > 0)
        throw nonRetryableFailure(
          'InvalidInput',
          `Invalid workflow input: reports ${unknown.map((id) => JSON.stringify(id)).join(', ')} not defined (reports: ${defined.join(', ')})`,
          refused,
        );
      const runs = input.reports ? all.filter((r) => input.reports!.includes(r.id)) : all;
      // A schedule of reports with a time zone of their own (reports[].schedule) dates them in it.
      const zones = new Set(
        reportDefinitions(config).flatMap((d) => (runs.some((r) => r.id === d.id) ? [d.timezone] : [])),
      );
      const zone = zones.size === 1 ? [...zones][0]! : config.report.timezone;
      const nominalDate = dateInZone(new Date(request.scheduledAt ?? request.startedAt), zone);
      // Workers of this queue on another config: a rollout half done, told to ops. Never in the morning's way.
      const drift = await configDrift(temporal, config, now()).catch((err: unknown) => {
        log.warn('could not ask the server which configs the workers run', { error: (err as Error).message });
        return undefined;
      });
      const deadline = await deadlineOf(request, runs.length, zone);
      return {
        reportDate: input.reportDate ?? nominalDate,
        dryRun: input.dryRun ?? false,
        runs,
        configFingerprint: configFingerprint(config),
        ...(drift && { configDrift: drift }),
        ...(deadline && { deadline }),
      };
    },
    /**
     * Fixes the run's parameters from the input and the config. The date comes from the nominal time the workflow
     * passes (schedule time or start time), never from this activity's clock, so a late retry reports the same day.
     */
    async planReport(request: PlanRequest): Promise<ReportPlan> {
      const checked = checkReportInput(request.input);
      // Dated in its report's own time zone (reports[].schedule.timezone), where it names a report that exists.
      const named = checked.ok ? resolveReport(config, checked.input.report, checked.input.split) : undefined;
      const zone = named && 'definition' in named ? named.definition.timezone : config.report.timezone;
      const nominalDate = dateInZone(new Date(request.scheduledAt ?? request.startedAt), zone);
      if (!checked.ok) {
        // The date, where it can be read, still goes on the run's audit record (ReportDate) with outcome "failed".
        const raw = request.input as { reportDate?: unknown } | null;
        const reportDate =
          typeof raw?.reportDate === 'string' && isIsoDate(raw.reportDate) ? raw.reportDate : nominalDate;
        throw nonRetryableFailure('InvalidInput', `Invalid workflow input: ${checked.problems.join('; ')}`, {
          reportDate,
        } satisfies InvalidInputDetails);
      }
      const input = checked.input;
      const which = named!;
      if ('problem' in which) {
        // A morning planned it on another config: a rollout half done, not a typo.
        const own = configFingerprint(config);
        const drift =
          request.plannedWith && request.plannedWith !== own
            ? `. A deployment fault, not an input error: this worker's config (fingerprint ${own}) is not the one its morning planned with (${request.plannedWith}); roll the same config out to every worker of the task queue, then run it again`
            : '';
        throw nonRetryableFailure('InvalidInput', `Invalid workflow input: ${which.problem}${drift}`, {
          reportDate: input.reportDate ?? nominalDate,
        } satisfies InvalidInputDetails);
      }
      // A config without `reports` writes the one default report, under the names it always had.
      const report = config.reports && {
        id: which.definition.id,
        ...(input.split !== undefined && { split: which.slice }),
      };
      const audience = audienceOf(which.definition, which.slice);
      const outside = outsideAllowList(config, [
        ...(input.recipients ?? []),
        ...(input.cc ?? []),
        ...(input.bcc ?? []),
      ]);
      if (outside.length > 0) {
        activityMetrics().recipientsRefused.add(outside.length, { reason: 'allow-list' });
        throw nonRetryableFailure(
          'InvalidInput',
          `Invalid workflow input: ${outside.map((a) => JSON.stringify(a)).join(', ')} ${outside.length === 1 ? 'is' : 'are'} not among the allowed recipients (${allowedRecipients(config).join(', ')}; config email.allowedRecipients)`,
          { reportDate: input.reportDate ?? nominalDate, refusedRecipients: outside } satisfies InvalidInputDetails,
        );
      }

      const reportDate = input.reportDate ?? nominalDate;
      const chat = chatChannelsOf(which.definition, report?.split);
      const timeouts = reportTimeouts(config);
      return {
        run: { workflowId: request.workflowId, runId: request.runId, reportDate, ...(report && { report }) },
        trigger: triggerOf(request, config),
        dryRun: input.dryRun ?? false,
        ...(input.resend && { resend: true }),
        ...((input.recipients || input.cc || input.bcc) && { recipientsOverridden: true }),
        // The groups its card goes to, by kind (their URLs hold tokens: they stay in the config, out of history). A run
        // whose recipients were overridden ("just to me") posts to no group.
        ...(chat.length > 0 && !(input.recipients || input.cc || input.bcc) && { chat: chat.map((c) => c.kind) }),
        ...(config.llm.onModelDown === 'numbers-only' && { numbersOnlyWhenModelDown: true }),
        delivery: {
          withinSeconds: config.email.delivery.withinMinutes * 60,
          firstRetrySeconds: config.email.delivery.firstRetrySeconds,
          maxRetrySeconds: config.email.delivery.maxRetrySeconds,
          lateAfterSeconds: config.email.delivery.lateAfterMinutes * 60,
        },
        // An override replaces every recipient: "just to me" must not reach the configured cc (the CFO).
        recipients: input.recipients
          ? { to: input.recipients, cc: input.cc ?? [], bcc: input.bcc ?? [] }
          : { to: audience.to, cc: input.cc ?? audience.cc, bcc: input.bcc ?? audience.bcc },
        model: config.llm.model,
        gpuPool: gpuPoolOf(config),
        timeouts,
      };
    },
  };
}
