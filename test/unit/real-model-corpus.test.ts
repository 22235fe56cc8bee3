import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordedAnswer } from '../../dev/record-answers';
import { factBook } from '../../report/facts';
import { checkClaims } from '../../report/fact-check';
import { judgeAnswer } from '../../report/verdict';
import { WITHHELD_CAUSES } from '../../report/withheld';
import type { SalesMetrics } from '../../sales/metrics';
import { simulatedAnswer } from '../helpers/answers';
import { ROOT } from '../helpers/harness';

/**
 * What a real small model writes, kept: answers of Gemma 3 270M on llama.cpp's server for the sample morning (the
 * weekly report and the daily flash, both languages, first asks and repair turns; `npm run corpus:record`), each
 * read by a person and its verdict written down in reviewed.json with why. The checks must reach the same verdict
 * on every one: no junk printed, no wrong claim printed, and the reason the one a person gives.
 */
const DIR = join(ROOT, 'test', 'fixtures', 'real-model');
const metrics: Record<'week' | 'day', SalesMetrics> = {
  week: JSON.parse(readFileSync(join(DIR, 'metrics.week.json'), 'utf8')) as SalesMetrics,
  day: JSON.parse(readFileSync(join(DIR, 'metrics.day.json'), 'utf8')) as SalesMetrics,
};
const files = readdirSync(join(DIR, 'answers')).sort();
const answers = files.map(
  (file) => [file, JSON.parse(readFileSync(join(DIR, 'answers', file), 'utf8')) as RecordedAnswer] as const,
);
/**
 * A person's verdict on each answer: printed (null) or the cause it must be refused for, and why; and on the headline
 * and the summary it wrote, as words, wherever they can be read (a cut-off answer's too): null when they may be
 * printed, "junk" or "claims" when not.
 */
const reviewed = JSON.parse(readFileSync(join(DIR, 'reviewed.json'), 'utf8')) as Record<
  string,
  { refusedBy: string | null; why: string; words: Partial<Record<'headline' | 'summary', string | null>> }
>;

/** The headline and the summary as the answer wrote them, whole strings only (an answer cut off or not). */
function wordsOf(content: string): Partial<Record<'headline' | 'summary', string>> {
  const words: Partial<Record<'headline' | 'summary', string>> = {};
  for (const field of ['headline', 'summary'] as const) {
    const m = new RegExp(`"${field}"\\s*:\\s*("(?:[^"\\\\]|\\\\.)*")`).exec(content);
    if (m) words[field] = JSON.parse(m[1]!) as string;
  }
  return words;
}

describe('fifty answers of a real small model, through the checks', () => {
  it('holds 50 answers, of both reports in both languages, each reviewed', () => {
    expect(answers).toHaveLength(50);
    for (const period of ['week', 'day'])
      for (const locale of ['zh-CN', 'en-US'])
        expect(answers.some(([, a]) => a.period === period && a.locale === locale)).toBe(true);
    expect(Object.keys(reviewed).sort()).toEqual(files);
    for (const { refusedBy } of Object.values(reviewed))
      if (refusedBy !== null) expect(WITHHELD_CAUSES).toContain(refusedBy);
  });

  it.each(answers)('%s: the reason is the one a person gives', (file, a) => {
    const facts = factBook(metrics[a.period], a.locale);
    const verdict = judgeAnswer(a.content, a.finishReason, metrics[a.period], { locale: a.locale, facts });
    expect(verdict.refusedBy ?? null, reviewed[file]!.why).toBe(reviewed[file]!.refusedBy);
    // Whatever would still be printed (an answer with only some items wrong) holds against the facts in full.
    const printed = verdict.printed?.report;
    if (printed) expect(checkClaims(printed, metrics[a.period], { locale: a.locale, facts })).toEqual([]);
  });

  it.each(answers)('%s: its headline and summary, read as words, are judged as a person judges them', (file, a) => {
    const words = wordsOf(a.content);
    expect(Object.keys(words).sort()).toEqual(Object.keys(reviewed[file]!.words).sort());
    if (Object.keys(words).length === 0) return;
    // An honest answer carries the words under test: the simulator's, from the same facts.
    const report = { ...simulatedAnswer(metrics[a.period], a.locale, a.period), ...words };
    // The claim check itself, past the schema (a cut-off answer never reached it): what it says of these words.
    const problems = checkClaims(report, metrics[a.period], { locale: a.locale });
    for (const field of ['headline', 'summary'] as const) {
      if (!(field in words)) continue;
      const its = problems.filter((p) => p.field === field);
      const seen =
        its.length === 0
          ? null
          : its.every((p) => /^(is not prose|says nothing of)/.test(p.reason))
            ? 'junk'
            : 'claims';
      expect(seen, `${field}: ${words[field]!.slice(0, 80)} (${its.map((p) => p.reason).join('; ')})`).toBe(
        reviewed[file]!.words[field],
      );
    }
  });
});
