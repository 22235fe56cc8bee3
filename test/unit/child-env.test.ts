import { describe, expect, it } from 'vitest';
import { childEnvironment } from '../../config/child-env';

const WORKER_ENV = {
  PATH: '/usr/bin',
  HOME: '/home/sales',
  LANG: 'zh_CN.UTF-8',
  TZ: 'Asia/Shanghai',
  SMTP_PASSWORD: 'smtp-s3cret',
  AWS_SECRET_ACCESS_KEY: 'aws-s3cret',
  TEMPORAL_API_KEY: 'temporal-s3cret',
  SALES_REPORT_ENCRYPTION_KEYS: 'k:s3cret',
  SALES_REPORT_DATABASE_URL: 'postgres://u:s3cret@db/sales',
  ALIYUN_ACCESS_KEY: 'cloud-key',
};

describe('what a child process sees of the worker’s environment', () => {
  it('the file loader: paths, locale and time zone, none of the secrets', () => {
    const env = childEnvironment(WORKER_ENV);
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/home/sales', LANG: 'zh_CN.UTF-8', TZ: 'Asia/Shanghai' });
    expect(JSON.stringify(env)).not.toMatch(/s3cret/);
  });

  it('a cloud CLI: only the variables passed by name (gpu.command.passEnv)', () => {
    const env = childEnvironment(WORKER_ENV, ['ALIYUN_ACCESS_KEY']);
    expect(env.ALIYUN_ACCESS_KEY).toBe('cloud-key');
    expect(JSON.stringify(env)).not.toMatch(/s3cret/);
  });
});
