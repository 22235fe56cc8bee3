import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { probeVllm } from '../../gpu/readiness';
import { parseConfig } from '../../config/config';
import { freePort } from '../free-port';

export const REPO_ROOT = resolve(__dirname, '..', '..');

/**
 * The node arguments that start the simulator as the local-process "GPU": the config's default (one home for the
 * simulator's entry point), plus extra switches (faults, boot delay, token rate).
 */
export function simulatorArgs(extra: string[] = []): string[] {
  return [...parseConfig({}).gpu.localProcess.args, ...extra];
}

export interface RunningSimulator {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): void;
}

/** The simulator as its own always-on process on loopback, without waiting for it (its boot delay is observable). */
export function spawnSimulator(
  port: number,
  extra: string[] = [],
  model = parseConfig({}).llm.model,
): RunningSimulator {
  const args = simulatorArgs(extra).map((a) => a.replaceAll('${port}', String(port)).replaceAll('${model}', model));
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: 'ignore' });
  return { url: `http://127.0.0.1:${port}`, port, process: child, stop: () => void child.kill('SIGTERM') };
}

/** Spawns the simulator and waits (bounded) until it serves the model, as a vLLM server that is already up. */
export async function startSimulator(extra: string[] = [], timeoutMs = 30_000): Promise<RunningSimulator> {
  const model = parseConfig({}).llm.model;
  const sim = spawnSimulator(await freePort(), extra, model);
  const deadline = Date.now() + timeoutMs;
  while (!(await probeVllm(sim.url, model, 'EMPTY')).ready) {
    if (Date.now() > deadline || sim.process.exitCode !== null) {
      sim.stop();
      throw new Error(`the simulator did not serve ${model} on ${sim.url} within ${timeoutMs} ms`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return sim;
}
