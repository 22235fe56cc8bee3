import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';
import type { Config, Secrets } from '../config/config';

/** Address, TLS and API key for both the worker's NativeConnection and the client's Connection. */
export function temporalConnectionOptions(
  config: Config,
  secrets: Secrets,
): { address: string; tls?: TLSConfig | boolean; apiKey?: string } {
  const t = config.temporal;
  let tls: TLSConfig | boolean | undefined;
  if (t.tls.enabled) {
    const { serverName, serverRootCACertPath, clientCertPath, clientKeyPath } = t.tls;
    tls = {
      serverNameOverride: serverName,
      serverRootCACertificate: serverRootCACertPath ? readFileSync(serverRootCACertPath) : undefined,
      clientCertPair:
        clientCertPath && clientKeyPath
          ? { crt: readFileSync(clientCertPath), key: readFileSync(clientKeyPath) }
          : undefined,
    };
  } else if (secrets.temporalApiKey) {
    tls = true; // Temporal Cloud API keys require TLS.
  }
  return { address: t.address, tls, apiKey: secrets.temporalApiKey };
}
