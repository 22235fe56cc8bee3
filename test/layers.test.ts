import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/harness';

/** The import rules of eslint.config.mjs, checked on real files of each layer with one offending line added. */
describe('layers enforced by the linter', () => {
  const eslint = new ESLint({ cwd: ROOT });

  async function restrictedImports(filePath: string, importLine: string): Promise<string[]> {
    const [result] = await eslint.lintText(`${importLine}\nexport const probe = [x];\n`, { filePath });
    return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  }

  it.each([
    ['activities/report-generation.ts', "import { x } from '../dev/simulator/launch';", /must not import the dev kit/],
    ['worker.ts', "import { x } from './dev/local-stack';", /must not import the dev kit/],
    ['gpu/workflows/pool.ts', "import { x } from '../../cli/table';", /must not import the dev kit/],
    ['cli/commands/runs.ts', "import { x } from '../../dev/free-port';", /CLI ships to production/],
    ['sales/load.ts', "import { x } from '../activities/heartbeat';", /core must not import workflows or activities/],
    ['gpu/fleet.ts', "import { x } from './workflows/pool';", /core must not import workflows or activities/],
    ['report/llm.ts', "import { x } from '../dev/simulator/server';", /must not import the dev kit/],
    ['workflows/weekly-sales-report.ts', "import { x } from 'node:fs';", /node:fs/],
  ])('%s may not: %s', async (file, line, expected) => {
    const messages = await restrictedImports(file, line);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(expected);
  });

  it.each([
    ['gpu/activities/lease.ts', "import { x } from '../../activities/heartbeat';"],
    ['dev/demo.ts', "import { x } from '../workflows';"],
    ['test/replay.test.ts', "import { x } from '../dev/local-stack';"],
  ])('%s may: %s', async (file, line) => {
    expect(await restrictedImports(file, line)).toEqual([]);
  });
});
