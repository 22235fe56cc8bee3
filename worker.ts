import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from './activities';
import { createGpuProvider } from './gpu/providers';
import { lifecycleTaskQueue } from './gpu/lifecycle-queue';
import { ConfigError, loadConfig, secretsFromEnv, type Config, type Secrets } from './config/config';
import { createAlertMailer, createMailer } from './email/mailer';
import { workerIdentity } from './temporal/worker-configs';
import { createStore } from './store';
import { startPulse } from './temporal/report-pulse';
import { configFingerprint } from './config/fingerprint';
import { temporalConnectionOptions } from './temporal/connection';
import { dataConverterFor } from './temporal/data-converter';
import { missingSearchAttributes } from './temporal/setup';
import { unreadablePayloads } from './temporal/payload-check';
import { workflowCode } from './temporal/workflow-bundle';
import { installRuntime } from './temporal/runtime';
import { listenHealth } from './temporal/health';
import { postWebhook } from './alerts/webhooks';
import { hashedName } from './store/json-records';
import { hostname } from 'node:os';
import { reportDefinitions } from './report/definitions';
import { printerProblem } from './report/render/pdf';

/**
 * How long running activities get to finish after SIGINT/SIGTERM before they are handed back to the server. A
 * service manager must wait longer before it kills the process (deploy/: TimeoutStopSec, docker stop -t).
 */
export const SHUTDOWN_GRACE_SECONDS = 30;

export interface ReportWorkerOptions {
  config: Config;
  secrets: Secrets;
  connection: NativeConnection;
  /** A client on its own connection, for activities that ask the server about runs (the GPU reaper). */
  client: Client;
  /** Tests and the demo bundle once and pass the bundle; else the build's bundle, or bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

/** The workers of one process, run and stopped together. */
export interface ReportWorker {
  /** The task queues polled: the report queue, and this host's GPU queue for local-process. */
  taskQueues: string[];
  /** Each task queue's worker state (RUNNING while it polls): what /healthz reports. */
  states(): Record<string, string>;
  /** Until SIGINT/SIGTERM (installed by the SDK), then in-flight work is finished or handed back. */
  run(): Promise<void>;
  runUntil<R>(until: Promise<R>): Promise<R>;
}

/**
 * The report worker: workflows and activities on the configured task queue; with the local-process provider also
 * this host's GPU queue, where the pool starts, probes and stops the model server that only this host can reach.
 */
export async function createReportWorker(options: ReportWorkerOptions): Promise<ReportWorker> {
  const { config, secrets } = options;
  const activities = createActivities({
    config,
    secrets,
    gpuProvider: createGpuProvider(config),
    mailer: createMailer(config, secrets),
    alertMailer: createAlertMailer(config, secrets),
    store: createStore(config),
    temporal: options.client,
  });
  const common = {
    connection: options.connection,
    namespace: config.temporal.namespace,
    dataConverter: dataConverterFor(config, secrets),
    // Its config's fingerprint in what the server shows of it: two configs on one queue are seen (and told by mornings).
    identity: workerIdentity(config),
    // On SIGINT/SIGTERM running activities get this long to finish; after it they are cancelled and handed back
    // to the server, which retries them on another worker.
    shutdownGraceTime: `${SHUTDOWN_GRACE_SECONDS} seconds`,
  } satisfies Partial<WorkerOptions>;
  const workers = [
    await Worker.create({
      ...common,
      taskQueue: config.temporal.taskQueue,
      ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : workflowCode()),
      activities,
      maxConcurrentActivityTaskExecutions: config.worker.maxConcurrentActivities,
    }),
  ];
  const hostQueue = lifecycleTaskQueue(config);
  if (hostQueue) {
    // Only the instance's life: the host's worker takes no report work on this queue.
    const lifecycle = {
      startGpu: activities.startGpu.bind(activities),
      waitGpuReady: activities.waitGpuReady.bind(activities),
      stopGpu: activities.stopGpu.bind(activities),
      instancesGone: activities.instancesGone.bind(activities),
    };
    workers.push(await Worker.create({ ...common, taskQueue: hostQueue, activities: lifecycle }));
  }
  return {
    taskQueues: workers.map((w) => w.options.taskQueue),
    states: () => Object.fromEntries(workers.map((w) => [w.options.taskQueue, w.getState()])),
    run: async () => void (await Promise.all(workers.map((w) => w.run()))),
    // Every worker is shut down before this settles, also when `until` fails.
    runUntil: async (until) => {
      const [first, ...rest] = await Promise.allSettled(workers.map((w) => w.runUntil(until)));
      for (const r of [first, ...rest]) if (r?.status === 'rejected') throw r.reason;
      return (first as PromiseFulfilledResult<Awaited<typeof until>>).value;
    },
  };
}

/**
 * A worker that refuses to start tells ops by email and the chat robots, once per reason (a service manager restarts
 * it every few seconds): best effort, since what is wrong may be the very thing that stops the message.
 */
async function tellOpsWorkerRefused(config: Config, secrets: Secrets, reason: string): Promise<void> {
  const told = await createStore(config)
    .create(`alerts/worker-refused/${hashedName(reason)}.json`, JSON.stringify({ host: hostname(), reason }))
    .catch(() => true);
  if (!told) return;
  const subject = `[WORKER REFUSED] ${hostname()}: cannot read the runs on task queue "${config.temporal.taskQueue}"`;
  const text = `${reason}\n\nThe worker did not start and took no task. Give it the namespace's keys (SALES_REPORT_ENCRYPTION_KEYS, the one the other workers encrypt with first) and start it again.`;
  const message = { subject, text, link: config.temporal.uiUrl };
  await (createAlertMailer(config, secrets) ?? createMailer(config, secrets))
    .sendMail({ from: config.email.from, to: config.email.alertTo, subject, text })
    .catch((err: unknown) => console.error(`alert email not sent: ${(err as Error).message}`));
  for (const hook of config.alerts.webhooks) {
    const secret = hook.secretEnv ? process.env[hook.secretEnv] : undefined;
    await postWebhook({ kind: hook.kind, url: hook.url, secret }, message, config.alerts.timeoutSeconds * 1000).catch(
      (err: unknown) => console.error(`alert webhook (${hook.kind}) not posted: ${(err as Error).message}`),
    );
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const secrets = secretsFromEnv(process.env);
  const printing = reportDefinitions(config).filter((d) => d.pdf);
  const printer = printing.length > 0 ? await printerProblem() : undefined;
  if (printer)
    throw new ConfigError('report.pdf', [
      `${printing.map((d) => d.id).join(', ')} ${printing.length === 1 ? 'asks' : 'ask'} for a PDF (report.pdf / reports[].pdf), but headless Chromium cannot start on this host: ${printer}`,
    ]);
  installRuntime(config.worker);
  const log = Runtime.instance().logger;
  const connection = await NativeConnection.connect(temporalConnectionOptions(config, secrets));
  const clientConnection = await Connection.connect(temporalConnectionOptions(config, secrets));
  try {
    // Where the namespace cannot be asked (a restricted Cloud key), the runs' own tasks will say so instead.
    const missing = await missingSearchAttributes(clientConnection, config.temporal.namespace).catch(() => []);
    if (missing.length > 0) {
      throw new ConfigError(config.temporal.namespace, [
        `namespace "${config.temporal.namespace}" lacks the search attributes ${missing.join(', ')}: run "sales-report setup" once (Temporal Cloud: add them as Keyword attributes)`,
      ]);
    }
    // A worker that cannot read its task queue's runs (a key the others encrypt with is missing here) would stall on
    // every run it takes: it says so, tells ops once, and takes none.
    const payloadCheck = () =>
      unreadablePayloads(
        clientConnection,
        config.temporal.namespace,
        config.temporal.taskQueue,
        config.temporal.encryption.enabled ? secrets.encryption : undefined,
      );
    const unreadable = await payloadCheck().catch(() => undefined);
    if (unreadable) {
      await tellOpsWorkerRefused(config, secrets, unreadable);
      throw new ConfigError('encryption keys', [`this worker cannot read the runs it would take: ${unreadable}`]);
    }
    const client = new Client({
      connection: clientConnection,
      namespace: config.temporal.namespace,
      dataConverter: dataConverterFor(config, secrets),
    });
    const worker = await createReportWorker({ config, secrets, connection, client });
    const health =
      config.worker.healthAddress === undefined
        ? undefined
        : await listenHealth(config.worker.healthAddress, {
            workerStates: () => worker.states(),
            unreadablePayloads: payloadCheck,
            payloadCheckSeconds: 60,
          });
    // The dead man's switch reads these from outside (deploy/prometheus/): what the server says is due and sent.
    const stopPulse = config.worker.metricsAddress
      ? startPulse({ client, config, store: createStore(config), meter: Runtime.instance().metricMeter }, (m, a) => {
          log.warn(m, a);
        })
      : undefined;
    log.info('worker started', {
      temporalAddress: config.temporal.address,
      namespace: config.temporal.namespace,
      taskQueues: worker.taskQueues,
      gpuProvider: config.gpu.provider,
      // Workers of one task queue should say the same: two at once mean two plans (a rollout half done).
      configFingerprint: configFingerprint(config),
      workflowCode: 'workflowBundle' in workflowCode() ? 'prebuilt bundle' : 'bundled at start',
      startSeconds: Math.round(process.uptime() * 10) / 10,
      ...(config.worker.metricsAddress && { metrics: `http://${config.worker.metricsAddress}/metrics` }),
      ...(config.worker.healthAddress && { health: `http://${config.worker.healthAddress}/healthz` }),
    });
    try {
      await worker.run();
    } finally {
      stopPulse?.();
      health?.close();
    }
  } finally {
    await connection.close();
    await clientConnection.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
  });
}
