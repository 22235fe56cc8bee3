import { narrativeSchema, type Narrative } from '../schemas/narrative.schema';
import { createAjv, formatSchemaErrors } from '../schemas/validator';

export const REPORT_SCHEMA_ID = narrativeSchema.$id;
export const REPORT_SCHEMA_NAME = narrativeSchema.title;

const validate = createAjv().compile<Narrative>(narrativeSchema);

/** `fenced`: the JSON came wrapped in a Markdown code fence, the only thing wrong with it, and was taken out. */
export type ReportCheck = { ok: true; report: Narrative; fenced: boolean } | { ok: false; errors: string[] };

/** ```json … ``` around the whole answer, and nothing else. */
const FENCE = /^\s*```[a-zA-Z]*[ \t]*\r?\n([\s\S]*?)\r?\n?```\s*$/;

/**
 * Judges one raw LLM answer: truncated (finish_reason "length"), not JSON, or not valid for the schema.
 * The errors are phrased for the model to read back and fix.
 */
export function checkReportAnswer(
  content: string | null | undefined,
  finishReason: string | null | undefined,
): ReportCheck {
  if (finishReason === 'length') {
    return {
      ok: false,
      errors: ['the answer was cut off at the token limit (finish_reason "length"); answer shorter'],
    };
  }
  if (!content || content.trim() === '') return { ok: false, errors: ['the answer was empty'] };
  let parsed: unknown;
  let fenced = false;
  try {
    parsed = JSON.parse(content);
  } catch (err) {
    const inner = FENCE.exec(content)?.[1];
    try {
      if (inner === undefined) throw err;
      parsed = JSON.parse(inner);
      fenced = true;
    } catch {
      return { ok: false, errors: [`the answer is not valid JSON: ${(err as Error).message}`] };
    }
  }
  if (!validate(parsed)) return { ok: false, errors: formatSchemaErrors(validate.errors) };
  return { ok: true, report: parsed, fenced };
}
