import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The one place the Temporal CLI version is pinned. Later tags carry a `replace` directive `go install` refuses. */
export const TEMPORAL_CLI_VERSION = '1.5.1';

export type TemporalCliSource = 'TEMPORAL_CLI' | 'PATH' | 'cache' | 'go install' | 'sdk download';

export type TemporalCli =
  { source: Exclude<TemporalCliSource, 'sdk download'>; path: string } | { source: 'sdk download'; version: string };

export function temporalCliCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const cacheRoot = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cacheRoot, 'sales-report', `temporal-cli-${TEMPORAL_CLI_VERSION}`);
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/**
 * Finds a Temporal CLI: $TEMPORAL_CLI, else `temporal` on PATH, else our cached build, else builds it with
 * `go install` into the cache, else leaves it to the SDK's own download (machines with internet access).
 */
export function resolveTemporalCli(
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = () => {},
): TemporalCli {
  if (env.TEMPORAL_CLI) {
    if (!existsSync(env.TEMPORAL_CLI)) throw new Error(`TEMPORAL_CLI=${env.TEMPORAL_CLI}: no such file`);
    return { source: 'TEMPORAL_CLI', path: env.TEMPORAL_CLI };
  }
  const fromPath = onPath('temporal', env);
  if (fromPath) return { source: 'PATH', path: fromPath };

  const cacheDir = temporalCliCacheDir(env);
  const cached = join(cacheDir, 'temporal');
  if (existsSync(cached)) return { source: 'cache', path: cached };

  const go = onPath('go', env);
  if (go) {
    mkdirSync(cacheDir, { recursive: true });
    const pkg = `github.com/temporalio/cli/cmd/temporal@v${TEMPORAL_CLI_VERSION}`;
    log(`building the Temporal CLI: go install ${pkg} (a few minutes, once)`);
    const build = spawnSync(go, ['install', pkg], {
      env: { ...env, GOBIN: cacheDir, GOFLAGS: '-mod=mod' },
      stdio: ['ignore', 'inherit', 'inherit'],
      timeout: 20 * 60_000,
    });
    if (build.status === 0 && existsSync(cached)) return { source: 'go install', path: cached };
    throw new Error(`go install ${pkg} failed (exit ${build.status ?? build.signal ?? 'unknown'})`);
  }
  return { source: 'sdk download', version: TEMPORAL_CLI_VERSION };
}

export function describeTemporalCli(cli: TemporalCli): string {
  if (cli.source === 'sdk download') return `Temporal CLI v${cli.version} via the SDK's download`;
  let version = '';
  try {
    version = execFileSync(cli.path, ['--version'], { encoding: 'utf8', timeout: 10_000 }).trim();
  } catch {
    version = 'version unknown';
  }
  return `Temporal CLI from ${cli.source}: ${cli.path} (${version})`;
}
