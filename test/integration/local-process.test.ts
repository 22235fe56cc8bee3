import { readFile } from 'node:fs/promises';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { groupAlive, LocalProcessProvider } from '../../gpu/providers/local-process';
import type { GpuInstance } from '../../gpu/providers/provider';

const SECRETS = {
  SMTP_PASSWORD: 'smtp-s3cret',
  AWS_SECRET_ACCESS_KEY: 'aws-s3cret',
  TEMPORAL_API_KEY: 'temporal-s3cret',
  SALES_REPORT_ENCRYPTION_KEYS: 'k:s3cret',
  VLLM_API_KEY: 'vllm-key',
};

describe('local-process provider: the model server', () => {
  const started: [LocalProcessProvider, GpuInstance][] = [];
  afterEach(async () => {
    for (const [p, i] of started.splice(0)) await p.stop(i);
  });

  async function startServer(passEnv: string[]): Promise<Record<string, string>> {
    const provider = new LocalProcessProvider({
      command: process.execPath,
      args: ['-e', 'setInterval(() => {}, 1000)'],
      cwd: '.',
      host: '127.0.0.1',
      port: 1,
      model: 'm',
      logDir: await mkdtemp(join(tmpdir(), 'sales-report-lp-')),
      stopTimeoutSeconds: 5,
      passEnv,
    });
    const saved = { ...process.env };
    Object.assign(process.env, SECRETS);
    let instance: GpuInstance;
    try {
      instance = await provider.start('wf/run', async () => {});
    } finally {
      for (const k of Object.keys(SECRETS)) if (saved[k] === undefined) delete process.env[k];
      Object.assign(process.env, saved);
    }
    started.push([provider, instance]);
    const pid = Number(/^pid:(\d+):/.exec(instance.instanceId)![1]);
    expect(groupAlive(pid)).toBe(true);
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8');
    return Object.fromEntries(
      environ
        .split('\0')
        .filter(Boolean)
        .map((kv) => [kv.split('=')[0]!, kv.slice(kv.indexOf('=') + 1)]),
    );
  }

  it("gets none of the worker's secrets in its environment, only what it needs and what is configured", async () => {
    const env = await startServer([]);
    expect(Object.keys(env).filter((k) => k in SECRETS)).toEqual([]);
    expect(env.PATH).toBe(process.env.PATH);

    const withKey = await startServer(['VLLM_API_KEY']);
    expect(withKey.VLLM_API_KEY).toBe('vllm-key');
    expect(withKey.SMTP_PASSWORD).toBeUndefined();
  });
});
