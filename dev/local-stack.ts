import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { parseConfig, secretsFromEnv, type Config, type Secrets } from '../config/config';
import { createGpuProvider } from '../gpu/providers';
import { InstanceLedger } from '../gpu/ledger';
import { listenCodecServer, type RunningCodecServer } from '../temporal/codec-server';
import { createStore, type Store } from '../store';
import { dataConverterFor } from '../temporal/data-converter';
import { AesGcmCodec } from '../temporal/encryption';
import { createReportWorker } from '../worker';
import { startDevServer, type DevServer } from './dev-server';
import { freePortRange } from './free-port';
import { simulatorArgs, REPO_ROOT } from './simulator/launch';
import { startSmtpSink, type SmtpSink, type SmtpSinkOptions } from './smtp-sink';
import type { TemporalCli } from './temporal-cli';

export type ConfigPatch<T = Config> = {
  [K in keyof T]?: NonNullable<T[K]> extends unknown[]
    ? T[K]
    : NonNullable<T[K]> extends object
      ? ConfigPatch<NonNullable<T[K]>>
      : T[K];
};

export interface LocalStackOptions {
  /** Where the store (archive, sent-records, GPU ledger) and this host's GPU logs go. */
  dir: string;
  /**
   * A dev server that already runs (the tests share one), or one to start here, with its Web UI if uiPort is set.
   * With payload encryption on and a UI, a codec server is started too and the UI decodes through it.
   */
  temporal?: { address: string } | { uiPort?: number; cli?: TemporalCli };
  smtp?: SmtpSinkOptions;
  /** Extra simulator switches for the local-process "GPU": boot delay, token rate, faults. */
  simulator?: string[];
  /** Overrides on top of the local defaults, validated like any config. */
  config?: ConfigPatch;
  secrets?: Secrets;
  /** Workflow code bundled once (tests); without it each worker bundles at start. */
  workflowBundle?: { code: string };
}

export interface LocalStack {
  config: Config;
  /** The configured store: what the workers archive and record in. */
  store: Store;
  sink: SmtpSink;
  client: Client;
  /** The dev server this stack started, if it started one. */
  server?: DevServer;
  /** The codec server the stack's Web UI decodes through, when it started one. */
  codecServer?: RunningCodecServer;
  /**
   * Runs a real report worker until `until` settles, then shuts it down; returns what `until` gave. Given a function,
   * calls it once the worker is created (bundled), so what it measures does not include the worker's start.
   */
  runWorker<T>(until: Promise<T> | (() => Promise<T>)): Promise<T>;
  /** Stops the worker-less parts: GPU processes still in the ledger, the client, the sink, a dev server it started. */
  close(): Promise<void>;
}

/** `patch` laid over `base`, object by object; arrays and scalars in the patch replace. */
export function mergePatch<T>(base: T, patch: unknown): T {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return (patch ?? base) as T;
  const out = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) out[k] = mergePatch(out[k], v);
  return out as T;
}

/**
 * The whole product on one machine, on loopback: a Temporal dev server, an SMTP sink, the vLLM simulator started as
 * the "GPU" by the local-process provider, and report workers. The demo, the tests and the benchmark all run on it.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const cleanups: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const step of cleanups.splice(0).reverse()) await step().catch(() => undefined);
  };
  try {
    await mkdir(options.dir, { recursive: true });
    const temporal = options.temporal ?? {};
    const secrets = options.secrets ?? secretsFromEnv(process.env);
    let server: DevServer | undefined;
    let codecServer: RunningCodecServer | undefined;
    if (!('address' in temporal)) {
      if (temporal.uiPort !== undefined && secrets.encryption) {
        const ui = (host: string) => `http://${host}:${temporal.uiPort}`;
        codecServer = await listenCodecServer({
          codec: new AesGcmCodec(secrets.encryption),
          token: secrets.codecToken,
          allowedOrigins: [ui('127.0.0.1'), ui('localhost')],
          host: '127.0.0.1',
          port: 0,
        });
        cleanups.push(() => codecServer!.close());
      }
      server = await startDevServer({ ...temporal, uiCodecEndpoint: codecServer?.url });
      cleanups.push(() => server!.stop());
    }
    const sink = await startSmtpSink(options.smtp);
    cleanups.push(() => sink.close());

    const local = {
      temporal: { address: server?.address ?? (temporal as { address: string }).address, uiUrl: server?.uiUrl },
      gpu: {
        provider: 'local-process',
        stateDir: join(options.dir, 'gpu'),
        pollIntervalSeconds: 0.2,
        localProcess: {
          command: process.execPath,
          args: simulatorArgs(options.simulator),
          cwd: REPO_ROOT,
          // Below the ephemeral range: a fleet's servers start minutes later, on ports an outgoing connection may
          // have taken meanwhile (dev/free-port.ts).
          port: await freePortRange(options.config?.gpu?.pool?.maxInstances ?? 1),
        },
      },
      email: { smtp: { port: sink.port } },
      store: { kind: 'local', dir: join(options.dir, 'store') },
    };
    const config = parseConfig(mergePatch(local, options.config), 'local stack');
    const store = createStore(config);

    const connection = await Connection.connect({ address: config.temporal.address });
    cleanups.push(() => connection.close());
    const client = new Client({
      connection,
      namespace: config.temporal.namespace,
      dataConverter: dataConverterFor(config, secrets),
    });
    // Like the reaper, but at once: a run that failed or was abandoned must not leave its simulator running.
    cleanups.push(async () => {
      const provider = createGpuProvider(config);
      const ledger = new InstanceLedger(store);
      for (const entry of await ledger.live()) if (entry.instanceId) await provider.stop(entry);
    });

    return {
      config,
      store,
      sink,
      client,
      server,
      codecServer,
      async runWorker(until) {
        const workerConnection = await NativeConnection.connect({ address: config.temporal.address });
        try {
          const worker = await createReportWorker({
            config,
            secrets,
            connection: workerConnection,
            client,
            workflowBundle: options.workflowBundle,
          });
          return await worker.runUntil(typeof until === 'function' ? until() : until);
        } finally {
          await workerConnection.close();
        }
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
