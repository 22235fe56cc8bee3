import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, parseConfig, secretsFromEnv } from '../../config/config';
import { dataConverterFor } from '../../temporal/data-converter';
import { ROOT } from '../helpers/harness';

async function configFile(content: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'sales-report-config-')), 'config.json');
  await writeFile(path, content);
  return path;
}

describe('configuration', () => {
  it('needs no file: the defaults run the embedded setup', () => {
    const config = parseConfig({});
    expect(config.temporal.address).toBe('127.0.0.1:7233');
    expect(config.report.timezone).toBe('Asia/Shanghai');
    expect(config.gpu.provider).toBe('local-process');
    expect(config.data.columns.orderDate).toContain('订单日期');
  });

  it("gives a CPU server the defaults of a CPU server, and keeps vLLM's and what the file says", () => {
    expect(parseConfig({}).llm).toMatchObject({ requestTimeoutSeconds: 180, maxConcurrentRequests: 256 });
    expect(parseConfig({ llm: { server: 'llama-cpp-python' } }).llm).toMatchObject({
      requestTimeoutSeconds: 600,
      maxConcurrentRequests: 1,
    });
    expect(
      parseConfig({ llm: { server: 'llama-cpp-python', requestTimeoutSeconds: 90, maxConcurrentRequests: 2 } }).llm,
    ).toMatchObject({ requestTimeoutSeconds: 90, maxConcurrentRequests: 2 });
  });

  it('lists every problem of a bad file with its JSON path, in one go', async () => {
    const path = await configFile(
      JSON.stringify({
        temporal: { adress: 'x' },
        report: { timezone: 'Mars/Olympus', locale: 'fr-FR' },
        gpu: { localProcess: { port: 'eighty' }, provider: 'static' },
        email: { to: ['not-an-address'] },
        llm: { maxAttempts: 0 },
      }),
    );
    let error: ConfigError | undefined;
    try {
      loadConfigFile(path);
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toEqual(
      expect.arrayContaining([
        '/temporal: unknown property "adress"',
        '/report/locale: must be equal to one of the allowed values: "zh-CN", "en-US"',
        '/gpu/localProcess/port: must be integer',
        '/email/to/0: must match format "email"',
        '/llm/maxAttempts: must be >= 1',
      ]),
    );
    expect(error!.message).toContain(path);
  });

  it('checks what the schema cannot: time zone and provider settings', () => {
    expect(() => parseConfig({ report: { timezone: 'Mars/Olympus' }, gpu: { provider: 'static' } })).toThrow(
      /\/gpu\/static: required when \/gpu\/provider is "static"[\s\S]*\/report\/timezone: unknown IANA time zone "Mars\/Olympus"/,
    );
  });

  it('needs a query with the date range bound for a PostgreSQL source, and says where GPU sharing went', () => {
    expect(() => parseConfig({ data: { source: { kind: 'postgres' } } })).toThrow(
      '/data/source/query: required when /data/source/kind is "postgres"',
    );
    expect(() => parseConfig({ data: { source: { kind: 'postgres', query: 'SELECT * FROM orders' } } })).toThrow(
      /\/data\/source\/query: must select the order lines dated from \$1 to \$2/,
    );
    const ok = parseConfig({
      data: { source: { kind: 'postgres', query: 'SELECT * FROM o WHERE d BETWEEN $1 AND $2' } },
    });
    expect(ok.data.source).toMatchObject({ kind: 'postgres', mode: 'lines', fetchRows: 5000 });
    expect(() => parseConfig({ gpu: { sharing: { enabled: true } } })).toThrow(
      '/gpu/sharing: every run now leases the GPU from the pool; its settings moved to /gpu/pool (no "enabled")',
    );
  });

  it('points moved settings at the store, and needs s3 settings for an S3 store', () => {
    expect(() => parseConfig({ archive: { dir: '/srv/archive' }, email: { sentRecordDir: '/srv/sent' } })).toThrow(
      /\/archive: moved to \/store[\s\S]*\/email\/sentRecordDir: moved to \/store/,
    );
    expect(() => parseConfig({ store: { kind: 's3' } })).toThrow('/store/s3: required when /store/kind is "s3"');
    expect(parseConfig({ store: { kind: 's3', s3: { bucket: 'reports' } } }).store.s3).toEqual({
      bucket: 'reports',
      prefix: '',
      region: 'us-east-1',
      forcePathStyle: false,
    });
  });

  it('refuses encryption keys it cannot use, and encryption without keys', () => {
    expect(() => secretsFromEnv({ SALES_REPORT_ENCRYPTION_KEYS: 'k1:c2hvcnQ=' })).toThrow(
      /SALES_REPORT_ENCRYPTION_KEYS: key "k1": 5 bytes after base64, AES-256 needs 32/,
    );
    const config = parseConfig({ temporal: { encryption: { enabled: true } } });
    expect(() => dataConverterFor(config, secretsFromEnv({}))).toThrow(/SALES_REPORT_ENCRYPTION_KEYS is not set/);
  });

  it('says so when the file is not JSON', async () => {
    const path = await configFile('{ "temporal": ');
    expect(() => loadConfigFile(path)).toThrow(/not valid JSON/);
  });

  it('takes secrets from the environment only', () => {
    expect(secretsFromEnv({ SMTP_PASSWORD: 's3cret', VLLM_API_KEY: 'k' })).toEqual({
      smtpPassword: 's3cret',
      llmApiKey: 'k',
      temporalApiKey: undefined,
      encryption: undefined,
      codecToken: undefined,
    });
    expect(() => parseConfig({ email: { smtp: { password: 'x' } } })).toThrow('unknown property "password"');
  });

  it('refuses to start a worker whose reports ask for a PDF on a host where Chromium cannot start, saying why', async () => {
    const path = await configFile(
      JSON.stringify({
        reports: [
          { id: 'weekly', pdf: true },
          { id: 'daily', period: 'day' },
        ],
      }),
    );
    // Its cache, where the browser unpacks, is a file: nothing can be unpacked there.
    const cache = `${path}.not-a-directory`;
    await writeFile(cache, '');
    const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'worker.ts', '--config', path], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, XDG_CACHE_HOME: cache },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'weekly asks for a PDF (report.pdf / reports[].pdf), but headless Chromium cannot start on this host: ',
    );
    expect(run.stderr).toContain('ENOTDIR');
  });

  it('makes the worker exit non-zero on a bad config, listing the problems', async () => {
    const path = await configFile(JSON.stringify({ gpu: { hourlyPrice: -1 }, store: { dir: '' } }));
    const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', 'worker.ts', '--config', path], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('/gpu/hourlyPrice: must be >= 0');
    expect(run.stderr).toContain('/store/dir: must NOT have fewer than 1 characters');
  });
});
