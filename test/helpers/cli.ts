import { collectText } from '../../config/child-output';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../../config/config';
import { resolveTemporalCli } from '../../dev/temporal-cli';
import { ROOT } from './harness';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion without blocking this process's event loop (a worker may be running here). */
export function run(command: string, args: string[], timeoutMs = 60_000): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout = collectText(child.stdout);
    const stderr = collectText(child.stderr);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: stdout(), stderr: stderr() });
    });
  });
}

export async function writeConfig(dir: string, config: Config): Promise<string> {
  const path = join(dir, 'config.json');
  await writeFile(path, JSON.stringify(config, null, 2));
  return path;
}

/** Our operator CLI, as a user runs it. */
export function salesReport(configPath: string, ...args: string[]): Promise<CliRun> {
  return run(process.execPath, ['--require', 'tsx/cjs', 'cli/sales-report.ts', '--config', configPath, ...args]);
}

/** The Temporal CLI: an independent client to check what the server holds. */
export async function temporalCli(address: string, ...args: string[]): Promise<unknown> {
  const cli = resolveTemporalCli();
  if (cli.source === 'sdk download') throw new Error('the Temporal CLI binary is needed for this check');
  const result = await run(cli.path, [...args, '--address', address, '--output', 'json']);
  if (result.code !== 0) throw new Error(`temporal ${args.join(' ')} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as unknown;
}

/** A report worker as its own process, as an operator starts one (here to be SIGKILLed like a crashed host). */
export function startWorkerProcess(
  configPath: string,
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): ChildProcess {
  return spawn(
    process.execPath,
    ['--require', require.resolve('tsx/cjs'), join(ROOT, 'worker.ts'), '--config', configPath],
    {
      cwd: options.cwd ?? ROOT,
      stdio: 'ignore',
      env: options.env ?? process.env,
    },
  );
}
