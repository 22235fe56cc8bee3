import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startDevServer } from '../dev/dev-server';
import { bundleReportWorkflows } from '../temporal/workflow-bundle';
import { describeTemporalCli, resolveTemporalCli } from '../dev/temporal-cli';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundleCode: string;
  }
}

/** One Temporal dev server and one workflow bundle for the whole run, torn down even when tests fail. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cli = resolveTemporalCli(process.env, (line) => console.log(line));
  console.log(describeTemporalCli(cli));
  const [server, bundle] = await Promise.all([startDevServer({ cli }), bundleReportWorkflows(quietLogger)]);
  project.provide('temporalAddress', server.address);
  project.provide('workflowBundleCode', bundle.code);
  return () => server.stop();
}

const noop = () => {};
const quietLogger = { trace: noop, debug: noop, info: noop, warn: console.warn, error: console.error, log: noop };
