import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/config';
import { CommandProvider, type CommandOptions } from '../../gpu/providers/command';
import { startSimulator, type RunningSimulator } from '../../dev/simulator/launch';
import { createHarness, expectGpuStopped, ROOT } from '../helpers/harness';

const SCRIPT = join(ROOT, 'test', 'fixtures', 'fake-cloud.sh');
const noRecord = async () => {};

describe('command provider, with a cloud CLI that keeps state in a file', () => {
  let sim: RunningSimulator | undefined;
  let simPort: number;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sales-report-cmd-'));
    sim = await startSimulator();
    simPort = sim.port;
  });
  afterAll(() => {
    sim?.stop();
  });

  function options(stateFile: string, overrides: Partial<CommandOptions> = {}): CommandOptions {
    return {
      start: `${SCRIPT} ${stateFile} start i-fake`,
      stop: `${SCRIPT} ${stateFile} stop \${instanceId}`,
      status: `${SCRIPT} ${stateFile} status \${instanceId}`,
      stateField: 'Instance.Status',
      runningStates: ['Running'],
      stoppedStates: ['Stopped'],
      endpoint: `http://\${Instance.Ip}:${simPort}`,
      commandTimeoutSeconds: 10,
      stateTimeoutSeconds: 10,
      pollIntervalSeconds: 0.05,
      model: 'Qwen/Qwen2.5-7B-Instruct',
      ...overrides,
    };
  }

  it('starts, waits for Running, fills the endpoint from the status JSON, and stops', async () => {
    const state = join(dir, 'a.state');
    const provider = new CommandProvider(options(state));
    const instance = await provider.start('report-1/run-1', noRecord);
    expect(instance).toEqual({ instanceId: 'i-fake', endpoint: `http://127.0.0.1:${simPort}` });
    expect(readFileSync(state, 'utf8').trim()).toBe('Running');
    expect((await provider.describe(instance)).state).toBe('running');
    await provider.stop(instance);
    expect(readFileSync(state, 'utf8').trim()).toBe('Stopped');
    await provider.stop(instance); // stopping a stopped instance is success
    expect(readFileSync(`${state}.log`, 'utf8').split('\n').filter(Boolean)[0]).toBe('start i-fake');
  });

  it('passes values as single shell words: a hostile workflow id cannot run commands', async () => {
    const marker = join(dir, 'INJECTED');
    for (const [i, owner] of [
      `x'; touch ${marker}; echo '`,
      `wf$(touch ${marker})`,
      `wf\`touch ${marker}\` a  b`,
    ].entries()) {
      const state = join(dir, `b${i}.state`);
      const provider = new CommandProvider(options(state, { start: `${SCRIPT} ${state} start \${owner}` }));
      await expect(provider.start(owner, noRecord)).resolves.toMatchObject({ instanceId: owner });
      expect(existsSync(marker)).toBe(false);
      expect(readFileSync(`${state}.log`, 'utf8')).toContain(`start ${owner}`);
    }
  });

  it('refuses, at config load, a placeholder inside quotes or one it does not know', () => {
    const command = (start: string) => ({
      gpu: {
        provider: 'command',
        command: { start, stop: 'cloud stop ${instanceId}', status: 'cloud status', endpoint: 'http://${ip}:8000' },
      },
    });
    expect(() => parseConfig(command('cloud start --tag "${owner}"'))).toThrow(
      '/gpu/command/start: "${owner}" is inside double quotes at column 20; write it bare',
    );
    expect(() => parseConfig(command("cloud start --tag 'x=${owner}'"))).toThrow(
      /"\$\{owner\}" is inside single quotes/,
    );
    expect(() => parseConfig(command('cloud start ${ownr}'))).toThrow('unknown placeholder "${ownr}"');
    expect(parseConfig(command('cloud start --tag ${owner} --note "it\'s ok"')).gpu.command?.start).toContain(
      '${owner}',
    );
    // A provider built without the config check refuses the same template when it runs it.
    const provider = new CommandProvider(options(join(dir, 'q.state'), { start: `${SCRIPT} x start "\${owner}"` }));
    return expect(provider.start('wf$(touch x)', noRecord)).rejects.toThrow(/inside double quotes/);
  });

  it('reports a failing command with its exit code and stderr', async () => {
    const provider = new CommandProvider(
      options(join(dir, 'c.state'), { start: `${SCRIPT} ${join(dir, 'c.state')} explode` }),
    );
    await expect(provider.start('r/1', noRecord)).rejects.toThrow(
      'gpu.command.start exited 3: InvalidAction: explode is not a command',
    );
  });

  it('runs a whole report through the command provider and leaves the instance stopped', async () => {
    const state = join(dir, 'wf.state');
    const o = options(state);
    const h = await createHarness({
      config: {
        gpu: {
          provider: 'command',
          command: {
            start: o.start,
            stop: o.stop,
            status: o.status,
            stateField: o.stateField,
            runningStates: o.runningStates,
            stoppedStates: o.stoppedStates,
            endpoint: o.endpoint,
          },
        },
      },
    });
    try {
      const handle = await h.start();
      const result = await h.withWorker(handle.result());
      expect(result.outcome).toBe('sent');
      expect(result.gpu).toMatchObject({ provider: 'command', instanceIds: [`pool:${h.poolId}`] });
      expect(readFileSync(state, 'utf8').trim()).toBe('Stopped');
      expect(await expectGpuStopped(h)).toMatchObject([{ instanceId: 'i-fake' }]);
    } finally {
      await h.close();
    }
  });
});
