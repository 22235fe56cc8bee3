import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './harness';

/** One instruction of a Containerfile: its keyword, flags (--from=…, --mount=…) and the rest of the line. */
export interface Instruction {
  keyword: string;
  flags: string[];
  args: string;
}

/** The stages of deploy/Containerfile, continuation lines joined and comments dropped. */
export function containerfileStages(path = join(ROOT, 'deploy', 'Containerfile')): Instruction[][] {
  const lines = readFileSync(path, 'utf8')
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const stages: Instruction[][] = [];
  for (const line of lines) {
    const [keyword = '', ...words] = line.split(/\s+/);
    const flags = words.filter((w, i) => w.startsWith('--') && words.slice(0, i).every((p) => p.startsWith('--')));
    const instruction = { keyword: keyword.toUpperCase(), flags, args: words.slice(flags.length).join(' ') };
    if (instruction.keyword === 'FROM') stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  return stages;
}
