import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILT_BUNDLE_PATH, bundleReportWorkflows, replayHistories } from '../temporal/workflow-bundle';

/**
 * `npm run build`, after tsc has compiled the sources into dist/: bundles the workflow code once, checks that the
 * bundle replays every recorded history (a build that would break running or recorded runs is not shipped), and
 * puts the prompts beside the compiled code. Runs from dist/dev/build.js.
 */
const ROOT = join(__dirname, '..', '..');
const DIST = join(__dirname, '..');

async function main(): Promise<void> {
  const started = Date.now();
  const bundle = await bundleReportWorkflows();
  writeFileSync(BUILT_BUNDLE_PATH, bundle.code);
  cpSync(join(ROOT, 'prompts'), join(DIST, 'prompts'), { recursive: true });
  const results = await replayHistories(join(ROOT, 'test', 'replay', 'histories'), { codePath: BUILT_BUNDLE_PATH });
  const broken = results.filter((r) => r.error);
  if (results.length === 0 || broken.length > 0) {
    for (const r of broken) console.error(`${r.file}: ${r.error}`);
    throw new Error(
      results.length === 0
        ? 'no recorded histories found to replay'
        : `the workflow bundle does not replay ${broken.length} recorded histories`,
    );
  }
  console.log(
    `build: ${BUILT_BUNDLE_PATH} (${(bundle.code.length / 1e6).toFixed(1)} MB), replays all ${results.length} ` +
      `recorded histories; prompts copied; ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
