import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Worker, type Logger, type WorkerOptions } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from './data-converter';

/**
 * The workflow code as the worker runs it. `npm run build` bundles it once, ahead of time, into
 * dist/workflow-bundle.js (replaying the recorded histories against that file before it is shipped); a compiled
 * worker loads that file, so production starts in seconds and runs exactly the bundle that was checked. Run from
 * the sources (tsx, the demo), the worker bundles at start.
 */
export const WORKFLOWS_PATH = join(__dirname, '..', 'workflows', `index${extname(__filename)}`);

/** Beside the compiled worker: dist/workflow-bundle.js. */
export const BUILT_BUNDLE_PATH = join(__dirname, '..', 'workflow-bundle.js');

export function bundleReportWorkflows(logger?: Logger) {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, failureConverterPath: FAILURE_CONVERTER_PATH, logger });
}

/** The prebuilt bundle when this process runs the build's output and the build made one; else bundle at start. */
export function workflowCode(): Pick<WorkerOptions, 'workflowBundle' | 'workflowsPath'> {
  return extname(__filename) === '.js' && existsSync(BUILT_BUNDLE_PATH)
    ? { workflowBundle: { codePath: BUILT_BUNDLE_PATH } }
    : { workflowsPath: WORKFLOWS_PATH };
}

export interface ReplayResult {
  file: string;
  error?: string;
}

/** Every recorded history in `dir` (recursively) replayed against a bundle: a determinism error names its file. */
/**
 * A run that starts children names them "<its workflow id>/…" (workflows/morning-reports.ts): it replays only under
 * the workflow id it had, which its first child's id begins with. Other runs replay under their file's name.
 */
function parentIdOf(history: ReturnType<typeof historyFromJSON>): string | undefined {
  const child = history.events?.find((e) => e.startChildWorkflowExecutionInitiatedEventAttributes)
    ?.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
  return child?.split('/')[0];
}

export async function replayHistories(
  dir: string,
  workflowBundle: NonNullable<WorkerOptions['workflowBundle']>,
): Promise<ReplayResult[]> {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json'))
    .sort();
  const histories = files.map((f) => {
    const history = historyFromJSON(JSON.parse(readFileSync(join(dir, f), 'utf8')));
    return { file: f, workflowId: parentIdOf(history) ?? f, history };
  });
  const results: ReplayResult[] = [];
  // Results come in the order the histories go in.
  let i = 0;
  for await (const r of Worker.runReplayHistories({ workflowBundle }, histories))
    results.push({ file: histories[i++]!.file, ...(r.error ? { error: String(r.error) } : {}) });
  return results;
}
