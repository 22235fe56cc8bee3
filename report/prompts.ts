import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SalesMetrics } from '../sales/metrics';
import type { PeriodKind } from '../sales/dates';
import { factBook, factLines, type FactBook } from './facts';
import type { Locale } from './locale';

export const PROMPTS_DIR = join(__dirname, '..', 'prompts');

export interface PromptSet {
  locale: Locale;
  /** prompts/system[.<period>].<locale>.md (or a report's own), as recorded in the audit trail. */
  systemFile: string;
  system: string;
  /** sha256 of the system prompt file's bytes: `sha256sum prompts/system.zh-CN.md` gives the same. */
  systemSha256: string;
  /** The data and the fact book the model cites (built here with the default "flat" when not given). */
  userMessage(metrics: SalesMetrics, facts?: FactBook): string;
  /**
   * The turn that asks again: the last answer and what is wrong with it, not every attempt so far (three attempts
   * grew 7,919 → 12,982 → 18,017 tokens when each echoed the one before, past a small server's context).
   */
  repairTurn(answer: string, errors: string[]): { role: 'assistant' | 'user'; content: string }[];
}

/** How much of an invalid answer is echoed back to the model: enough to fix, not enough to blow the context. */
const ECHO_LIMIT = 4_000;
/** How many of an answer's problems go back to the model: the first ones, in the order of the report's fields. */
const REPAIR_ERRORS = 12;

/**
 * The fixed prompts of a report in `locale` about a `period`: a daily flash and a monthly report have system and user
 * prompts of their own (system.day.zh-CN.md, …); the weekly report's keep their names (system.zh-CN.md).
 */
export function loadPrompts(
  locale: Locale,
  period: PeriodKind = 'week',
  dir = PROMPTS_DIR,
  /** A report's own system prompt (reports[].prompt): prompts/system.<prompt>.<locale>.md; its period's user prompt. */
  prompt?: string,
): PromptSet {
  const of = (name: string) => (period === 'week' ? `${name}.${locale}.md` : `${name}.${period}.${locale}.md`);
  const read = (name: string) => readFileSync(join(dir, name));
  const systemName = prompt === undefined ? of('system') : `system.${prompt}.${locale}.md`;
  let system: Buffer;
  try {
    system = read(systemName);
  } catch (err) {
    throw new Error(
      `no system prompt prompts/${systemName}${prompt === undefined ? '' : ` (reports[].prompt "${prompt}")`}: ${(err as Error).message}`,
    );
  }
  const user = read(of('user')).toString('utf8');
  const repair = read(`repair.${locale}.md`).toString('utf8');
  const repairMessage = (errors: string[]) => fill(repair, { errors: errors.map((e) => `- ${e}`).join('\n') });
  return {
    locale,
    systemFile: `prompts/${systemName}`,
    system: system.toString('utf8'),
    systemSha256: createHash('sha256').update(system).digest('hex'),
    userMessage: (metrics, facts) =>
      fill(user, {
        period: `${metrics.period.start} – ${metrics.period.end}`,
        previousPeriod: `${metrics.previousPeriod.start} – ${metrics.previousPeriod.end}`,
        currency: metrics.currency,
        facts: factLines(facts ?? factBook(metrics, locale)),
      }),
    repairTurn: (answer, errors) => {
      const shown = errors.slice(0, REPAIR_ERRORS);
      if (errors.length > REPAIR_ERRORS) shown.push(`(and ${errors.length - REPAIR_ERRORS} more like these)`);
      return [
        { role: 'assistant', content: answer.slice(0, ECHO_LIMIT) },
        { role: 'user', content: repairMessage(shown) },
      ];
    },
  };
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}
