import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The benchmark's Python peers, pinned: what a data team would reach for to read the same files. */
export const PYTHON_PEERS = ['pandas==2.2.3', 'openpyxl==3.1.5'];

/**
 * A Python with the peers installed: a venv of our own under ~/.cache/sales-report, built with pip on first use
 * (as the tests build moto's). A peer that cannot be installed fails the benchmark: a table with no peer in it
 * measures nothing.
 */
export function benchPython(env: NodeJS.ProcessEnv = process.env): string {
  const venv = join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sales-report', 'bench-peers-1');
  const python = join(venv, 'bin', 'python');
  const ready = () =>
    existsSync(python) && spawnSync(python, ['-c', 'import pandas, openpyxl'], { timeout: 60_000 }).status === 0;
  if (ready()) return python;
  const steps: [string, string[]][] = [
    ['python3', ['-m', 'venv', venv]],
    [join(venv, 'bin', 'pip'), ['install', '--quiet', ...PYTHON_PEERS]],
  ];
  for (const [cmd, args] of steps) {
    const r = spawnSync(cmd, args, { stdio: 'inherit', timeout: 15 * 60_000 });
    if (r.status !== 0) throw new Error(`installing the benchmark's peers failed at: ${cmd} ${args.join(' ')}`);
  }
  if (!ready()) throw new Error(`the benchmark's peers (${PYTHON_PEERS.join(', ')}) do not import in ${venv}`);
  return python;
}
