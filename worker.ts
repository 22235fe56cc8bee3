import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from './activities';
import { createGpuProvider } from './gpu/providers';
import { ConfigError, loadConfig, secretsFromEnv, type Config, type Secrets } from './config/config';
import { createMailer } from './email/mailer';
import { createStore } from './store';
import { temporalConnectionOptions } from './temporal/connection';
import { dataConverterFor } from './temporal/data-converter';
import { missingSearchAttributes } from './temporal/setup';

export interface ReportWorkerOptions {
  config: Config;
  secrets: Secrets;
  connection: NativeConnection;
  /** A client on its own connection, for activities that ask the server about runs (the GPU reaper). */
  client: Client;
  /** Tests and the demo bundle once and pass the bundle; otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

/** The report worker: workflows and activities on the configured task queue. */
export async function createReportWorker(options: ReportWorkerOptions): Promise<Worker> {
  const { config, secrets } = options;
  const activities = createActivities({
    config,
    secrets,
    gpuProvider: createGpuProvider(config),
    mailer: createMailer(config, secrets),
    store: createStore(config),
    temporal: options.client,
  });
  return Worker.create({
    connection: options.connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: require.resolve('./workflows') }),
    activities,
    dataConverter: dataConverterFor(config, secrets),
    // On SIGINT/SIGTERM running activities get this long to finish; after it they are cancelled and handed back
    // to the server, which retries them on another worker.
    shutdownGraceTime: '30 seconds',
  });
}

async function main(): Promise<void> {
  const config = loadConfig();
  const secrets = secretsFromEnv(process.env);
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
    const client = new Client({
      connection: clientConnection,
      namespace: config.temporal.namespace,
      dataConverter: dataConverterFor(config, secrets),
    });
    const worker = await createReportWorker({ config, secrets, connection, client });
    console.log(
      `worker: connected to ${config.temporal.address} namespace "${config.temporal.namespace}", ` +
        `task queue "${config.temporal.taskQueue}", GPU provider ${config.gpu.provider}`,
    );
    // Worker.run resolves after SIGINT/SIGTERM (installed by the SDK) once in-flight work is done or handed back.
    await worker.run();
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
