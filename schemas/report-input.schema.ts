import type { FromSchema } from 'json-schema-to-ts';

const addresses = { type: 'array', items: { type: 'string', format: 'email' } } as const;

/** The date a run reports on, as a start input gives it: the one wording for a report's and a morning's input. */
export const reportDateInput = {
  type: 'string',
  format: 'date',
  description:
    "The report covers its period (yesterday, the 7 days, or the month to date) ending the day before this date. Default: the run's nominal start date.",
} as const;

/**
 * The input of salesReport, as typed into the Web UI's Start Workflow form or passed by the CLI. Every key is
 * optional, so `{}` works; an unknown key (a typo such as "dry_run") is refused before anything starts.
 */
export const reportInputSchema = {
  $id: 'https://sales-report.local/schemas/report-input.json',
  title: 'salesReport input',
  type: 'object',
  additionalProperties: false,
  properties: {
    reportDate: reportDateInput,
    report: {
      type: 'string',
      minLength: 1,
      description: 'Which report (config reports[].id) to write. Default: the first one the config defines.',
    },
    split: {
      type: 'string',
      minLength: 1,
      description:
        'For a report split by a field (reports[].split): the value whose report to write, e.g. "华东". Required for a split report.',
    },
    recipients: { ...addresses, minItems: 1, description: 'Replaces every configured recipient (to, cc, bcc).' },
    cc: { ...addresses, description: 'Cc for this run (default: the configured cc, or none with recipients).' },
    bcc: { ...addresses, description: 'Bcc for this run (default: the configured bcc, or none with recipients).' },
    dryRun: { type: 'boolean', description: 'Render and archive, send nothing.' },
    resend: {
      type: 'boolean',
      description:
        "Send even though this date's report already went to these recipients (a re-run, backfill or Reset sends nothing otherwise).",
    },
  },
} as const;

export type ReportInput = FromSchema<typeof reportInputSchema>;
export const REPORT_INPUT_KEYS = Object.keys(reportInputSchema.properties);
