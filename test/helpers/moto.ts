import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from '../../dev/free-port';
import { forward } from './forward';

export const MOTO_VERSION = '5.2.5';

/** moto's server: $MOTO_SERVER, else our pinned venv (built with pip when missing), else one on PATH. */
export function resolveMotoServer(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MOTO_SERVER) return env.MOTO_SERVER;
  const venv = join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sales-report', `moto-${MOTO_VERSION}`);
  const bin = join(venv, 'bin', 'moto_server');
  if (existsSync(bin)) return bin;
  const python = spawnSync('python3', ['--version']).status === 0;
  if (python) {
    const steps: [string, string[]][] = [
      ['python3', ['-m', 'venv', venv]],
      [join(venv, 'bin', 'pip'), ['install', '--quiet', `moto[server]==${MOTO_VERSION}`]],
    ];
    for (const [cmd, args] of steps) {
      const r = spawnSync(cmd, args, { stdio: 'inherit', timeout: 10 * 60_000 });
      if (r.status !== 0) throw new Error(`installing moto failed at: ${cmd} ${args.join(' ')}`);
    }
    return bin;
  }
  for (const dir of (env.PATH ?? '').split(delimiter))
    if (dir && existsSync(join(dir, 'moto_server'))) return join(dir, 'moto_server');
  throw new Error('moto_server not found and no python3 to install it (pip install "moto[server]")');
}

export interface Moto {
  url: string;
  stop(): void;
}

/** A moto server on loopback; bounded wait until it answers. */
export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const child: ChildProcess = spawn(resolveMotoServer(), ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/moto-api/`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('moto_server did not come up within 30s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, stop: () => child.kill('SIGTERM') };
}

export interface Ec2StandIn {
  url: string;
  /** EC2 actions seen, as "StartInstances i-abc" etc. */
  actions: string[];
  /** StartInstances for these ids answers InsufficientInstanceCapacity, as AWS does when an AZ is out of a type. */
  noCapacity: Set<string>;
  /** `action` on `id` answers this AWS error (UnauthorizedOperation, IncorrectInstanceState, …); code '' lifts it. */
  refuse(action: 'StartInstances' | 'StopInstances', id: string, code: string, message: string): void;
  /** DescribeInstances shows these ids as pending while moto has them running: a start that never finishes. */
  stuckPending: Set<string>;
  close(): Promise<void>;
}

const errorXml = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code>` +
  `<Message>${message}</Message></Error></Errors><RequestID>standin</RequestID></Response>`;

/**
 * A stand-in in front of moto for what moto cannot simulate (capacity errors), which also records the EC2 actions so
 * tests can tell a started instance from one that was merely used. Everything else is moto's answer.
 */
export async function startEc2StandIn(motoUrl: string): Promise<Ec2StandIn> {
  const actions: string[] = [];
  const noCapacity = new Set<string>();
  const refusals = new Map<string, { code: string; message: string }>();
  const stuckPending = new Set<string>();
  const target = new URL(motoUrl);
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const form = new URLSearchParams(body.toString('utf8'));
      const action = form.get('Action') ?? '';
      const ids = [...form.entries()].filter(([k]) => /^(InstanceId|ResourceId)\.\d+$/.test(k)).map(([, v]) => v);
      if (action && !action.startsWith('Describe')) actions.push(`${action} ${ids.join(',')}`.trim());
      const refused = action === 'StartInstances' ? ids.find((id) => noCapacity.has(id)) : undefined;
      if (refused) {
        const message =
          'We currently do not have sufficient g6.xlarge capacity in the Availability Zone you requested.';
        res.writeHead(500, { 'content-type': 'text/xml' }).end(errorXml('InsufficientInstanceCapacity', message));
        return;
      }
      const refusal = ids.map((id) => refusals.get(`${action} ${id}`)).find(Boolean);
      if (refusal) {
        const status = refusal.code === 'UnauthorizedOperation' ? 403 : 400;
        res.writeHead(status, { 'content-type': 'text/xml' }).end(errorXml(refusal.code, refusal.message));
        return;
      }
      const stuck = action === 'DescribeInstances' && ids.some((id) => stuckPending.has(id));
      forward(target, req, res, body, (up) => {
        if (!stuck) {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          return;
        }
        const parts: Buffer[] = [];
        up.on('data', (c: Buffer) => parts.push(c));
        up.on('end', () => {
          const xml = Buffer.concat(parts)
            .toString('utf8')
            .replace(/<code>16<\/code>\s*<name>running<\/name>/g, '<code>0</code><name>pending</name>');
          const headers = { ...up.headers, 'content-length': String(Buffer.byteLength(xml)) };
          res.writeHead(up.statusCode ?? 502, headers).end(xml);
        });
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    actions,
    noCapacity,
    refuse: (action, id, code, message) =>
      void (code ? refusals.set(`${action} ${id}`, { code, message }) : refusals.delete(`${action} ${id}`)),
    stuckPending,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
