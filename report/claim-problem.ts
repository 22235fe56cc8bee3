/** What the claim check found wrong in an answer, and where: read by the check, the narrative and the verdict. */
export interface ClaimProblem {
  /** Where in the report: "headline", "kpiCommentary.revenue", "highlights[1]", "recommendations[0].owner". */
  field: string;
  /** The figure as the model wrote it, or the sentence that is wrong. */
  written: string;
  reason: string;
}

const CARRIES_THE_REPORT = new Set(['headline', 'summary']);

/** Whether a field carries the report (the headline, the summary): a problem there withholds the narrative. */
export function carriesTheReport(field: string): boolean {
  return CARRIES_THE_REPORT.has(field);
}
