import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Prometheus's promtool, pinned: it tests the shipped rules (deploy/prometheus/) the way Prometheus evaluates them. */
export const PROMTOOL_VERSION = '0.316.0';

/**
 * $PROMTOOL, else `promtool` on PATH, else our cached build, else `go install` of Prometheus's promtool into the cache
 * (about 6 minutes on two cores, once; the Go module proxy is the only network it needs).
 */
export function resolvePromtool(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PROMTOOL) {
    if (!existsSync(env.PROMTOOL)) throw new Error(`PROMTOOL=${env.PROMTOOL}: no such file`);
    return env.PROMTOOL;
  }
  const onPath = (name: string) =>
    (env.PATH ?? '')
      .split(delimiter)
      .map((dir) => join(dir, name))
      .find((p) => existsSync(p));
  const fromPath = onPath('promtool');
  if (fromPath) return fromPath;
  const cacheDir = join(
    env.XDG_CACHE_HOME || join(homedir(), '.cache'),
    'sales-report',
    `promtool-${PROMTOOL_VERSION}`,
  );
  const cached = join(cacheDir, 'promtool');
  if (existsSync(cached)) return cached;
  const go = onPath('go');
  if (!go) throw new Error('promtool is needed for the alerting rules test: set PROMTOOL, or install Go to build it');
  mkdirSync(cacheDir, { recursive: true });
  const pkg = `github.com/prometheus/prometheus/cmd/promtool@v${PROMTOOL_VERSION}`;
  console.log(`building promtool: go install ${pkg} (several minutes, once)`);
  const build = spawnSync(go, ['install', pkg], {
    env: { ...env, GOBIN: cacheDir },
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 30 * 60_000,
  });
  if (build.status === 0 && existsSync(cached)) return cached;
  throw new Error(`go install ${pkg} failed (exit ${build.status ?? build.signal ?? 'unknown'})`);
}

if (require.main === module) console.log(`promtool: ${resolvePromtool()}`);
