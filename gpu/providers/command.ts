import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { childEnvironment } from '../../config/child-env';
import { collectText } from '../../config/child-output';
import { commandTemplateProblems, isShellPlaceholder, SHELL_PLACEHOLDERS } from '../../config/command-templates';
import type { GpuInstance, GpuProvider, InstanceState, RecordInstance } from './provider';

export interface CommandOptions {
  instanceId?: string;
  start: string;
  stop: string;
  status: string;
  stateField: string;
  runningStates: string[];
  stoppedStates: string[];
  endpoint: string;
  commandTimeoutSeconds: number;
  stateTimeoutSeconds: number;
  pollIntervalSeconds: number;
  model: string;
  /** Environment variables the commands need (the cloud CLI's credentials, KUBECONFIG): nothing else is passed. */
  passEnv?: string[];
}

type Json = Record<string, unknown>;

/** The shell command with each placeholder replaced by a quoted reference to its environment variable. */
function shellCommand(template: string): string {
  return template.replace(/\$\{(\w+)\}/g, (whole, name: string) =>
    isShellPlaceholder(name) ? `"$${SHELL_PLACEHOLDERS[name]}"` : whole,
  );
}

function field(json: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Json)[key] : undefined), json);
}

/** A JSON field as text; an object or array where a value is expected is a configuration mistake, said plainly. */
function scalarAt(json: unknown, path: string): string | undefined {
  const value = field(json, path);
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new Error(`"${path}" in the command's JSON is not a single value: ${JSON.stringify(value).slice(0, 100)}`);
}

/**
 * Any other cloud through its own CLI: start, stop and status as shell commands (aliyun ecs StartInstance,
 * tccli cvm StartInstances, kubectl scale …), status parsed from JSON. The state is polled until running / stopped.
 */
export class CommandProvider implements GpuProvider {
  readonly name = 'command';

  constructor(private readonly options: CommandOptions) {}

  async start(owner: string, record: RecordInstance): Promise<GpuInstance> {
    // A fixed instance is known before the start command runs; one the command creates, only after.
    if (this.options.instanceId) await record(this.options.instanceId);
    const printed = await this.run('start', { owner, instanceId: this.options.instanceId ?? '' });
    const instanceId = scalarAt(printed, 'instanceId') ?? this.options.instanceId ?? '';
    if (!instanceId) throw new Error('the start command printed no "instanceId" and gpu.command.instanceId is not set');
    if (instanceId !== this.options.instanceId) await record(instanceId);
    const status = await this.waitFor(owner, instanceId, this.options.runningStates);
    return { instanceId, endpoint: this.fill(this.options.endpoint, status) };
  }

  async waitReady(instance: GpuInstance): Promise<void> {
    const state = await this.state('', instance.instanceId);
    if (this.options.stoppedStates.includes(state)) throw new Error(`instance ${instance.instanceId} is ${state}`);
  }

  async stop(instance: GpuInstance): Promise<void> {
    await this.run('stop', { owner: '', instanceId: instance.instanceId });
    await this.waitFor('', instance.instanceId, this.options.stoppedStates);
  }

  async describe(instance: GpuInstance): Promise<{ state: InstanceState; detail?: string }> {
    const state = await this.state('', instance.instanceId);
    const mapped: InstanceState = this.options.runningStates.includes(state)
      ? 'running'
      : this.options.stoppedStates.includes(state)
        ? 'stopped'
        : 'starting';
    return { state: mapped, detail: state };
  }

  private async state(owner: string, instanceId: string): Promise<string> {
    const status = await this.run('status', { owner, instanceId });
    return scalarAt(status, this.options.stateField) ?? '';
  }

  private async waitFor(owner: string, instanceId: string, states: string[]): Promise<Json> {
    const deadline = Date.now() + this.options.stateTimeoutSeconds * 1000;
    for (;;) {
      const status = await this.run('status', { owner, instanceId });
      const state = scalarAt(status, this.options.stateField) ?? '';
      if (states.includes(state)) return status;
      if (Date.now() > deadline)
        throw new Error(
          `instance ${instanceId} still "${state}" after ${this.options.stateTimeoutSeconds}s (waiting for ${states.join(' / ')})`,
        );
      await sleep(this.options.pollIntervalSeconds * 1000);
    }
  }

  /** The endpoint URL from the status JSON: text, never run by a shell. */
  private fill(template: string, values: Json): string {
    return template.replace(/\$\{([\w.]+)\}/g, (whole, path: string) => {
      const value = scalarAt(values, path);
      if (value === undefined) throw new Error(`"${whole}" in ${JSON.stringify(template)} has no value`);
      return value;
    });
  }

  /** Runs one configured command; its stdout (last JSON line) is the answer. Non-zero exit is an error with stderr. */
  private run(which: 'start' | 'stop' | 'status', vars: { owner: string; instanceId: string }): Promise<Json> {
    const problems = commandTemplateProblems(`gpu.command.${which}`, this.options[which]);
    if (problems.length > 0) return Promise.reject(new Error(problems.join('; ')));
    const command = shellCommand(this.options[which]);
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', command], {
        env: {
          // The cloud's CLI gets its own credentials by name (gpu.command.passEnv), none of the worker's others.
          ...childEnvironment(process.env, this.options.passEnv ?? []),
          // The only way values reach the command: see commandTemplateProblems.
          SALES_REPORT_OWNER: vars.owner,
          SALES_REPORT_INSTANCE_ID: vars.instanceId,
          SALES_REPORT_MODEL: this.options.model,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: this.options.commandTimeoutSeconds * 1000,
      });
      const stdoutText = collectText(child.stdout);
      const stderrText = collectText(child.stderr);
      child.once('error', (err) => reject(new Error(`gpu.command.${which}: ${err.message}`)));
      child.once('close', (code, signal) => {
        const stdout = stdoutText();
        const stderr = stderrText();
        if (code !== 0) {
          reject(
            new Error(
              `gpu.command.${which} exited ${code ?? signal}: ${stderr.trim().split('\n').slice(-5).join(' | ') || '(no stderr)'}`,
            ),
          );
          return;
        }
        const line = stdout
          .trim()
          .split('\n')
          .reverse()
          .find((l) => l.trim().startsWith('{'));
        if (!line) {
          resolve({});
          return;
        }
        try {
          resolve(JSON.parse(line) as Json);
        } catch {
          reject(new Error(`gpu.command.${which} printed invalid JSON: ${line.slice(0, 200)}`));
        }
      });
    });
  }
}
