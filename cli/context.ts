import { Client, Connection } from '@temporalio/client';
import { configPathFrom, loadConfigFile, secretsFromEnv, type Config } from '../config/config';
import { temporalConnectionOptions } from '../temporal/connection';
import { dataConverterFor } from '../temporal/data-converter';

/** A mistake in how the command was called: exit code 2. */
export class UsageError extends Error {}

export interface GlobalOptions {
  config?: string;
  verbose?: boolean;
}

/** Config and a Temporal client, opened on first use and closed once when the command ends. */
export class CliContext {
  private connection?: Connection;
  private loaded?: Config;

  constructor(private readonly options: GlobalOptions) {}

  get config(): Config {
    this.loaded ??= loadConfigFile(this.options.config ?? configPathFrom([], process.env));
    return this.loaded;
  }

  async client(): Promise<Client> {
    const secrets = secretsFromEnv(process.env);
    if (!this.connection) {
      const options = temporalConnectionOptions(this.config, secrets);
      try {
        this.connection = await Connection.connect({ ...options, connectTimeout: '10s' });
      } catch (err) {
        throw new Error(`cannot reach Temporal at ${options.address}: ${(err as Error).message}`);
      }
    }
    return new Client({
      connection: this.connection,
      namespace: this.config.temporal.namespace,
      dataConverter: dataConverterFor(this.config, secrets),
    });
  }

  async rawConnection(): Promise<Connection> {
    await this.client();
    return this.connection!;
  }

  async close(): Promise<void> {
    await this.connection?.close();
  }

  /** Prints `data` as JSON when the command was given --json, else the human rendering. */
  print(data: unknown, human: () => string, json = false): void {
    console.log(json ? JSON.stringify(data, null, 2) : human());
  }
}
