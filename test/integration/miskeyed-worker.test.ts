import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { parseEncryptionKeys } from '../../config/encryption-keys';
import { startWorkerProcess, writeConfig } from '../helpers/cli';
import { REPORT_DATE, withHarness } from '../helpers/harness';

const key = (id: string, fill: number) => `${id}:${Buffer.alloc(32, fill).toString('base64')}`;

describe('a worker that cannot read the namespace’s payloads', () => {
  it('says so at start, tells ops once, exits non-zero and takes no task', () =>
    withHarness(
      {
        config: { temporal: { encryption: { enabled: true } } },
        // The other workers (and the client that starts runs) encrypt with k2.
        secrets: { encryption: parseEncryptionKeys(key('k2', 2)) },
      },
      async (h) => {
        const handle = await h.start({ reportDate: REPORT_DATE });
        const configPath = await writeConfig(h.dir, h.config);
        // This worker has only the old key k1.
        const env = { ...process.env, SALES_REPORT_ENCRYPTION_KEYS: key('k1', 1) };
        const refused = async () => {
          const worker = startWorkerProcess(configPath, { env });
          const timer = setTimeout(() => worker.kill('SIGKILL'), 60_000);
          const [code] = (await once(worker, 'exit')) as [number | null];
          clearTimeout(timer);
          return code;
        };
        expect(await refused()).toBe(1);
        const [alert] = await h.sink.waitForMessages(1, 10_000);
        expect(alert!.envelope.to).toEqual(['ops@example.com']);
        expect(alert!.parsed.subject).toMatch(/^\[WORKER REFUSED\] .*: cannot read the runs on task queue/);
        expect(alert!.parsed.text).toContain(
          'encrypted with key "k2", which SALES_REPORT_ENCRYPTION_KEYS here does not list (it lists k1)',
        );
        // It took no task: the run is as it was started.
        const history = await handle.fetchHistory();
        expect(history.events?.some((e) => e.workflowTaskStartedEventAttributes)).toBe(false);
        // Restarted by a service manager, it refuses again, without telling ops a second time.
        expect(await refused()).toBe(1);
        expect(h.sink.messages).toHaveLength(1);
        await handle.terminate('test over');
      },
    ));
});
