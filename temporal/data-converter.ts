import { extname, join } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import type { Config, Secrets } from '../config/config';
import { AesGcmCodec } from './encryption';

/** The module the worker (and the bundler) load the failure converter from: compiled in a build, else the source. */
export const FAILURE_CONVERTER_PATH = join(__dirname, `failure-converter${extname(__filename)}`);

/**
 * How every process of the product turns values into Temporal payloads and back: the worker, the CLI, the codec
 * server's callers and every client. With temporal.encryption.enabled, payloads are encrypted with the keys from the
 * environment.
 */
export function dataConverterFor(config: Config, secrets: Secrets): DataConverter {
  const encrypt = config.temporal.encryption.enabled;
  if (encrypt && !secrets.encryption) {
    throw new Error(
      'temporal.encryption.enabled is true but SALES_REPORT_ENCRYPTION_KEYS is not set: ' +
        'give "<key id>:<base64 32-byte key>" (generate one with: openssl rand -base64 32)',
    );
  }
  return {
    failureConverterPath: FAILURE_CONVERTER_PATH,
    ...(encrypt && secrets.encryption && { payloadCodecs: [new AesGcmCodec(secrets.encryption)] }),
  };
}
