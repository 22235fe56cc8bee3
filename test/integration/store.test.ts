import type { ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalStore } from '../../store/local-store';
import { S3Store } from '../../store/s3-store';
import type { Store } from '../../store/store';
import { archivePrefix } from '../../store/archive';
import type { AuditMemo } from '../../temporal/contracts';
import { startWorkerProcess } from '../helpers/cli';
import { createHarness, expectGpuStopped, waitForStage } from '../helpers/harness';
import { startMoto, type Moto } from '../helpers/moto';

const AWS_ENV = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-east-1' };

describe('the store: a local directory and S3 (moto) behind one interface', () => {
  let moto: Moto;
  let bucketN = 0;
  beforeAll(async () => {
    Object.assign(process.env, AWS_ENV);
    moto = await startMoto();
  });
  afterAll(() => moto?.stop());

  async function s3Bucket(): Promise<{ bucket: string; endpoint: string; forcePathStyle: true; region: string }> {
    const bucket = `sales-report-${process.pid}-${++bucketN}`;
    const s3 = new S3Client({ region: 'us-east-1', endpoint: moto.url, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    s3.destroy();
    return { bucket, endpoint: moto.url, forcePathStyle: true, region: 'us-east-1' };
  }

  const stores: [string, () => Promise<Store>][] = [
    ['local', async () => new LocalStore(await mkdtemp(join(tmpdir(), 'sales-report-store-')))],
    ['s3', async () => new S3Store({ ...(await s3Bucket()), prefix: 'reports/' })],
  ];

  it.each(stores)('%s: put, get, list, and a create only one of many concurrent writers wins', async (_, make) => {
    const store = await make();
    expect(await store.get('archive/none.json')).toBeUndefined();
    await store.put('archive/2026-11-20/wf/run/report.html', '<p>周报</p>');
    await store.put('archive/2026-11-20/wf/run/report.html', '<p>周报 v2</p>');
    expect((await store.get('archive/2026-11-20/wf/run/report.html'))?.toString()).toBe('<p>周报 v2</p>');
    await store.put('gpu/ledger/a.json', '{}');
    expect((await store.list('archive/')).sort()).toEqual(['archive/2026-11-20/wf/run/report.html']);
    expect(await store.list('nothing-here/')).toEqual([]);

    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) => store.create('sent/message.json', `{"by":${i}}`)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    const winner = claims.indexOf(true);
    expect((await store.get('sent/message.json'))?.toString()).toBe(`{"by":${winner}}`);
    expect(await store.create('sent/message.json', '{"by":"late"}')).toBe(false);
  });

  it('keeps keys inside the local store', () => {
    expect(() => new LocalStore('/tmp/x').locate('../etc/passwd')).toThrow(/outside the store/);
  });

  it('two worker hosts sharing only Temporal and S3: the first killed mid-run, one email, one archive, GPU stopped', async () => {
    const s3 = await s3Bucket();
    const h = await createHarness({
      simArgs: ['--latency-ms', '4000'],
      config: {
        store: { kind: 's3', s3: { ...s3, prefix: 'sales-report/' } },
        timeouts: { heartbeatSeconds: 2 },
      },
    });
    const workers: ChildProcess[] = [];
    try {
      // Each "host" has its own working directory, its own copy of the export and its own GPU state folder.
      const host = async (name: string) => {
        const dir = join(h.dir, name);
        await mkdir(dir, { recursive: true });
        await copyFile(h.config.data.path, join(dir, 'sales.xlsx'));
        const config = {
          ...h.config,
          data: { ...h.config.data, path: 'sales.xlsx' },
          gpu: { ...h.config.gpu, stateDir: 'state/gpu' },
        };
        await writeFile(join(dir, 'config.json'), JSON.stringify(config));
        const worker = startWorkerProcess('config.json', { cwd: dir, env: { ...process.env, ...AWS_ENV } });
        workers.push(worker);
        return { dir, worker };
      };
      const first = await host('host-a');
      const handle = await h.start();
      await waitForStage(handle, 'generating report', 60_000);
      first.worker.kill('SIGKILL');
      const second = await host('host-b');

      const result = await handle.result();
      expect(result.outcome).toBe('sent');
      await h.sink.waitForMessages(1, 10_000);
      expect(h.sink.messages).toHaveLength(1);

      // One archive, in the shared store, under the run's own id; nothing archived on either host's disk.
      const runs = new Set((await h.store.list(`archive/2026-11-20/`)).map((k) => k.split('/').slice(0, 4).join('/')));
      expect([...runs]).toEqual([archivePrefix(result).replace(/\/$/, '')]);
      expect(result.artefacts?.archive).toBe(`s3://${s3.bucket}/sales-report/${archivePrefix(result)}`);
      const files = await h.store.list(archivePrefix(result));
      expect(files.map((f) => f.split('/').at(-1)).sort()).toEqual(
        expect.arrayContaining(['chart.png', 'metrics.json', 'report.html', 'report.json', 'report.txt']),
      );
      for (const { dir } of [first, second]) expect(await readdir(dir)).not.toContain('out');

      // The GPU host A started was found through the shared ledger and stopped by B once the pool let it go.
      await h.poolSettled();
      await expectGpuStopped(h);
      const audit = (await handle.describe()).memo?.audit as AuditMemo;
      expect(audit).toMatchObject({ outcome: 'sent', messageId: result.messageId });
      // Every call to the model counts: the one the killed worker had in flight, and the retry's.
      expect(audit.attempts).toBeGreaterThanOrEqual(1);
      expect(audit.gpuSeconds).toBeGreaterThan(0);
      // The send was recorded once, in the store, with a conditional create.
      const sends = await h.store.list('report-sends/');
      expect(sends).toHaveLength(1);
      expect(JSON.parse((await h.store.get(sends[0]!))!.toString('utf8'))).toMatchObject({
        state: 'accepted',
        messageId: result.messageId,
      });
    } finally {
      for (const w of workers) w.kill('SIGKILL');
      await h.close();
    }
  });
});
