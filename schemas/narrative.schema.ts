import type { FromSchema } from 'json-schema-to-ts';

const sentence = { type: 'string', minLength: 2, maxLength: 600 } as const;

/**
 * What the LLM writes: words only. Every KPI number in the email comes from the computed metrics, never from here.
 * Sent to vLLM as `response_format.json_schema` and checked again with AJV, since guided decoding is not a guarantee.
 */
export const narrativeSchema = {
  $id: 'https://sales-report.local/schemas/weekly-sales-report.v1.json',
  title: 'weekly_sales_report',
  type: 'object',
  additionalProperties: false,
  required: ['headline', 'summary', 'kpiCommentary', 'highlights', 'risks', 'recommendations', 'dataQualityNotes'],
  properties: {
    headline: { type: 'string', minLength: 4, maxLength: 120 },
    summary: { type: 'string', minLength: 20, maxLength: 1200 },
    kpiCommentary: {
      type: 'object',
      additionalProperties: false,
      required: ['revenue', 'orders', 'units', 'averageOrderValue'],
      properties: { revenue: sentence, orders: sentence, units: sentence, averageOrderValue: sentence },
    },
    highlights: { type: 'array', minItems: 1, maxItems: 5, items: sentence },
    risks: { type: 'array', maxItems: 5, items: sentence },
    recommendations: {
      type: 'array',
      minItems: 1,
      maxItems: 5,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['action', 'rationale', 'priority', 'owner'],
        properties: {
          action: sentence,
          rationale: sentence,
          priority: { enum: ['high', 'medium', 'low'] },
          owner: { type: 'string', minLength: 1, maxLength: 60 },
        },
      },
    },
    dataQualityNotes: { type: 'array', maxItems: 5, items: sentence },
  },
} as const;

export type Narrative = FromSchema<typeof narrativeSchema>;
