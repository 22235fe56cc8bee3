import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listenHealth, type Health, type HealthChecks } from '../../temporal/health';

describe('/healthz', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  async function probe(checks: Partial<HealthChecks>): Promise<{ status: number; body: Health }> {
    server = await listenHealth('127.0.0.1:0', {
      workerStates: () => ({ reports: 'RUNNING', 'reports-gpu@host': 'RUNNING' }),
      unreadablePayloads: async () => undefined,
      payloadCheckSeconds: 60,
      ...checks,
    });
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    return { status: res.status, body: (await res.json()) as Health };
  }

  it('is 200 when every worker polls and the payloads are readable', async () => {
    expect(await probe({})).toEqual({
      status: 200,
      body: { ok: true, workers: { reports: 'RUNNING', 'reports-gpu@host': 'RUNNING' }, payloads: 'readable' },
    });
  });

  it('is 503 naming the worker that stopped polling', async () => {
    const { status, body } = await probe({ workerStates: () => ({ reports: 'DRAINING', gpu: 'RUNNING' }) });
    expect(status).toBe(503);
    expect(body.workers).toEqual({ reports: 'DRAINING', gpu: 'RUNNING' });
  });

  it('is 503 with the reason when the payloads cannot be read, or cannot be checked', async () => {
    const missing = await probe({ unreadablePayloads: async () => 'a payload was encrypted with key "2026-10"' });
    expect(missing.status).toBe(503);
    expect(missing.body.payloads).toContain('2026-10');
    server?.close();
    const down = await probe({ unreadablePayloads: () => Promise.reject(new Error('connection refused')) });
    expect(down.status).toBe(503);
    expect(down.body.payloads).toBe('cannot check: connection refused');
  });

  it('reuses a payload check for payloadCheckSeconds: a probe every second does not list the namespace each time', async () => {
    let checks = 0;
    server = await listenHealth('127.0.0.1:0', {
      workerStates: () => ({ reports: 'RUNNING' }),
      unreadablePayloads: async () => void checks++,
      payloadCheckSeconds: 60,
    });
    const { port } = server.address() as AddressInfo;
    for (let i = 0; i < 3; i++) expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect(checks).toBe(1);
    expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
  });
});
