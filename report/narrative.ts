import type { Narrative } from '../schemas/narrative.schema';
import { withoutCitations } from './citations';
import { carriesTheReport, type ClaimProblem } from './claim-problem';

/** An item of the model's words left out of the report because it stayed wrong: where, what and why. */
export interface DroppedItem {
  /** "highlights[1]", "recommendations[0]", "kpiCommentary.units". */
  item: string;
  written: string;
  reason: string;
}

/**
 * What goes out of a checked answer: `report` is the narrative as printed (citations taken out, the items that
 * stayed wrong left out, each in `dropped`), or `undefined` when the headline or the summary is wrong: those carry
 * the report, so the narrative is withheld whole.
 */
export interface PrintedNarrative {
  report: Narrative | undefined;
  dropped: DroppedItem[];
  /** The problems in the headline or summary, when those are what withholds it. */
  fatal: ClaimProblem[];
}

/** The item a field belongs to: a recommendation's action, rationale and owner are one item. */
function itemOf(field: string): string {
  return field.replace(/^(recommendations\[\d+\])\..*$/, '$1');
}

/**
 * The narrative to print from an answer and what the claim check found in it: every item with a problem left out
 * (a KPI's sentence left blank), the rest printed without their citations. Withheld whole when the headline or the
 * summary has a problem.
 */
export function printedNarrative(answer: Narrative, problems: ClaimProblem[]): PrintedNarrative {
  const fatal = problems.filter((p) => carriesTheReport(p.field));
  const byItem = new Map<string, ClaimProblem>();
  for (const p of problems) if (!byItem.has(itemOf(p.field))) byItem.set(itemOf(p.field), p);
  const dropped = [...byItem].map(([item, p]): DroppedItem => ({ item, written: p.written, reason: p.reason }));
  if (fatal.length > 0) return { report: undefined, dropped: [], fatal };
  const kept = (item: string) => !byItem.has(item);
  const print = withoutCitations;
  const keep = (list: readonly string[], name: string) =>
    list.flatMap((text, i) => (kept(`${name}[${i}]`) ? [print(text)] : []));
  const commentary = answer.kpiCommentary;
  const report: Narrative = {
    headline: print(answer.headline),
    summary: print(answer.summary),
    kpiCommentary: {
      revenue: kept('kpiCommentary.revenue') ? print(commentary.revenue) : '',
      orders: kept('kpiCommentary.orders') ? print(commentary.orders) : '',
      units: kept('kpiCommentary.units') ? print(commentary.units) : '',
      averageOrderValue: kept('kpiCommentary.averageOrderValue') ? print(commentary.averageOrderValue) : '',
    },
    highlights: keep(answer.highlights, 'highlights'),
    risks: keep(answer.risks, 'risks'),
    recommendations: answer.recommendations.flatMap((r, i) =>
      kept(`recommendations[${i}]`)
        ? [{ ...r, action: print(r.action), rationale: print(r.rationale), owner: print(r.owner) }]
        : [],
    ),
    dataQualityNotes: keep(answer.dataQualityNotes, 'dataQualityNotes'),
  };
  return { report, dropped, fatal: [] };
}
