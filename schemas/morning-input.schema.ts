import type { FromSchema } from 'json-schema-to-ts';
import { reportDateInput } from './report-input.schema';

/**
 * The input of morningReports, as typed into the Web UI's Start Workflow form or set on a schedule: every report the
 * config defines (each value of a split a report of its own), or only those named. `{}` works.
 */
export const morningInputSchema = {
  $id: 'https://sales-report.local/schemas/morning-input.json',
  title: 'morningReports input',
  type: 'object',
  additionalProperties: false,
  properties: {
    // Every report of the morning is written for this date.
    reportDate: reportDateInput,
    reports: {
      type: 'array',
      minItems: 1,
      uniqueItems: true,
      items: { type: 'string', minLength: 1 },
      description: 'Only these reports (config reports[].id). Default: every report the config defines.',
    },
    dryRun: { type: 'boolean', description: 'Render and archive every report, send nothing.' },
  },
} as const;

export type MorningInput = FromSchema<typeof morningInputSchema>;
