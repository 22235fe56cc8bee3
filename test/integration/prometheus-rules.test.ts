import { spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/harness';
import { resolvePromtool } from '../helpers/promtool';

const RULES_DIR = join(ROOT, 'deploy', 'prometheus');

function promtool(...args: string[]): { code: number | null; out: string } {
  const run = spawnSync(resolvePromtool(), args, { encoding: 'utf8', timeout: 60_000 });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
}

describe("the dead man's switch: the shipped alerting rules, as Prometheus evaluates them", () => {
  it('are valid, and promtool test rules holds: workers down, a report past due, a report sent, an orphan GPU, a stale pulse, a check not run, two configs at once, a stalled pool task, failing workflow tasks', () => {
    const check = promtool('check', 'rules', join(RULES_DIR, 'sales-report.rules.yml'));
    expect(check.code, check.out).toBe(0);
    expect(check.out).toContain('SUCCESS: 8 rules found');
    const test = promtool('test', 'rules', join(RULES_DIR, 'sales-report.rules.test.yml'));
    expect(test.code, test.out).toBe(0);
    expect(test.out).toContain('SUCCESS');
  });

  it('fails a rule test that expects the wrong thing: a report sent in full raising an alert', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sales-report-rules-'));
    await copyFile(join(RULES_DIR, 'sales-report.rules.yml'), join(dir, 'sales-report.rules.yml'));
    const tests = await readFile(join(RULES_DIR, 'sales-report.rules.test.yml'), 'utf8');
    const [before, sentCase] = tests.split('# The same report, sent in full by 00:30: no alert.');
    const wrong = sentCase!.replace(
      'alertname: SalesReportOverdue\n        exp_alerts: []',
      'alertname: SalesReportOverdue\n        exp_alerts:\n          - exp_labels: { severity: critical, report: by-region }',
    );
    expect(wrong).not.toBe(sentCase);
    await writeFile(join(dir, 'wrong.test.yml'), `${before}${wrong}`);
    const run = promtool('test', 'rules', join(dir, 'wrong.test.yml'));
    expect(run.code).not.toBe(0);
    expect(run.out).toContain('alertname: SalesReportOverdue, time: 45m');
  });

  it('reads only metrics the workers export', async () => {
    const rules = await readFile(join(RULES_DIR, 'sales-report.rules.yml'), 'utf8');
    const read = new Set(rules.match(/sales_report_[a-z_]+/g));
    const source = await readFile(join(ROOT, 'temporal', 'product-metrics.ts'), 'utf8');
    const exported = new Set([...source.matchAll(/'(sales_report_[a-z_]+)'/g)].map((m) => m[1]));
    expect(read.size).toBeGreaterThanOrEqual(6);
    for (const name of read) expect(exported, name).toContain(name);
  });
});
