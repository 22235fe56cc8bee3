import { configFingerprint } from '../config/fingerprint';
import { allowedRecipients, outsideAllowList } from '../email/allow-list';
import { audienceOf, chatChannelsOf, resolveReport } from '../report/definitions';
import { dateInZone, isIsoDate } from '../sales/dates';
import { reportInputSchema, REPORT_INPUT_KEYS, type ReportInput } from '../schemas/report-input.schema';
import { createAjv } from '../schemas/validator';
import {
  nonRetryableFailure,
  type InvalidInputDetails,
  type PlanRequest,
  type ReportPlan,
} from '../temporal/contracts';
import type { PlanContext } from './deps';
import { activityMetrics } from './metrics';
import { gpuPoolOf, reportTimeouts, triggerOf } from './run-settings';

const validateInput = createAjv().compile<ReportInput>(reportInputSchema);

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
 * Fixes the run's parameters from the input and the config. The date comes from the nominal time the workflow
 * passes (schedule time or start time), never from this activity's clock, so a late retry reports the same day.
 */
export async function planReport({ config }: PlanContext, request: PlanRequest): Promise<ReportPlan> {
  const checked = checkReportInput(request.input);
  // Dated in its report's own time zone (reports[].schedule.timezone), where it names a report that exists.
  const named = checked.ok ? resolveReport(config, checked.input.report, checked.input.split) : undefined;
  const zone = named && 'definition' in named ? named.definition.timezone : config.report.timezone;
  const nominalDate = dateInZone(new Date(request.scheduledAt ?? request.startedAt), zone);
  if (!checked.ok) {
    // The date, where it can be read, still goes on the run's audit record (ReportDate) with outcome "failed".
    const raw = request.input as { reportDate?: unknown } | null;
    const reportDate = typeof raw?.reportDate === 'string' && isIsoDate(raw.reportDate) ? raw.reportDate : nominalDate;
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
  const outside = outsideAllowList(config, [...(input.recipients ?? []), ...(input.cc ?? []), ...(input.bcc ?? [])]);
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
}
