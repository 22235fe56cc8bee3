import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkReportInput } from '../../activities/plan-report';
import { parseConfig } from '../../config/config';
import { REPO_ROOT } from '../../dev/simulator/launch';
import { configSchema } from '../../schemas/config.schema';
import { REPORT_INPUT_KEYS } from '../../schemas/report-input.schema';

/**
 * Every JSON example in the docs means what it says: a config fragment is a config `parseConfig` accepts, a workflow
 * input is one the run accepts (`checkReportInput`). A ```jsonc block may hold several examples, one after the
 * other, with `//` comments; a ```json block holds one. An example that is neither is allow-listed below, with why.
 */

/** Generated from the schema, or figures, not examples. */
const SKIPPED = ['docs/reference/config.md', 'docs/benchmark.md'];

/** Examples that are neither a config nor a workflow input: the file, the block's first line, and why. */
const NEITHER: { file: string; firstLine: string; reason: string }[] = [];

/** Settings an example takes for granted, merged under it before it is parsed: the file, its first line, why. */
const ASSUMED: { file: string; firstLine: string; settings: Record<string, unknown>; reason: string }[] = [];

const CONFIG_KEYS = Object.keys(configSchema.properties);

interface Example {
  /** Where the example starts: `file:line`. */
  where: string;
  file: string;
  /** The first non-blank line of its block, as the allow-lists name it. */
  firstLine: string;
  /** The example's text, comments out; undefined when the block does not parse. */
  text?: string;
  value?: unknown;
  /** Why the block could not be read. */
  unreadable?: string;
}

/** The ```json and ```jsonc blocks of a Markdown text, each example in them with its line. */
function examplesIn(markdown: string, file: string): Example[] {
  const lines = markdown.split('\n');
  const examples: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(jsonc?)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end]!)) end++;
    const body = lines.slice(start, end).map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length)));
    const firstLine = body.find((l) => l.trim() !== '')?.trim() ?? '';
    const jsonc = open[2] === 'jsonc';
    const values = splitValues(jsonc ? withoutComments(body.join('\n')) : body.join('\n'));
    if ('problem' in values) {
      examples.push({ where: `${file}:${start + 1}`, file, firstLine, unreadable: values.problem });
    } else if (!jsonc && values.length !== 1) {
      examples.push({
        where: `${file}:${start + 1}`,
        file,
        firstLine,
        unreadable: `a json block holds one value, this one ${values.length} (use jsonc for several)`,
      });
    } else {
      for (const v of values) {
        const where = `${file}:${start + 1 + v.line}`;
        try {
          examples.push({ where, file, firstLine, text: v.text, value: JSON.parse(v.text) as unknown });
        } catch (err) {
          examples.push({ where, file, firstLine, text: v.text, unreadable: (err as Error).message });
        }
      }
    }
    i = end;
  }
  return examples;
}

/** `//` comments out, strings left alone; line breaks kept, so lines still count. */
function withoutComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else {
      out += c;
    }
  }
  return out;
}

/** The top-level values of a text, one after the other, each with the line (from 0) it starts on. */
function splitValues(text: string): { text: string; line: number }[] | { problem: string } {
  const values: { text: string; line: number }[] = [];
  let depth = 0;
  let inString = false;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (/\s|,/.test(c) && depth === 0) continue;
    if (depth === 0 && start < 0) start = i;
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') depth--;
    if (depth < 0) return { problem: `unbalanced ${c} at offset ${i}` };
    if (depth === 0 && !inString && (c === '}' || c === ']' || /[\s,]/.test(text[i + 1] ?? ' '))) {
      values.push({ text: text.slice(start, i + 1), line: text.slice(0, start).split('\n').length - 1 });
      start = -1;
    }
  }
  if (depth !== 0 || inString) return { problem: 'a value is not closed' };
  return values;
}

/** What an example is, and what is wrong with it as that: an empty list when it is right. */
function check(example: Example): { as: string; problems: string[] } {
  if (example.unreadable !== undefined) return { as: 'unreadable', problems: [example.unreadable] };
  const allowed = NEITHER.some((n) => n.file === example.file && n.firstLine === example.firstLine);
  const value = example.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return allowed
      ? { as: 'neither (allow-listed)', problems: [] }
      : { as: 'neither', problems: ['not a JSON object: neither a config nor a workflow input'] };
  const keys = Object.keys(value);
  const assumed = ASSUMED.find((a) => a.file === example.file && a.firstLine === example.firstLine);
  const readings: { as: string; problems: () => string[] }[] = [];
  if (keys.every((k) => REPORT_INPUT_KEYS.includes(k)))
    readings.push({
      as: 'workflow input',
      problems: () => {
        const result = checkReportInput(value);
        return result.ok ? [] : result.problems;
      },
    });
  if (keys.every((k) => CONFIG_KEYS.includes(k)))
    readings.push({
      as: 'config',
      problems: () => {
        try {
          parseConfig(merged(assumed?.settings ?? {}, value as Record<string, unknown>), example.where);
          return [];
        } catch (err) {
          return [(err as Error).message];
        }
      },
    });
  if (readings.length === 0) {
    return allowed
      ? { as: 'neither (allow-listed)', problems: [] }
      : {
          as: 'neither',
          problems: [
            `keys ${keys.join(', ')} are neither config keys (${CONFIG_KEYS.join(', ')}) nor workflow input keys ` +
              `(${REPORT_INPUT_KEYS.join(', ')}): fix the example, or allow-list it in NEITHER with why`,
          ],
        };
  }
  // {} (and {"report": …}) read as either: it means what it says when one of them takes it.
  const results = readings.map((r) => ({ as: r.as, problems: r.problems() }));
  const accepted = results.find((r) => r.problems.length === 0);
  if (accepted)
    return {
      as: results
        .filter((r) => r.problems.length === 0)
        .map((r) => r.as)
        .join(' and '),
      problems: [],
    };
  return { as: results.map((r) => r.as).join(' or '), problems: results.flatMap((r) => r.problems) };
}

function merged(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] =
      b && v && typeof b === 'object' && typeof v === 'object' && !Array.isArray(b) && !Array.isArray(v)
        ? merged(b as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

function markdownFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [],
    );
  return [join(REPO_ROOT, 'README.md'), ...walk(join(REPO_ROOT, 'docs'))]
    .map((f) => relative(REPO_ROOT, f))
    .filter((f) => !SKIPPED.includes(f))
    .sort();
}

const examples = markdownFiles().flatMap((f) => examplesIn(readFileSync(join(REPO_ROOT, f), 'utf8'), f));

describe('the JSON examples in README.md and docs/', () => {
  it('are found: the config examples and the Web UI inputs', () => {
    const files = new Set(examples.map((e) => e.file));
    expect([...files]).toEqual(
      expect.arrayContaining([
        'docs/gpu-providers.md',
        'docs/guide/data-sources.md',
        'docs/guide/operating.md',
        'docs/guide/reports-and-splits.md',
        'docs/guide/running-as-a-service.md',
      ]),
    );
  });

  it.each(examples.map((e) => [e.where, check(e).as, e] as const))(
    '%s, a %s, means what it says',
    (_w, _as, example) => {
      const { as, problems } = check(example);
      expect(problems, `${example.where} (read as ${as}):\n${example.text ?? example.firstLine}`).toEqual([]);
    },
  );

  it('allow-lists and assumed settings name examples that exist', () => {
    const stale = [...NEITHER, ...ASSUMED].filter(
      (entry) => !examples.some((e) => e.file === entry.file && e.firstLine === entry.firstLine),
    );
    expect(stale).toEqual([]);
  });

  it('refuses an example that does not mean what it says', () => {
    const broken = [
      '```json',
      '{ "reportDate": "2026-11-20", "dry_run": true }',
      '```',
      '',
      '```jsonc',
      '// a report without its id, and a schedule Temporal would not read',
      '{ "reports": [{ "title": "周报" }] }',
      '{ "schedule": { "cron": 9 } }',
      '// an input whose date is no date',
      '{ "reportDate": "2026-11-31" }',
      '```',
      '',
      '```json',
      '"reports": [{ "id": "weekly" }]',
      '```',
    ].join('\n');
    const found = examplesIn(broken, 'broken.md');
    expect(found.map((e) => e.where)).toEqual([
      'broken.md:2',
      'broken.md:7',
      'broken.md:8',
      'broken.md:10',
      'broken.md:14',
    ]);
    const checked = found.map((e) => ({ where: e.where, ...check(e) }));
    for (const c of checked) expect(c.problems, c.where).not.toEqual([]);
    expect(checked.map((c) => c.as)).toEqual(['neither', 'config', 'config', 'workflow input', 'unreadable']);
    expect(checked[3]!.problems.join()).toMatch(/reportDate "2026-11-31" is not a YYYY-MM-DD calendar date/);
    // The same examples, right, pass.
    const right = examplesIn(
      [
        '```jsonc',
        '{ "reportDate": "2026-11-20", "dryRun": true } // an input',
        '{ "reports": [{ "id": "weekly" }] }',
        '```',
      ].join('\n'),
      'right.md',
    );
    expect(right.map((e) => ({ where: e.where, ...check(e) }))).toEqual([
      { where: 'right.md:2', as: 'workflow input', problems: [] },
      { where: 'right.md:3', as: 'config', problems: [] },
    ]);
  });
});
