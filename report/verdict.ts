import type { SalesMetrics } from '../sales/metrics';
import { checkReportAnswer } from './answer-check';
import { checkClaims, RESTS_ON_NO_FACT, type ClaimCheckOptions } from './fact-check';
import { carriesTheReport, type ClaimProblem } from './claim-problem';
import { printedNarrative, type PrintedNarrative } from './narrative';
import type { WithheldCause } from './withheld';

/**
 * What the product makes of one answer of the model: printed whole, or refused for a reason in the vocabulary
 * readers and ops are told, with what the model is told is wrong and, when it parsed, what could still be printed.
 */
export type AnswerVerdict =
  | { refusedBy?: undefined; printed: PrintedNarrative; fenced: boolean }
  | {
      refusedBy: WithheldCause;
      errors: string[];
      /** The claim check's findings (none when the answer did not parse). */
      problems: ClaimProblem[];
      /** The narrative less its wrong items, when the answer parsed (its `report` undefined when withheld whole). */
      printed?: PrintedNarrative;
      fenced?: boolean;
    };

/**
 * Judges one answer as a run does: finish_reason, JSON, the schema, then every claim against the fact book. The
 * headline's and summary's problems decide the reason when they have any (they are what withholds the words).
 */
export function judgeAnswer(
  content: string | null | undefined,
  finishReason: string | null | undefined,
  metrics: SalesMetrics,
  options: ClaimCheckOptions & { checkFigures?: boolean } = {},
): AnswerVerdict {
  const answer = checkReportAnswer(content, finishReason);
  if (!answer.ok) {
    const refusedBy = answer.errors.some((e) => e.includes('token limit')) ? 'cut-off' : 'schema';
    return { refusedBy, errors: answer.errors, problems: [] };
  }
  const { fenced } = answer;
  const problems = options.checkFigures === false ? [] : checkClaims(answer.report, metrics, options);
  const printed = printedNarrative(answer.report, problems);
  if (problems.length === 0) return { printed, fenced };
  const fatal = problems.filter((p) => carriesTheReport(p.field));
  const decisive = fatal.length > 0 ? fatal : problems;
  const noUsableText = (p: ClaimProblem) =>
    p.reason.startsWith('is not prose') || p.reason.startsWith(RESTS_ON_NO_FACT);
  const refusedBy: WithheldCause = decisive.every(noUsableText)
    ? 'junk'
    : decisive.every((p) => p.reason.startsWith('is not in '))
      ? 'language'
      : 'claims';
  const errors = problems.map((p) => `${p.field}: "${p.written}" ${p.reason}`);
  return { refusedBy, errors, problems, printed, fenced };
}
