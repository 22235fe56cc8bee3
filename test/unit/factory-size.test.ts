import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/harness';

const MAX_LINES = 80;

/** Each `export function create…Activities` in a source and its length in lines, to its closing brace. */
function factoryLengths(source: string): Map<string, number> {
  const lengths = new Map<string, number>();
  const lines = source.split('\n');
  lines.forEach((line, i) => {
    const name = /^export function (create\w*Activities)\b/.exec(line)?.[1];
    if (!name) return;
    const end = lines.findIndex((l, j) => j > i && l === '}');
    lengths.set(name, end - i + 1);
  });
  return lengths;
}

describe('activity factories', () => {
  it('measures a factory from its first line to its closing brace', () => {
    const body = Array.from({ length: 79 }, (_, i) => `  const a${i} = ${i};`).join('\n');
    const lengths = factoryLengths(`const before = 1;\nexport function createLongActivities({\n${body}\n}\n`);
    expect(lengths.get('createLongActivities')).toBe(81);
  });

  it(`only wire their acts: none is over ${MAX_LINES} lines (each act lives in a function or file of its own)`, () => {
    const dir = join(ROOT, 'activities');
    const found: string[] = [];
    const tooLong: string[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts')))
      for (const [name, lines] of factoryLengths(readFileSync(join(dir, file), 'utf8'))) {
        found.push(name);
        if (lines > MAX_LINES) tooLong.push(`${file} ${name}: ${lines} lines`);
      }
    expect(found.length).toBeGreaterThanOrEqual(10);
    expect(tooLong).toEqual([]);
  });
});
