import { spawn, type ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { resolveTemporalCli } from '../../dev/temporal-cli';
import { reportSearchAttributes } from '../../temporal/search-attributes';

/**
 * A Temporal dev server on a file database, as its own process, so a test can SIGKILL it and start it again on the
 * same database and port (the in-memory server the other tests share would lose everything).
 */
export interface PersistentServer {
  address: string;
  /** SIGKILLs the server and waits until the process is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same database and port; resolves once it answers. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPersistentServer(dbFile: string, port: number): Promise<PersistentServer> {
  const cli = resolveTemporalCli();
  if (cli.source === 'sdk download') throw new Error('a Temporal CLI binary is needed to restart a server');
  const address = `127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      cli.path,
      [
        'server',
        'start-dev',
        '--ip',
        '127.0.0.1',
        '--port',
        String(port),
        '--headless',
        '--db-filename',
        dbFile,
        '--log-level',
        'error',
        ...reportSearchAttributes.flatMap((a) => ['--search-attribute', `${a.name}=Keyword`]),
      ],
      { stdio: 'ignore' },
    );
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        const connection = await Connection.connect({ address, connectTimeout: 1000 });
        await connection.workflowService.getSystemInfo({});
        await connection.close();
        return;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`the Temporal server on ${address} did not answer: ${String(err)}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };
  const kill = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGKILL');
    await exited;
  };
  await start();
  return { address, kill, restart: start, stop: kill };
}
