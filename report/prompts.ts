import type { Config } from '../config/config';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SalesMetrics } from '../sales/metrics';
import type { PeriodKind } from '../sales/dates';
import { factBook, factLines, type FactBook } from './facts';

/** The report languages: the config schema is the one list. */
export type Locale = Config['report']['locale'];

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
  repairMessage(errors: string[]): string;
}

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
    repairMessage: (errors) => fill(repair, { errors: errors.map((e) => `- ${e}`).join('\n') }),
  };
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => values[key] ?? whole);
}
