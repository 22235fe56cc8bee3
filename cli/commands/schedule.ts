import { createInterface } from 'node:readline/promises';
import { ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import type { Command } from 'commander';
import { addDays, formatInZone, isIsoDate, startOfDayInZone } from '../../sales/dates';
import {
  applySchedule,
  appliedSettings,
  mainReportSchedule,
  managedSchedules,
  reportSchedules,
  staleReportSchedules,
} from '../../temporal/schedule';
import { ReportOutcome } from '../../temporal/search-attributes';
import { servedSchedule } from '../../temporal/served-schedules';
import { missedFires } from '../../report/definitions';
import { UsageError, type CliContext } from '../context';
import { table } from '../table';

export function scheduleCommands(program: Command, context: () => CliContext): void {
  const schedule = program
    .command('schedule')
    .description('the Temporal Schedule that starts the report every morning');

  schedule
    .command('apply')
    .description('create or update the report schedule and the GPU reaper schedule from the config (idempotent)')
    .action(async () => {
      const ctx = context();
      const client = await ctx.client();
      for (const definition of managedSchedules(ctx.config)) {
        const outcome = await applySchedule(client, definition);
        ctx.print({ scheduleId: definition.id, ...outcome }, () => {
          if (outcome.result === 'created') return `created schedule ${definition.id}: ${definition.summary}`;
          if (outcome.result === 'unchanged') return `schedule ${definition.id} already matches the config: no change`;
          return `updated schedule ${definition.id}:\n${outcome.changes.map((c) => `  ${c}`).join('\n')}`;
        });
      }
      // A report moved to another cron: its old schedule would write it at the old time too.
      for (const id of await staleReportSchedules(client, ctx.config)) {
        await client.schedule.getHandle(id).delete();
        ctx.print(
          { scheduleId: id, result: 'deleted' },
          () => `deleted schedule ${id}: no report is written at its time any more`,
        );
      }
    });

  schedule
    .command('describe')
    .description('the next 5 fire times and the recent runs with their outcomes')
    .option('--json', 'JSON instead of text')
    .option(SCHEDULE_OPTION, SCHEDULE_HELP)
    .action(async (options: { json?: boolean; schedule?: string }) => {
      const ctx = context();
      const client = await ctx.client();
      const id = reportScheduleId(ctx, options.schedule);
      const description = await client.schedule.getHandle(id).describe();
      const settings = appliedSettings(description);
      const tz = description.spec.timezone ?? ctx.config.report.timezone;
      const recent = await Promise.all(
        description.info.recentActions.map(async (a) => {
          const wf = a.action.workflow;
          const run = await client.workflow
            .getHandle(wf.workflowId, wf.firstExecutionRunId)
            .describe()
            .catch(() => undefined);
          return {
            scheduledAt: a.scheduledAt.toISOString(),
            workflowId: wf.workflowId,
            runId: wf.firstExecutionRunId,
            status: run?.status.name,
            outcome: run?.typedSearchAttributes.get(ReportOutcome),
          };
        }),
      );
      // The server lists as "next" the times it computed at its last update: after an outage, a past minute.
      const now = new Date();
      const next = description.info.nextActionTimes.filter((t) => t > now).slice(0, 5);
      const served = await servedSchedule(client, id);
      const missed = served
        ? missedFires(
            served,
            description.info.recentActions.map((a) => a.scheduledAt),
            now,
            ctx.config.schedule.missedCheck.lookbackDays,
            (settings?.jitterSeconds ?? 0) + 60,
          )
        : [];
      const data = {
        scheduleId: id,
        cron: settings?.cron,
        timezone: tz,
        overlap: settings?.overlap,
        catchupWindowSeconds: settings?.catchupWindowSeconds,
        jitterSeconds: settings?.jitterSeconds,
        paused: description.state.paused,
        note: description.state.note,
        nextFireTimes: next.map((t) => t.toISOString()),
        missedFires: missed.map((t) => t.toISOString()),
        missedCatchupWindow: description.info.numActionsMissedCatchupWindow,
        recentRuns: recent,
      };
      const dates = missed.map((t) => formatInZone(t, tz).slice(0, 10)).sort();
      ctx.print(
        data,
        () =>
          [
            `schedule ${id}: "${data.cron ?? '?'}" in ${tz}, overlap ${data.overlap ?? '?'}, catch-up ${data.catchupWindowSeconds ?? '?'}s, jitter ${data.jitterSeconds ?? 0}s`,
            `state: ${data.paused ? 'PAUSED' : 'active'}${data.note ? ` (${data.note})` : ''}`,
            `next fire times (${tz}):`,
            ...next.map((t) => `  ${formatInZone(t, tz)}`),
            ...(missed.length > 0 || data.missedCatchupWindow > 0
              ? [
                  `MISSED: ${missed.length} fire(s) of the last ${ctx.config.schedule.missedCheck.lookbackDays} day(s) started no run (the server counts ${data.missedCatchupWindow} missed past the catch-up window in all):`,
                  ...missed.map((t) => `  ${formatInZone(t, tz)}`),
                  ...(dates.length > 0
                    ? [
                        `  start them: sales-report schedule backfill --from ${dates[0]} --to ${dates.at(-1)}${options.schedule ? ` --schedule ${id}` : ''}`,
                      ]
                    : []),
                ]
              : []),
            'recent runs:',
            recent.length === 0
              ? '  none yet'
              : table(
                  ['scheduled', 'workflow id', 'status', 'outcome'],
                  recent.map((r) => [formatInZone(new Date(r.scheduledAt), tz), r.workflowId, r.status, r.outcome]),
                ).replace(/^/gm, '  '),
          ].join('\n'),
        options.json,
      );
    });

  for (const verb of ['pause', 'unpause'] as const) {
    schedule
      .command(verb)
      .description(verb === 'pause' ? 'stop starting runs until unpaused' : 'start runs again')
      .option('--note <text>', 'why, for whoever looks next', '')
      .option(SCHEDULE_OPTION, SCHEDULE_HELP)
      .action(async (options: { note: string; schedule?: string }) => {
        const ctx = context();
        const handle = (await ctx.client()).schedule.getHandle(reportScheduleId(ctx, options.schedule));
        await handle[verb](options.note || `${verb}d from the sales-report CLI`);
        ctx.print(
          { scheduleId: handle.scheduleId, paused: verb === 'pause' },
          () => `schedule ${handle.scheduleId} ${verb}d`,
        );
      });
  }

  schedule
    .command('trigger')
    .description('run now, through the schedule (after a run in progress, if any)')
    .option(SCHEDULE_OPTION, SCHEDULE_HELP)
    .action(async (options: { schedule?: string }) => {
      const ctx = context();
      const handle = (await ctx.client()).schedule.getHandle(reportScheduleId(ctx, options.schedule));
      // BUFFER_ONE: a manual trigger is never dropped, and never runs beside the one in progress.
      await handle.trigger(ScheduleOverlapPolicy.BUFFER_ONE);
      ctx.print({ scheduleId: handle.scheduleId, triggered: true }, () => `schedule ${handle.scheduleId} triggered`);
    });

  schedule
    .command('backfill')
    .description('one run per day from --from to --to (inclusive), each reporting on its own date, one after another')
    .requiredOption('--from <date>', 'first report date, YYYY-MM-DD')
    .requiredOption('--to <date>', 'last report date, YYYY-MM-DD')
    .option(SCHEDULE_OPTION, SCHEDULE_HELP)
    .action(async (options: { from: string; to: string; schedule?: string }) => {
      if (!isIsoDate(options.from) || !isIsoDate(options.to))
        throw new UsageError('--from and --to take YYYY-MM-DD dates');
      if (options.from > options.to) throw new UsageError('--from must not be after --to');
      const ctx = context();
      const id = reportScheduleId(ctx, options.schedule);
      const tz = reportSchedules(ctx.config).find((s) => s.id === id)!.settings.timezone;
      const handle = (await ctx.client()).schedule.getHandle(id);
      const start = startOfDayInZone(options.from, tz);
      const end = new Date(startOfDayInZone(addDays(options.to, 1), tz).getTime() - 1000);
      await handle.backfill({ start, end, overlap: ScheduleOverlapPolicy.ALLOW_ALL });
      ctx.print(
        { scheduleId: handle.scheduleId, from: options.from, to: options.to },
        () => `backfill requested: ${options.from} … ${options.to} (${tz})`,
      );
    });

  schedule
    .command('delete')
    .description('delete the report schedule and its GPU reaper schedule (runs already started are not affected)')
    .option('--yes', 'do not ask for confirmation')
    .action(async (options: { yes?: boolean }) => {
      const ctx = context();
      const id = ctx.config.schedule.id;
      if (!options.yes) {
        if (!process.stdin.isTTY)
          throw new UsageError(`refusing to delete schedule ${id} without --yes (no terminal to ask)`);
        const rl = createInterface({ input: process.stdin, output: process.stdout });
        const answer = await rl.question(`Delete schedule ${id} and its GPU reaper? Type its id to confirm: `);
        rl.close();
        if (answer.trim() !== id) throw new UsageError('not confirmed; nothing deleted');
      }
      const client = await ctx.client();
      const deleted: string[] = [];
      for (const definition of managedSchedules(ctx.config)) {
        try {
          await client.schedule.getHandle(definition.id).delete();
          deleted.push(definition.id);
        } catch (err) {
          if (!(err instanceof ScheduleNotFoundError)) throw err;
        }
      }
      ctx.print({ deleted }, () => (deleted.length ? `deleted ${deleted.join(', ')}` : `no schedule ${id} to delete`));
    });
}

const SCHEDULE_OPTION = '--schedule <id>';
const SCHEDULE_HELP =
  'which report schedule, where reports have crons of their own (reports[].schedule); default: schedule.id';

/** The report schedule a command acts on: one the config defines, named, or the morning's. */
function reportScheduleId(ctx: CliContext, named: string | undefined): string {
  if (named === undefined) return mainReportSchedule(ctx.config).id;
  const ids = reportSchedules(ctx.config).map((s) => s.id);
  if (!ids.includes(named))
    throw new UsageError(`no report schedule ${named} in the config (its report schedules: ${ids.join(', ')})`);
  return named;
}
