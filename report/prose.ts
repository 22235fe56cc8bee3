import type { Locale } from './locale';

/**
 * Whether a field of the model's words is prose in the report's language, before any claim in it is read: a small
 * model under a JSON schema fills every field, and what it fills them with can be no words at all ("hhaedlinc",
 * "summaraykkuo_summaraykkuo", ":{", a field's own name). Such a field is refused like a false claim.
 */

/** The schema's field names and the KPI keys: what a model that has nothing to say echoes. */
const FIELD_NAMES = [
  'headline',
  'summary',
  'kpicommentary',
  'revenue',
  'orders',
  'units',
  'averageordervalue',
  'highlight',
  'highlights',
  'risk',
  'risks',
  'recommendation',
  'recommendations',
  'action',
  'rationale',
  'priority',
  'owner',
  'dataqualitynotes',
  'note',
  'notes',
];

/** Edit distance counting a swap of two letters as one edit, for a misspelt echo ("rveenue", "righlight"). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => i + j));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(
        d[i - 1]![j]! + 1,
        d[i]![j - 1]! + 1,
        d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
        i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1] ? d[i - 2]![j - 2]! + 1 : Infinity,
      );
    }
  return d[a.length]![b.length]!;
}

function echoesAFieldName(word: string): string | undefined {
  const w = word.toLowerCase();
  if (w.length < 4) return undefined;
  return FIELD_NAMES.find((name) => distance(w, name) <= Math.floor(name.length / 4));
}

/** A web address: a scheme or www., up to the next space. */
const LINK = /\b(?:https?:\/\/|www\.)\S*/gi;

/** What a field must hold at least: an owner is a name ("采购", "Purchasing"); anything else a sentence. */
export type ProseKind = 'sentence' | 'name';

/** Why `text` is not prose in `locale`, or undefined when it is. */
export function notProse(text: string, locale: Locale, kind: ProseKind = 'sentence'): string | undefined {
  const trimmed = text.trim();
  if (/[{}[\]<>]|":|\\[nu"]/.test(trimmed)) return 'holds JSON or markup, not words';
  // A web address is no words, whatever its path spells ("https://www.youtube.com/embed/a_13e0j2Y7g", a small model's
  // favourite filler): what is left without it must be prose by itself.
  const withoutLinks = trimmed.replace(LINK, ' ').trim();
  if (withoutLinks !== trimmed && notProse(withoutLinks, locale, kind) !== undefined)
    return 'is a web address, not words';
  // Figures repeat digits ("2026-11-11", "¥1,111"): only the words are looked at for repeats.
  const words = trimmed.replace(/[\d\p{P}\p{S}]+/gu, ' ').trim();
  if (/(.)\1{3,}/u.test(words.replace(/\s/g, ''))) return 'repeats one character over and over';
  const repeated = /(\S{2,}?)[\s_\-/|,，、]*\1/u.exec(words);
  if (repeated && repeated[0].length >= words.replace(/\s/g, '').length * 0.6)
    return `repeats "${repeated[1]}" instead of saying something`;
  const latinWords = trimmed.match(/[A-Za-z]{2,}/g) ?? [];
  const han = trimmed.match(/\p{Script=Han}/gu) ?? [];
  // A field whose every word is a field's name ("rveenue", "action (owner): rationale") is the template, not words.
  const echoes = latinWords.map(echoesAFieldName);
  if (latinWords.length > 0 && han.length < 2 && echoes.every((name) => name !== undefined))
    return `echoes the field name "${echoes[0]}" instead of saying something`;
  if (locale === 'zh-CN' ? han.length < (kind === 'name' ? 2 : 3) : latinWords.length < (kind === 'name' ? 1 : 2))
    return locale === 'zh-CN'
      ? 'has too few Chinese words to be a sentence'
      : 'has too few English words to be a sentence';
  // Letters that form no word: a run of consonants no English word has ("hhaedlinc" has its vowels; "xkqzt" has not).
  if (locale === 'en-US') {
    const words = latinWords.filter((w) => w.length >= 4);
    const gibberish = words.filter((w) => /[^aeiouy]{5,}/i.test(w) || /(.)\1\1/i.test(w) || /^(.)\1/i.test(w));
    if (words.length > 0 && gibberish.length >= Math.max(1, words.length / 2))
      return `is not English words ("${gibberish.slice(0, 3).join('", "')}")`;
  }
  return undefined;
}

/** The same item twice in a list ("risks", "risks"): the second is not new words. */
export function repeatsAnEarlierItem(list: readonly string[], i: number): boolean {
  const norm = (s: string) => s.replace(/[\s\p{P}]/gu, '').toLowerCase();
  return list.slice(0, i).some((earlier) => norm(earlier) === norm(list[i]!));
}
