import type { Command } from 'commander';
import { configForSource, DEFAULT_SOURCE, noSource, secretsFromEnv, sourceNames } from '../../config/config';
import { dateInZone, isIsoDate } from '../../sales/dates';
import type { SourceDetails } from '../../sales/load';
import { kpisOf, type SalesMetrics } from '../../sales/metrics';
import { loadConfiguredSales } from '../../sales/source';
import { formatKpi, formatRatio } from '../../report/render/format';
import { UsageError, type CliContext } from '../context';
import { table } from '../table';

/** What `data check` found: how the source was read, and the report week's metrics from it. */
export interface DataCheck {
  reportDate: string;
  details?: SourceDetails;
  metrics: SalesMetrics;
}

export function dataCommands(program: Command, context: () => CliContext): void {
  const data = program.command('data').description('the sales data a run reads');
  data
    .command('check')
    .description(
      "read the configured source as a run would and say what was found: encoding, delimiter, header and columns, rows read and skipped (with file, row, column and reason), the data's date range, and the report week's metrics; exit 1 with the error a run would give",
    )
    .option('--date <YYYY-MM-DD>', 'the report date (default: today in the report time zone)')
    .option('--source <name>', 'a named source (config sources) instead of data')
    .option('--json', 'JSON instead of text')
    .action(async (options: { date?: string; source?: string; json?: boolean }) => {
      if (options.date !== undefined && !isIsoDate(options.date))
        throw new UsageError(`--date: "${options.date}" is not YYYY-MM-DD`);
      const { config } = context();
      const source = options.source ?? DEFAULT_SOURCE;
      if (!sourceNames(config).includes(source)) throw new UsageError(`--source: ${noSource(config, source)}`);
      const reportDate = options.date ?? dateInZone(new Date(), config.report.timezone);
      let details: SourceDetails | undefined;
      const metrics = await loadConfiguredSales(
        configForSource(config, source),
        secretsFromEnv(process.env),
        reportDate,
        {
          onDetails: (d) => (details = d),
        },
      );
      const check: DataCheck = { reportDate, details, metrics };
      context().print(check, () => describeCheck(check, config.report.locale), options.json);
    });
}

function describeCheck({ reportDate, details: d, metrics: m }: DataCheck, locale: 'zh-CN' | 'en-US'): string {
  const q = m.dataQuality;
  const lines: string[] = [];
  if (d) {
    const how = [
      d.format.toUpperCase(),
      ...(d.encoding ? [`encoding ${d.encoding.name} (${d.encoding.decidedBy})`] : []),
      ...(d.delimiter ? [`delimiter ${JSON.stringify(d.delimiter.char)} (${d.delimiter.decidedBy})`] : []),
      ...(d.sheet ? [`sheet ${JSON.stringify(d.sheet)} (${d.sheetChosenBy})`] : []),
      ...(d.headerRow ? [`header on row ${d.headerRow}`] : []),
      ...(d.mode ? [`${d.mode} mode`] : []),
    ];
    lines.push(`source:   ${d.source}`, `read as:  ${how.join(', ')}`);
    if (d.sheets && d.sheets.length > 1) lines.push(`sheets:   ${d.sheets.map((n) => JSON.stringify(n)).join(', ')}`);
    if (d.files) {
      lines.push(`files:    ${d.files.length} read (how the first was read is above)`);
      for (const f of d.files) lines.push(`  ${f}`);
    }
    for (const f of d.missingFiles ?? []) lines.push(`  missing: ${f}`);
    lines.push('columns:');
    for (const [field, column] of Object.entries(d.columns)) lines.push(`  ${field.padEnd(12)} ← ${column}`);
  }
  lines.push(
    `rows:     ${q.dataRows} read, ${q.skippedRows} skipped, ${q.blankRows} blank; ${q.rowsInWindow} in the two report weeks`,
  );
  for (const p of q.problems) lines.push(`  skipped: ${p.file} row ${p.row}, column ${p.column}: ${p.reason}`);
  if (q.skippedRows > q.problems.length) lines.push(`  … and ${q.skippedRows - q.problems.length} more`);
  lines.push(
    `data:     ${q.orderDates ? `${q.orderDates.start} – ${q.orderDates.end}` : 'no readable orders'}`,
    `report:   ${reportDate}: the week ${m.period.start} – ${m.period.end}, against ${m.previousPeriod.start} – ${m.previousPeriod.end}`,
    ...(m.yearAgo
      ? [
          `year ago: ${m.yearAgo.period.start} – ${m.yearAgo.period.end}: ${m.yearAgo.available ? 'in the source (同比 / YoY shown)' : 'the source does not reach back to it (no 同比 / YoY; the report says so)'}`,
        ]
      : []),
    ...(m.targets
      ? [
          `targets:  ${m.targets.basis === 'month' ? `the month ${m.targets.range.start} – ${m.targets.range.end}, on the month to date (${m.targets.daysElapsed} of ${m.targets.daysInPeriod} days)` : `the week ${m.targets.range.start} – ${m.targets.range.end}`}: ` +
            `${Object.keys(m.targets.kpis).join(', ') || 'no KPI'}; ${m.targets.breakdowns.map((b) => `${b.dimension} ${b.name}`).join(', ') || 'no breakdown'}`,
        ]
      : []),
    '',
    table(
      ['KPI', 'this week', 'last week', 'change'],
      kpisOf(m).map(([key, k]) => [
        key,
        formatKpi(key, k.current, m.currency, locale),
        formatKpi(key, k.previous, m.currency, locale),
        formatRatio(k.changeRatio, locale),
      ]),
    ),
  );
  return lines.join('\n');
}
