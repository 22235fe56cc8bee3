import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHUTDOWN_GRACE_SECONDS } from '../../worker';
import { containerfileStages } from '../helpers/containerfile';
import { ROOT } from '../helpers/harness';

/**
 * The service definitions, checked as far as a machine without a container engine or a running systemd allows: what
 * they say is read and held against the code (the worker's grace time, the build's output), the unit is verified by
 * systemd-analyze where the machine has it, and the image's last stage is executed in a directory by
 * test/integration/built-worker.test.ts (the worker it starts runs from that directory).
 */
describe('deploy/: the systemd unit and the container image', () => {
  const unit = readFileSync(join(ROOT, 'deploy', 'sales-report-worker.service'), 'utf8');
  const key = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(unit)?.[1];

  it('the systemd unit waits longer than the worker takes to shut down, runs the build unprivileged, verifies', () => {
    expect(Number(key('TimeoutStopSec'))).toBeGreaterThan(SHUTDOWN_GRACE_SECONDS);
    expect(key('KillSignal')).toBe('SIGTERM');
    expect(key('User')).toMatch(/^(?!root$)\S+$/);
    expect(key('ExecStart')).toMatch(/ \/opt\/sales-report\/dist\/worker\.js --config \S+$/);
    expect(key('Restart')).toBe('on-failure');
    const analyze = spawnSync('systemd-analyze', ['verify', join(ROOT, 'deploy', 'sales-report-worker.service')], {
      encoding: 'utf8',
    });
    if (analyze.error) {
      console.log(`systemd-analyze not on this machine: the unit was checked by reading it only`);
    } else {
      expect(analyze.stderr.trim()).toBe(''); // an unknown key or a bad value is a warning on stderr
      expect(analyze.status).toBe(0);
    }
  });

  it('the image: a build stage, then production dependencies and dist/ only, unprivileged, stopped gracefully', () => {
    const stages = containerfileStages();
    expect(stages).toHaveLength(2);
    const [build, image] = stages as [(typeof stages)[0], (typeof stages)[0]];
    expect(build[0]?.args).toMatch(/ AS build$/);
    expect(build.some((i) => i.keyword === 'RUN' && i.args === 'npm run build')).toBe(true);

    const copies = image.filter((i) => i.keyword === 'COPY');
    for (const copy of copies.filter((c) => !c.flags.some((f) => f.startsWith('--from=')))) {
      for (const source of copy.args.split(' ').slice(0, -1)) expect(existsSync(join(ROOT, source)), source).toBe(true);
    }
    expect(copies.filter((c) => c.flags.includes('--from=build')).map((c) => c.args)).toEqual(['/src/dist ./dist']);
    const installs = image.filter((i) => i.keyword === 'RUN');
    expect(installs.map((i) => i.args)).toEqual([expect.stringMatching(/^npm ci --omit=dev --omit=optional /)]);
    expect(image.find((i) => i.keyword === 'USER')?.args).toMatch(/^(?!root$|0$)\S+$/);
    expect(image.find((i) => i.keyword === 'STOPSIGNAL')?.args).toBe('SIGTERM');
    expect(image.find((i) => i.keyword === 'ENTRYPOINT')?.args).toBe('["node", "dist/worker.js"]');
    // The health check and the exposed ports are the ones the image's documentation tells the config to use.
    expect(image.find((i) => i.keyword === 'EXPOSE')?.args).toBe('9464 8080');
    expect(image.find((i) => i.keyword === 'HEALTHCHECK')?.args).toContain('http://127.0.0.1:8080/healthz');
  });
});
