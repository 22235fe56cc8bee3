import type { Command } from 'commander';
import { monthlyCost } from '../../temporal/cost';
import { dateInZone } from '../../sales/dates';
import { UsageError, type CliContext } from '../context';
import { table } from '../table';

export function costCommand(program: Command, context: () => CliContext): void {
  program
    .command('cost')
    .description('GPU seconds, cost and runs per day for a month, against an always-on instance')
    .option('--month <YYYY-MM>', 'the month (default: this month in the configured time zone)')
    .option('--json', 'JSON instead of a table')
    .action(async (options: { month?: string; json?: boolean }) => {
      const ctx = context();
      const tz = ctx.config.report.timezone;
      const month = options.month ?? dateInZone(new Date(), tz).slice(0, 7);
      if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new UsageError(`--month: "${month}" is not YYYY-MM`);
      const report = await monthlyCost(await ctx.client(), month, {
        hourlyPrice: ctx.config.gpu.hourlyPrice,
        currency: ctx.config.gpu.priceCurrency,
        timezone: tz,
      });
      ctx.print(
        report,
        () =>
          [
            table(
              ['date', 'runs', 'GPU s', `cost ${report.currency}`],
              report.days.filter((d) => d.runs > 0).map((d) => [d.date, d.runs, d.gpuSeconds, d.cost.toFixed(4)]),
            ),
            '',
            `${month}: ${report.totals.runs} runs, ${report.totals.gpuSeconds} GPU seconds, ${report.totals.cost.toFixed(4)} ${report.currency}`,
            `always-on over the same ${report.alwaysOn.hours} hours: ${report.alwaysOn.cost.toFixed(2)} ${report.currency}` +
              (report.savedRatio === null ? '' : ` (saved ${(report.savedRatio * 100).toFixed(1)}%)`),
          ].join('\n'),
        options.json,
      );
    });
}
