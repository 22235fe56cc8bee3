/**
 * How the model cites the facts a sentence rests on: the fact's id in brackets at the sentence's end
 * ("华东销售额排名第二 [rank.region]。"), several in one pair separated by commas. The printed text carries none.
 */
/** A citation: "[rank.region]", "【revenue】", "[revenue, rank.region]". */
const CITATION = /[[【]([^[\]【】\n]{1,80})[\]】]/g;
const FACT_ID = /^[a-zA-Z]+(?:\.[^,，]+)?$/;

function citationParts(inner: string): string[] | undefined {
  const ids = inner.split(/[,，;；]\s*/).map((id) => id.trim());
  return ids.every((id) => FACT_ID.test(id)) ? ids : undefined;
}

/** The fact ids a text cites, in order. */
export function citationsIn(text: string): string[] {
  return [...text.matchAll(CITATION)].flatMap((m) => citationParts(m[1]!) ?? []);
}

/** The text as printed: its citations taken out (and the space left before a punctuation mark). */
export function withoutCitations(text: string): string {
  return text
    .replace(CITATION, (whole, inner: string) => (citationParts(inner) ? '' : whole))
    .replace(/[ \t]+(?=[。，、；：！？.,;:!?）)]|$)/g, '')
    .replace(/[ \t]{2,}/g, ' ')
    .trim();
}
