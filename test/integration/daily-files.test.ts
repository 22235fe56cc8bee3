import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { DataCheck } from '../../cli/commands/data';
import { parseConfig, type Config } from '../../config/config';
import { writeSampleCsv } from '../../dev/sample-data';
import { loadConfiguredSales } from '../../sales/source';
import type { SalesMetrics } from '../../sales/metrics';
import { salesReport } from '../helpers/cli';
import { startMoto } from '../helpers/moto';

const REPORT_DATE = '2026-11-20';

/** What the report states, without the bookkeeping of how many rows and files were read. */
const figures = ({ dataQuality: _dq, ...m }: SalesMetrics) => m;

/** The export split into one file a day, as back offices deliver it; blank lines dropped, `skip` days left out. */
async function dailyFiles(plain: string, dir: string, skip: string[]): Promise<string> {
  const [header, ...lines] = (await readFile(plain, 'utf8')).replace(/^\ufeff/, '').split('\n');
  const byDay = new Map<string, string[]>();
  for (const line of lines) {
    const date = line.split(',')[1]?.replaceAll('/', '-');
    if (!date) continue;
    byDay.set(date, [...(byDay.get(date) ?? []), line]);
  }
  const folder = join(dir, 'daily');
  await mkdir(folder, { recursive: true });
  for (const [date, rows] of byDay)
    if (!skip.includes(date)) await writeFile(join(folder, `orders-${date}.csv`), [header, ...rows].join('\n'));
  // And a file that is not an export: not matched by the pattern.
  await writeFile(join(folder, 'README.txt'), 'exports land here daily');
  return folder;
}

async function load(dir: string, path: string, more: Partial<Config['data']> = {}): Promise<SalesMetrics> {
  const config = parseConfig({ data: { path, ...more }, report: { trendWeeks: 8 } });
  return loadConfiguredSales(config, { llmApiKey: 'EMPTY' }, REPORT_DATE);
}

describe('one export a day: a folder of daily files read as one source', () => {
  it('by a date template or a wildcard gives the one-file metrics; a missing day is named, in the trend or the week', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-daily-'));
    const plain = join(dir, 'all.csv');
    // 9 weeks ending the day before the report week ends: the 8-week trend and a week before it.
    await writeSampleCsv(plain, { endDate: '2026-11-19', days: 63, ordersPerDay: 20, seed: 8, badRowsPerThousand: 0 });
    const folder = await dailyFiles(plain, dir, []);
    const expected = figures(await load(dir, plain));

    const byTemplate = await load(dir, join(folder, 'orders-{date}.csv'));
    expect(figures(byTemplate)).toEqual(expected);
    expect(byTemplate.dataQuality.file).toBe('56 files orders-{date}.csv'); // the 8 weeks the report reads
    expect(figures(await load(dir, join(folder, 'orders-*.csv')))).toEqual(expected);

    // A day missing in the trend's weeks: read without it (the same as a single file without that day's lines),
    // and named.
    const gap = await mkdtemp(join(tmpdir(), 'sales-report-daily-'));
    const withGap = await dailyFiles(plain, gap, ['2026-10-07']);
    const plainWithout = join(gap, 'without.csv');
    const text = await readFile(plain, 'utf8');
    await writeFile(
      plainWithout,
      text
        .split('\n')
        .filter((l) => !/,2026[-/]10[-/]07,/.test(l))
        .join('\n'),
    );
    const missingInTrend = await load(gap, join(withGap, 'orders-{date}.csv'));
    expect(figures(missingInTrend)).toEqual(figures(await load(gap, plainWithout)));
    expect(missingInTrend.dataQuality.missingFiles).toEqual(['orders-2026-10-07.csv']);

    // A day missing in the report's weeks: the run fails, naming the file.
    const late = await mkdtemp(join(tmpdir(), 'sales-report-daily-'));
    const withLate = await dailyFiles(plain, late, ['2026-11-18']);
    await expect(load(late, join(withLate, 'orders-{date}.csv'))).rejects.toThrow(
      `the report reads one file a day for 2026-11-06 – 2026-11-19, and this one is not there: ${join(withLate, 'orders-2026-11-18.csv')}. Did the export run?`,
    );
    await expect(load(late, join(withLate, 'nothing-*.csv'))).rejects.toThrow(/no file in .* matches nothing-\*\.csv/);

    // data check lists the files it read and the ones missing.
    const config = join(gap, 'config.json');
    await writeFile(config, JSON.stringify({ data: { path: join(withGap, 'orders-{date}.csv') } }));
    const check = await salesReport(config, 'data', 'check', '--date', REPORT_DATE);
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/files: {4}\d+ read/);
    expect(check.stdout).toContain(`  missing: ${join(withGap, 'orders-2026-10-07.csv')}`);
    const json = JSON.parse(
      (await salesReport(config, 'data', 'check', '--date', REPORT_DATE, '--json')).stdout,
    ) as DataCheck;
    expect(json.details?.files?.length).toBeGreaterThan(1);
  });

  it('under an S3 prefix (moto): the same metrics as the folder, a missing day named by its s3:// address', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-daily-'));
    const plain = join(dir, 'all.csv');
    await writeSampleCsv(plain, { endDate: '2026-11-19', days: 63, ordersPerDay: 20, seed: 8, badRowsPerThousand: 0 });
    const folder = await dailyFiles(plain, dir, ['2026-10-07']);
    const expected = await load(dir, join(folder, 'orders-{date}.csv'));

    const moto = await startMoto();
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
    const s3 = new S3Client({ region: 'us-east-1', endpoint: moto.url, forcePathStyle: true });
    try {
      await s3.send(new CreateBucketCommand({ Bucket: 'exports' }));
      for (const name of await readdir(folder))
        await s3.send(
          new PutObjectCommand({ Bucket: 'exports', Key: `shop-a/${name}`, Body: await readFile(join(folder, name)) }),
        );
      const s3Data = { s3: { region: 'us-east-1', endpoint: moto.url, forcePathStyle: true } };
      const fromS3 = await load(dir, 's3://exports/shop-a/orders-{date}.csv', s3Data);
      expect(figures(fromS3)).toEqual(figures(expected));
      expect(fromS3.dataQuality.missingFiles).toEqual(['orders-2026-10-07.csv']);
      expect(figures(await load(dir, 's3://exports/shop-a/orders-*.csv', s3Data))).toEqual(figures(expected));
      await expect(load(dir, 's3://exports/shop-b/orders-{date}.csv', s3Data)).rejects.toThrow(
        'no object under s3://exports/shop-b/orders- for 2026-09-25 – 2026-11-19',
      );
    } finally {
      s3.destroy();
      process.env = saved;
      moto.stop();
    }
  });
});
