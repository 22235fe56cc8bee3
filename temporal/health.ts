import { createServer, type Server } from 'node:http';

/** What /healthz answers: whether the worker polls its task queues and can read its namespace's payloads. */
export interface Health {
  ok: boolean;
  /** Each task queue's worker state: RUNNING while it polls. */
  workers: Record<string, string>;
  /** "readable", or why this worker cannot decode its runs' payloads (a missing key), or why that is unknown. */
  payloads: string;
}

export interface HealthChecks {
  workerStates(): Record<string, string>;
  /** undefined when the payloads are readable; the reason otherwise. */
  unreadablePayloads(): Promise<string | undefined>;
  /** How long a payload check is reused: the namespace is not listed on every probe. */
  payloadCheckSeconds: number;
}

/**
 * GET /healthz on `address` (host:port): 200 with the Health as JSON when every worker is RUNNING and the payloads
 * are readable, 503 with the same body otherwise. For a load balancer, Kubernetes or systemd's watchdog scripts.
 */
export async function listenHealth(address: string, checks: HealthChecks): Promise<Server> {
  let last: { at: number; payloads: string } | undefined;
  const payloads = async (): Promise<string> => {
    if (last && Date.now() - last.at < checks.payloadCheckSeconds * 1000) return last.payloads;
    const reason = await checks.unreadablePayloads().catch((err: unknown) => `cannot check: ${(err as Error).message}`);
    last = { at: Date.now(), payloads: reason ?? 'readable' };
    return last.payloads;
  };
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || req.url !== '/healthz') {
      res.writeHead(404).end();
      return;
    }
    void payloads().then((readable) => {
      const workers = checks.workerStates();
      const states = Object.values(workers);
      const health: Health = {
        ok: states.length > 0 && states.every((s) => s === 'RUNNING') && readable === 'readable',
        workers,
        payloads: readable,
      };
      res.writeHead(health.ok ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(health));
    });
  });
  const { host, port } = hostPort(address);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}

function hostPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
}
