import type { Command } from 'commander';
import { monthlyCost, morningBills } from '../../gpu/cost';
import { pricingOf } from '../../gpu/fleet';
import { leaseRecords } from '../../gpu/leases';
import { InstanceLedger } from '../../gpu/ledger';
import { dateInZone } from '../../sales/dates';
import { createStore } from '../../store';
import { UsageError, type CliContext } from '../context';
import { table } from '../table';
import { auditFromStore, costByReport, listRuns } from '../../temporal/runs';

export function costCommand(program: Command, context: () => CliContext): void {
  program
    .command('cost')
    .description(
      "GPU seconds and cost per day for a month, from the instances' bills, split into what runs held and what none did, against an always-on instance",
    )
    .option('--month <YYYY-MM>', 'the month (default: this month in the configured time zone)')
    .option('--by-report', "each report's (and split value's) share of the bill, from its runs' audit")
    .option(
      '--mornings',
      "each morning's GPU: the instances its deadline plan needs and those it used, each one's seconds, and whether the deadline was met",
    )
    .option('--json', 'JSON instead of a table')
    .action(async (options: { month?: string; byReport?: boolean; mornings?: boolean; json?: boolean }) => {
      const ctx = context();
      const tz = ctx.config.report.timezone;
      const month = options.month ?? dateInZone(new Date(), tz).slice(0, 7);
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new UsageError(`--month: "${month}" is not YYYY-MM`);
      const store = createStore(ctx.config);
      if (options.mornings) {
        const [mornings, instances] = await Promise.all([
          listRuns(await ctx.client(), {
            from: `${month}-01`,
            to: `${month}-31`,
            taskQueue: ctx.config.temporal.taskQueue,
            mornings: true,
          }),
          new InstanceLedger(store).all(),
        ]);
        const bills = morningBills(
          mornings.map((m) => ({
            ...m,
            ...(m.durationSeconds !== undefined && {
              endedAt: new Date(Date.parse(m.startedAt) + m.durationSeconds * 1000).toISOString(),
            }),
          })),
          instances,
          pricingOf(ctx.config),
          new Date(),
          ctx.config.gpu.serving,
        );
        ctx.print(
          bills,
          () =>
            table(
              ['date', 'morning', 'planned', 'used', 'instances (s, share)', 'GPU s', 'floor s', 'cost', 'deadline'],
              bills.map((b) => [
                b.reportDate,
                b.workflowId,
                b.planned ?? '-',
                b.used,
                b.instances
                  .map((i) => `${i.instanceId} ${i.seconds.toFixed(1)} (${Math.round(i.share * 100)} %)`)
                  .join(', '),
                b.gpuSeconds,
                b.floorSeconds ?? '-',
                b.cost.toFixed(4),
                b.deadline ? `${b.deadline.met ? 'met' : 'missed'} (${b.deadline.dueAt})` : '-',
              ]),
            ),
          options.json,
        );
        return;
      }
      if (options.byReport) {
        const listed = await listRuns(await ctx.client(), {
          from: `${month}-01`,
          to: `${month}-31`,
          taskQueue: ctx.config.temporal.taskQueue,
        });
        const rows = costByReport(await auditFromStore(listed, store, ctx.config));
        const total = rows.reduce((sum, r) => sum + r.gpuSeconds, 0);
        ctx.print(
          rows,
          () =>
            table(
              ['report', 'runs', 'GPU s', 'share', 'cost'],
              rows.map((r) => [
                r.report,
                r.runs,
                r.gpuSeconds,
                `${total === 0 ? 0 : ((100 * r.gpuSeconds) / total).toFixed(1)}%`,
                `${r.gpuCost.toFixed(4)} ${r.currency ?? ''}`.trim(),
              ]),
            ),
          options.json,
        );
        return;
      }
      const [instances, leases] = await Promise.all([new InstanceLedger(store).all(), leaseRecords(store).all()]);
      const report = monthlyCost(month, { instances, leases }, { ...pricingOf(ctx.config), timezone: tz });
      const t = report.totals;
      ctx.print(
        report,
        () =>
          [
            table(
              ['date', 'runs', 'instances', 'GPU s', 'held s', 'unheld s', `cost ${report.currency}`],
              report.days
                .filter((d) => d.runs > 0 || d.instances > 0)
                .map((d) => [
                  d.date,
                  d.runs,
                  d.instances,
                  d.gpuSeconds,
                  d.heldSeconds,
                  d.unheldSeconds,
                  d.cost.toFixed(4),
                ]),
            ),
            '',
            `${month}: ${t.runs} runs on ${t.instances} instances, ${t.gpuSeconds} GPU seconds billed, ${t.cost.toFixed(4)} ${report.currency}`,
            `  held by runs: ${t.heldSeconds} s; held by none (boot for runs that gave up, idle grace, orphans): ${t.unheldSeconds} s`,
            ...(t.stillRunning > 0 ? [`  ${t.stillRunning} instance(s) still running: counted up to now`] : []),
            `always-on over the same ${report.alwaysOn.hours} hours: ${report.alwaysOn.cost.toFixed(2)} ${report.currency}` +
              (report.savedRatio === null ? '' : ` (saved ${(report.savedRatio * 100).toFixed(1)}%)`),
          ].join('\n'),
        options.json,
      );
    });
}
