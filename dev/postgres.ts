import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';

/**
 * A throwaway PostgreSQL cluster (Debian's `postgresql` package): initdb into a temp dir, loopback only. For the
 * tests and the benchmark; production points data.source at its own database.
 */
export interface TestPostgres {
  /** postgres://sales@127.0.0.1:<port>/postgres: trust auth, loopback only. */
  url: string;
  stop(): void;
}

/** Debian keeps the server binaries per version under /usr/lib/postgresql/<v>/bin; else whatever PATH has. */
function serverBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0]) return join(root, versions[0], 'bin');
  const fromPath = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (fromPath.status === 0) return fromPath.stdout.trim();
  throw new Error('PostgreSQL server binaries not found: install Debian\'s "postgresql" package (.ci/run does)');
}

export async function startPostgres(): Promise<TestPostgres> {
  const bin = serverBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'sales-report-pg-'));
  // The server refuses to run as root: as root, run it as Debian's "postgres" user, which must own the cluster.
  const asRoot = process.getuid?.() === 0;
  const owner = asRoot ? spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }) : undefined;
  if (asRoot && owner?.status !== 0) throw new Error('running as root needs the "postgres" user to start PostgreSQL');
  if (owner) chownSync(dir, Number(owner.stdout.trim()), Number(spawnSync('id', ['-g', 'postgres']).stdout));
  const run = (command: string, args: string[]) => {
    const full = asRoot
      ? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]]
      : [join(bin, command), args];
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
