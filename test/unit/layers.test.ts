import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/harness';

/** The import rules of eslint.config.mjs, checked on real files of each layer with one offending line added. */
describe('layers enforced by the linter', () => {
  const eslint = new ESLint({ cwd: ROOT });

  async function restrictedImports(filePath: string, importLine: string): Promise<string[]> {
    const [result] = await eslint.lintText(`${importLine}\nexport const probe = [x];\n`, { filePath });
    return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
  }

  it.each([
    ['activities/generate-report.ts', "import { x } from '../dev/simulator/launch';", /must not import the dev kit/],
    ['worker.ts', "import { x } from './dev/local-stack';", /must not import the dev kit/],
    ['workflows/gpu-pool.ts', "import { x } from '../cli/table';", /must not import the dev kit/],
    ['cli/commands/runs.ts', "import { x } from '../../dev/free-port';", /CLI ships to production/],
    ['sales/load.ts', "import { x } from '../activities/heartbeat';", /Only the Temporal layer imports/],
    ['gpu/fleet.ts', "import { x } from '../workflows/gpu-pool';", /Only the Temporal layer imports/],
    ['gpu/fleet.ts', "import { x } from '@temporalio/client';", /knows nothing of Temporal/],
    ['sales/load.ts', "import { x } from '@temporalio/activity';", /knows nothing of Temporal/],
    ['store/archive.ts', "import { x } from '../temporal/contracts';", /knows nothing of Temporal/],
    ['report/fact-check.ts', "import { x } from '../temporal/contracts';", /knows nothing of Temporal/],
    ['email/mailer.ts', "import { x } from '../activities';", /Only the Temporal layer imports/],
    ['alerts/webhooks.ts', "import { x } from '@temporalio/workflow';", /knows nothing of Temporal/],
    ['config/config.ts', "import { x } from '../gpu/providers/command';", /config\/ and schemas\/ import no provider/],
    ['config/config.ts', "import { x } from '../temporal/encryption';", /knows nothing of Temporal/],
    ['temporal/runs.ts', "import { x } from '../activities/plan';", /Only the Temporal layer imports/],
    ['report/llm.ts', "import { x } from '../dev/simulator/server';", /must not import the dev kit/],
    ['workflows/sales-report.ts', "import { x } from 'node:fs';", /node:fs/],
  ])('%s may not: %s', async (file, line, expected) => {
    const messages = await restrictedImports(file, line);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(expected);
  });

  it.each([
    ['activities/gpu-lease.ts', "import { x } from './heartbeat';"],
    ['workflows/gpu-pool.ts', "import { x } from '../gpu/holders';"],
    ['gpu/fleet.ts', "import { x } from '../config/config';"],
    ['dev/demo.ts', "import { x } from '../workflows';"],
    ['test/replay/replay.test.ts', "import { x } from '../../dev/local-stack';"],
  ])('%s may: %s', async (file, line) => {
    expect(await restrictedImports(file, line)).toEqual([]);
  });
});
