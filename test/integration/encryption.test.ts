import { formatCompactMoney } from '../../report/render/format';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenCodecServer, type RunningCodecServer } from '../../temporal/codec-server';
import { listRuns } from '../../temporal/runs';
import { AesGcmCodec } from '../../temporal/encryption';
import { parseEncryptionKeys, type EncryptionKeys } from '../../config/encryption-keys';
import type { ReportResult, SalesMetrics } from '../../temporal/contracts';
import { run, temporalCli, writeConfig } from '../helpers/cli';
import { createHarness, type Harness } from '../helpers/harness';

const key = () => randomBytes(32).toString('base64');
const utf8 = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');

/** Every readable text a history holds: each payload's data decoded from base64 as UTF-8, and every other string. */
function textOf(historyJson: string): string {
  const out: string[] = [];
  const walk = (v: unknown, bytes = false): void => {
    if (typeof v === 'string') out.push(bytes ? Buffer.from(v, 'base64').toString('utf8') : v);
    else if (Array.isArray(v)) v.forEach((x) => walk(x));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (k === 'metadata' && x && typeof x === 'object')
          Object.values(x as Record<string, unknown>).forEach((m) => walk(m, true));
        else walk(x, k === 'data');
      }
    }
  };
  walk(JSON.parse(historyJson));
  return out.join('\n');
}

/** The data of every payload in a history, decrypted with the codec: what an authorised reader sees. */
async function decryptedTextOf(historyJson: string, codec: AesGcmCodec): Promise<string> {
  const payloads: Payload[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as { metadata?: Record<string, string>; data?: string };
      if (o.metadata && typeof o.data === 'string') {
        payloads.push({
          metadata: Object.fromEntries(Object.entries(o.metadata).map(([k, x]) => [k, Buffer.from(x, 'base64')])),
          data: Buffer.from(o.data, 'base64'),
        });
      } else Object.values(o).forEach(walk);
    }
  };
  walk(JSON.parse(historyJson));
  return (await codec.decode(payloads)).map((p) => utf8(p.data)).join('\n');
}

/** What must never be readable in history: product names, figures as computed and as printed, the narrative. */
function secretsOfTheRun(metrics: SalesMetrics, headline: string): string[] {
  const revenue = metrics.kpis.revenue.current;
  return [
    ...metrics.topProducts.slice(0, 3).map((p) => p.product),
    String(revenue),
    formatCompactMoney(revenue, 'CNY', 'zh-CN'), // as the subject prints it
    headline,
  ];
}

describe('payload encryption', () => {
  it('round-trips, rotates keys, and names a missing key', async () => {
    const [k1, k2] = [key(), key()];
    const payload: Payload = { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{"销售额":1}') };
    const old = new AesGcmCodec(parseEncryptionKeys(`k1:${k1}`));
    const [sealed] = await old.encode([payload]);
    expect(utf8(sealed!.data)).not.toContain('销售额');
    expect(utf8(sealed!.metadata!['encryption-key-id'])).toBe('k1');

    const rotated = new AesGcmCodec(parseEncryptionKeys(`k2:${k2},k1:${k1}`));
    expect(utf8((await rotated.decode([sealed!]))[0]!.data)).toBe('{"销售额":1}');
    expect(utf8((await rotated.encode([payload]))[0]!.metadata!['encryption-key-id'])).toBe('k2');

    await expect(new AesGcmCodec(parseEncryptionKeys(`k2:${k2}`)).decode([sealed!])).rejects.toThrow(
      /key "k1", which is not among the configured keys \(k2\)/,
    );
    expect(() => parseEncryptionKeys(`k1:${Buffer.alloc(16).toString('base64')}`)).toThrow(/16 bytes.*needs 32/);
    expect(() => parseEncryptionKeys('')).toThrow(/no key given/);
  });

  describe('a run on the dev server', () => {
    let encrypted: Harness;
    let plain: Harness;
    let keys: EncryptionKeys;
    let raw: Client;
    let rawConnection: Connection;
    let spec: string;
    beforeAll(async () => {
      spec = `prod-2026:${key()}`;
      keys = parseEncryptionKeys(spec);
      [encrypted, plain] = await Promise.all([
        createHarness({ config: { temporal: { encryption: { enabled: true } } }, secrets: { encryption: keys } }),
        createHarness(),
      ]);
      rawConnection = await Connection.connect({ address: encrypted.config.temporal.address });
      raw = new Client({ connection: rawConnection }); // no codec: what the server, its operator and a reader see
    });
    afterAll(async () => {
      await rawConnection?.close();
      await encrypted?.close();
      await plain?.close();
    });

    async function runAndRead(h: Harness) {
      const handle = await h.start();
      const result: ReportResult = await h.withWorker(handle.result());
      const dir = result.artefacts!.archive;
      const metrics = JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8')) as SalesMetrics;
      const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as { headline: string };
      const history = historyToJSON(await raw.workflow.getHandle(handle.workflowId).fetchHistory());
      return { handle, result, secrets: secretsOfTheRun(metrics, report.headline), historyText: textOf(history) };
    }

    let codec: RunningCodecServer | undefined;
    afterAll(() => codec?.close());

    /** `temporal workflow <command>` through the codec server, as an operator with its token runs it; as text. */
    const throughCodec = async (command: 'result' | 'describe', workflowId: string) =>
      JSON.stringify(
        await temporalCli(
          encrypted.config.temporal.address,
          'workflow',
          command,
          '--workflow-id',
          workflowId,
          '--codec-endpoint',
          codec!.url,
          '--codec-auth',
          'Bearer let-me-read',
        ),
      );

    it('keeps figures, product names and the narrative out of history, and reads them back through the codec', async () => {
      // The control: without encryption the same check finds them, so it can fail.
      const control = await runAndRead(plain);
      expect(control.secrets.filter((s) => control.historyText.includes(s))).toEqual(control.secrets);

      const run = await runAndRead(encrypted);
      expect(run.secrets.filter((s) => run.historyText.includes(s))).toEqual([]);
      expect(run.historyText).toContain('binary/encrypted');

      // Search attributes (never encrypted by Temporal) and the memo hold no figures either, read off the wire.
      const { workflowExecutionInfo: info } = await rawConnection.workflowService.describeWorkflowExecution({
        namespace: encrypted.config.temporal.namespace,
        execution: { workflowId: run.handle.workflowId },
      });
      const fields = [
        ...Object.values(info?.searchAttributes?.indexedFields ?? {}),
        ...Object.values(info?.memo?.fields ?? {}),
      ];
      expect(fields.length).toBeGreaterThanOrEqual(4);
      const visible = fields.map((p) => utf8(p.data)).join('\n');
      expect(visible).toContain(run.result.reportDate);
      expect(run.secrets.filter((s) => visible.includes(s))).toEqual([]);

      // Authorised readers, with the keys, see everything.
      const history = historyToJSON(await run.handle.fetchHistory());
      expect(run.result.artefacts?.subject).toMatch(/¥[\d.]+万/);
      const codecText = await decryptedTextOf(history, new AesGcmCodec(keys));
      expect(run.secrets.filter((s) => codecText.includes(s))).toEqual(run.secrets);

      // `runs list` without the keys still lists the run (and every other one), without its audit figures.
      const query = { from: run.result.reportDate, to: run.result.reportDate };
      const listedBlind = (await listRuns(plain.client, query)).find((r) => r.runId === run.result.runId);
      expect(listedBlind).toMatchObject({ outcome: 'sent', attempts: undefined });
      expect(listedBlind?.auditUnreadable).toMatch(/binary\/encrypted/);
      expect((await listRuns(plain.client, query)).find((r) => r.runId === control.result.runId)?.attempts).toBe(1);
      const listed = (await listRuns(encrypted.client, query)).find((r) => r.runId === run.result.runId);
      expect(listed).toMatchObject({ outcome: 'sent', attempts: 1 });
      expect(listed).not.toHaveProperty('auditUnreadable');

      // The codec server, called as the Web UI calls it: CORS preflight from the UI's origin, then POST /decode.
      const uiOrigin = 'http://127.0.0.1:8233';
      codec = await listenCodecServer({
        codec: new AesGcmCodec(keys),
        token: 'let-me-read',
        allowedOrigins: [uiOrigin],
        host: '127.0.0.1',
        port: 0,
      });
      const preflight = await fetch(`${codec.url}/decode`, {
        method: 'OPTIONS',
        headers: {
          Origin: uiOrigin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization,content-type,x-namespace',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-origin')).toBe(uiOrigin);
      expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');

      const resultEvent = (
        JSON.parse(historyToJSON(await raw.workflow.getHandle(run.handle.workflowId).fetchHistory())) as {
          events: { workflowExecutionCompletedEventAttributes?: { result: { payloads: unknown[] } } }[];
        }
      ).events.find((e) => e.workflowExecutionCompletedEventAttributes)!;
      const body = JSON.stringify({ payloads: resultEvent.workflowExecutionCompletedEventAttributes!.result.payloads });
      const headers = { Origin: uiOrigin, 'Content-Type': 'application/json', 'X-Namespace': 'default' };
      const denied = await fetch(`${codec.url}/decode`, { method: 'POST', headers, body });
      expect(denied.status).toBe(401);
      const answer = await fetch(`${codec.url}/decode`, {
        method: 'POST',
        headers: { ...headers, Authorization: 'Bearer let-me-read' },
        body,
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('access-control-allow-origin')).toBe(uiOrigin);
      const { payloads } = (await answer.json()) as { payloads: { data: string }[] };
      expect(Buffer.from(payloads[0]!.data, 'base64').toString('utf8')).toContain(run.result.artefacts!.subject);
      const foreign = await fetch(`${codec.url}/decode`, {
        method: 'POST',
        headers: { ...headers, Origin: 'http://evil.example', Authorization: 'Bearer let-me-read' },
        body,
      });
      expect(foreign.headers.get('access-control-allow-origin')).toBeNull();

      // The temporal CLI, pointed at the codec server, shows the decoded result too.
      const shown = await throughCodec('result', run.handle.workflowId);
      expect(shown).toContain(run.result.artefacts!.subject);
    });

    it('a failed run reads plainly in `sales-report runs show`; the Temporal CLI shows its failure as "Encoded failure"', async () => {
      const handle = await encrypted.start({ reportDate: '2026-13-45' });
      await encrypted.withWorker(handle.result().catch(() => undefined));
      codec ??= await listenCodecServer({
        codec: new AesGcmCodec(keys),
        token: 'let-me-read',
        allowedOrigins: [],
        host: '127.0.0.1',
        port: 0,
      });
      // The failure's message and stack are encrypted with the payloads. Through the codec the CLI's JSON has them
      // under failure.encodedAttributes; the failure itself, as its text output and the event list print it, says
      // only "Encoded failure".
      const described = await throughCodec('describe', handle.workflowId);
      expect(described).toContain('"failure":{"message":"Encoded failure"');
      expect(described).toContain('"encodedAttributes":{"message":"Sales report not started: Invalid workflow input');
      expect(described).toContain('reportDate \\"2026-13-45\\" is not a YYYY-MM-DD calendar date');

      const configPath = await writeConfig(encrypted.dir, encrypted.config);
      const show = await run('env', [
        `SALES_REPORT_ENCRYPTION_KEYS=${spec}`,
        process.execPath,
        '--require',
        'tsx/cjs',
        'cli/sales-report.ts',
        '--config',
        configPath,
        'runs',
        'show',
        handle.workflowId,
      ]);
      expect(show.code, show.stderr).toBe(0);
      expect(show.stdout).toMatch(/failure: Invalid workflow input: .*2026-13-45/);
      expect(show.stdout).not.toContain('Encoded failure');
    });
  });
});
