import type { Command } from 'commander';
import { secretsFromEnv } from '../../config/config';
import { listenCodecServer } from '../../temporal/codec-server';
import { AesGcmCodec } from '../../temporal/encryption';
import { UsageError, type CliContext } from '../context';

export function codecServerCommand(program: Command, context: () => CliContext): void {
  program
    .command('codec-server')
    .description('decrypt payloads for the Temporal Web UI and the temporal CLI (keys from the environment)')
    .option('--host <address>', 'listen address', '127.0.0.1')
    .option('--port <port>', 'listen port', '8888')
    .option('--allow-origin <url...>', 'browser origins allowed to call it (default: the origin of temporal.uiUrl)')
    .action(async (options: { host: string; port: string; allowOrigin?: string[] }) => {
      const ctx = context();
      const secrets = secretsFromEnv(process.env);
      if (!secrets.encryption) {
        throw new UsageError('nothing to decrypt with: set SALES_REPORT_ENCRYPTION_KEYS (the keys the workers use)');
      }
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: "${options.port}"`);
      const allowedOrigins = (options.allowOrigin ?? [ctx.config.temporal.uiUrl]).map((u) => new URL(u).origin);
      const server = await listenCodecServer({
        codec: new AesGcmCodec(secrets.encryption),
        token: secrets.codecToken,
        allowedOrigins,
        host: options.host,
        port,
      });
      console.log(
        `codec server on ${server.url} (keys: ${[...secrets.encryption.keys.keys()].join(', ')}; ` +
          `origins: ${allowedOrigins.join(', ')}; token ${secrets.codecToken ? 'required' : 'not required'})`,
      );
      console.log(`Web UI: set its codec endpoint to ${server.url}; CLI: temporal … --codec-endpoint ${server.url}`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
    });
}
