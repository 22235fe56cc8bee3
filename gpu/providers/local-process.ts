import { childEnvironment } from '../../config/child-env';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CloudError,
  type GpuInstance,
  type GpuProvider,
  type InstanceState,
  type RecordInstance,
  type StartPlace,
} from './provider';

export interface LocalProcessOptions {
  command: string;
  /** ${port} and ${model} are replaced. */
  args: string[];
  cwd: string;
  host: string;
  port: number;
  /** Ports from `port` up a fleet may use, one instance each (gpu.pool.maxInstances); 1 without a fleet. */
  ports?: number;
  model: string;
  logDir: string;
  stopTimeoutSeconds: number;
  /** Further environment variables the server needs and may see (VLLM_API_KEY, HF_TOKEN): nothing else is passed. */
  passEnv: string[];
}

/** What a model server needs besides the base: Python, GPU and model-cache settings. */
const SERVER_ENV =
  /^(PYTHONPATH|VIRTUAL_ENV|XDG_CACHE_HOME|HF_HOME|HF_HUB_OFFLINE|TRANSFORMERS_OFFLINE|CUDA_\w+|NVIDIA_\w+|NCCL_\w+)$/;

/**
 * The server's environment: the allow-listed variables plus the configured ones. The worker's own secrets
 * (SMTP_PASSWORD, AWS_SECRET_ACCESS_KEY, TEMPORAL_API_KEY, encryption keys) never reach it, nor its
 * /proc/<pid>/environ.
 */
export function serverEnvironment(env: NodeJS.ProcessEnv, passEnv: readonly string[]): NodeJS.ProcessEnv {
  return childEnvironment(env, passEnv, SERVER_ENV);
}

/**
 * Runs the model server as a process on this host: `vllm serve …` on a GPU machine, or the simulator. The process
 * gets its own process group so stop ends it and everything it spawned.
 */
export class LocalProcessProvider implements GpuProvider {
  readonly name = 'local-process';

  constructor(private readonly options: LocalProcessOptions) {}

  async start(_owner: string, record: RecordInstance, where?: StartPlace): Promise<GpuInstance> {
    const o = this.options;
    const count = Math.max(1, o.ports ?? 1);
    // A fleet's instance tries the port of its place first, then the others of the range; one not in use by another
    // instance of the fleet (`avoid`) nor listening.
    const first = (where?.place ?? 0) % count;
    const taken = new Set((where?.avoid ?? []).map((i) => i.endpoint));
    for (let i = 0; i < count; i++) {
      const port = o.port + ((first + i) % count);
      if (taken.has(endpointOf(o.host, port))) continue;
      // Something already listening there is a server this pool did not start (an orphan of a pool an operator
      // terminated, a hand-started vLLM): a new one could not bind, and the readiness probe would take the stranger's
      // answers for its own. It is not adopted: the next port is tried, and with none left the start fails, naming
      // the port; the reaper or a human stops it.
      if (await listening(o.host, port)) continue;
      const instance = await this.spawnServer(port);
      await record(instance.instanceId);
      return instance;
    }
    const ports = count === 1 ? `port ${o.host}:${o.port}` : `ports ${o.host}:${o.port}-${o.port + count - 1}`;
    throw new CloudError(
      count === 1
        ? `${ports} already has a server this pool did not start; stop it (or set gpu.localProcess.port)`
        : `${ports} all have a server (this fleet's or one it did not start); stop them (or set gpu.localProcess.port)`,
      'PortInUse',
      count === 1 ? `${o.host}:${o.port}` : `${o.host}:${o.port}-${o.port + count - 1}`,
      true,
    );
  }

  /** The process exists from the moment spawn returns: there is no half-started state to record before it. */
  private spawnServer(port: number): Promise<GpuInstance> {
    const o = this.options;
    const args = o.args.map((a) => a.replaceAll('${port}', String(port)).replaceAll('${model}', o.model));
    const cwd = resolve(o.cwd);
    const command = o.command.includes('/') ? resolve(cwd, o.command) : o.command;
    mkdirSync(o.logDir, { recursive: true });
    const logPath = join(o.logDir, `local-${port}-${process.pid}-${Date.now()}.log`);
    const log = openSync(logPath, 'a');
    return new Promise((resolveStart, reject) => {
      const child = spawn(command, args, {
        cwd,
        detached: true,
        stdio: ['ignore', log, log],
        env: serverEnvironment(process.env, o.passEnv),
      });
      child.once('error', (err) => {
        closeSync(log);
        reject(new Error(`cannot start "${command}": ${err.message}`));
      });
      child.once('spawn', () => {
        closeSync(log);
        child.unref();
        resolveStart({ instanceId: `pid:${child.pid}:${logPath}`, endpoint: endpointOf(o.host, port) });
      });
    });
  }

  waitReady(instance: GpuInstance): Promise<void> {
    const { pid, logPath } = parseId(instance.instanceId);
    if (!groupAlive(pid)) {
      return Promise.reject(
        new Error(`the server process ${pid} exited before it was ready; last log lines:\n${tail(logPath)}`),
      );
    }
    return Promise.resolve();
  }

  async stop(instance: GpuInstance): Promise<void> {
    const { pid } = parseId(instance.instanceId);
    if (!groupAlive(pid)) return;
    signalGroup(pid, 'SIGTERM');
    const deadline = Date.now() + this.options.stopTimeoutSeconds * 1000;
    while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
    if (groupAlive(pid)) {
      signalGroup(pid, 'SIGKILL');
      for (let i = 0; i < 50 && groupAlive(pid); i++) await sleep(100);
    }
    if (groupAlive(pid)) throw new Error(`process group ${pid} is still alive after SIGKILL`);
  }

  describe(instance: GpuInstance): Promise<{ state: InstanceState; detail?: string }> {
    const { pid } = parseId(instance.instanceId);
    return Promise.resolve({ state: groupAlive(pid) ? 'running' : 'stopped', detail: `process group ${pid}` });
  }
}

function endpointOf(host: string, port: number): string {
  return `http://${host}:${port}`;
}

/** Whether something accepts connections at host:port (bounded: a second at most). */
function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function parseId(instanceId: string): { pid: number; logPath: string } {
  const m = /^pid:(\d+):(.*)$/.exec(instanceId);
  if (!m) throw new Error(`not a local-process instance id: ${instanceId}`);
  return { pid: Number(m[1]), logPath: m[2] ?? '' };
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/**
 * Whether any process of the group is still running. On Linux zombies are not counted: an orphaned child that exited
 * but was not yet reaped by init no longer serves anything nor uses the GPU.
 */
export function groupAlive(pgid: number): boolean {
  if (existsSync('/proc/self/stat')) {
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      } catch {
        continue;
      }
      // pid (comm) state ppid pgrp ...: comm may contain spaces, so split after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
    }
    return false;
  }
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function tail(path: string, lines = 15): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
