import { log } from '@temporalio/activity';
import { availableParallelism } from 'node:os';
import { configFingerprint } from '../config/fingerprint';
import { dueAt, measuredWork, parseDeadline, planDeadline, type DeadlinePlan } from '../gpu/deadline';
import { everyReportSlice, reportDefinitions } from '../report/definitions';
import { dateInZone, isIsoDate } from '../sales/dates';
import { morningInputSchema, type MorningInput } from '../schemas/morning-input.schema';
import { createAjv, formatSchemaErrors } from '../schemas/validator';
import {
  nonRetryableFailure,
  type InvalidInputDetails,
  type MorningPlan,
  type PlanRequest,
} from '../temporal/contracts';
import { recentMorningTokens } from '../temporal/runs';
import { configDrift } from '../temporal/worker-configs';
import type { PlanContext } from './deps';
import { triggerOf } from './run-settings';

const validateMorningInput = createAjv().compile<MorningInput>(morningInputSchema);

/**
 * What a morning writes: its date (the input's, else the nominal one, as planReport fixes it) and every report
 * and split value the config defines, or those the input names. A name the config lacks fails before any run
 * starts.
 */
export async function planMorning(context: PlanContext, request: PlanRequest): Promise<MorningPlan> {
  const { config, temporal, now } = context;
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
  const deadline = await deadlineOf(context, request, runs.length, zone);
  return {
    reportDate: input.reportDate ?? nominalDate,
    dryRun: input.dryRun ?? false,
    runs,
    configFingerprint: configFingerprint(config),
    ...(drift && { configDrift: drift }),
    ...(deadline && { deadline }),
  };
}

/**
 * A morning the schedule started, against schedule.deadline: the instances its reports need by then, and whether
 * the pool's one instance makes it. The tokens a report takes are measured from the last mornings' audits.
 */
async function deadlineOf(
  { config, temporal, now }: PlanContext,
  request: PlanRequest,
  reports: number,
  zone: string,
): Promise<DeadlinePlan | undefined> {
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
